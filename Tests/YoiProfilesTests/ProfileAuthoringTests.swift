import Foundation
import Testing
import YoiDiagnostics
import YoiManifest
@testable import YoiProfiles

@Suite("Profile authoring and decoding")
struct ProfileAuthoringTests {
  @Test func inheritanceReplacesSubTables() throws {
    let m = try resolve("inherit.lua")
    #expect(m.string("profile.name") == "mine")
    #expect(m.string("worker.reasoning") == "low")
    #expect(m.string("worker.instruction") == "$yoi/default")
    #expect(m.bool("feature.task.enabled") == true)
    // The whole feature table was replaced: nothing is merged from default's.
    #expect(m.bool("feature.memory.enabled") == false)
    #expect(m.bool("feature.pods.enabled") == false)
    #expect(m[path: "memory"] == .null)
    #expect(m.string("profile.source.kind") == "path")
  }

  @Test func extendIsRemoved() throws {
    let error = try #require(failure("extend.lua"))
    #expect(error.messages.first?.hasPrefix("yoi.profile.extend was removed") == true)
    #expect(error.diagnostics.first?.location?.line == 2)
    #expect(error.rendered.contains("yoi.profile.import"))
  }

  /// A failing API call in tail position leaves Lua no frame to locate; the API function that
  /// raised the error says which call it was, for every API function.
  @Test(
    "a failing API call in tail position is located at its line",
    arguments: [
      ("return yoi.profile.import(\"builtin:nope\")", "import"),
      ("return yoi.compact.ratio(\"half\")", "ratio"),
      ("return yoi.secret(42)", "secret"),
      ("return yoi.scope.workspace_write { deny = { \".git\" } }", "workspace_write"),
      ("return yoi.autonomy.ask { rules = 1 }", "ask"),
      ("return require(\"missing\")", "require"),
    ])
  func tailCallFailuresAreLocated(call: String, name: String) throws {
    let directory = try temporaryDirectory()
    try "local yoi = require(\"yoi\")\n\n\(call)\n".write(toFile: directory + "/p.lua", atomically: true, encoding: .utf8)
    let error = try #require(failure(directory + "/p.lua"))
    let location = try #require(error.diagnostics.first?.location, "\(error.rendered)")
    #expect(location.line == 3, "\(error.rendered)")
    #expect(location.column == call.firstRange(of: name).map { call.distance(from: call.startIndex, to: $0.lowerBound) + 1 })
  }

  @Test("an API error the profile caught does not locate a later error of its own")
  func caughtAPIFailuresAreForgotten() throws {
    let directory = try temporaryDirectory()
    try "local yoi = require(\"yoi\")\npcall(yoi.secret, 42)\nreturn error(\"mine\", 2)\n".write(
      toFile: directory + "/p.lua", atomically: true, encoding: .utf8)
    let error = try #require(failure(directory + "/p.lua"))
    #expect(error.messages.first == "mine")
    #expect(error.diagnostics.first?.location?.line != 2, "\(error.rendered)")
  }

  @Test func ratioPresetFromTheCatalog() throws {
    let m = try resolve("ratio.lua")
    #expect(m.int("compaction.threshold") == 136_000)
    #expect(m.int("compaction.request_threshold") == 204_000)
    #expect(m.int("compaction.worker_context_max_tokens") == 68_000)
  }

  @Test func ratioPresetFromTheModelTable() throws {
    let m = try resolve("ratio_window.lua")
    #expect(m.int("compaction.threshold") == 50_000)
    #expect(m.int("compaction.request_threshold") == 75_000)
    #expect(m.int("compaction.worker_context_max_tokens") == 25_000)
  }

  @Test func ratioPresetCappedByMaxContextWindow() throws {
    let m = try resolve("ratio_max.lua")
    #expect(m.int("compaction.threshold") == 100_000)
    #expect(m.int("compaction.request_threshold") == 150_000)
    #expect(m.int("compaction.worker_context_max_tokens") == 50_000)
  }

  @Test func ratioWithUnknownModelSuggestsTokens() throws {
    let error = try #require(failure("ratio_unknown.lua"))
    #expect(error.messages.first?.contains("not in the model catalog") == true)
    #expect(error.rendered.contains("yoi.compact.tokens"))
    #expect(error.diagnostics.first?.location?.line == 4)
  }

