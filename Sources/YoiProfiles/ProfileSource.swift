public import YoiDiagnostics
public import Foundation
import YoiLua
import YoiManifest

/// Where a profile's Lua comes from.
public struct ProfileSource: Sendable, Hashable {
  public enum Origin: Sendable, Hashable {
    /// A builtin profile by name.
    case builtin(String)
    /// A file at an absolute path.
    case file(String)
  }

  public var origin: Origin
  /// The text that was evaluated.
  public var text: String
  /// The path diagnostics show (relative to the working directory where possible).
  public var displayPath: String

  /// The builtin `name`.
  public static func builtin(_ name: String) -> ProfileSource? {
    guard let chunk = BuiltinProfiles.chunk(name) else { return nil }
    return ProfileSource(origin: .builtin(name), text: chunk.text, displayPath: chunk.displayName)
  }

  /// A file's text already in memory (`path` absolute; local modules resolve beside it).
  public static func text(_ text: String, path: String, displayPath: String) -> ProfileSource {
    ProfileSource(origin: .file(path), text: text, displayPath: displayPath)
  }

  /// The file at `path`, read now.
  /// - Throws: `YoiError` when it cannot be read or is not UTF-8.
  public static func file(_ path: String, relativeTo directory: String = FileManager.default.currentDirectoryPath) throws(YoiError) -> ProfileSource {
    let absolute = PathLexer.join(directory, path)
    let text: String
    switch BoundedFile.readText(absolute, limit: BoundedFile.luaLimit) {
    case .success(let read): text = read
    case .failure(.missing):
      throw YoiError("profile file not found: \(path)", code: .profileNotFound, help: ["check the path, or see `yoi profile list` for named profiles"])
    case .failure(.notUTF8):
      throw YoiError("\(path) is not valid UTF-8 text", code: .profileEncoding)
    case .failure(let failure):
      throw YoiError("profile file \(path) \(failure.reason)", code: .profileFile)
    }
    let display =
      PathLexer.isInside(absolute, directory: directory) && absolute != directory
      ? String(absolute.dropFirst(directory == "/" ? 1 : directory.count + 1)) : absolute
    return ProfileSource(origin: .file(absolute), text: text, displayPath: display)
  }

  /// The directory relative paths and local modules are resolved against (nil for builtins).
  public var directory: String? {
    if case .file(let path) = origin { return PathLexer.dirname(path) }
    return nil
  }

  /// The sha256 of the text: what project trust and Pod records pin.
  public var contentDigest: String { SHA256.hex(text.utf8) }

  var chunk: LuaChunk { .text(text, chunkName: displayPath) }
}
