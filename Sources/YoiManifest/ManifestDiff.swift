import YoiDiagnostics

/// A field-level diff of two manifests: every leaf path whose value differs. Lists compare
/// as whole values (a changed list shows both lists).
public struct ManifestDiff: Sendable {
  /// One differing field.
  public struct Change: Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var old: JSONValue?
    public var new: JSONValue?

    public var description: String {
      switch (old, new) {
      case (let old?, let new?): "~ \(path): \(CanonicalJSON.compact(old)) -> \(CanonicalJSON.compact(new))"
      case (let old?, nil): "- \(path): \(CanonicalJSON.compact(old))"
      case (nil, let new?): "+ \(path): \(CanonicalJSON.compact(new))"
      case (nil, nil): "  \(path)"
      }
    }
  }

  public let changes: [Change]

  public init(from old: PodManifest, to new: PodManifest) {
    self.init(from: .object(old.json), to: .object(new.json))
  }

  public init(from old: JSONValue, to new: JSONValue) {
    let before = Self.flatten(old), after = Self.flatten(new)
    let paths = Set(before.keys).union(after.keys).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    changes = paths.compactMap { path in
      before[path] == after[path] ? nil : Change(path: path, old: before[path], new: after[path])
    }
  }

  /// Whether any change touches a path starting with one of `prefixes`.
  public func touches(_ prefixes: [String]) -> [Change] {
    changes.filter { change in prefixes.contains { change.path == $0 || change.path.hasPrefix($0 + ".") } }
  }

  static func flatten(_ value: JSONValue, path: String = "", into out: inout [String: JSONValue]) {
    if case .object(let object) = value, !object.isEmpty {
      for member in object {
        flatten(member.value, path: KeyPath.join(path, member.key), into: &out)
      }
    } else {
      out[path] = value
    }
  }

  static func flatten(_ value: JSONValue) -> [String: JSONValue] {
    var out: [String: JSONValue] = [:]
    flatten(value, into: &out)
    return out
  }
}