  @Test func ratioRefusesUnknownKeys() throws {
    let directory = try temporaryDirectory()
    try "local p = yoi.profile.import('builtin:default') p.compaction = require('yoi').compact.ratio { threshold = 0.5, retain = 0.1 } return p"
      .write(toFile: directory + "/p.lua", atomically: true, encoding: .utf8)
    let error = try #require(failure(directory + "/p.lua"))
    #expect(error.messages.first == "compaction.retain: unknown field `retain`")
  }

  @Test func refusedFieldsGetTargetedMessages() throws {
    let error = try #require(failure("refused.lua"))
    let text = error.rendered
    #expect(text.contains("pod: `pod` is runtime-bound"))
    #expect(text.contains("manifest: a complete manifest is not a reusable profile"))
    #expect(text.contains("socket: `socket` is runtime state"))
    #expect(text.contains("model.auth.file: absolute paths are resolved values"))
    #expect(text.contains("scope.allow: `scope.allow` is concrete authority"))
    #expect(text.contains("delegation_scope.deny: `delegation_scope.deny` is concrete authority"))
    #expect(text.contains("memory.workspace_root: absolute paths"))
    #expect(text.contains("skills.directories[2]: absolute paths"))
    #expect(error.diagnostics.count == 8)
    // In source order, each with its line.
    #expect(error.diagnostics.compactMap(\.location?.line) == [3, 4, 5, 6, 7, 8, 9, 10])
  }

  @Test func typeErrorsNameKeyPathAndLine() throws {
    let error = try #require(failure("types.lua"))
    let found = Dictionary(uniqueKeysWithValues: error.diagnostics.map { ($0.message, $0.location?.line ?? 0) })
    #expect(found["worker.max_turns: expected a positive integer, got -1"] == 5)
    #expect(found["worker.temperature: expected a number, got a string"] == 6)
    #expect(found["worker.stop_sequences[2]: expected a string, got 3"] == 7)
    #expect(found["worker.reasoning: expected one of \"none\", \"minimal\", \"low\", \"medium\", \"high\", \"xhigh\", got \"extreme\""] == 8)
    #expect(found["feature.task.enabled: expected true or false, got a string"] == 10)
  }

  @Test func emptyTablesAndIntegralFloats() throws {
    let m = try resolve("shapes.lua")
    #expect(m[path: "worker.stop_sequences"] == .array([]))
    #expect(m.int("worker.max_turns") == 24)
    #expect(m.int("worker.max_tokens") == 8000)
    #expect(m.bool("feature.task.enabled") == false)
  }

  @Test func plaintextSecretsAreRefusedAndNeverEchoed() throws {
    let error = try #require(failure("secrets.lua"))
    #expect(error.diagnostics.count == 3)
    #expect(error.diagnostics.allSatisfy { $0.code == .profileSecret })
    #expect(!error.rendered.contains("CANARY"))
    #expect(error.rendered.contains("secret_ref"))
  }

  @Test func secretReferencesStayReferences() throws {
    let m = try resolve("secret_refs.lua")
    #expect(m[path: "model.auth"] == ["kind": "secret_ref", "ref": "providers/anthropic/work"])
    #expect(m.string("web.search.api_key_secret") == "web/brave/work")
  }

  @Test func outputIsDeterministic() throws {
    let first = try resolve("pairs50.lua")
    for _ in 0..<5 { #expect(try resolve("pairs50.lua").canonicalJSON == first.canonicalJSON) }
    guard case .array(let stops)? = first[path: "worker.stop_sequences"] else {
      Issue.record("expected a list")
      return
    }
    #expect(stops.count == 50)
    #expect(stops.first == "stop1")
    #expect(first.digest == SHA256.hex(first.canonicalJSON.utf8))
  }

  @Test func podNameDefaultsToSanitisedWorkspace() throws {
    #expect(ResolutionInputs.defaultPodName(forWorkspace: "/home/me/my project!") == "my-project-")
    #expect(ResolutionInputs.defaultPodName(forWorkspace: "/tmp/ünï") == "-n-")
    #expect(ResolutionInputs.defaultPodName(forWorkspace: "/tmp/!!!") == "workspace")
    let m = try resolve("builtin:coder", podName: nil)
    #expect(m.podName == "ws")
  }

  @Test func invalidPodNameIsRefused() throws {
    let resolver = ProfileResolver(workingDirectory: fixtures)
    #expect(throws: YoiError.self) {
      try resolver.resolve(.default, inputs: ResolutionInputs(podName: "..", workspace: workspace))
    }
  }
}

func temporaryDirectory() throws -> String {
  let path = FileManager.default.temporaryDirectory.appendingPathComponent("yoi-test-\(UUID().uuidString)").path
  try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  return path
}
