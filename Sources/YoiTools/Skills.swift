import YoiDiagnostics
import Foundation
public import YoiManifest
import YoiProviders

/// One skill in the Agent Skills format: `<root>/<name>/SKILL.md`, YAML front matter with
/// `name` and `description`, a Markdown body; the directory's other files are its resources.
public struct Skill: Sendable, Hashable {
  public var name: String
  public var description: String
  /// The skill's directory (canonical).
  public var directory: String
}

/// A skill directory that could not be used, and why (never fatal to a run).
public struct SkillProblem: Error, Sendable, Hashable {
  public var path: String
  public var message: String
}

/// A skill another root already provides under the same name.
public struct SkillShadowing: Sendable, Hashable {
  public var shadowed: String
  public var winner: String
}

/// The skills a Pod can load (DESIGN.md §12.9): the roots in precedence order (the manifest's
/// `skills.directories`, `<workspace>/.yoi/skills`, `<config>/skills`); the first of a name
/// wins. Skills are workspace or user content: SKILL.md files are read without following
/// symlinks, and sizes are capped.
public struct SkillCatalog: Sendable, Hashable {
  public var skills: [Skill]
  public var problems: [SkillProblem]
  public var shadowed: [SkillShadowing]

  static let maximumSkillFileBytes = 256 << 10
  static let maximumPromptBytes = 16 << 10
  static let maximumResources = 200

  /// The roots in precedence order. The profile's and the user's may be reached through
  /// symlinks (a dotfiles checkout) and are resolved here; the workspace's is workspace content
  /// and is used as written, so a `.yoi/skills` symlink (into a home directory, say) is not
  /// followed.
  public static func roots(manifest directories: [String], workspace: String, configDirectory: String?) -> [String] {
    let trusted = directories + (configDirectory.map { [$0 + "/skills"] } ?? [])
    let resolved = trusted.map { ScopeChecker.canonicalize($0) ?? $0 }
    return Array(resolved.prefix(directories.count)) + [(ScopeChecker.canonicalize(workspace) ?? workspace) + "/.yoi/skills"]
      + resolved.dropFirst(directories.count)
  }

  public static func discover(roots: [String]) -> SkillCatalog {
    var catalog = SkillCatalog(skills: [], problems: [], shadowed: [])
    var seen: [String: String] = [:]
    for root in roots {
      // `roots` resolved what may be a symlink; nothing here is followed.
      let canonical = root
      guard FileSystem.kind(canonical) == .directory else { continue }
      // One directory descriptor for the root; each SKILL.md opened beneath it (a run with
      // 200 skills must not walk every path from / again).
      var files: [String: [UInt8]] = [:]
      let names = (FileSystem.entries(canonical) ?? []).filter { !$0.hasPrefix(".") }
      FileSystem.readEach(in: canonical, names.map { $0 + "/SKILL.md" }, limit: maximumSkillFileBytes + 1) { path, bytes in
        files[String(path.dropLast("/SKILL.md".count))] = Array(bytes)
      }
      for entry in names {
        let directory = canonical + "/" + entry
        let file = directory + "/SKILL.md"
        guard let bytes = files[entry] else {
          if FileSystem.kind(directory) == .directory, FileSystem.kind(file) != nil {
            catalog.problems.append(SkillProblem(path: file, message: "SKILL.md is not a regular file (a symlink?)"))
          }
          continue
        }
        switch check(bytes, file: file, directoryName: entry) {
        case .failure(let problem): catalog.problems.append(problem)
        case .success(let (name, description)):
          if let winner = seen[name] {
            catalog.shadowed.append(SkillShadowing(shadowed: directory, winner: winner))
            continue
          }
          seen[name] = directory
          catalog.skills.append(Skill(name: name, description: description, directory: directory))
        }
      }
    }
    return catalog
  }

  /// The name and description of the skill in `bytes` (its SKILL.md), checked.
  static func check(_ bytes: [UInt8], file: String, directoryName: String) -> Result<(String, String), SkillProblem> {
    func problem(_ message: String) -> Result<(String, String), SkillProblem> { .failure(SkillProblem(path: file, message: message)) }
    guard bytes.count <= maximumSkillFileBytes else { return problem("is larger than 256 KiB") }
    let fields: [String: String]
    switch FrontMatter.parse(String(decoding: bytes, as: UTF8.self)) {
    case .failure(let error): return problem(error.message)
    case .success(let parsed): fields = parsed.fields
    }
    guard let name = fields["name"], !name.isEmpty else { return problem("the front matter has no `name`") }
    guard Self.isKebabCase(name) else { return problem("`name: \(name)` is not kebab-case (lowercase letters, digits and single hyphens)") }
    guard name == directoryName else { return problem("`name: \(name)` differs from its directory `\(directoryName)`") }
    guard let description = fields["description"]?.trimmingCharacters(in: .whitespacesAndNewlines), !description.isEmpty else {
      return problem("the front matter has no `description` (it tells the model when to use the skill)")
    }
    guard description.count <= 1024 else { return problem("`description` is \(description.count) characters; at most 1024") }
    return .success((name, description))
  }

  static func isKebabCase(_ name: String) -> Bool {
    !name.isEmpty && name.count <= 64 && !name.hasPrefix("-") && !name.hasSuffix("-") && !name.contains("--")
      && name.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
  }

  /// The system prompt's list of skills (at most 16 KiB), or nil without skills.
  public var promptSection: String? {
    guard !skills.isEmpty else { return nil }
    var text = "# Skills\nLoad one with the `skill` tool when a task matches its description; it returns instructions and resources.\n"
    for skill in skills {
      let line = "- \(skill.name): \(skill.description.replacingOccurrences(of: "\n", with: " "))\n"
      if text.utf8.count + line.utf8.count > Self.maximumPromptBytes {
        text += "- … \(skills.count) skills in all; the list is cut at 16 KiB\n"
        break
      }
      text += line
    }
    return text
  }

