import YoiTerminal
import ArgumentParser
import Foundation
import YoiDiagnostics
import YoiManifest
import YoiStore

/// `yoi secret ...`: the encrypted secret store. Values are never taken from argv.
struct SecretCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "secret", abstract: "Store, list and remove secrets (values are encrypted at rest).",
    subcommands: [SecretSetCommand.self, SecretListCommand.self, SecretRemoveCommand.self])
}

struct SecretSetCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "set", abstract: "Store a secret, reading its value from stdin or a hidden prompt.")

  @Argument(help: "The secret id, e.g. providers/anthropic/default.") var id: String

  func run() throws {
    let value: String
    if isatty(0) != 0 {
      value = try HiddenPrompt.read("value for \(id): ")
    } else {
      var input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
      if input.hasSuffix("\n") { input.removeLast() }
      if input.hasSuffix("\r") { input.removeLast() }
      value = input
    }
    try Stores.secrets().set(id, value: value)
    Terminal.write("stored \(id)\n")
  }
}

struct SecretListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "list", abstract: "List stored secret ids (never values).")

  @Flag(help: "Print the ids as a JSON array for scripts.") var json = false

  func run() throws {
    let ids = try Stores.secrets().ids()
    if json {
      Terminal.writeExact(CanonicalJSON.pretty(.array(ids.map(JSONValue.string))))
      return
    }
    Terminal.write(ids.isEmpty ? "no secrets stored\n" : ids.joined(separator: "\n") + "\n")
  }
}

struct SecretRemoveCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove a stored secret.")

  @Argument(help: "The secret id.") var id: String

  func run() throws {
    try Stores.secrets().remove(id)
    Terminal.write("removed \(id)\n")
  }
}

/// Reads a line from the terminal with echo off, restoring the terminal on every path,
/// Ctrl-C included (it used to leave the shell with echo off).
enum HiddenPrompt {
  static func read(_ prompt: String) throws -> String {
    Terminal.writeError(prompt)
    guard let saved = TerminalModeGuard.save() else { return readLine() ?? "" }
    TerminalControl.disableEcho(from: saved)
    defer {
      TerminalModeGuard.restore()
      Terminal.writeError("\n")
    }
    return readLine() ?? ""
  }
}
