import Foundation
import Testing

@Suite("Registries and selectors (end to end)")
struct RegistryCommandTests {
  @Test func everySelectorKind() throws {
    let home = try YoiHome()
    try home.standardRegistries()
    try home.write("repo/local.lua", "return require('yoi').profile.import('builtin:researcher')\n")
    let cases: [(String, String)] = [
      ("default", "$yoi/role/coder"),  // the project's declared default
      ("builtin:default", "$yoi/default"),
      ("user:mine", "$yoi/default"),
      ("mine", "$yoi/default"),
      ("project:coder", "$yoi/role/coder"),
      ("./local.lua", "$yoi/role/researcher"),
      ("local.lua", "$yoi/role/researcher"),
      ("path:local.lua", "$yoi/role/researcher"),
      ("builtin:intake", "$yoi/role/intake"),
    ]
    for (selector, instruction) in cases {
      let outcome = try home.run(["profile", "resolve", selector, "--yes"])
      #expect(outcome.status == 0, "\(selector): \(outcome.stderr)")
      #expect(outcome.stdout.contains("\"instruction\": \"\(instruction)\""), "\(selector)")
    }
  }

  @Test func ambiguousBareNamesFailClosed() throws {
    let home = try YoiHome()
    try home.standardRegistries()
    let outcome = try home.run(["profile", "resolve", "coder", "--yes"])
    #expect(outcome.status == 1)
    #expect(outcome.stdout.isEmpty)
    #expect(outcome.stderr.contains("profile name `coder` is ambiguous"))
    #expect(outcome.stderr.contains("`builtin:coder`, `project:coder`"))
  }

  @Test func unknownNamesSuggest() throws {
    let home = try YoiHome()
    try home.standardRegistries()
    let outcome = try home.run(["profile", "resolve", "revewer"])
    #expect(outcome.status == 1)
    #expect(outcome.stderr.contains("did you mean `reviewer`?"))
    let qualified = try home.run(["profile", "resolve", "project:codr"])
    #expect(qualified.stderr.contains("did you mean `project:coder`?"))
  }

  @Test func nearestProjectRegistryFromANestedDirectory() throws {
    let home = try YoiHome()
    try home.standardRegistries()
    try FileManager.default.createDirectory(at: home.project.appendingPathComponent("a/b/c"), withIntermediateDirectories: true)
    let outcome = try home.run(["profile", "list", "--json"], in: "repo/a/b/c")
    #expect(outcome.status == 0)
    #expect(outcome.stdout.contains("\"qualified_name\": \"project:coder\""))
    // A nearer registry wins over the outer one.
    try home.write("repo/a/.yoi/profiles.toml", "[profile]\ninner = \"inner.lua\"\n")
    try home.write("repo/a/.yoi/inner.lua", "return require('yoi').profile.import('builtin:reviewer')\n")
    let nearer = try home.run(["profile", "list", "--json"], in: "repo/a/b/c")
    #expect(nearer.stdout.contains("project:inner"))
    #expect(!nearer.stdout.contains("project:coder"))
  }

  @Test func defaultPrecedence() throws {
    let home = try YoiHome()
    // No declared default: builtin:default.
    var outcome = try home.run(["profile", "list", "--json"])
    #expect(outcome.stdout.contains("\"default\": true,\n    \"description\": \"General agent"))
    // A user default binds its bare name to the user registry.
    try home.write("config/profiles.toml", "default = \"mine\"\n[profile]\nmine = \"mine.lua\"\n")
    try home.write("config/mine.lua", "local p = yoi.profile.import('default') p.slug = 'mine' return p\n")
    outcome = try home.run(["profile", "show", "default"])
    #expect(outcome.stdout.hasPrefix("profile:     user:mine"))
    // The project's default is declared later and wins; a qualified default works too.
    try home.write("repo/.yoi/profiles.toml", "default = \"builtin:reviewer\"\n")
    outcome = try home.run(["profile", "show", "default"])
    #expect(outcome.stdout.hasPrefix("profile:     builtin:reviewer"))
  }

  @Test func defaultNamingAMissingEntryIsAnError() throws {
    let home = try YoiHome()
    try home.write("repo/.yoi/profiles.toml", "# registry\ndefault = \"nothere\"\n")
    let outcome = try home.run(["profile", "list"])
    #expect(outcome.status == 1)
    #expect(outcome.stderr.contains("default names `project:nothere`, which is not declared"))
    #expect(outcome.stderr.contains("profiles.toml:2"))
  }

