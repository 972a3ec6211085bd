import YoiDiagnostics
import Foundation
import Testing
import YoiManifest
@testable import YoiProfiles

@Suite("models.toml")
struct ModelCatalogFileTests {
  @Test func missingFileMeansTheBuiltinCatalog() throws {
    #expect(try ModelCatalogFile.load(configDirectory: temporaryDirectory()) == .builtin)
  }

  @Test func overridesAndAdditions() throws {
    let catalog = try ModelCatalogFile.parse(
      """
      [models."anthropic/claude-sonnet-4-6"]
      context_window = 500000

      [models."local-vllm/qwen"]
      context_window = 32768

      [providers.local-vllm]
      scheme = "openai_chat"
      base_url = "http://127.0.0.1:8000/v1"
      auth = { kind = "none" }
      """, path: "models.toml")
    #expect(catalog.models["anthropic/claude-sonnet-4-6"] == .init(contextWindow: 500_000, reasoning: true))
    #expect(catalog.models["codex-oauth/gpt-5.5"]?.contextWindow == 272_000)
    #expect(catalog.models["local-vllm/qwen"] == .init(contextWindow: 32768, reasoning: false))
    #expect(catalog.providers["local-vllm"]?.scheme == "openai_chat")

    // A ratio preset now uses the overridden window.
    let directory = try temporaryDirectory()
    try
      "local yoi = require('yoi') local p = yoi.profile.import('builtin:default') p.model = yoi.models.catalog('local-vllm/qwen') p.compaction = yoi.compact.ratio { threshold = 0.5 } return p"
      .write(toFile: directory + "/p.lua", atomically: true, encoding: .utf8)
    let resolver = ProfileResolver(catalog: catalog, workingDirectory: directory)
    let manifest = try resolver.resolve(.path("p.lua"), inputs: ResolutionInputs(podName: "x", workspace: directory)).manifest
    #expect(manifest[path: "compaction.threshold"] == .integer(16384))
    #expect(manifest[path: "model.base_url"] == .string("http://127.0.0.1:8000/v1"))
  }

  @Test func malformedTOMLIsLocated() throws {
    #expect {
      try ModelCatalogFile.parse("[models.\"a/b\"]\ncontext_window = = 3\n", path: "models.toml")
    } throws: { error in
      let diagnostic = (error as? YoiError)?.diagnostics.first
      return diagnostic?.code == .toml && diagnostic?.location?.line == 2
    }
  }

  @Test func unknownKeysAndWrongTypesAreLocated() throws {
    let text = "[model.\"a/b\"]\ncontext_window = 3\n\n[models.\"c/d\"]\ncontext_window = \"big\"\n"
    do {
      _ = try ModelCatalogFile.parse(text, path: "models.toml")
      Issue.record("expected an error")
    } catch {
      let found = error.diagnostics.map { "\($0.location?.line ?? 0): \($0.message)" }
      #expect(found.contains("1: unknown key `model`"))
      #expect(found.contains("5: models[\"c/d\"].context_window: expected a positive integer, got a string"))
      #expect(error.diagnostics.first?.help.contains("did you mean `models`?") == true)
    }
  }
}
