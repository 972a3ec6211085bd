import ArgumentParser
import YoiLua
import Foundation
import YoiDiagnostics

/// Where command output goes: stdout carries only the requested output, stderr diagnostics.
enum Terminal {
  static func write(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
  }

  static func writeError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
  }

  static var stderrIsTerminal: Bool { isatty(2) != 0 }

  /// Renders diagnostics on stderr (colour only on a TTY).
  static func report(_ diagnostics: [Diagnostic]) {
    writeError(DiagnosticRenderer(useColor: stderrIsTerminal).render(diagnostics))
  }

  /// Runs `body`; a diagnostic error is rendered and becomes exit status 1.
  static func reporting<T, E: DiagnosticError>(_ body: () throws(E) -> T) throws -> T {
    do {
      return try body()
    } catch {
      report(error.diagnostics)
      throw ExitCode(1)
    }
  }
}

/// Reading user files, with a diagnostic when they cannot be read.
enum SourceFile {
  struct ReadError: DiagnosticError {
    var diagnostics: [Diagnostic]
  }

  static func read(_ path: String) throws -> LuaChunk {
    guard let data = FileManager.default.contents(atPath: path) else {
      Terminal.report([.error("cannot read \(path): no such file or not readable", code: "E-FILE")])
      throw ExitCode(1)
    }
    guard let text = String(data: data, encoding: .utf8) else {
      Terminal.report([.error("\(path) is not valid UTF-8 text", code: "E-FILE")])
      throw ExitCode(1)
    }
    return .text(text, chunkName: path)
  }
}
