import Foundation
import Testing
import YoiDiagnostics
@testable import YoiProfiles
@testable import YoiManifest

/// The contract fixes of issue 12 (DESIGN.md §4–§6), each refused or mis-resolved before.
@Suite("Contract fixes")
struct ContractFixTests {
  func resolveText(_ text: String, file: String = "p.lua") throws(YoiError) -> PodManifest {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("yoi-contract-\(UUID().uuidString)").path
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    FileManager.default.createFile(atPath: directory + "/" + file, contents: Data(text.utf8))
    let resolver = ProfileResolver(workingDirectory: directory)
    return try resolver.resolve(.path("./" + file), inputs: ResolutionInputs(podName: "p", workspace: directory)).manifest
  }

  func error(_ text: String, file: String = "p.lua") -> YoiError? {
    do {
      _ = try resolveText(text, file: file)
      return nil
    } catch {
      return error
    }
  }

  @Test func anInlineModelIsAModel() throws {
    let manifest = try resolveText(
      """
      local p = yoi.profile.import("builtin:default")
      p.model = { scheme = "openai_chat", model_id = "qwen3-coder", base_url = "http://127.0.0.1:11434/v1", context_window = 256000 }
      p.compaction = nil
      return p
      """)
    #expect(manifest[path: "model.ref"] == .null)
    #expect(manifest.string("model.scheme") == "openai_chat")
    #expect(manifest.string("model.model_id") == "qwen3-coder")
    #expect(manifest.string("model.auth.kind") == "none")
    // Without base_url: the scheme's public endpoint.
    let anthropic = try resolveText("return { model = { scheme = 'anthropic', model_id = 'claude-x' } }")
    #expect(anthropic.string("model.base_url") == "https://api.anthropic.com")
    #expect(ManifestSummary(anthropic).model == "claude-x (anthropic)")
  }

  @Test func noModelAtAllNamesBothForms() throws {
    let none = try #require(error("return { description = 'x' }"))
    #expect(none.messages.contains("model.ref: a model is required"))
    #expect(none.rendered.contains("yoi.models.catalog") && none.rendered.contains("inline"))
    let half = try #require(error("return { model = { scheme = 'anthropic' } }"))
    #expect(half.messages.contains { $0.contains("model.model_id: an inline model needs both `scheme` and `model_id`") })
  }

  @Test func permissionsNeedADefaultAction() throws {
    let refused = try #require(error("local p = yoi.profile.import('builtin:default') p.permissions = { rule = {} } return p"))
    #expect(refused.messages.contains { $0.hasPrefix("permissions.default_action: permissions needs a default_action") })
    let accepted = try resolveText("local p = yoi.profile.import('builtin:default') p.permissions = { default_action = 'ask' } return p")
    #expect(accepted.string("permissions.default_action") == "ask")
  }

  @Test func pathsThatAreNotLuaAreRefusedBeforeEvaluation() throws {
    for file in ["legacy.txt", "p.json", "noext"] {
      let refused = try #require(error("this is { not lua", file: file))
      #expect(refused.diagnostics.first?.code == .profileNotLua, "\(file): \(refused.rendered)")
      #expect(refused.rendered.contains("profiles are Lua files ending in .lua"))
    }
  }

  @Test func readOnlyRolesCarryAReadIntent() throws {
    for role in ["intake", "orchestrator", "reviewer"] {
      let manifest = try resolve("builtin:\(role)")
      #expect(manifest.rules("scope.allow") == ["read /work/ws"], "\(role)")
    }
    // The orchestrator still lends write to its children.
    #expect(try resolve("builtin:orchestrator").rules("delegation_scope.allow") == ["read /work/ws", "write /work/ws/.worktree"])
    for role in ["coder", "companion", "researcher"] {
      #expect(try resolve("builtin:\(role)").rules("scope.allow") == ["write /work/ws"], "\(role)")
    }
  }
}

/// Diagnostics that were misleading (issue 12 #16).
@Suite("Diagnostic fixes")
struct DiagnosticFixTests {
  let support = ContractFixTests()

  @Test func aTypoInsideRatioIsAFieldWithDidYouMean() throws {
    let error = try #require(support.error("local p = yoi.profile.import('builtin:default') p.compaction = yoi.compact.ratio { treshold = 0.5 } return p"))
    #expect(error.diagnostics.first?.code == .profileField)
    #expect(error.messages.first == "compaction.treshold: unknown field `treshold`")
    #expect(error.rendered.contains("did you mean `threshold`?"))
    #expect(!error.rendered.contains("traceback"))
  }

  @Test("a typo of a ratio alias (request, worker) suggests the alias, and the help names the aliases")
  func aTypoOfARatioAliasSuggestsIt() throws {
    let error = try #require(support.error("local p = yoi.profile.import('builtin:default') p.compaction = yoi.compact.ratio { reqest = 0.7 } return p"))
    #expect(error.messages.first == "compaction.reqest: unknown field `reqest`")
    #expect(error.rendered.contains("did you mean `request`?"), "\(error.rendered)")
    #expect(error.rendered.contains("allowed here: threshold, request_threshold, worker_context_max_tokens (also request, worker)"))
  }

