/// The complete, validated runtime contract of one Pod (DESIGN.md §4). Only
/// `PodManifestBuilder` makes one; its canonical JSON is the snapshot a Pod stores, and the
/// sha256 of that text is its digest.
public struct PodManifest: Sendable, Hashable {
  /// Every section, with defaults filled in.
  public let json: JSONObject
  /// The compact canonical JSON the digest is taken over.
  public let canonicalJSON: String
  /// Lowercase hex sha256 of `canonicalJSON`.
  public let digest: String

  init(json: JSONObject) {
    self.json = json
    self.canonicalJSON = CanonicalJSON.compact(.object(json))
    self.digest = SHA256.hex(canonicalJSON.utf8)
  }

  /// The pretty form for people (same content, same key order).
  public var prettyJSON: String { CanonicalJSON.pretty(.object(json)) }

  /// The value at a dotted path such as `model.ref`, or nil.
  public subscript(path path: String) -> JSONValue? {
    var current: JSONValue = .object(json)
    for key in path.split(separator: ".") {
      guard case .object(let object) = current, let next = object[String(key)] else { return nil }
      current = next
    }
    return current
  }

  /// The Pod's name.
  public var podName: String {
    if case .string(let name)? = self[path: "pod.name"] { return name }
    return ""
  }
}
