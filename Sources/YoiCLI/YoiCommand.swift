import ArgumentParser
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
}
