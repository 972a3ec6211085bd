/// The complete, validated runtime contract of one Pod (DESIGN.md §4). Only
/// `PodManifestBuilder` makes one; its canonical JSON is the snapshot a Pod stores, and the
/// sha256 of that text is its digest.
public struct PodManifest: Sendable, Hashable {
  /// Every section, typed, with defaults filled in.
  public let sections: ManifestSections
  /// The document: `sections` encoded, or for a stored snapshot the text as stored (one from
  /// an older yoi may lack fields added since; `sections` has their defaults).
  public let json: JSONObject
  /// The compact canonical JSON the digest is taken over.
  public let canonicalJSON: String
  /// Lowercase hex sha256 of `canonicalJSON`.
  public let digest: String

  /// A manifest of `sections`, which the builder validated (or a narrowing of a validated
  /// manifest made in this module): nothing outside it constructs one.
  init(sections: ManifestSections) {
    self.sections = sections
    guard case .object(let json) = JSONCoding.encode(sections, nils: .null) else { preconditionFailure("a manifest encodes as an object") }
    self.json = json
    self.canonicalJSON = CanonicalJSON.compact(.object(json))
    self.digest = SHA256.hex(canonicalJSON.utf8)
  }

  /// Why a stored snapshot cannot be used.
  public enum SnapshotProblem: Error, Sendable, CustomStringConvertible {
    case digestMismatch(expected: String, actual: String)
    case unreadable(String)
    case notCanonical

    public var description: String {
      switch self {
      case .digestMismatch(let expected, let actual): "its sha256 is \(actual), but the store recorded \(expected): the snapshot was altered"
      case .unreadable(let reason): "it is not a readable manifest (\(reason))"
      case .notCanonical: "it is not in canonical form, so it was not written by yoi"
      }
    }
  }

  /// A manifest loaded verbatim from a stored snapshot: the text must hash to `digest` and be
  /// exactly the canonical JSON of what it contains. Nothing is re-evaluated.
  /// - Throws: `SnapshotProblem`.
  public init(snapshot text: String, digest: String) throws(SnapshotProblem) {
    let actual = SHA256.hex(text.utf8)
    guard actual == digest else { throw .digestMismatch(expected: digest, actual: actual) }
    let value: JSONValue
    do {
      value = try JSONParser.parse(text)
    } catch {
      throw .unreadable(error.description)
    }
    guard case .object(let object) = value else { throw .unreadable("not an object") }
    guard CanonicalJSON.compact(value) == text else { throw .notCanonical }
    do {
      sections = try JSONCoding.decode(ManifestSections.self, from: .object(ConfigSchema.completingSnapshot(object)))
    } catch {
      throw .unreadable(error.description)
    }
    json = object
    canonicalJSON = text
    self.digest = digest
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
  public var podName: String { sections.pod.name }
}
