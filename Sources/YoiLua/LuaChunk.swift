/// Lua source text to evaluate, with the display path diagnostics show for it.
public struct LuaChunk: Sendable, Hashable {
  /// The source text. Chunks are always loaded as text, never as bytecode.
  public var text: String
  /// The file as a user sees it, e.g. `profiles/coder.lua` (no `@`).
  public var displayName: String

  /// A chunk from text; `chunkName` is the display path (a leading `@` is dropped).
  public static func text(_ text: String, chunkName: String) -> LuaChunk {
    LuaChunk(text: text, displayName: chunkName.hasPrefix("@") ? String(chunkName.dropFirst()) : chunkName)
  }
}
