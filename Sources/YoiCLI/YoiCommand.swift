import ArgumentParser
import YoiDiagnostics
import YoiLua

/// The `yoi` command line. Commands are thin: parse, call a library, render.
public struct YoiCommand: ParsableCommand {
  public static let version = "0.1.0"

  public static let configuration = CommandConfiguration(
    commandName: "yoi",
    abstract: "Run AI-agent Pods configured by sandboxed Lua profiles.",
    version: "yoi \(version) (\(LuaSandbox.luaRelease))",
    subcommands: [NewCommand.self, ProfileCommand.self, PodCommand.self, SecretCommand.self, EvalCommand.self],
    defaultSubcommand: NewCommand.self
  )

  public init() {}

  /// Parses the command line and runs the command. Every failure carrying diagnostics is
  /// rendered here, once, by the one renderer; commands only throw.
  public static func main() {
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch let failure as any DiagnosticError {
      Terminal.report(failure.diagnostics)
      exit(withError: ExitCode((failure as? CommandFailure)?.exitCode ?? 1))
    } catch {
      exit(withError: error)
    }
  }
}