  @Test func relativePathsAgainstTheDeclaringFile() throws {
    let home = try YoiHome()
    try home.write("repo/.yoi/profiles.toml", "[profile]\nskilled = \"../profiles/skilled.lua\"\n")
    try home.write(
      "repo/profiles/skilled.lua",
      """
      local p = require('yoi').profile.import('builtin:default')
      p.skills = { directories = { "skills" } }
      return p
      """)
    let outcome = try home.run(["profile", "resolve", "project:skilled", "--yes"])
    #expect(outcome.status == 0, "\(outcome.stderr)")
    #expect(outcome.stdout.contains(home.project.appendingPathComponent("profiles/skills").path))
  }

  @Test func malformedRegistries() throws {
    let home = try YoiHome()
    try home.write("repo/.yoi/profiles.toml", "[profile]\ncoder = \n")
    var outcome = try home.run(["profile", "list"])
    #expect(outcome.status == 1)
    #expect(outcome.stderr.contains("malformed TOML"))
    #expect(outcome.stderr.contains("profiles.toml:2"))

    try home.write("repo/.yoi/profiles.toml", "defualt = \"x\"\n[alias]\nc = \"coder\"\n[profile.a]\npath = \"a.lua\"\ndesc = \"x\"\n")
    try home.write("repo/.yoi/a.lua", "return {}\n")
    outcome = try home.run(["profile", "list"])
    #expect(outcome.status == 1)
    #expect(outcome.stderr.contains("unknown key `defualt`"))
    #expect(outcome.stderr.contains("did you mean `default`?"))
    #expect(outcome.stderr.contains("`[alias]` was removed"))
    #expect(outcome.stderr.contains("unknown key `desc` in profile.a"))
    #expect(outcome.stderr.contains("did you mean `description`?"))
    #expect(outcome.stderr.contains("profiles.toml:6"))

    // Found by fuzzing: this valid UTF-8 aborted the C++ TOML parser yoi used before.
    try home.write("repo/.yoi/profiles.toml", "[\u{FFFD}\u{FFFD}")
    outcome = try home.run(["profile", "list"])
    #expect(outcome.status == 1)
    #expect(outcome.stderr.contains("error[E-TOML]: malformed TOML: expected a key, found a non-ASCII character"))

    try home.write("repo/.yoi/profiles.toml", "[profile]\ngone = \"missing.lua\"\n")
    outcome = try home.run(["profile", "list"])
    #expect(outcome.stderr.contains("profile.gone: profile file missing.lua does not exist"))
    #expect(outcome.stderr.contains("profiles.toml:2"))
  }

  @Test func nixEntriesAreListedWithAWarningAndFailOnSelection() throws {
    let home = try YoiHome()
    try home.write("repo/.yoi/profiles.toml", "[profile]\nold = \"old.nix\"\n")
    try home.write("repo/.yoi/old.nix", "{ }\n")
    let list = try home.run(["profile", "list"])
    #expect(list.status == 0)
    #expect(list.stdout.contains("old"))
    #expect(list.stderr.contains("warning[W-REGISTRY-NIX]"))
    let resolve = try home.run(["profile", "resolve", "project:old"])
    #expect(resolve.status == 1)
    #expect(resolve.stderr.contains("Nix profiles are no longer evaluated"))
    #expect(resolve.stderr.contains("yoi profile new"))
    let path = try home.run(["profile", "resolve", "./legacy.nix"])
    #expect(path.stderr.contains("Nix profiles are no longer evaluated"))
    #expect(path.stderr.contains("--manifest"))
  }

  @Test func listJSON() throws {
    let home = try YoiHome()
    try home.standardRegistries()
    let outcome = try home.run(["profile", "list", "--json"])
    #expect(outcome.status == 0)
    #expect(
      outcome.stdout.contains(
        """
          {
            "default": true,
            "description": "coder (from builtin:coder)",
        """) == false)
    #expect(
      outcome.stdout.contains(
        """
            "default": true,
            "description": null,
            "name": "coder",
            "nix": false,
            "path": "\(home.project.path)/.yoi/profiles/coder.lua",
            "qualified_name": "project:coder",
            "shadows": [
              "builtin:coder"
            ],
            "source": "project"
        """))
    #expect(outcome.stdout.contains("\"description\": \"Project reviewer\""))
    #expect(outcome.stdout.contains("\"qualified_name\": \"user:mine\""))
  }
}