  @Test("both spellings of a ratio field (request and request_threshold) are an error, whichever yoi.compact.ratio saw first")
  func bothSpellingsOfARatioFieldAreAnError() throws {
    for fields in ["request = 0.7, request_threshold = 0.8", "worker_context_max_tokens = 0.2, worker = 0.3"] {
      let error = try #require(
        support.error("local p = yoi.profile.import('builtin:default') p.compaction = yoi.compact.ratio { threshold = 0.5, \(fields) } return p"))
      let alias = fields.contains("request") ? "request" : "worker"
      #expect(error.messages.first?.hasPrefix("compaction.\(alias): `\(alias)` and `") == true, "\(error.messages)")
      #expect(error.messages.first?.hasSuffix("are two spellings of the same field, and both are given") == true)
    }
  }

  @Test func aBadPodNameIsNotPlacedInTheProfile() throws {
    do {
      _ = try resolve("builtin:coder", podName: "bad name")
      Issue.record("a bad Pod name resolved")
    } catch {
      let diagnostic = try #require(error.diagnostics.first { $0.message.hasPrefix("pod.name") })
      #expect(diagnostic.location == nil)
      #expect(diagnostic.sourceLine == nil)
    }
  }

  @Test func aRatioOutOfRangeSaysWhatItIsAFractionOf() throws {
    let error = try #require(support.error("local p = yoi.profile.import('builtin:default') p.compaction = yoi.compact.ratio { threshold = 1.5 } return p"))
    #expect(error.messages == ["compaction.threshold: expected a fraction in (0, 1] of the model's context window, got 1.5"])
  }

  @Test func denyWriteErrorsNameTheirOwnIndexAndTheWorkspace() throws {
    let error = try #require(
      support.error("local p = yoi.profile.import('builtin:default') p.scope = yoi.scope.workspace_write { deny_write = { 'ok', '/abs', '../up' } } return p"))
    #expect(
      error.messages == [
        "scope.deny_write[2]: write the path relative to the workspace, not absolute",
        "scope.deny_write[3]: deny_write entries are inside the workspace; `..` is not allowed",
      ])
    #expect(!error.rendered.contains("relative to the profile"))
  }

  @Test("one key-path renderer: the Lua reader and the config decoder write a quoted key alike, and its line is found")
  func keyPathsRenderAlike() throws {
    // The config decoder (an unknown field), then the Lua reader (a value it cannot convert).
    let decoded = try #require(support.error("local p = yoi.profile.import('builtin:default')\np.worker[\"max turns\"] = 3\nreturn p"))
    #expect(decoded.messages == ["worker[\"max turns\"]: unknown field `max turns`"])
    #expect(decoded.diagnostics.first?.location?.line == 2)
    let read = try #require(support.error("return { feature = { [\"max turns\"] = { enabled = print } } }"))
    #expect(read.messages.first?.hasPrefix("feature[\"max turns\"].enabled: a function cannot be converted") == true)
  }

  @Test(
    "key paths render and parse back",
    arguments: [
      ("worker", "max_turns", "worker.max_turns"), ("models", "openai/gpt-5.1", #"models["openai/gpt-5.1"]"#),
      ("", "é", #"["\xC3\xA9"]"#), ("a", #"q"\"#, #"a["q\"\\"]"#), ("profile", "my-coder", "profile.my-coder"),
    ])
  func keyPathRoundTrip(parent: String, key: String, rendered: String) {
    #expect(KeyPath.join(parent, key) == rendered)
    #expect(KeyPath.keys(KeyPath.index(rendered, 2) + ".x") == (parent.isEmpty ? [] : [parent]) + [key, "x"])
  }

  @Test func errorsComeInSourceOrder() throws {
    let error = try #require(
      support.error(
        """
        return {
          worker = { max_turns = -1 },
          model = { ref = "anthropic/claude-sonnet-4-6" },
          description = 5,
          feature = { task = { enabled = "yes" } },
        }
        """))
    #expect(error.diagnostics.map { $0.location?.line ?? 0 } == [2, 4, 5])
  }
}

/// Builtins read as typed values (the field sets are checked in YoiManifestTests).
@Suite("Typed manifest sections")
struct ManifestSectionTests {
  @Test func builtinsReadAsTypedValues() throws {
    let coder = try resolve("builtin:coder").sections
    #expect(coder.model.scheme == .openaiResponses)
    #expect(coder.model.auth == .codexOAuth)
    #expect(coder.model.contextWindow == 272_000)
    #expect(coder.worker.instruction == "$yoi/role/coder")
    #expect(coder.worker.reasoning == .effort("high"))
    #expect(coder.worker.toolOutput.maxBytes(for: "read_file") == 65536)
    #expect(coder.scope.allow == [ScopeRule(target: "/work/ws", permission: .write)])
    #expect(coder.feature.isEnabled(.task) && !coder.feature.isEnabled(.pods))
    #expect(coder.compaction?.threshold == 240_000)
    #expect(coder.web?.search.apiKeySecret == "web/brave/default")
    let reviewer = try resolve("builtin:reviewer", role: .reviewer).sections
    #expect(reviewer.scope.allow.map(\.permission) == [.read])
    #expect(reviewer.delegationScope.allow.isEmpty)
  }
}