  /// One line per problem and shadowing, for the run's start and `yoi skills list`.
  public var report: [String] {
    problems.map { "skill \($0.path): \($0.message); skipped" } + shadowed.map { "skill \($0.shadowed) is shadowed by \($0.winner)" }
  }
}

/// YAML front matter, the subset skills use: top-level `key: value` with plain, quoted and
/// block (`|`, `>`) scalars; nested maps and lists (e.g. `metadata:`) are read past.
enum FrontMatter {
  struct Failure: Error { var message: String }

  /// `text`'s front matter and body; `file` names it in the message about a missing opening.
  static func parse(_ text: String, file: String = "SKILL.md") -> Result<(fields: [String: String], body: String), Failure> {
    let lines = TextLines.split(text).map(String.init)
    guard lines.first == "---" else { return .failure(Failure(message: "\(file) does not start with `---` front matter")) }
    guard let end = lines.dropFirst().firstIndex(of: "---") else { return .failure(Failure(message: "the front matter has no closing `---`")) }
    var fields: [String: String] = [:]
    var index = 1
    while index < end {
      let line = lines[index]
      index += 1
      if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
      if line.hasPrefix("\t") { return .failure(Failure(message: "YAML error on line \(index): tabs cannot indent")) }
      if line.hasPrefix(" ") || line.hasPrefix("-") { continue }  // inside a nested value
      guard let colon = line.firstIndex(of: ":") else { return .failure(Failure(message: "YAML error on line \(index): expected `key: value`")) }
      let key = String(line[..<colon]).trimmingCharacters(in: .whitespaces)
      var value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
      if value == "|" || value == ">" || value.hasPrefix("|") || value.hasPrefix(">") {
        let folded = value.hasPrefix(">")
        var block: [String] = []
        while index < end, lines[index].hasPrefix(" ") || lines[index].isEmpty {
          block.append(lines[index].trimmingCharacters(in: .whitespaces))
          index += 1
        }
        value = block.joined(separator: folded ? " " : "\n").trimmingCharacters(in: .whitespacesAndNewlines)
      } else if let quote = value.first, quote == "\"" || quote == "'" {
        guard value.count >= 2, value.last == quote else { return .failure(Failure(message: "YAML error on line \(index): unterminated quoted string")) }
        value = String(value.dropFirst().dropLast())
        value = quote == "'" ? value.replacingOccurrences(of: "''", with: "'") : value.replacingOccurrences(of: "\\\"", with: "\"")
      } else if let hash = value.range(of: " #") {
        value = String(value[..<hash.lowerBound]).trimmingCharacters(in: .whitespaces)
      }
      guard fields[key] == nil else { return .failure(Failure(message: "YAML error on line \(index): `\(key)` appears twice")) }
      fields[key] = value
    }
    return .success((fields, lines[(end + 1)...].joined(separator: "\n")))
  }
}

/// `skill {name}`: a skill's instructions and resources; its directory becomes readable to the
/// file tools for the rest of the run.
struct SkillTool: FileTool {
  static let name = "skill"
  static let definition = ToolDefinition(
    name: name, description: "Load a skill listed under # Skills: returns its instructions and the files it provides (then readable).",
    parameters: schema([("name", "string", "the skill's name")], required: ["name"]))

  struct Arguments: Decodable { var name: String }

  let catalog: SkillCatalog
  let scope: ScopeHolder
  var subjectIsPath: Bool { false }
  func subject(_ arguments: String) throws(ToolFailure) -> String { try decode(Arguments.self, arguments).name }

  func run(_ arguments: String, _ context: ToolContext) async throws(ToolFailure) -> ToolRun {
    let name = try decode(Arguments.self, arguments).name
    guard let skill = catalog.skills.first(where: { $0.name == name }) else {
      let known = catalog.skills.map(\.name)
      throw ToolFailure("there is no skill `\(name)`; the skills are: \(known.isEmpty ? "none" : known.joined(separator: ", "))")
    }
    let read = try FileSystem.read(skill.directory + "/SKILL.md", limit: SkillCatalog.maximumSkillFileBytes)
    guard case .success(let parsed) = FrontMatter.parse(String(decoding: read.bytes, as: UTF8.self)) else {
      throw ToolFailure("the skill `\(name)` changed and no longer parses")
    }
    let resources = Self.resources(in: skill.directory)
    scope.grantRead(skill.directory)
    var text = "# Skill: \(name)\nDirectory: \(skill.directory) (readable now)\n\n" + parsed.body.trimmingCharacters(in: .whitespacesAndNewlines)
    if !resources.isEmpty { text += "\n\n## Resources\n" + resources.map { "- \(skill.directory)/\($0)" }.joined(separator: "\n") }
    return ToolRun(text: text, note: "\(resources.count) resources", record: .skill(name: name, directory: skill.directory))
  }

  /// Files under `directory` other than SKILL.md (relative paths, symlinks not followed).
  static func resources(in directory: String, prefix: String = "", found: inout [String]) {
    for entry in FileSystem.entries(directory + (prefix.isEmpty ? "" : "/" + prefix)) ?? [] {
      guard found.count < SkillCatalog.maximumResources else { return }
      let relative = prefix.isEmpty ? entry : prefix + "/" + entry
      switch FileSystem.kind(directory + "/" + relative) {
      case .file? where relative != "SKILL.md": found.append(relative)
      case .directory?: resources(in: directory, prefix: relative, found: &found)
      default: break
      }
    }
  }

  static func resources(in directory: String) -> [String] {
    var found: [String] = []
    resources(in: directory, found: &found)
    return found
  }
}
