import YoiTerminal
public import ArgumentParser
import YoiDiagnostics
import YoiLua

/// The `yoi` command line. Commands are thin: parse, call a library, render.
public struct YoiCommand: AsyncParsableCommand {
  public static let version = "0.1.0"

  public static let configuration = CommandConfiguration(
    commandName: "yoi",
    abstract: "Run AI-agent Pods configured by sandboxed Lua profiles.",
    discussion: """
      Every command takes --color auto|always|never (auto: colour on a terminal unless NO_COLOR \
      is set or TERM=dumb). Shell completion: yoi --generate-completion-script bash|zsh|fish.

      Examples:
        yoi profile list
        yoi pod spawn --profile coder --name api
        yoi pod show api
      """,
    version: "yoi \(version) (\(LuaSandbox.luaRelease))",
    subcommands: [
      NewCommand.self, ProfileCommand.self, PodCommand.self, ModelsCommand.self, SkillsCommand.self, MemoryCommand.self, TicketCommand.self, MCPCommand.self,
      SecretCommand.self,
      EvalCommand.self,
    ],
    defaultSubcommand: NewCommand.self
  )

  public init() {}

  /// Parses the command line and runs the command. Every failure carrying diagnostics is
  /// rendered here, once, by the one renderer; commands only throw.
  public static func start() async {
    do {
      let arguments = try takeColorOption(Array(CommandLine.arguments.dropFirst()))
      try checkCommandNames(arguments)
      NewCommand.invokedBare = arguments.isEmpty
      var command = try parseAsRoot(arguments)
      if var asynchronous = command as? any AsyncParsableCommand {
        try await asynchronous.run()
      } else {
        try command.run()
      }
    } catch let failure as YoiError {
      Terminal.report(failure.diagnostics)
      exit(withError: ExitCode(failure.exitStatus))
    } catch {
      exit(withError: error)
    }
  }

  /// `--color WHEN` / `--color=WHEN` anywhere before `--`: a process-wide choice, so every
  /// command honours it without declaring it.
  static func takeColorOption(_ arguments: [String]) throws(YoiError) -> [String] {
    var rest: [String] = []
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      if argument == "--" {
        rest += arguments[index...]
        break
      }
      var value: String?
      if argument == "--color" {
        index += 1
        value = index < arguments.count ? arguments[index] : ""
      } else if argument.hasPrefix("--color=") {
        value = String(argument.dropFirst("--color=".count))
      }
      if let value {
        guard let choice = TerminalControl.ColorChoice(rawValue: value) else {
          throw YoiError(.error("--color takes auto, always or never, not `\(TerminalText.inline(value))`", code: .usage), exitStatus: 64)
        }
        TerminalControl.colorChoice = choice
      } else {
        rest.append(argument)
      }
      index += 1
    }
    return rest
  }

  /// A mistyped command (`yoi profle list`) gets "did you mean", instead of being read as an
  /// argument of the default command and answered with its usage.
  static func checkCommandNames(_ arguments: [String]) throws(YoiError) {
    var command: any ParsableCommand.Type = YoiCommand.self
    var path = ["yoi"]
    for argument in arguments {
      let subcommands = command.configuration.subcommands
      guard !subcommands.isEmpty, !argument.hasPrefix("-"), argument != "help" else { return }
      let names = subcommands.map { $0._commandName }
      guard let next = subcommands.first(where: { $0._commandName == argument }) else {
        if command == YoiCommand.self || command.configuration.defaultSubcommand == nil {
          var help = Suggestion.didYouMean(argument, in: names).map { [$0] } ?? []
          help.append("commands: \(names.joined(separator: ", ")); see `\(path.joined(separator: " ")) --help`")
          throw YoiError(
            .error("unknown command `\(TerminalText.inline(argument))` for `\(path.joined(separator: " "))`", code: .usage, help: help), exitStatus: 64)
        }
        return
      }
      command = next
      path.append(argument)
    }
  }
}
