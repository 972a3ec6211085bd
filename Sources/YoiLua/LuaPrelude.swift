#if canImport(Glibc)
import Glibc
#endif
internal import YoiCLua
public import YoiDiagnostics

/// A trusted chunk run before each script (yoi's authoring API), compiled to bytecode once per
/// process so that a fresh state loads it without parsing. Only yoi's own source becomes a
/// prelude: scripts are always loaded as text.
public struct LuaPrelude: Sendable {
  /// The source, for diagnostics.
  public let chunk: LuaChunk
  let bytecode: [UInt8]

  /// Compiles `chunk`.
  /// - Throws: `YoiError` when the chunk does not parse (a bug in yoi, reported as such).
  public init(_ chunk: LuaChunk) throws(YoiError) {
    var length = 0
    var message: UnsafeMutablePointer<CChar>?
    guard let bytes = yoi_compile_trusted(chunk.text, chunk.text.utf8.count, "@" + chunk.displayName, &length, &message) else {
      let text = message.map { String(cString: $0) } ?? "out of memory"
      message.map { free($0) }
      throw YoiError([.error("prelude \(chunk.displayName) does not compile: \(text)", code: .luaSetup)])
    }
    defer { free(bytes) }
    self.chunk = chunk
    self.bytecode = Array(UnsafeBufferPointer(start: bytes, count: length))
  }
}
