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

  @Test("yoi models --json: the catalog with each credential's state, valid JSON, never a value")
  func modelsList() throws {
    let home = try YoiHome()
    let canary = RuntimeFixture.canary
    #expect(try home.run(["secret", "set", "providers/gemini/default"], stdin: canary + "-stored\n").status == 0)
    let listed = try home.run(["models", "--json"], environment: ["ANTHROPIC_API_KEY": canary, "OPENAI_API_KEY": ""])
    #expect(listed.status == 0, "\(listed.stderr)")
    #expect(!listed.stdout.contains(canary) && !listed.stderr.contains(canary))
    guard case .array(let rows) = try JSONParser.parse(listed.stdout) else {
      Issue.record("not a JSON array: \(listed.stdout)")
      return
    }
    var states: [String: String] = [:]
    for row in rows {
      guard case .object(let object) = row else {
        Issue.record("not an object: \(row)")
        continue
      }
      for key in ["ref", "scheme", "base_url", "context_window", "reasoning", "credential"] { #expect(object[key] != nil, "\(key) in \(row)") }
      if case .string(let ref)? = object["ref"], case .object(let credential)? = object["credential"], case .string(let state)? = credential["state"] {
        states[ref] = state
      }
    }
    #expect(states["anthropic/claude-sonnet-4-6"] == "variable")
    #expect(states["gemini/gemini-2.5-pro"] == "stored")
    #expect(states["openai/gpt-5.5"] == "missing")
    #expect(states["ollama-local/qwen3-coder"] == "none_needed")
    #expect(states["codex-oauth/gpt-5.5"] == "missing")
    let table = try home.run(["models"], environment: ["ANTHROPIC_API_KEY": canary])
    #expect(table.stdout.contains("anthropic/claude-sonnet-4-6") && table.stdout.contains("ANTHROPIC_API_KEY is set"), "\(table.stdout)")
    #expect(table.stdout.contains("missing: `yoi secret set providers/openai/default` or export OPENAI_API_KEY"), "\(table.stdout)")
    #expect(!table.stdout.contains(canary))
  }

  @Test("--model: recorded in the snapshot's provenance, shown by pod show, kept by reresolve; unknown refs and missing keys stop the spawn")
  func modelChosenAtSpawn() throws {
    let provider = try StubProvider(scheme: .anthropic, turns: [.reply(text: "from the chosen model")])
    let home = try YoiHome()
    // The catalog entry points at the scripted provider through models.toml.
    try home.write(
      "config/models.toml",
      "[providers.anthropic]\nscheme = \"anthropic\"\nbase_url = \"\(provider.baseURL)\"\nauth = { kind = \"secret_ref\", ref = \"providers/anthropic/default\", env = \"ANTHROPIC_API_KEY\" }\n"
    )
    let key = ["ANTHROPIC_API_KEY": RuntimeFixture.canary]
    let spawn = ["pod", "spawn", "--profile", "builtin:default", "--workspace", home.project.path, "--yes"]
    let spawned = try home.run(spawn + ["--name", "chosen", "--model", "anthropic/claude-haiku-4-5"], environment: key)
    #expect(spawned.status == 0, "\(spawned.stderr)")
    let snapshot = try home.run(["pod", "show", "chosen", "--snapshot"])
    #expect(snapshot.stdout.contains(#""model_override": "anthropic/claude-haiku-4-5""#), "\(snapshot.stdout)")
    #expect(snapshot.stdout.contains(#""ref": "anthropic/claude-haiku-4-5""#))
    let shown = try home.run(["pod", "show", "chosen"])
    #expect(shown.stdout.contains("chosen with --model"), "\(shown.stdout)")
    let run = try home.run(["pod", "run", "chosen", "hello"], environment: key)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("from the chosen model"))
    #expect(provider.requests.first?.body.contains(#""model":"claude-haiku-4-5""#) == true)
    let reresolved = try home.run(["pod", "reresolve", "chosen", "--yes"], environment: key)
    #expect(reresolved.status == 0, "\(reresolved.stderr)")
    #expect(try home.run(["pod", "show", "chosen", "--snapshot"]).stdout.contains(#""ref": "anthropic/claude-haiku-4-5""#))

    let unknown = try home.run(spawn + ["--name", "typo", "--model", "anthropic/claude-haiku-4-6"], environment: key)
    #expect(unknown.status != 0)
    #expect(unknown.stderr.contains("--model anthropic/claude-haiku-4-6 is not in the model catalog"), "\(unknown.stderr)")
    #expect(unknown.stderr.contains("did you mean `anthropic/claude-haiku-4-5`?"), "\(unknown.stderr)")

    let keyless = try home.run(spawn + ["--name", "keyless", "--model", "openai/gpt-5.5"], environment: ["OPENAI_API_KEY": ""])
    #expect(keyless.status != 0)
    #expect(keyless.stderr.contains("the model openai/gpt-5.5 has no credential here"), "\(keyless.stderr)")
    #expect(keyless.stderr.contains("`yoi secret set providers/openai/default` or export OPENAI_API_KEY"), "\(keyless.stderr)")
    #expect(keyless.stderr.contains("models ready here: ollama-local/llama3.3"), "\(keyless.stderr)")
    #expect(!(try home.run(["pod", "list"]).stdout.contains("keyless")))
    for outcome in [spawned, snapshot, shown, run, reresolved, unknown, keyless] {
      #expect(!outcome.stdout.contains(RuntimeFixture.canary) && !outcome.stderr.contains(RuntimeFixture.canary))
    }
  }

  @Test("spawning a builtin without a Brave key warns about nothing the user never set up")
  func noWarningForAnUnsetSearchKey() throws {
    let home = try YoiHome()
    for profile in ["builtin:default", "builtin:coder"] {
      let spawned = try home.run(
        ["pod", "spawn", "--profile", profile, "--workspace", home.project.path, "--name", String(profile.dropFirst(8)), "--yes"])
      #expect(spawned.status == 0, "\(spawned.stderr)")
      #expect(!spawned.stderr.contains("W-SECRET-MISSING") && !spawned.stderr.contains("brave"), "\(spawned.stderr)")
    }
    let shown = try home.run(["pod", "show", "default"])
    #expect(shown.stdout.contains("missing:     web_search: its key is not stored (`yoi secret set web/brave/default`)"), "\(shown.stdout)")
  }

  @Test("a stream dropped mid-answer keeps its partial text in the transcript, as an interrupt does")
  func droppedStreamKeepsPartialText() throws {
    let text = String(repeating: "Partial answer words. ", count: 30)
    let fixture = try RuntimeFixture(scheme: .openaiChat, turns: [.cutOff(text: text)])
    let run = try fixture.home.run(["pod", "run", fixture.pod, "hello"])
    #expect(run.status == 1, "\(run.stderr)")
    let log = try fixture.log()
    let error = log.split(separator: "\n").first { $0.contains(#""type":"error""#) }.map(String.init) ?? ""
    #expect(error.contains(#""partial_text":"Partial answer words. Partial"#), "\(log)")
    #expect(run.stdout.hasPrefix("Partial answer words."), "\(run.stdout)")
    let human = try fixture.home.run(["pod", "log", fixture.pod])
    #expect(human.stdout.contains("    Partial answer words."), "\(human.stdout)")
  }

  @Test("a headless refusal names the call's subject once, and the rule that refused it, without 'refused: refused'")
  func headlessRefusalWording() throws {
    let calls = [
      (name: "write_file", arguments: #"{"path": "src/b.txt", "content": "y"}"#),
      (name: "write_file", arguments: #"{"path": "docs/a.md", "content": "x"}"#),
    ]
    let fixture = try RuntimeFixture(
      scheme: .openaiChat, turns: [.reply(text: "", toolCalls: calls), .reply(text: "done")],
      profile: #"permissions = { default_action = "ask", rule = { { tool = "write_file", pattern = "docs/**", action = "deny" } } },"#)
    let run = try fixture.home.run(["pod", "run", fixture.pod, "go"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(!run.stderr.contains("refused: refused"), "\(run.stderr)")
    #expect(
      run.stderr.contains("write_file src/b.txt: refused, permissions.default_action (ask) asks a person and a headless run cannot ask"),
      "\(run.stderr)")
    #expect(run.stderr.contains(#"write_file docs/a.md: refused by permissions.rule[1] (write_file "docs/**" → deny)"#), "\(run.stderr)")
    #expect(run.stderr.components(separatedBy: "src/b.txt").count == 2, "\(run.stderr)")
  }
}
