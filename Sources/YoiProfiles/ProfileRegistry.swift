import Foundation
public import YoiDiagnostics
import YoiManifest

/// One named profile in a registry.
public struct RegistryEntry: Sendable, Hashable {
  public var source: ProfileSelector.RegistrySource
  public var name: String
  /// Absolute path of the Lua file (nil for builtins).
  public var path: String?
  public var description: String?
  /// The registry file and line that declared it (nil for builtins).
  public var declaredIn: SourceLocation?

  /// `project:coder`.
  public var qualifiedName: String { "\(source.rawValue):\(name)" }
  /// A Nix entry: listed, but selecting it is an error.
  public var isNix: Bool { path?.hasSuffix(".nix") ?? false }
}

/// The builtin, user and nearest project registries (DESIGN.md §6), discovered in that order.
public struct ProfileRegistry: Sendable {
  public private(set) var entries: [RegistryEntry]
  /// The default: the last declared one, else `builtin:default`.
  public private(set) var defaultEntry: RegistryEntry
  /// Non-fatal findings, e.g. Nix entries.
  public private(set) var warnings: [Diagnostic]
  /// The project registry file in use, if any.
  public private(set) var projectFile: String?
  public let userFile: String

  /// Reads the registries for `workspace`.
  /// - Throws: `YoiError` for malformed files, unknown keys, missing entry files and a
  ///   default naming no entry, each with file and line. A broken registry is never skipped.
  public static func discover(directories: YoiDirectories, workspace: String) throws(YoiError) -> ProfileRegistry {
    var entries = BuiltinProfiles.names.map { name in
      RegistryEntry(source: .builtin, name: name, path: nil, description: BuiltinProfiles.descriptions[name], declaredIn: nil)
    }
    var defaultEntry = entries[0]
    var warnings: [Diagnostic] = []
    var diagnostics: [Diagnostic] = []
    let userFile = directories.config + "/profiles.toml"
    let (projectFile, ownershipNote) = nearestProjectRegistry(from: workspace)
    if let ownershipNote { warnings.append(ownershipNote) }
    for (source, file) in [(ProfileSelector.RegistrySource.user, userFile), (.project, projectFile)] {
      guard let file, FileManager.default.fileExists(atPath: file) else { continue }
      do {
        let registry = try RegistryFile.read(file, source: source)
        entries += registry.entries
        warnings += registry.warnings
        if let declared = registry.defaultSelector {
          switch resolveDefault(declared, in: entries, declaringSource: source, file: registry.document) {
          case .success(let entry): defaultEntry = entry
          case .failure(let problem): diagnostics.append(problem.diagnostic)
          }
        }
      } catch {
        diagnostics += error.diagnostics
      }
    }
    if !diagnostics.isEmpty { throw YoiError(diagnostics) }
    return ProfileRegistry(entries: entries, defaultEntry: defaultEntry, warnings: warnings, projectFile: projectFile, userFile: userFile)
  }

  /// The nearest `.yoi/profiles.toml` at or above `workspace`, in directories the user owns.
  /// Like git's `safe.directory`, the walk stops at a directory owned by someone else: a
  /// `/tmp/.yoi/profiles.toml` planted by another user must not apply. When such a registry
  /// was passed over, a warning says so.
  public static func nearestProjectRegistry(from workspace: String) -> (file: String?, note: Diagnostic?) {
    var directory = PathLexer.normalize(workspace)
    let user = geteuid()
    while true {
      let candidate = PathLexer.join(directory, ".yoi/profiles.toml")
      var status = stat()
      let owned = stat(directory, &status) != 0 || status.st_uid == user
      let exists = FileManager.default.fileExists(atPath: candidate)
      if !owned {
        let note =
          exists
          ? Diagnostic(
            .warning, code: .warningRegistryOwner,
            message: "ignored \(candidate): \(directory) belongs to another user",
            help: ["yoi only reads project registries in directories you own"])
          : nil
        return (nil, note)
      }
      if exists { return (candidate, nil) }
      if directory == "/" { return (nil, nil) }
      directory = PathLexer.dirname(directory)
    }
  }

  private static func resolveDefault(
    _ declared: (text: String, line: Int?), in entries: [RegistryEntry], declaringSource: ProfileSelector.RegistrySource,
    file: TOMLDocument
  ) -> Result<RegistryEntry, RegistryProblem> {
    let selector = ProfileSelector.parse(declared.text)
    let (source, name): (ProfileSelector.RegistrySource, String)
    switch selector {
    case .bare(let bare): (source, name) = (declaringSource, bare)
    case .qualified(let qualified, let bare): (source, name) = (qualified, bare)
    default:
      return .failure(
        RegistryProblem(
          diagnostic: file.diagnostic(
            "default must name a registry entry (\"NAME\" or \"builtin:NAME\"), got \"\(declared.text)\"", at: "default", code: .registry)))
    }
    if let entry = entries.last(where: { $0.source == source && $0.name == name }) { return .success(entry) }
    let names = entries.filter { $0.source == source }.map(\.name)
    var help = Suggestion.didYouMean(name, in: names).map { [$0] } ?? []
    help.append("\(source.rawValue) entries: \(names.isEmpty ? "none" : names.joined(separator: ", "))")
    return .failure(
      RegistryProblem(
        diagnostic: file.diagnostic("default names `\(source.rawValue):\(name)`, which is not declared", at: "default", code: .registry, help: help)))
  }

