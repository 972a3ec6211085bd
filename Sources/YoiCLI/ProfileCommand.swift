import ArgumentParser
import Foundation
import YoiDiagnostics
import YoiManifest
import YoiProfiles

/// `yoi profile ...`: work with profiles.
struct ProfileCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "profile",
    abstract: "List, inspect, resolve and author profiles.",
    subcommands: [
      ProfileListCommand.self, ProfileShowCommand.self, ProfileResolveCommand.self, ProfileCheckCommand.self,
      ProfileNewCommand.self, ProfileDiffCommand.self, ProfileExplainCommand.self, ProfileTrustCommand.self,
      ProfileSchemaCommand.self, ProfileMigrateCommand.self,
    ]
  )
}

struct ProfileResolveCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "resolve",
    abstract: "Print the PodManifest a profile (or a --manifest file) resolves to, as JSON."
  )

  @Argument(help: "The profile: default, NAME, builtin:|user:|project:NAME, or a path to a .lua file.")
  var selector: String?

  @Option(help: "Resolve this TOML manifest file instead of a profile.")
  var manifest: String?

  @OptionGroup var runtime: RuntimeOptions

  @Flag(help: "Print only the manifest's sha256 digest.")
  var digest = false

  func validate() throws {
    if manifest != nil && selector != nil {
      throw ValidationError("--manifest conflicts with a profile selector: a manifest file is the whole configuration")
    }
  }

  func run() throws {
    let inputs = try runtime.inputs()
    let result: PodManifest
    if let manifest {
      let resolver = try runtime.resolver()
      result = try ManifestFile.resolve(manifest, inputs: inputs, resolver: resolver)
    } else {
      let resolver = try runtime.resolver()
      result = try resolver.resolve(ProfileSelector.parse(selector ?? "default"), inputs: inputs).manifest
    }
    Terminal.writeExact(digest ? result.digest + "\n" : result.prettyJSON)
  }
}

struct ProfileCheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Validate profiles and report every problem."
  )

  @Argument(help: "Profiles to check.")
  var selectors: [String] = []

  @Flag(help: "Check every registry entry.")
  var all = false

  @OptionGroup var runtime: RuntimeOptions
  @Flag(help: "Print one JSON result per profile on stdout (diagnostics still go to stderr).") var json = false

  func run() throws {
    let inputs = try runtime.inputs()
    let resolver = try runtime.resolver()
    var targets = selectors
    if all, let registry = resolver.registry { targets += registry.entries.map(\.qualifiedName) }
    guard !targets.isEmpty else { throw ValidationError("name at least one profile, or pass --all") }
    var problems: [Diagnostic] = []
    var results: [JSONValue] = []
    for selector in targets {
      do {
        let resolved = try resolver.resolve(ProfileSelector.parse(selector), inputs: inputs)
        results.append(.object(JSONObject([("profile", .string(selector)), ("ok", true), ("digest", .string(resolved.manifest.digest))])))
        if !json { Terminal.writeError("ok: \(selector) (\(resolved.manifest.digest.prefix(12)))\n") }
      } catch {
        problems += error.diagnostics
        results.append(
          .object(
            JSONObject([
              ("profile", .string(selector)), ("ok", false), ("codes", .array(error.diagnostics.compactMap { $0.code.map { .string($0.rawValue) } })),
            ])))
      }
    }
    if json { Terminal.writeExact(CanonicalJSON.pretty(.array(results))) }
    if !problems.isEmpty { throw YoiError(problems) }
  }
}

struct ProfileListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "list", abstract: "List every registered profile.")

  @Option(help: "The workspace whose project registry to include (default: the nearest directory holding .yoi/ or .git).")
  var workspace: String?

  @Flag(help: "Print JSON for scripts.")
  var json = false

  func run() throws {
    let registry = try ProfileContext(workspace: workspace, yes: false).registry()
    if !registry.warnings.isEmpty { Terminal.report(registry.warnings) }
    let shadowed = registry.shadowedEntries
    if json {
      let items: [JSONValue] = zip(registry.entries, shadowed).map { entry, shadows in
        .object(
          JSONObject([
            ("source", .string(entry.source.rawValue)), ("name", .string(entry.name)),
            ("qualified_name", .string(entry.qualifiedName)), ("default", .bool(entry == registry.defaultEntry)),
            ("description", entry.description.map(JSONValue.string) ?? .null), ("path", entry.path.map(JSONValue.string) ?? .null),
            ("shadows", .array(shadows.map { .string($0.qualifiedName) })), ("nix", .bool(entry.isNix)),
          ]))
      }
      Terminal.writeExact(CanonicalJSON.pretty(.array(items)))
      return
    }
    var rows = [["SOURCE", "NAME", "DEFAULT", "DESCRIPTION", "PATH"]]
    for (entry, shadowedEntries) in zip(registry.entries, shadowed) {
      let shadows = shadowedEntries.map(\.qualifiedName)
      var description = entry.description ?? ""
      if !shadows.isEmpty { description += (description.isEmpty ? "" : " ") + "(shadows \(shadows.joined(separator: ", ")))" }
      rows.append([entry.source.rawValue, entry.name, entry == registry.defaultEntry ? "default" : "", description, entry.path ?? "-"])
    }
    Terminal.write(TextTable.render(rows))
  }
}

