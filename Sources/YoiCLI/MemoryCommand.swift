import ArgumentParser
import Foundation
import YoiDiagnostics
import YoiManifest
import YoiStore
import YoiTools

/// `yoi memory ...`: a Pod's memory for people (the files are also plain Markdown to read,
/// edit and commit).
struct MemoryCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "memory", abstract: "Show, search and check a Pod's memory (MEMORY.md and notes/).",
    subcommands: [MemoryShowCommand.self, MemorySearchCommand.self, MemoryLintCommand.self])
}

/// Which memory: a Pod's (its `memory.workspace_root`, else its workspace's), or the
/// workspace's default directory.
struct MemoryLocation: ParsableArguments {
  @Option(help: "The Pod whose memory to use.") var pod: String?
  @Option(help: "The workspace (without --pod; default: the nearest directory holding .yoi/ or .git).") var workspace: String?

  func store() throws -> MemoryStore {
    if let pod {
      let pods = try Stores.pods()
      let record = try pods.pod(named: pod)
      let root = try pods.currentManifest(of: pod).sections.memory?.workspaceRoot
      return MemoryStore(root: root ?? MemoryStore.defaultRoot(workspace: record.workspace))
    }
    return MemoryStore(root: MemoryStore.defaultRoot(workspace: ProfileContext(workspace: workspace, yes: false).workspacePath))
  }
}

struct MemoryShowCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "show", abstract: "Print MEMORY.md and list the notes.")
  @OptionGroup var location: MemoryLocation
  @Flag(help: "Print JSON for scripts.") var json = false

  func run() throws {
    let store = try location.store()
    let summary = try? store.read(MemoryStore.summarySlug)
    let notes = store.slugs().compactMap { try? store.read($0) }
    if json {
      func object(_ entry: MemoryStore.Entry) -> JSONValue {
        [
          "slug": .string(entry.slug), "title": .string(entry.title), "updated_at": .string(entry.updatedAt),
          "sources": .array(entry.sources.map(JSONValue.string)), "bytes": .integer(Int64(entry.bytes)), "sha256": .string(entry.sha256),
        ]
      }
      let value: JSONValue = [
        "directory": .string(store.root), "summary": summary.map { .string($0.body) } ?? .null, "notes": .array(notes.map(object)),
      ]
      Terminal.writeExact(CanonicalJSON.pretty(value))
      return
    }
    Terminal.write("memory: \(store.root)\n\n")
    Terminal.write(summary.map { $0.body.hasSuffix("\n") ? $0.body : $0.body + "\n" } ?? "(no MEMORY.md yet)\n")
    guard !notes.isEmpty else {
      Terminal.write("\nno notes yet\n")
      return
    }
    var rows = [["NOTE", "TITLE", "UPDATED", "BYTES"]]
    for note in notes { rows.append([note.slug, note.title, note.updatedAt, "\(note.bytes)"]) }
    Terminal.write("\n" + TextTable.render(rows))
  }
}

struct MemorySearchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "search", abstract: "Search the memory as memory_search does.")
  @OptionGroup var location: MemoryLocation
  @Argument(help: "Words to look for.") var query: [String]
  @Option(help: "At most this many results.") var limit = 8
  @Option(help: "Lines of excerpt per result.") var lines = 4
  @Flag(help: "Print JSON for scripts.") var json = false

  func run() throws {
    let hits = try location.store().search(query.joined(separator: " "), limit: max(1, limit), excerptLines: max(1, lines))
    if json {
      let rows: [JSONValue] = hits.map {
        ["slug": .string($0.slug), "title": .string($0.title), "score": .integer(Int64($0.score)), "excerpt": .string($0.excerpt)]
      }
      Terminal.writeExact(CanonicalJSON.pretty(.array(rows)))
      return
    }
    guard !hits.isEmpty else {
      Terminal.write("no matches\n")
      return
    }
    Terminal.write(
      hits.map { "\($0.slug) — \($0.title)\n" + $0.excerpt.split(separator: "\n").map { "    \($0)" }.joined(separator: "\n") }.joined(separator: "\n\n") + "\n"
    )
  }
}

struct MemoryLintCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lint", abstract: "Check the memory files: slugs, front matter, sizes; exit 1 when something is wrong.")
  @OptionGroup var location: MemoryLocation
  @Flag(help: "Print JSON for scripts.") var json = false

  func run() throws {
    let store = try location.store()
    let problems = store.lint()
    if json {
      Terminal.writeExact(CanonicalJSON.pretty(.array(problems.map { ["path": .string($0.path), "message": .string($0.message)] })))
    } else if problems.isEmpty {
      Terminal.write("memory at \(store.root): no problems\n")
    }
    guard problems.isEmpty else {
      if !json { Terminal.report(problems.map { Diagnostic(.error, code: .memory, message: "\($0.path): \($0.message)") }) }
      throw ExitCode(1)
    }
  }
}
