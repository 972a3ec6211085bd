import Testing
import YoiManifest
@testable import YoiProfiles

@Suite("Builtin profiles")
struct BuiltinProfileTests {
  @Test func defaultMatchesTheDesign() throws {
    let m = try resolve("builtin:default")
    #expect(m.string("model.ref") == "codex-oauth/gpt-5.5")
    #expect(m.string("model.scheme") == "openai_responses")
    #expect(m.string("worker.reasoning") == "high")
    #expect(m.string("worker.instruction") == "$yoi/default")
    #expect(m.bool("session.record_event_trace") == true)
    #expect(m.int("compaction.threshold") == 240_000)
    #expect(m.int("compaction.request_threshold") == 270_000)
    #expect(m.int("compaction.worker_context_max_tokens") == 100_000)
    #expect(m.int("compaction.retained_tokens") == 8000)
    for feature in ["task", "memory", "web", "pods"] { #expect(m.bool("feature.\(feature).enabled") == true) }
    #expect(m.bool("feature.ticket.enabled") == false)
    #expect(m.string("feature.ticket.access") == "lifecycle")
    #expect(m.bool("feature.ticket_orchestration.enabled") == false)
    #expect(m.int("memory.extract_threshold") == 50000)
    #expect(m.int("memory.consolidation_threshold_files") == 5)
    #expect(m.int("memory.consolidation_threshold_bytes") == 50000)
    #expect(m.string("web.search.provider") == "brave")
    #expect(m.string("web.search.api_key_secret") == "web/brave/default")
    #expect(m.string("profile.name") == "default")
  }

  /// DESIGN.md §5: task, memory, web, pods, ticket, ticket_orchestration.
  static let roles: [(String, String, [Bool])] = [
    ("companion", "$yoi/default", [true, true, true, true, true, false]),
    ("intake", "$yoi/role/intake", [false, true, true, false, true, false]),
    ("orchestrator", "$yoi/role/orchestrator", [false, true, true, true, true, true]),
    ("coder", "$yoi/role/coder", [true, true, true, false, false, false]),
    ("reviewer", "$yoi/role/reviewer", [false, true, true, false, false, false]),
    ("researcher", "$yoi/role/researcher", [false, true, true, false, false, false]),
  ]

  @Test(arguments: roles)
  func roleProfiles(name: String, instruction: String, flags: [Bool]) throws {
    let m = try resolve("builtin:\(name)")
    #expect(m.string("worker.instruction") == instruction)
    #expect(m.string("profile.name") == name)
    #expect(m.string("model.ref") == "codex-oauth/gpt-5.5")
    #expect(m.int("compaction.threshold") == 240_000)  // inherited from default
    let names = ["task", "memory", "web", "pods", "ticket", "ticket_orchestration"]
    for (feature, expected) in zip(names, flags) {
      #expect(m.bool("feature.\(feature).enabled") == expected, "\(name): feature.\(feature)")
    }
  }

  @Test(arguments: ["coder", "reviewer"])
  func fastVariants(role: String) throws {
    let fast = try resolve("builtin:\(role)-fast")
    let base = try resolve("builtin:\(role)")
    #expect(fast.string("model.ref") == "codex-oauth/gpt-5.4-mini")
    #expect(fast.string("worker.reasoning") == "low")
    #expect(fast.string("profile.name") == "\(role)-fast")
    #expect(fast[path: "feature"] == base[path: "feature"])
    #expect(fast.string("worker.instruction") == base.string("worker.instruction"))
  }

  @Test func everyBuiltinResolvesAndDescriptionsMatch() throws {
    for name in BuiltinProfiles.names {
      let m = try resolve("builtin:\(name)")
      #expect(m.string("profile.description") == BuiltinProfiles.descriptions[name], "\(name)")
    }
  }

  @Test func bareNamesAndDefaultSelectBuiltins() throws {
    #expect(try resolve("coder").digest == resolve("builtin:coder").digest)
    #expect(try resolve("default").digest == resolve("builtin:default").digest)
  }

  @Test func unknownBuiltinSuggests() throws {
    let error = try #require(failure("builtin:codr"))
    #expect(error.rendered.contains("did you mean `builtin:coder`?"))
  }

  @Test func nixPathsGetTheMigrationDiagnostic() throws {
    let error = try #require(failure("./old/coder.nix"))
    #expect(error.messages == ["./old/coder.nix: Nix profiles are no longer evaluated"])
    #expect(error.rendered.contains("yoi profile new"))
    #expect(error.rendered.contains("--manifest"))
  }
}