struct ProfileShowCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "show", abstract: "Show where a profile comes from and what it resolves to.")

  @Argument(help: "The profile.")
  var selector: String = "default"

  @OptionGroup var runtime: RuntimeOptions
  @Flag(help: "Print JSON for scripts: where it comes from, the digest and the manifest.") var json = false

  func run() throws {
    let inputs = try runtime.inputs()
    let resolver = try runtime.resolver()
    let resolved = try resolver.resolve(ProfileSelector.parse(selector), inputs: inputs)
    if json {
      Terminal.writeExact(
        CanonicalJSON.pretty(
          .object(
            JSONObject([
              ("profile", resolved.entry.map { .string($0.qualifiedName) } ?? .null),
              ("path", (resolved.entry?.path ?? { if case .file(let path) = resolved.source.origin { path } else { nil } }()).map(JSONValue.string) ?? .null),
              ("content_digest", .string(resolved.contentDigest)), ("digest", .string(resolved.manifest.digest)),
              ("manifest", .object(resolved.manifest.json)),
            ]))))
      return
    }
    var lines: [String] = []
    let origin = resolved.entry.map { "\($0.qualifiedName)\($0.path.map { " (\($0))" } ?? "")" } ?? resolved.source.displayPath
    lines.append("profile:     \(origin)")
    if let description = resolved.manifest.sections.profile?.description { lines.append("description: \(description)") }
    lines += ManifestSummary(resolved.manifest).lines
    lines.append("digest:      \(resolved.manifest.digest)")
    Terminal.writeLines(lines)
  }
}

struct ProfileDiffCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "diff", abstract: "Field-level diff of two resolved profiles.")

  @Argument(help: "The first profile.") var first: String
  @Argument(help: "The second profile.") var second: String
  @OptionGroup var runtime: RuntimeOptions
  @Flag(help: "Print the changes as JSON for scripts.") var json = false

  func run() throws {
    let inputs = try runtime.inputs()
    let resolver = try runtime.resolver()
    let (a, b) = (
      try resolver.resolve(ProfileSelector.parse(first), inputs: inputs).manifest, try resolver.resolve(ProfileSelector.parse(second), inputs: inputs).manifest
    )
    let changes = ManifestDiff(from: a, to: b).changes
    if json {
      Terminal.writeExact(
        CanonicalJSON.pretty(
          .array(
            changes.map { change in
              .object(JSONObject([("path", .string(change.path)), ("from", change.old ?? .null), ("to", change.new ?? .null)]))
            })))
      return
    }
    if changes.isEmpty {
      Terminal.write("no differences\n")
      return
    }
    Terminal.write(changes.map(\.description).joined(separator: "\n") + "\n")
  }
}

struct ProfileExplainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "explain", abstract: "Show which file and line set a field's value.")

  @Argument(help: "The profile.") var selector: String
  @Argument(help: "A field path, e.g. model.ref or worker.reasoning.") var field: String
  @OptionGroup var runtime: RuntimeOptions

  func run() throws {
    let inputs = try runtime.inputs()
    let resolver = try runtime.resolver()
    let resolved = try resolver.resolve(ProfileSelector.parse(selector), inputs: inputs)
    let explanation = try ProfileExplainer(resolved: resolved).explain(field)
    Terminal.write(explanation + "\n")
  }
}

struct ProfileTrustCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "trust", abstract: "Trust a project profile at its current content.")

  @Argument(help: "The project profile, e.g. project:coder.") var selector: String
  @Option(help: "The workspace whose project registry to use (default: the nearest directory holding .yoi/ or .git).")
  var workspace: String?

  func run() throws {
    let context = ProfileContext(workspace: workspace, yes: true)
    let resolver = try context.resolver()
    let resolved = try resolver.resolve(ProfileSelector.parse(selector), inputs: ResolutionInputs(podName: "trust-check", workspace: context.workspacePath))
    guard let entry = resolved.entry, entry.source == .project else {
      throw YoiError([.error("\(selector) is not a project profile; only project profiles need trust", code: .trust)])
    }
    Terminal.writeLines(["trusted \(entry.qualifiedName) at \(resolved.contentDigest.prefix(12))"] + ManifestSummary(resolved.manifest).lines.map { "  \($0)" })
  }
}