  /// The entry a selector names. Bare names found in several sources fail closed.
  /// - Throws: `YoiError` for unknown, ambiguous and Nix selections.
  public func entry(for selector: ProfileSelector) throws(YoiError) -> RegistryEntry {
    let found: RegistryEntry
    switch selector {
    case .default:
      found = defaultEntry
    case .qualified(let source, let name):
      guard let entry = entries.last(where: { $0.source == source && $0.name == name }) else {
        let names = entries.filter { $0.source == source }.map(\.name)
        var help = Suggestion.closest(to: name, in: names).map { ["did you mean `\(source.rawValue):\($0)`?"] } ?? []
        help.append(names.isEmpty ? "the \(source.rawValue) registry has no entries" : "\(source.rawValue) profiles: \(names.joined(separator: ", "))")
        throw YoiError("unknown profile `\(source.rawValue):\(name)`", code: .selector, help: help)
      }
      found = entry
    case .bare(let name):
      let matches = entries.filter { $0.name == name }
      if matches.count > 1 {
        throw YoiError(
          "profile name `\(name)` is ambiguous: it is declared in \(matches.count) registries", code: .selectorAmbiguous,
          help: ["choose one: " + matches.map { "`\($0.qualifiedName)`" }.joined(separator: ", ")])
      }
      guard let entry = matches.first else {
        let names = Set(entries.map(\.name)).sorted()
        var help = Suggestion.didYouMean(name, in: names).map { [$0] } ?? []
        help.append("see `yoi profile list` for every profile, or pass a path to a .lua file")
        throw YoiError("unknown profile `\(name)`", code: .selector, help: help)
      }
      found = entry
    case .path:
      throw YoiError("a path is not a registry entry", code: .selector)
    }
    if found.isNix, let path = found.path {
      throw YoiError([
        Diagnostic(
          code: .profileNix, message: "\(found.qualifiedName) (\(path)): Nix profiles are no longer evaluated",
          location: found.declaredIn,
          help: [
            "port it to Lua: `yoi profile new \(found.name) --from builtin:default` writes a starter that imports its base",
            "or write the complete manifest as TOML and pass it with --manifest FILE.toml",
          ])
      ])
    }
    return found
  }

  /// For each entry (same order as `entries`), the earlier entries with the same name.
  public var shadowedEntries: [[RegistryEntry]] {
    var seen: [String: [RegistryEntry]] = [:]
    return entries.map { entry in
      defer { seen[entry.name, default: []].append(entry) }
      return seen[entry.name] ?? []
    }
  }
}

extension ProfileRegistry {
  /// Reads one registry file's text (entries must exist on disk to be accepted).
  /// - Throws: `YoiError` with file and line, as discovery does.
  public static func parseRegistryFile(text: String, path: String, source: ProfileSelector.RegistrySource) throws(YoiError) -> [RegistryEntry] {
    try RegistryFile.parse(text, path: path, source: source).entries
  }
}

extension ProfileRegistry {
  /// The project a project registry belongs to: the directory holding `.yoi/`.
  public static func projectRoot(ofRegistry path: String) -> String? {
    RegistryFile.projectRoot(ofRegistry: path)
  }
}

extension RegistryFile {
  static func projectRoot(ofRegistry path: String) -> String? {
    let yoiDirectory = PathLexer.dirname(path)
    guard PathLexer.basename(yoiDirectory) == ".yoi" else { return nil }
    return PathLexer.dirname(yoiDirectory)
  }

  /// Whether `path`, after resolving symlinks (of the file, or of its nearest existing
  /// ancestor when it does not exist yet), lies inside `directory` (also resolved).
  static func resolvesInside(_ path: String, directory: String) -> Bool {
    guard let realDirectory = ModuleLocator.realPath(directory) else { return false }
    var existing = PathLexer.normalize(path)
    var tail: [String] = []
    while ModuleLocator.realPath(existing) == nil, existing != "/" {
      tail.insert(PathLexer.basename(existing), at: 0)
      existing = PathLexer.dirname(existing)
    }
    guard let real = ModuleLocator.realPath(existing) else { return false }
    let resolved = tail.reduce(real) { PathLexer.join($0, $1) }
    return PathLexer.isInside(resolved, directory: realDirectory)
  }
}

struct RegistryProblem: Error {
  var diagnostic: Diagnostic
}

/// One `profiles.toml` file.
struct RegistryFile {
  var entries: [RegistryEntry]
  var defaultSelector: (text: String, line: Int?)?
  var warnings: [Diagnostic]
  var document: TOMLDocument

