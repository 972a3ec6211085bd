import ArgumentParser
import Foundation
import YoiDiagnostics
import YoiManifest
import YoiProfiles
import YoiStore
import YoiTools

/// `yoi skills list`: the skills a Pod would be offered, and every skill that cannot be used.
struct SkillsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "skills", abstract: "List the skills (Agent Skills format) a Pod would be offered.", subcommands: [SkillsListCommand.self])
}

struct SkillsListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list",
    abstract: "List skills from a Pod's skills.directories, <workspace>/.yoi/skills and <config>/skills, with what is wrong with the others.")

  @Option(help: "Include this Pod's skills.directories and use its workspace.") var pod: String?
  @Option(help: "The workspace (default: the Pod's, else the nearest directory holding .yoi/ or .git).") var workspace: String?
  @Flag(help: "Print JSON for scripts.") var json = false

  func run() throws {
    let context = ProfileContext(workspace: workspace, yes: false)
    var directories: [String] = []
    var workspacePath = context.workspacePath
    if let pod {
      let store = try Stores.pods()
      directories = try store.currentManifest(of: pod).sections.skills?.directories ?? []
      if workspace == nil { workspacePath = try store.pod(named: pod).workspace }
    }
    let catalog = SkillCatalog.discover(
      roots: SkillCatalog.roots(manifest: directories, workspace: workspacePath, configDirectory: context.directories.config))
    if json {
      let value: JSONValue = [
        "skills": .array(
          catalog.skills.map { ["name": .string($0.name), "description": .string($0.description), "directory": .string($0.directory)] }),
        "problems": .array(catalog.problems.map { ["path": .string($0.path), "message": .string($0.message)] }),
        "shadowed": .array(catalog.shadowed.map { ["shadowed": .string($0.shadowed), "by": .string($0.winner)] }),
      ]
      Terminal.writeExact(CanonicalJSON.pretty(value))
    } else if catalog.skills.isEmpty {
      Terminal.write("no skills; a skill is a directory with a SKILL.md in \(workspacePath)/.yoi/skills or \(context.directories.config)/skills\n")
    } else {
      var rows = [["SKILL", "DESCRIPTION", "DIRECTORY"]]
      for skill in catalog.skills {
        let description = skill.description.count > 60 ? String(skill.description.prefix(59)) + "…" : skill.description
        rows.append([skill.name, description, skill.directory])
      }
      Terminal.write(TextTable.render(rows))
    }
    let warnings = catalog.report.map { Diagnostic(.warning, code: .warningSkill, message: $0) }
    if !warnings.isEmpty { Terminal.report(warnings) }
  }
}