struct ProfileNewCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "new", abstract: "Write a starter profile that imports its base, and register it.")

  @Argument(help: "The new profile's name.") var name: String
  @Option(help: "The builtin to start from (default: builtin:default).") var from: String = "builtin:default"
  @Flag(help: "Register in the user registry (the default).") var user = false
  @Flag(help: "Register in the project registry of the workspace.") var project = false
  @Option(help: "The workspace (for --project; default: the project of the current directory).") var workspace: String?

  func validate() throws {
    if user && project { throw ValidationError("choose one of --user and --project") }
  }

  func run() throws {
    let context = ProfileContext(workspace: workspace, yes: false)
    // --project registers in the nearest existing project registry, never a second .yoi/.
    let projectRoot =
      ProfileRegistry.nearestProjectRegistry(from: context.workspacePath).file
      .flatMap(ProfileRegistry.projectRoot(ofRegistry:)) ?? context.workspacePath
    let created = try ProfileScaffold(name: name, base: from).create(
      in: project ? .project(workspace: projectRoot) : .user(configDirectory: context.directories.config))
    Terminal.write("created \(created.profilePath)\nregistered \(created.qualifiedName) in \(created.registryPath)\n")
  }
}

struct ProfileSchemaCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "schema", abstract: "Print the manifest's JSON Schema or LuaLS stubs for the yoi API.")

  @Flag(help: "The PodManifest JSON Schema.") var jsonSchema = false
  @Flag(help: "LuaLS `---@meta` stubs for the yoi authoring API.") var luaStubs = false
  @Flag(help: "The table of profile fields, as Markdown (docs/api.md embeds it).") var markdown = false

  func validate() throws {
    if [jsonSchema, luaStubs, markdown].filter({ $0 }).count != 1 {
      throw ValidationError("pass exactly one of --json-schema, --lua-stubs and --markdown")
    }
  }

  func run() {
    Terminal.writeExact(jsonSchema ? CanonicalJSON.pretty(ManifestJSONSchema.schema) : luaStubs ? LuaStubs.text : FieldReference.markdown)
  }
}

/// Plain column alignment for people.
enum TextTable {
  /// Each cell on one line, control characters escaped (cells hold descriptions and names
  /// from registries and snapshots).
  static func render(_ rows: [[String]]) -> String {
    let rows = rows.map { $0.map { TerminalText.inline($0) } }
    guard let width = rows.first?.count else { return "" }
    let widths = (0..<width).map { column in rows.map { $0[column].count }.max() ?? 0 }
    var out = ""
    for row in rows {
      var line = ""
      for (column, cell) in row.enumerated() {
        if column > 0 { line += "  " }
        line += cell
        if column < width - 1 { line += String(repeating: " ", count: widths[column] - cell.count) }
      }
      while line.last == " " { line.removeLast() }
      out += line + "\n"
    }
    return out
  }
}

struct ProfileMigrateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "migrate", abstract: "Turn a Nix profile of the earlier format into a Lua profile, then check it.")

  @Argument(help: "The old .nix profile.") var file: String
  @Option(help: "Where to write the Lua profile (default: beside it, same name, .lua).") var output: String?
  @Flag(help: "Overwrite an existing output file.") var force = false

  func run() throws {
    let cwd = FileManager.default.currentDirectoryPath
    let source = PathLexer.join(cwd, file)
    let target = output.map { PathLexer.join(cwd, $0) } ?? (source.hasSuffix(".nix") ? String(source.dropLast(4)) : source) + ".lua"
    if FileManager.default.fileExists(atPath: target) && !force {
      throw YoiError([.error("\(target) already exists", code: .migrate, help: ["pass --force to overwrite it, or --output to write elsewhere"])])
    }
    let result = try ProfileMigration().migrate(source)
    do {
      try result.lua.write(toFile: target, atomically: true, encoding: .utf8)
    } catch {
      throw YoiError([.error("cannot write \(target): \(error.localizedDescription)", code: .migrate)])
    }
    Terminal.write("wrote \(target)\n" + result.notes.map { "note: \($0)\n" }.joined())
    let resolver = ProfileResolver(workingDirectory: cwd)
    let checked = try resolver.resolve(.path(target), inputs: ResolutionInputs(podName: "migrated", workspace: cwd))
    Terminal.write("checked: it resolves (\(checked.manifest.digest.prefix(12)))\n")
  }
}