  static func read(_ path: String, source: ProfileSelector.RegistrySource) throws(YoiError) -> RegistryFile {
    let text: String
    switch BoundedFile.readText(path, limit: BoundedFile.tomlLimit) {
    case .success(let read): text = read
    case .failure(let failure): throw YoiError("the registry \(path) \(failure.reason)", code: .registry, at: SourceLocation(file: path))
    }
    return try parse(text, path: path, source: source)
  }

  static func parse(_ text: String, path: String, source: ProfileSelector.RegistrySource) throws(YoiError) -> RegistryFile {
    let document = try TOMLDocument(text: text, path: path, displayPath: path)
    let directory = PathLexer.dirname(path)
    let projectRoot = source == .project ? Self.projectRoot(ofRegistry: path) : nil
    var diagnostics: [Diagnostic] = []
    var warnings: [Diagnostic] = []
    var entries: [RegistryEntry] = []
    var defaultSelector: (String, Int?)?
    for member in document.root {
      switch (member.key, member.value) {
      case ("default", .string(let text)):
        defaultSelector = (text, document.line(of: "default"))
      case ("default", _):
        diagnostics.append(document.diagnostic("default must be a string naming a profile", at: "default", code: .registry))
      case ("profile", .object(let table)):
        for entry in table {
          let entryPath = KeyPath.join("profile", entry.key)
          var path: String?
          var description: String?
          switch entry.value {
          case .string(let text): path = text
          case .object(let fields):
            for field in fields {
              switch (field.key, field.value) {
              case ("path", .string(let text)): path = text
              case ("description", .string(let text)): description = text
              case ("path", _), ("description", _):
                let fieldPath = KeyPath.join(entryPath, field.key)
                diagnostics.append(document.diagnostic("\(fieldPath) must be a string", at: fieldPath, code: .registry))
              default:
                var help = Suggestion.didYouMean(field.key, in: ["path", "description"]).map { [$0] } ?? []
                help.append("an entry has `path` and an optional `description`")
                diagnostics.append(
                  document.diagnostic("unknown key `\(field.key)` in \(entryPath)", at: KeyPath.join(entryPath, field.key), code: .registry, help: help))
              }
            }
            if path == nil, fields["path"] == nil {
              diagnostics.append(document.diagnostic("\(entryPath) needs a `path`", at: entryPath, code: .registry))
            }
          default:
            diagnostics.append(document.diagnostic("\(entryPath) must be a path string or a table with `path`", at: entryPath, code: .registry))
          }
          guard let relative = path else { continue }
          guard ProfileName.isValid(entry.key) else {
            diagnostics.append(document.diagnostic("profile name `\(entry.key)` is not valid: \(ProfileName.rule)", at: entryPath, code: .registry))
            continue
          }
          if relative.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) }) {
            diagnostics.append(document.diagnostic("\(entryPath): a profile path cannot contain control characters", at: entryPath, code: .registry))
            continue
          }
          let absolute = PathLexer.join(directory, relative)
          let location = SourceLocation(file: document.displayPath, line: document.line(of: entryPath))
          // A cloned repository must not make yoi read (or echo in a diagnostic) the user's
          // files: a project entry must resolve, symlinks included, inside the project.
          if let projectRoot, !Self.resolvesInside(absolute, directory: projectRoot) {
            diagnostics.append(
              document.diagnostic(
                "\(entryPath): \(TerminalText.quoted(relative)) resolves outside the project \(projectRoot); it was not read", at: entryPath,
                code: .registryOutside,
                help: [
                  "a project registry may only name profiles inside the project (the directory holding .yoi/); put the profile there, or register it in your user registry"
                ]))
            continue
          }
          if !FileManager.default.fileExists(atPath: absolute) {
            diagnostics.append(
              document.diagnostic(
                "\(entryPath): profile file \(relative) does not exist (looked for \(absolute))", at: entryPath, code: .registryMissing,
                help: ["paths are relative to the directory of \(document.displayPath)"]))
            continue
          }
          let registered = RegistryEntry(source: source, name: entry.key, path: absolute, description: description, declaredIn: location)
          if registered.isNix {
            warnings.append(
              Diagnostic(
                .warning, code: .warningRegistryNix, message: "\(registered.qualifiedName) is a Nix profile, which is no longer evaluated; selecting it fails",
                location: location, help: ["port it to Lua with `yoi profile new \(entry.key)`"]))
          }
          entries.append(registered)
        }
      case ("profile", _):
        diagnostics.append(document.diagnostic("`profile` must be a table", at: "profile", code: .registry))
      case ("alias", _):
        diagnostics.append(
          document.diagnostic(
            "`[alias]` was removed", at: "alias", code: .registry,
            help: ["declare each name under [profile] instead: name = \"path/to/profile.lua\""]))
      default:
        var help = Suggestion.didYouMean(member.key, in: ["default", "profile"]).map { [$0] } ?? []
        help.append("a registry has `default = \"NAME\"` and a `[profile]` table")
        diagnostics.append(document.diagnostic("unknown key `\(member.key)`", at: member.key, code: .registry, help: help))
      }
    }
    if !diagnostics.isEmpty { throw YoiError(diagnostics) }
    return RegistryFile(entries: entries, defaultSelector: defaultSelector, warnings: warnings, document: document)
  }
}