@Suite("Project trust (end to end)")
struct ProjectTrustTests {
  @Test func requiredGrantedAndReRequiredAfterAnEdit() throws {
    let home = try YoiHome()
    try home.standardRegistries()
    var outcome = try home.run(["profile", "resolve", "project:coder", "--digest"])
    #expect(outcome.status == 1)
    #expect(outcome.stdout.isEmpty)
    #expect(outcome.stderr.contains("project profile project:coder has not been trusted yet"))
    #expect(outcome.stderr.contains("model:       \"codex-oauth/gpt-5.5\" at \"https://chatgpt.com/backend-api/codex\""))
    #expect(outcome.stderr.contains("yoi profile trust project:coder"))
    // Listing needs no trust.
    #expect(try home.run(["profile", "list"]).status == 0)

    outcome = try home.run(["profile", "trust", "project:coder"])
    #expect(outcome.status == 0)
    #expect(outcome.stdout.hasPrefix("trusted project:coder"))
    #expect(try home.run(["profile", "resolve", "project:coder", "--digest"]).status == 0)

    try home.write("repo/.yoi/profiles/coder.lua", "local p = require('yoi').profile.import('builtin:coder') p.worker.reasoning = 'low' return p\n")
    outcome = try home.run(["profile", "resolve", "project:coder", "--digest"])
    #expect(outcome.status == 1)
    #expect(outcome.stderr.contains("changed since you trusted it"))
    outcome = try home.run(["profile", "resolve", "project:coder", "--digest"], environment: ["YOI_TRUST_PROJECT": "1"])
    #expect(outcome.status == 0)
    #expect(try home.run(["profile", "resolve", "project:coder", "--digest"]).status == 0)
  }

