import YoiTerminal
import ArgumentParser
import YoiLua
import Foundation
import YoiDiagnostics
import YoiProfiles

/// Where command output goes: stdout carries only the requested output, stderr diagnostics.
/// Human-readable text is written through `TerminalText.neutralise` (values from profiles,
/// registries and snapshots cannot drive the terminal); machine output is written exactly.
enum Terminal {
  /// Human-readable output on stdout, control characters escaped.
  static func write(_ text: String) {
    FileHandle.standardOutput.write(Data(TerminalText.neutralise(text).utf8))
  }

  /// Lines of human-readable output, each escaped as one line: a value holding a newline
  /// cannot add a line that looks like yoi's own.
  static func writeLines(_ lines: [String], toStandardError: Bool = false) {
    let data = Data(lines.map { TerminalText.inline($0, keepingTabs: true) + "\n" }.joined().utf8)
    (toStandardError ? FileHandle.standardError : FileHandle.standardOutput).write(data)
  }

  /// Machine-readable output (JSON, digests, generated files) on stdout, byte for byte.
  static func writeExact(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
  }

  /// Human-readable output on stderr (prompts, notes), control characters escaped.
  static func writeError(_ text: String) {
    FileHandle.standardError.write(Data(TerminalText.neutralise(text).utf8))
  }

  /// Colour on stderr (see `TerminalControl.useColor`).
  static var useColor: Bool { TerminalControl.useColor(on: 2) }

  /// Renders diagnostics on stderr (colour only on a TTY).
  static func report(_ diagnostics: [Diagnostic]) {
    // The renderer escaped every piece itself; its own colour sequences must pass.
    FileHandle.standardError.write(Data(DiagnosticRenderer(useColor: useColor).render(diagnostics).utf8))
  }

}

/// Reading user files, with a diagnostic when they cannot be read.
enum SourceFile {
  static func read(_ path: String) throws(YoiError) -> LuaChunk {
    switch BoundedFile.readText(path, limit: BoundedFile.luaLimit) {
    case .success(let text): return .text(text, chunkName: path)
    case .failure(let failure): throw YoiError(.error("\(path) \(failure.reason)", code: .file))
    }
  }
}
