import YoiDiagnostics
import YoiManifest

/// A readable summary of a manifest: model, instruction, features, compaction, scope intent,
/// secret references. Used by `profile show`, trust confirmations and the new-Pod dialog.
public struct ManifestSummary: Sendable {
  public let manifest: PodManifest

  public init(_ manifest: PodManifest) {
    self.manifest = manifest
  }

  /// The catalog ref, or for an inline model its id and scheme.
  public var model: String {
    string("model.ref") ?? string("model.model_id").map { "\($0) (\(string("model.scheme") ?? "?"))" } ?? "?"
  }
  public var instruction: String { string("worker.instruction") ?? "?" }

  /// Enabled features, in manifest order.
  public var features: [String] {
    guard case .object(let features)? = manifest[path: "feature"] else { return [] }
    return features.compactMap { member in
      if case .object(let flags) = member.value, flags["enabled"] == .bool(true) { return member.key }
      return nil
    }
  }

  /// Every secret reference (model auth and `*_secret` fields), never a value.
  public var secretReferences: [String] {
    var found: [String] = []
    func walk(_ value: JSONValue, key: String) {
      switch value {
      case .object(let object):
        if object["kind"] == .string("secret_ref"), case .string(let ref)? = object["ref"] { found.append(ref) }
        for member in object { walk(member.value, key: member.key) }
      case .array(let items): items.forEach { walk($0, key: key) }
      case .string(let text) where key.hasSuffix("_secret"): found.append(text)
      default: break
      }
    }
    walk(.object(manifest.json), key: "")
    return found
  }

  /// One line per aspect. Values a user must judge before trusting a profile (the endpoint
  /// that receives the key, the secret references, the instruction) are quoted and escaped:
  /// a profile's string cannot break the line and pass for another field.
  public var lines: [String] {
    let endpoint = string("model.base_url").map(TerminalText.quoted) ?? "no endpoint"
    var lines = [
      "model:       \(TerminalText.quoted(model)) at \(endpoint)",
      "instruction: \(TerminalText.quoted(instruction))",
      "features:    \(features.isEmpty ? "none" : features.joined(separator: ", "))",
      "scope:       \(rules("scope"))",
      "delegation:  \(rules("delegation_scope"))",
      "secrets:     \(secretReferences.isEmpty ? "none" : secretReferences.map(TerminalText.quoted).joined(separator: ", "))",
    ]
    if case .object(let compaction)? = manifest[path: "compaction"] {
      let threshold = compaction["threshold"].map(Self.text) ?? "-"
      let request = compaction["request_threshold"].map(Self.text) ?? "-"
      lines.append("compaction:  threshold \(threshold), request \(request) tokens")
    } else {
      lines.append("compaction:  off")
    }
    return lines
  }

  /// `write /w, deny write /w/.git` style.
  public func rules(_ section: String) -> String {
    var parts: [String] = []
    for (list, prefix) in [("allow", ""), ("deny", "deny ")] {
      guard case .array(let items)? = manifest[path: "\(section).\(list)"] else { continue }
      for item in items {
        if case .object(let rule) = item, case .string(let target)? = rule["target"], case .string(let permission)? = rule["permission"] {
          parts.append("\(prefix)\(permission) \(TerminalText.inline(target))")
        }
      }
    }
    return parts.isEmpty ? "none" : parts.joined(separator: ", ")
  }

  private func string(_ path: String) -> String? {
    if case .string(let text)? = manifest[path: path] { return text }
    return nil
  }

  static func text(_ value: JSONValue) -> String {
    switch value {
    case .integer(let number): String(number)
    case .string(let text): text
    case .null: "-"
    default: CanonicalJSON.compact(value)
    }
  }
}
