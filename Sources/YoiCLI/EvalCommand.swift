import ArgumentParser
import Foundation
import YoiLua
import YoiManifest
import YoiProfiles

/// `yoi eval FILE`: evaluates a Lua file in the bare sandbox and prints its value as JSON.
/// A developer tool for exercising the sandbox end to end; hidden from help.
struct EvalCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "eval",
    abstract: "Evaluate a Lua file in the sandbox and print its value as JSON.",
    shouldDisplay: false
  )

  @Argument(help: "The Lua file to evaluate.")
  var file: String

  @Option(help: "Memory cap in MiB.")
  var memoryMib: Int?

  @Option(help: "Instruction budget.")
  var instructions: UInt64?

  @Option(help: "Wall-clock deadline in seconds.")
  var deadline: Double?

  func run() throws {
    var limits = LuaLimits.default
    if let memoryMib { limits.memoryBytes = memoryMib << 20 }
    if let instructions { limits.instructionBudget = instructions }
    if let deadline { limits.deadlineSeconds = deadline }
    let chunk = try SourceFile.read(file)
    let evaluation = try LuaSandbox(limits: limits).evaluate(chunk)
    if !evaluation.printed.isEmpty {
      Terminal.writeError(evaluation.printed.split(separator: "\n").map { "lua print: \($0)\n" }.joined())
    }
    Terminal.writeExact(CanonicalJSON.pretty(JSONValue(evaluation.value)))
  }
}
