internal import YoiCLua
import YoiDiagnostics

/// Turns what the C side recorded about a failed run into a located diagnostic.
struct LuaFailureReport {
  let sandbox: OpaquePointer
  let status: Int32
  let limits: LuaLimits
  /// Every chunk loaded so far, to map positions to display paths and source lines.
  let sources: [LuaChunk]
  /// Display names of trusted preludes: an error raised inside one is reported at the
  /// script's frame that called into it.
  let preludeNames: Set<String>

  func error() -> YoiError {
    var length = 0
    let raw = LuaStateOwner.lossyString(yoi_sandbox_error_message(sandbox, &length), count: length)
    let truncated = yoi_sandbox_error_truncated(sandbox) != 0
    let handlerSource = String(cString: yoi_sandbox_error_source(sandbox))
    let handlerLine = Int(yoi_sandbox_error_line(sandbox))
    let fullTraceback = String(cString: yoi_sandbox_error_traceback(sandbox))

    // Lua prefixes messages with "source:line: "; prefer that position (it honours error's
    // level argument), else the innermost Lua frame the handler saw.
    var message = raw
    var location: SourceLocation?
    if let (source, line, rest) = Self.splitPosition(raw), let chunk = chunk(forShortSource: source) {
      location = SourceLocation(file: chunk.displayName, line: line)
      message = rest
    } else if handlerLine > 0, let chunk = chunk(forShortSource: handlerSource) {
      location = SourceLocation(file: chunk.displayName, line: handlerLine)
    } else if let main = sources.last {
      location = SourceLocation(file: main.displayName)
    }
    if let file = location?.file, preludeNames.contains(file) {
      location = firstScriptFrame(in: fullTraceback) ?? sources.last { !preludeNames.contains($0.displayName) }.map { SourceLocation(file: $0.displayName) }
    }
    if truncated { message += " … (message cut at 4 KiB)" }
    // Frames inside trusted preludes are yoi's, not the user's: leave them out.
    let traceback = fullTraceback.split(separator: "\n").filter { line in
      guard let (source, _, _) = Self.splitPosition(String(line)), let chunk = chunk(forShortSource: source) else { return true }
      return !preludeNames.contains(chunk.displayName)
    }.joined(separator: "\n")

    var help: [String] = []
    var code = DiagnosticCode.luaRuntime
    switch status {
    case Int32(YOI_STATUS_SYNTAX.rawValue):
      code = .luaSyntax
      message = "syntax error: " + message
    case Int32(YOI_STATUS_LIMIT.rawValue):
      let limit = Self.limit(yoi_sandbox_limit(sandbox))
      code = .luaLimit
      message = describe(limit)
      help = ["a profile only builds a table; look for an endless loop, runaway recursion or a huge string or table near this line"]
    case Int32(YOI_STATUS_SETUP.rawValue):
      code = .luaSetup
    default:
      break
    }
    let notes = traceback.isEmpty || code == .luaSyntax ? [] : ["traceback:\n" + traceback]
    return YoiError(
      [
        Diagnostic(
          code: code, message: message, location: location,
          sourceLine: location.flatMap(sourceLine), help: help, notes: notes)
      ])
  }

  private func describe(_ limit: LuaLimit) -> String {
    switch limit {
    case .memory: "memory limit exceeded: the script used more than \(limits.memoryBytes >> 20) MiB"
    case .instructions: "instruction limit exceeded: the script ran more than \(limits.instructionBudget) steps"
    case .deadline: "time limit exceeded: the script ran longer than \(limits.deadlineSeconds) s"
    }
  }

  private static func limit(_ raw: Int32) -> LuaLimit {
    switch raw {
    case Int32(YOI_LIMIT_MEMORY.rawValue): .memory
    case Int32(YOI_LIMIT_DEADLINE.rawValue): .deadline
    default: .instructions
    }
  }

  /// `short_src` is the chunk name without `@`, cut to 59 bytes with a leading "..." when long.
  private func chunk(forShortSource source: String) -> LuaChunk? {
    if let exact = sources.last(where: { $0.displayName == source }) { return exact }
    if source.hasPrefix("...") {
      let tail = source.dropFirst(3)
      return sources.last { $0.displayName.hasSuffix(tail) }
    }
    return nil
  }

  private func sourceLine(_ location: SourceLocation) -> String? {
    guard let line = location.line, line > 0,
      let chunk = sources.last(where: { $0.displayName == location.file })
    else { return nil }
    var current = 1
    for text in TextLines.split(chunk.text) {
      if current == line { return String(text.prefix(200)).replacingTabs() }
      current += 1
    }
    return nil
  }

  /// The innermost traceback frame in a script rather than a prelude.
  private func firstScriptFrame(in traceback: String) -> SourceLocation? {
    for line in traceback.split(separator: "\n") {
      guard let (source, number, _) = Self.splitPosition(String(line)), number > 0,
        let chunk = chunk(forShortSource: source), !preludeNames.contains(chunk.displayName)
      else { continue }
      return SourceLocation(file: chunk.displayName, line: number)
    }
    return nil
  }

  /// "p.lua:7: boom" → ("p.lua", 7, "boom").
  static func splitPosition(_ message: String) -> (String, Int, String)? {
    var searchStart = message.startIndex
    while let colon = message[searchStart...].firstIndex(of: ":") {
      let afterColon = message.index(after: colon)
      let digits = message[afterColon...].prefix { $0.isASCII && $0.isNumber }
      if !digits.isEmpty, let line = Int(digits) {
        let rest = message[digits.endIndex...]
        if rest.hasPrefix(": ") {
          return (String(message[..<colon]), line, String(rest.dropFirst(2)))
        }
      }
      searchStart = afterColon
      if message.distance(from: message.startIndex, to: colon) > 300 { break }
    }
    return nil
  }
}

extension String {
  fileprivate func replacingTabs() -> String {
    String(map { $0 == "\t" ? " " : $0 })
  }
}
