import ArgumentParser
import Foundation
import YoiDiagnostics
import YoiManifest
import YoiTools

/// `yoi ticket ...`: the workspace's tickets (DESIGN.md §12.11), for people. The author of what
/// this writes is `$USER`.
struct TicketCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ticket", abstract: "List, show, create and move the workspace's tickets (.yoi/tickets).",
    discussion: """
      States: planning → ready → queued → inprogress → review → done; review → inprogress \\
      (changes requested); anything → closed.

      Examples:
        yoi ticket new "Parser drops comments" --kind bug --label parser --body-file notes.md
        yoi ticket comment 20261203-101500-parser-drops-comments --kind plan --body-file plan.md
        yoi ticket state 20261203-101500-parser-drops-comments ready --reason "plan approved"
      """,
    subcommands: [
      TicketListCommand.self, TicketShowCommand.self, TicketNewCommand.self, TicketCommentCommand.self, TicketStateCommand.self,
      TicketCloseCommand.self,
    ])
}

/// Where the tickets are: the workspace's `.yoi/tickets`.
struct TicketLocation: ParsableArguments {
  @Option(help: "The workspace (default: the nearest directory holding .yoi/ or .git).") var workspace: String?

  var store: TicketStore { TicketStore(root: TicketStore.defaultRoot(workspace: ProfileContext(workspace: workspace, yes: false).workspacePath)) }

  /// The person writing: `$USER`.
  static var author: String { Environment.process[.user].flatMap { $0.isEmpty ? nil : $0 } ?? "someone" }

  /// Runs a store call, its failure as a diagnostic.
  static func call<T>(_ body: () throws(TicketStore.Failure) -> T) throws -> T {
    do {
      return try body()
    } catch {
      throw YoiError(error.message, code: .ticket)
    }
  }

  /// The text of `--body-file` (`-` for stdin), or `fallback`.
  static func text(_ file: String?, fallback: String = "") throws -> String {
    guard let file else { return fallback }
    if file == "-" { return String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) }
    guard let data = FileManager.default.contents(atPath: file) else { throw YoiError("cannot read \(file)", code: .ticket) }
    return String(decoding: data, as: UTF8.self)
  }
}

extension TicketStore.Ticket {
  /// The list row as JSON.
  var summaryJSON: JSONValue {
    [
      "id": .string(id), "title": .string(title), "status": .string(status), "kind": field("kind").map { .string($0) } ?? .null,
      "priority": field("priority").map { .string($0) } ?? .null, "labels": .array(labels.map { .string($0) }),
      "assignee": assignee.map { .string($0) } ?? .null, "created_at": field("created_at").map { .string($0) } ?? .null,
      "updated_at": field("updated_at").map { .string($0) } ?? .null,
    ]
  }

  /// Everything, as JSON: each front-matter key (unknown ones too), the body, the events.
  var fullJSON: JSONValue {
    let front = JSONObject(fields.filter { $0.value != "\u{0}" }.map { (key: $0.key, value: JSONValue.string(Self.unquoted($0.value))) })
    let thread: [JSONValue] = events.map { event in
      [
        "kind": .string(event.kind), "author": .string(event.author), "at": .string(event.at), "status": event.status.map { .string($0) } ?? .null,
        "heading": .string(event.heading), "text": .string(event.text),
      ]
    }
    return ["id": .string(id), "front_matter": .object(front), "body": .string(body), "events": .array(thread)]
  }
}

struct TicketListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "list", abstract: "List the tickets, oldest first.")
  @OptionGroup var location: TicketLocation
  @Option(help: "Only tickets in this state.") var status: String?
  @Option(help: "Only tickets with this label.") var label: String?
  @Flag(help: "Print JSON for scripts.") var json = false

  func run() throws {
    let tickets = location.store.list(status: status, label: label)
    if json {
      Terminal.writeExact(CanonicalJSON.pretty(.array(tickets.map(\.summaryJSON))))
      return
    }
    guard !tickets.isEmpty else {
      Terminal.write(status == nil && label == nil ? "no tickets yet; create one with `yoi ticket new TITLE`\n" : "no tickets match\n")
      return
    }
    var rows = [["ID", "STATUS", "PRIORITY", "KIND", "ASSIGNEE", "TITLE"]]
    for ticket in tickets {
      rows.append([ticket.id, ticket.status, ticket.field("priority") ?? "?", ticket.field("kind") ?? "?", ticket.assignee ?? "-", ticket.title])
    }
    Terminal.write(TextTable.render(rows))
  }
}

struct TicketShowCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a ticket and its thread.")
  @OptionGroup var location: TicketLocation
  @Argument(help: "The ticket's id.") var id: String
  @Flag(help: "Print JSON for scripts.") var json = false

  func run() throws {
    let store = location.store
    let ticket = try TicketLocation.call { () throws(TicketStore.Failure) in try store.ticket(id) }
    if json {
      Terminal.writeExact(CanonicalJSON.pretty(ticket.fullJSON))
    } else {
      Terminal.writeLines(ticket.rendered)
    }
  }
}

struct TicketNewCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "new", abstract: "Create a ticket (in planning) and print its id.")
  @OptionGroup var location: TicketLocation
  @Argument(help: "The title (one line).") var title: String
  @Option(help: "The body, from a file (- for stdin).") var bodyFile: String?
  @Option(help: "feature, bug, chore or research.") var kind = "feature"
  @Option(help: "P0 to P3.") var priority = "P2"
  @Option(help: "A label (repeatable).") var label: [String] = []

  func run() throws {
    let store = location.store
    let body = try TicketLocation.text(bodyFile)
    let id = try TicketLocation.call { () throws(TicketStore.Failure) in
      try store.create(title: title, body: body, kind: kind, priority: priority, labels: label, author: TicketLocation.author)
    }
    Terminal.write(id + "\n")
  }
}

struct TicketCommentCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "comment", abstract: "Add an event to a ticket's thread: comment, plan, decision, implementation_report or review.")
  @OptionGroup var location: TicketLocation
  @Argument(help: "The ticket's id.") var id: String
  @Option(help: "comment, plan, decision, implementation_report or review.") var kind = "comment"
  @Option(help: "For a review: approve or request_changes.") var status: String?
  @Option(help: "The text, from a file (- for stdin; default stdin).") var bodyFile: String?

  func run() throws {
    let store = location.store
    let body = try TicketLocation.text(bodyFile ?? "-")
    try TicketLocation.call { () throws(TicketStore.Failure) in
      try store.comment(id, kind: kind, body: body, status: status, author: TicketLocation.author)
    }
  }
}

struct TicketStateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "state", abstract: "Move a ticket to another state, if the workflow allows it.")
  @OptionGroup var location: TicketLocation
  @Argument(help: "The ticket's id.") var id: String
  @Argument(help: "The new state.") var to: String
  @Option(help: "Why.") var reason = ""

  func run() throws {
    let store = location.store
    try TicketLocation.call { () throws(TicketStore.Failure) in try store.move(id, to: to, reason: reason, author: TicketLocation.author) }
  }
}

struct TicketCloseCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "close", abstract: "Close a ticket: done (from review) or closed.")
  @OptionGroup var location: TicketLocation
  @Argument(help: "The ticket's id.") var id: String
  @Option(help: "What came of it.") var resolution = ""
  @Option(help: "done or closed (default: done from review, else closed).") var status: String?

  func run() throws {
    let store = location.store
    try TicketLocation.call { () throws(TicketStore.Failure) in
      try store.close(id, resolution: resolution, status: status, author: TicketLocation.author)
    }
  }
}