  @Test("the trust prompt names each MCP server's command or URL and its network; adding a server needs trust again")
  func mcpServersInTheTrustPrompt() throws {
    let home = try YoiHome()
    try home.write("repo/.yoi/profiles.toml", "[profile]\ntools = \"tools.lua\"\n")
    let profile = """
      local yoi = require("yoi")
      local p = yoi.profile.import("builtin:coder")
      p.mcp = { servers = { yoi.mcp.stdio { name = "calc", command = { "python3", "calc.py" }, network = true }, %@ } }
      return p
      """
    try home.write("repo/.yoi/tools.lua", profile.replacingOccurrences(of: "%@", with: ""))
    var outcome = try home.run(["profile", "resolve", "project:tools", "--digest"])
    #expect(outcome.status == 1)
    #expect(outcome.stderr.contains("calc (stdio: python3 calc.py; network: yes)"), "\(outcome.stderr)")
    #expect(try home.run(["profile", "trust", "project:tools"]).status == 0)
    try home.write(
      "repo/.yoi/tools.lua", profile.replacingOccurrences(of: "%@", with: #"yoi.mcp.http { name = "tracker", url = "https://t.example/mcp" }"#))
    outcome = try home.run(["profile", "resolve", "project:tools", "--digest"])
    #expect(outcome.status == 1)
    #expect(outcome.stderr.contains("changed since you trusted it"))
    #expect(outcome.stderr.contains("tracker (http: https://t.example/mcp)"), "\(outcome.stderr)")
  }

  @Test func editingALocalModuleNeedsTrustAgain() throws {
    let home = try YoiHome()
    try home.write("repo/.yoi/profiles.toml", "[profile]\nmod = \"mod.lua\"\n")
    try home.write("repo/.yoi/mod.lua", "local p = require('yoi').profile.import('builtin:coder') p.worker.reasoning = require('lib.effort') return p\n")
    try home.write("repo/.yoi/lib/effort.lua", "return 'low'\n")
    #expect(try home.run(["profile", "resolve", "project:mod", "--yes"]).status == 0)
    #expect(try home.run(["profile", "resolve", "project:mod"]).status == 0)
    try home.write("repo/.yoi/lib/effort.lua", "return 'high'\n")
    let outcome = try home.run(["profile", "resolve", "project:mod"])
    #expect(outcome.status == 1)
    #expect(outcome.stderr.contains("changed since you trusted it"))
  }
}

@Suite("--manifest (end to end)")
struct ManifestFileTests {
  @Test func goodManifestMergesOverDefaults() throws {
    let home = try YoiHome()
    try home.write(
      "repo/pod.toml",
      """
      [model]
      ref = "anthropic/claude-sonnet-4-6"

      [worker]
      reasoning = "medium"
      max_turns = 30

      [skills]
      directories = ["skills"]
      """)
    let outcome = try home.run(["profile", "resolve", "--manifest", "pod.toml", "--pod-name", "m"])
    #expect(outcome.status == 0, "\(outcome.stderr)")
    #expect(outcome.stdout.contains("\"ref\": \"anthropic/claude-sonnet-4-6\""))
    #expect(outcome.stdout.contains("\"reasoning\": \"medium\""))
    #expect(outcome.stdout.contains("\"max_turns\": 30"))
    #expect(outcome.stdout.contains("\"threshold\": 240000"))  // from the defaults
    #expect(outcome.stdout.contains("\"\(home.project.path)/skills\""))
    #expect(outcome.stdout.contains("\"profile\": null"))
  }

  @Test func badManifestReportsLines() throws {
    let home = try YoiHome()
    try home.write("repo/bad.toml", "[worker]\nmax_turns = -3\nreasonin = \"low\"\n\n[model]\nauth = { kind = \"api_key\", key = \"CANARY-manifest\" }\n")
    let outcome = try home.run(["profile", "resolve", "--manifest", "bad.toml"])
    #expect(outcome.status == 1)
    #expect(outcome.stdout.isEmpty)
    #expect(outcome.stderr.contains("worker.max_turns: expected a positive integer, got -3"))
    #expect(outcome.stderr.contains("bad.toml:2"))
    #expect(outcome.stderr.contains("unknown field `reasonin`"))
    #expect(outcome.stderr.contains("bad.toml:3"))
    #expect(outcome.stderr.contains("did you mean `reasoning`?"))
    #expect(outcome.stderr.contains("bad.toml:6"))
    #expect(!outcome.stderr.contains("CANARY"))
  }

  @Test func manifestConflictsWithAProfile() throws {
    let home = try YoiHome()
    let outcome = try home.run(["profile", "resolve", "builtin:coder", "--manifest", "x.toml"])
    #expect(outcome.status != 0)
    #expect(outcome.stderr.contains("--manifest conflicts with a profile selector"))
  }
}

@Suite("profile new, diff, explain, schema (end to end)")
struct ProfileAuthoringCommandTests {
  @Test func newThenCheckThenResolve() throws {
    let home = try YoiHome()
    try home.write("repo/.yoi/profiles.toml", "# keep me\ndefault = \"builtin:reviewer\"\n[profile]\n")
    var outcome = try home.run(["profile", "new", "mycoder", "--from", "builtin:coder", "--project"])
    #expect(outcome.status == 0, "\(outcome.stderr)")
    let registry = try home.read("repo/.yoi/profiles.toml")
    #expect(registry.hasPrefix("# keep me\ndefault = \"builtin:reviewer\"\n[profile]\n"))
    #expect(registry.contains("[profile.mycoder]\npath = \"profiles/mycoder.lua\""))
    let starter = try home.read("repo/.yoi/profiles/mycoder.lua")
    #expect(starter.contains("yoi.profile.import(\"builtin:coder\")"))
    outcome = try home.run(["profile", "check", "project:mycoder", "--yes"])
    #expect(outcome.status == 0, "\(outcome.stderr)")
    outcome = try home.run(["profile", "resolve", "mycoder"])
    #expect(outcome.status == 0)
    #expect(outcome.stdout.contains("\"name\": \"mycoder\""))
    // A user profile in a fresh config directory creates the registry file.
    outcome = try home.run(["profile", "new", "solo"])
    #expect(outcome.status == 0)
    #expect(try home.run(["profile", "resolve", "user:solo", "--digest"]).status == 0)
    // Names are not registered twice.
    outcome = try home.run(["profile", "new", "solo"])
    #expect(outcome.status == 1)
    #expect(outcome.stderr.contains("already registered"))
  }

  @Test func checkAll() throws {
    let home = try YoiHome()
    try home.standardRegistries()
    try home.write("config/broken.lua", "return { worker = { max_turns = 0 } }\n")
    try home.write("config/profiles.toml", "[profile]\nmine = \"mine.lua\"\nbroken = \"broken.lua\"\n")
    let outcome = try home.run(["profile", "check", "--all", "--yes"])
    #expect(outcome.status == 1)
    #expect(outcome.stderr.contains("ok: builtin:orchestrator"))
    #expect(outcome.stderr.contains("ok: project:coder"))
    #expect(outcome.stderr.contains("worker.max_turns: expected a positive integer, got 0"))
  }

  @Test func diffShowsFieldLevelChanges() throws {
    let home = try YoiHome()
    let outcome = try home.run(["profile", "diff", "builtin:coder", "builtin:coder-fast", "--pod-name", "p"])
    #expect(outcome.status == 0)
    #expect(
      outcome.stdout == """
        ~ model.model_id: "gpt-5.5" -> "gpt-5.4-mini"
        ~ model.ref: "codex-oauth/gpt-5.5" -> "codex-oauth/gpt-5.4-mini"
        ~ profile.description: "Writes and changes code in the workspace" -> "coder on a small model with low reasoning"
        ~ profile.name: "coder" -> "coder-fast"
        ~ profile.source.name: "coder" -> "coder-fast"
        ~ worker.reasoning: "high" -> "low"

        """)
    #expect(try home.run(["profile", "diff", "builtin:coder", "builtin:coder"]).stdout == "no differences\n")
  }

  @Test func explainNamesFileAndLine() throws {
    let home = try YoiHome()
    try home.standardRegistries()
    var outcome = try home.run(["profile", "explain", "project:coder", "worker.reasoning", "--yes"])
    #expect(outcome.stdout == "worker.reasoning = \"medium\"  (.yoi/profiles/coder.lua:4)\n")
    outcome = try home.run(["profile", "explain", "project:coder", "model.ref", "--yes"])
    #expect(outcome.stdout.hasPrefix("model.ref = \"codex-oauth/gpt-5.5\"  (builtin:default.lua:"))
    #expect(outcome.stdout.contains("via import of builtin:default at builtin:coder.lua:3, via import of builtin:coder at .yoi/profiles/coder.lua:2)"))
    outcome = try home.run(["profile", "explain", "builtin:coder", "nothing.here"])
    #expect(outcome.status == 1)
    #expect(outcome.stderr.contains("the manifest has no field `nothing.here`"))
  }

  @Test func luaStubsLoadInStockLua() throws {
    let home = try YoiHome()
    let outcome = try home.run(["profile", "schema", "--lua-stubs"])
    #expect(outcome.status == 0)
    #expect(outcome.stdout.hasPrefix("---@meta yoi"))
    #expect(outcome.stdout.contains("---@field worker? yoi.Profile.Worker"))
    try home.write("stubs.lua", outcome.stdout)
    let lua = Process()
    lua.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    lua.arguments = ["lua5.4", home.root.appendingPathComponent("stubs.lua").path]
    try lua.run()
    lua.waitUntilExit()
    #expect(lua.terminationStatus == 0)
  }

  @Test func jsonSchemaValidatesResolvedManifests() throws {
    let home = try YoiHome()
    let schema = try home.run(["profile", "schema", "--json-schema"])
    #expect(schema.status == 0)
    try home.write("schema.json", schema.stdout)
    try home.write(
      "repo/mcp.lua",
      """
      local yoi = require("yoi")
      local p = yoi.profile.import("builtin:default")
      p.mcp = { servers = {
        yoi.mcp.stdio { name = "calc", command = { "python3", "calc.py" }, env = { set = { TOKEN = yoi.secret("mcp/t"), MODE = "x" } }, read = { "~/.cache" } },
        yoi.mcp.http { name = "tracker", url = "https://t.example/mcp", headers = { Authorization = yoi.env("TRACKER_AUTH") } },
      } }
      return p
      """)
    for profile in ["builtin:default", "builtin:orchestrator", "builtin:coder-fast", "./mcp.lua"] {
      let manifest = try home.run(["profile", "resolve", profile, "--pod-name", "p"])
      #expect(manifest.status == 0, "\(manifest.stderr)")
      try home.write("manifest.json", manifest.stdout)
      // Validated with Python's jsonschema when the machine has it (the base image does).
      let python = Process()
      python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      python.arguments = [
        "python3", "-c",
        """
        import json, sys
        try:
            import jsonschema
        except ImportError:
            sys.exit(77)
        jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))
        """, home.root.appendingPathComponent("schema.json").path, home.root.appendingPathComponent("manifest.json").path,
      ]
      try python.run()
      python.waitUntilExit()
      #expect(python.terminationStatus == 0 || python.terminationStatus == 77, "\(profile) does not match the schema")
    }
  }
}
