/// Lexical path handling (no file system access): joining and normalising absolute paths.
public enum PathLexer {
  /// `base` joined with the relative `path`, normalised (`.` and `..` resolved lexically).
  public static func join(_ base: String, _ path: String) -> String {
    normalize(path.hasPrefix("/") ? path : base + "/" + path)
  }

  /// An absolute path without `.`/`..` components, duplicate or trailing slashes.
  public static func normalize(_ path: String) -> String {
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
