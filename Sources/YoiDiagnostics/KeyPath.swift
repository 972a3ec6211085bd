/// How yoi writes the place of a value in a configuration: `worker.max_turns`,
/// `skills.directories[2]`, `models["openai/gpt-5.1"].context_window`. The one renderer for the
/// Lua value reader, the config decoder, the TOML files and manifest diffs, and the one parser
/// that finds a rendered path's keys again (to point at its line in a source file).
///
/// A key made only of ASCII letters, digits, `_` and `-` is written bare after a dot; any
/// other key is quoted in brackets with `"`, `\` and non-printable or non-ASCII bytes escaped,
/// so look-alike keys (`"\xC3\xA9"` and `"e\xCC\x81"`) read differently.
public enum KeyPath {
  /// `path` followed by the member `key`.
  public static func join(_ path: String, _ key: String) -> String {
    guard isBare(key) else { return path + "[" + quoted(key) + "]" }
    return path.isEmpty ? key : path + "." + key
  }

  /// `path` followed by the 1-based list position `position`.
  public static func index(_ path: String, _ position: Int64) -> String {
    path + "[" + String(position) + "]"
  }

  /// A key as a quoted literal, bytes outside printable ASCII as `\xHH`.
  public static func quoted(_ key: String) -> String {
    var out = "\""
    for byte in key.utf8 {
      switch byte {
      case UInt8(ascii: "\""): out += "\\\""
      case UInt8(ascii: "\\"): out += "\\\\"
      case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(byte))
      default: out += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
      }
    }
    return out + "\""
  }

  /// The member keys of a rendered path, list positions left out:
  /// `a.b[2]["c d"]` → `["a", "b", "c d"]`.
  public static func keys(_ path: String) -> [String] {
    let bytes = Array(path.utf8)
    var keys: [String] = []
    var index = 0
    var bare: [UInt8] = []
    func endBare() {
      if !bare.isEmpty { keys.append(String(decoding: bare, as: UTF8.self)) }
      bare.removeAll()
    }
    while index < bytes.count {
      switch bytes[index] {
      case UInt8(ascii: "."):
        endBare()
        index += 1
      case UInt8(ascii: "[") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\""):
        endBare()
        index += 2
        var key: [UInt8] = []
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
          if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count {
            if bytes[index + 1] == UInt8(ascii: "x"), index + 3 < bytes.count,
              let value = UInt8(String(decoding: bytes[index + 2...index + 3], as: UTF8.self), radix: 16)
            {
              key.append(value)
              index += 4
            } else {
              key.append(bytes[index + 1])
              index += 2
            }
          } else {
            key.append(bytes[index])
            index += 1
          }
        }
        keys.append(String(decoding: key, as: UTF8.self))
        index += 2  // the closing quote and bracket
      case UInt8(ascii: "["):
        endBare()
        while index < bytes.count, bytes[index] != UInt8(ascii: "]") { index += 1 }
        index += 1
      default:
        bare.append(bytes[index])
        index += 1
      }
    }
    endBare()
    return keys
  }

  private static func isBare(_ key: String) -> Bool {
    var key = key
    return key.withUTF8 { bytes in
      !bytes.isEmpty && bytes.allSatisfy { bareBytes[Int($0)] }
    }
  }

  /// ASCII letters, digits, `_` and `-`, by byte value.
  private static let bareBytes: [Bool] = (0..<256).map { byte in
    switch UInt8(byte) {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"),
      UInt8(ascii: "-"):
      true
    default: false
    }
  }
}
