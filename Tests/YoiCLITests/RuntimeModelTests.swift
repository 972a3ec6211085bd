import Foundation
import Testing
import YoiManifest
import YoiStubProvider

/// Choosing a model and hearing what matters about it (DESIGN.md §12.2): reasoning only where
/// the model reasons, errors that name the profile field to change. Through the built binary
/// against the scripted provider.
@Suite("Models: reasoning, and errors that name what to change (end to end)")
struct RuntimeModelTests {
  @Test("an inline model without capability.reasoning gets no reasoning parameter, and the run says so once")
  func reasoningOnlyWhereDeclared() throws {
    let provider = try StubProvider(scheme: .openaiChat, turns: [.reply(text: "one"), .reply(text: "two")])
    let home = try YoiHome()
    let model = "{ scheme = 'openai_chat', model_id = 'm', base_url = '\(provider.baseURL)' }"
    try home.write("profiles/plain.lua", "return { model = \(model), worker = { reasoning = 'high' } }\n")
    try home.write(
      "profiles/reasons.lua",
      "return { model = { scheme = 'openai_chat', model_id = 'm', base_url = '\(provider.baseURL)', capability = { reasoning = true } }, worker = { reasoning = 'high' } }\n"
    )
    for name in ["plain", "reasons"] {
      let spawned = try home.run(
        ["pod", "spawn", "--profile", home.root.appendingPathComponent("profiles/\(name).lua").path, "--workspace", home.project.path, "--name", name, "--yes"])
      #expect(spawned.status == 0, "\(spawned.stderr)")
    }
    let plain = try home.run(["pod", "run", "plain", "hello"])
    #expect(plain.status == 0, "\(plain.stderr)")
    #expect(provider.requests.first.map { !$0.body.contains("reasoning") } == true)
    #expect(plain.stderr.components(separatedBy: "worker.reasoning is not sent").count == 2, "\(plain.stderr)")
    let reasons = try home.run(["pod", "run", "reasons", "hello"])
    #expect(reasons.status == 0, "\(reasons.stderr)")
    #expect(provider.requests.last?.body.contains(#""reasoning_effort":"high""#) == true)
    #expect(!reasons.stderr.contains("worker.reasoning is not sent"))
  }

  @Test("a 400 naming an unsupported parameter gets a help line naming the profile field")
  func unsupportedParameterNamesTheField() throws {
    let provider = try StubProvider(
      scheme: .openaiChat, turns: [.status(400, message: "Unrecognized request argument supplied: reasoning_effort")])
    let home = try YoiHome()
    try home.write(
      "profiles/p.lua",
      "return { model = { scheme = 'openai_chat', model_id = 'm', base_url = '\(provider.baseURL)', capability = { reasoning = true } }, worker = { reasoning = 'low' } }\n"
    )
    #expect(
      try home.run([
        "pod", "spawn", "--profile", home.root.appendingPathComponent("profiles/p.lua").path, "--workspace", home.project.path, "--name", "w", "--yes",
      ])
      .status == 0)
    let run = try home.run(["pod", "run", "w", "hello"])
    #expect(run.status == 1)
    #expect(run.stderr.contains("HTTP 400: Unrecognized request argument supplied: reasoning_effort"), "\(run.stderr)")
    #expect(run.stderr.contains("set model.capability.reasoning = false in the profile's model, or remove worker.reasoning"), "\(run.stderr)")
  }

  @Test("catalog rows say whether a model reasons; a profile's own flag wins")
  func catalogReasoning() throws {
    let home = try YoiHome()
    try home.write("profiles/a.lua", "local yoi = require('yoi')\nreturn { model = yoi.models.catalog('ollama-local/qwen3-coder') }\n")
    try home.write("profiles/b.lua", "local yoi = require('yoi')\nreturn { model = yoi.models.catalog('anthropic/claude-sonnet-4-6') }\n")
    try home.write(
      "profiles/c.lua",
      "local yoi = require('yoi')\nlocal m = yoi.models.catalog('anthropic/claude-sonnet-4-6')\nm.capability = { reasoning = false }\nreturn { model = m }\n")
    for (name, reasons) in [("a", false), ("b", true), ("c", false)] {
      let shown = try home.run(["profile", "show", home.root.appendingPathComponent("profiles/\(name).lua").path, "--json"])
      #expect(shown.status == 0, "\(shown.stderr)")
      #expect(shown.stdout.contains(#""reasoning": \#(reasons)"#) || shown.stdout.contains(#""reasoning":\#(reasons)"#), "\(name): \(shown.stdout)")
    }
  }
}
