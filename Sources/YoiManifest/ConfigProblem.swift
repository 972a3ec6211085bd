import YoiDiagnostics
/// One problem in a configuration, at a key path such as `worker.max_turns`.
public struct ConfigProblem: Sendable, Hashable {
  public var path: String
  public var message: String
  public var help: [String]
  /// The problem is a plaintext secret: its value must be redacted wherever the line is shown.
  public var isSecret: Bool

  public init(path: String, message: String, help: [String] = [], isSecret: Bool = false) {
    self.path = path
    self.message = message
    self.help = help
    self.isSecret = isSecret
  }

  /// `path: message`, the way diagnostics print it.
  public var text: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// Spotting plaintext secrets in configuration values (DESIGN.md §3).
public enum SecretHeuristics {
  /// Keys whose string values are secrets (the one list, shared with redaction).
  public static var secretKeys: Set<String> { SecretRedaction.secretKeys }
  /// Prefixes of well-known credential formats (the one list, shared with redaction).
  public static var secretPrefixes: [String] { SecretRedaction.prefixes }

  /// Whether `value` under `key` looks like a plaintext secret.
  public static func isPlaintextSecret(key: String, value: String) -> Bool {
    // Asked for every string of a profile: bytes, and a lowercased copy only of a key that
    // may have capitals (non-ASCII too: the Kelvin sign lowercases to "k").
    let lowered = key.utf8.contains { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || $0 >= 0x80 } ? key.lowercased() : key
    return secretKeys.contains(lowered) || hasSecretPrefix(value)
  }

  /// Whether `value` starts like a well-known credential (`sk-`, `ghp_`, ...), compared on bytes.
  public static func hasSecretPrefix(_ value: String) -> Bool {
    secretPrefixes.contains { value.utf8.starts(with: $0.utf8) }
  }

  /// Whether `id` is a valid secret id: 1–128 of `[A-Za-z0-9._/-]`, no empty, `.`, `..` parts.
  public static func isValidSecretID(_ id: String) -> Bool {
    guard (1...128).contains(id.utf8.count),
      id.utf8.allSatisfy({ isIDByte($0) })
    else { return false }
    return id.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
  }

  private static func isIDByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
      UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "/"), UInt8(ascii: "-"):
      true
    default: false
    }
  }
}
