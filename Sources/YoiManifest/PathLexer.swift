/// Lexical path handling (no file system access): joining and normalising absolute paths.
public enum PathLexer {
  /// `base` joined with the relative `path`, normalised (`.` and `..` resolved lexically).
  public static func join(_ base: String, _ path: String) -> String {
    normalize(path.hasPrefix("/") ? path : base + "/" + path)
  }

  /// An absolute path without `.`/`..` components, duplicate or trailing slashes.
  public static func normalize(_ path: String) -> String {
    if isNormal(path) { return path }  // the common case, checked on bytes
    var parts: [Substring] = []
    for part in path.split(separator: "/") {
      switch part {
      case ".": continue
      case "..": if !parts.isEmpty { parts.removeLast() }
      default: parts.append(part)
      }
    }
    return "/" + parts.joined(separator: "/")
  }

  /// Absolute, with no empty, `.` or `..` components and no trailing slash (or exactly `/`).
  private static func isNormal(_ path: String) -> Bool {
    var path = path
    return path.withUTF8 { bytes in
      guard bytes.first == UInt8(ascii: "/") else { return false }
      if bytes.count == 1 { return true }
      var componentStart = 1
      for index in 1...bytes.count {
        guard index == bytes.count || bytes[index] == UInt8(ascii: "/") else { continue }
        switch index - componentStart {
        case 0: return false  // empty: `//` or a trailing slash
        case 1 where bytes[componentStart] == UInt8(ascii: "."): return false
        case 2 where bytes[componentStart] == UInt8(ascii: ".") && bytes[componentStart + 1] == UInt8(ascii: "."): return false
        default: componentStart = index + 1
        }
      }
      return true
    }
  }

  /// Whether `path` is `directory` or below it.
  public static func isInside(_ path: String, directory: String) -> Bool {
    path == directory || path.hasPrefix(directory == "/" ? "/" : directory + "/")
  }

  /// The last component (`/a/b.lua` → `b.lua`).
  public static func basename(_ path: String) -> String {
    String(path.split(separator: "/").last ?? "")
  }

  /// All but the last component (`/a/b.lua` → `/a`).
  public static func dirname(_ path: String) -> String {
    let parts = path.split(separator: "/").dropLast()
    return "/" + parts.joined(separator: "/")
  }
}
