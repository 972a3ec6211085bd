import Foundation
import YoiDiagnostics

/// The session's own commands (DESIGN.md §12.8): handled by yoi, never sent to the model.
enum SlashCommand: Equatable {
  case help, exit, clear, compact, cost, tasks, diff, thinking
  /// `/model` alone lists the catalog; `/model REF` switches.
  case model(String?)

  static let catalog: [(name: String, usage: String, summary: String)] = [
    ("help", "/help", "these commands and the editing keys"),
    ("exit", "/exit", "leave the session (Ctrl-D on an empty line too)"),
    ("clear", "/clear", "a new conversation: the model no longer sees what came before (the log keeps it)"),
    ("compact", "/compact", "compact the conversation now (prune old tool output, summarise)"),
    ("model", "/model REF", "switch to a catalog model: a new snapshot, the change shown"),
    ("cost", "/cost", "tokens in and out, this session and the Pod's, and the context used"),
    ("tasks", "/tasks", "the Pod's task list"),
    ("diff", "/diff", "what this session changed in the workspace"),
    ("thinking", "/thinking", "the model's last thinking in full (it shows collapsed)"),
  ]

  enum Parsed: Equatable {
    case command(SlashCommand)
    /// `/word` that is no command, and the closest one.
    case unknown(String, suggestion: String?)
    /// Text for the model (`//…` sends `/…`).
    case message(String)
  }

  /// A line is a command when it starts with `/` and a name of letters (`/usr/bin …` is a
  /// message, as is anything after `//`).
  static func parse(_ text: String) -> Parsed {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    if trimmed.hasPrefix("//") { return .message(String(text.drop { $0 != "/" }.dropFirst())) }
    guard trimmed.hasPrefix("/") else { return .message(text) }
    let words = trimmed.dropFirst().split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
    guard let word = words.first.map(String.init), word.allSatisfy({ $0.isLetter }) else { return .message(text) }
    let argument = words.count > 1 ? words[1].trimmingCharacters(in: .whitespacesAndNewlines) : nil
    switch word {
    case "help": return .command(.help)
    case "exit", "quit": return .command(.exit)
    case "clear": return .command(.clear)
    case "compact": return .command(.compact)
    case "model": return .command(.model(argument))
    case "cost": return .command(.cost)
    case "tasks": return .command(.tasks)
    case "diff": return .command(.diff)
    case "thinking": return .command(.thinking)
    default: return .unknown(word, suggestion: Suggestion.closest(to: word, in: catalog.map(\.name)))
    }
  }
}
