import Foundation
public import YoiManifest
import YoiProviders

/// What the ticket tools need (`feature.ticket`, DESIGN.md §12.11): the workspace's tickets, the
/// Pod's name as author, and the access the manifest grants.
public struct TicketSettings: Sendable {
  public var store: TicketStore
  public var author: String
  public var access: TicketAccess
  /// `feature.ticket_orchestration` (with `feature.pods`): `ticket_assign`.
  public var orchestration: Bool

  public init(store: TicketStore, author: String, access: TicketAccess, orchestration: Bool = false) {
    self.store = store
    self.author = author
    self.access = access
    self.orchestration = orchestration
  }

  func call<T>(_ body: (TicketStore) throws(TicketStore.Failure) -> T) throws(ToolFailure) -> T {
    do {
      return try body(store)
    } catch {
      throw ToolFailure(error.message)
    }
  }

  /// `read_only`: list and show; `lifecycle`: create, comment, move and close too.
  func tools() -> [any FileTool] {
    var tools: [any FileTool] = [TicketListTool(tickets: self), TicketShowTool(tickets: self)]
    if access == .lifecycle {
      tools += [TicketCreateTool(tickets: self), TicketCommentTool(tickets: self), TicketStateTool(tickets: self), TicketCloseTool(tickets: self)]
    }
    return tools
  }
}

struct TicketListTool: FileTool {
  static let name = "ticket_list"
  static let definition = ToolDefinition(
    name: name, description: "List the workspace's tickets (id, status, priority, assignee, title), oldest first.",
    parameters: schema(
      [("status", "string", "only tickets in this state (planning, ready, queued, inprogress, review, done, closed)"), ("label", "string", "only this label")],
      required: []))

  struct Arguments: Decodable {
    var status: String?
    var label: String?
  }
  let tickets: TicketSettings
  var subjectIsPath: Bool { false }
  func subject(_ arguments: String) throws(ToolFailure) -> String { try decode(Arguments.self, arguments).status ?? "*" }

  func run(_ arguments: String, _ context: ToolContext) async throws(ToolFailure) -> ToolRun {
    let arguments = try decode(Arguments.self, arguments)
    let found = tickets.store.list(status: arguments.status, label: arguments.label)
    guard !found.isEmpty else { return ToolRun(text: "No tickets match.", note: "0 tickets") }
    let lines = found.map { "\($0.id) · \($0.status) · \($0.field("priority") ?? "?") · \($0.assignee ?? "unassigned") · \($0.title)" }
    return ToolRun(text: lines.joined(separator: "\n"), note: "\(found.count) tickets")
  }
}

struct TicketShowTool: FileTool {
  static let name = "ticket_show"
  static let definition = ToolDefinition(
    name: name, description: "Show a ticket: its fields, body and thread of events.",
    parameters: schema([("id", "string", "the ticket's id")], required: ["id"]))

  struct Arguments: Decodable { var id: String }
  let tickets: TicketSettings
  var subjectIsPath: Bool { false }
  func subject(_ arguments: String) throws(ToolFailure) -> String { try decode(Arguments.self, arguments).id }

  func run(_ arguments: String, _ context: ToolContext) async throws(ToolFailure) -> ToolRun {
    let id = try decode(Arguments.self, arguments).id
    let ticket = try tickets.call { (store) throws(TicketStore.Failure) in try store.ticket(id) }
    return ToolRun(text: ticket.rendered.joined(separator: "\n"), note: "\(ticket.events.count) events")
  }
}

struct TicketCreateTool: FileTool {
  static let name = "ticket_create"
  static let definition = ToolDefinition(
    name: name, description: "Create a ticket (status planning); returns its id.",
    parameters: [
      "type": "object",
      "properties": [
        "title": ["type": "string", "description": "one line"],
        "body": ["type": "string", "description": "Markdown: background, requirements, acceptance criteria"],
        "kind": ["type": "string", "enum": ["feature", "bug", "chore", "research"]],
        "priority": ["type": "string", "enum": ["P0", "P1", "P2", "P3"]],
        "labels": ["type": "array", "items": ["type": "string"], "description": "lowercase words joined by hyphens"],
      ],
      "required": ["title", "body"],
    ])

  struct Arguments: Decodable {
    var title: String
    var body: String
    var kind: String?
    var priority: String?
    var labels: [String]?
  }
  let tickets: TicketSettings
  var subjectIsPath: Bool { false }
  func subject(_ arguments: String) throws(ToolFailure) -> String { try decode(Arguments.self, arguments).title }

  func run(_ arguments: String, _ context: ToolContext) async throws(ToolFailure) -> ToolRun {
    let arguments = try decode(Arguments.self, arguments)
    let id = try tickets.call { (store) throws(TicketStore.Failure) in
      try store.create(
        title: arguments.title, body: arguments.body, kind: arguments.kind ?? "feature", priority: arguments.priority ?? "P2", labels: arguments.labels ?? [],
        author: tickets.author)
    }
    return ToolRun(text: "Created ticket \(id) (status planning).", note: id)
  }
}

struct TicketCommentTool: FileTool {
  static let name = "ticket_comment"
  static let definition = ToolDefinition(
    name: name,
    description: "Add an event to a ticket's thread: a comment, plan, decision, implementation_report, or review (status approve or request_changes).",
    parameters: [
      "type": "object",
      "properties": [
        "id": ["type": "string"], "kind": ["type": "string", "enum": ["comment", "plan", "decision", "implementation_report", "review"]],
        "body": ["type": "string", "description": "Markdown"],
        "status": ["type": "string", "enum": ["approve", "request_changes"], "description": "for a review only"],
      ],
      "required": ["id", "kind", "body"],
    ])

  struct Arguments: Decodable {
    var id: String
    var kind: String
    var body: String
    var status: String?
  }
  let tickets: TicketSettings
  var subjectIsPath: Bool { false }
  func subject(_ arguments: String) throws(ToolFailure) -> String { try decode(Arguments.self, arguments).id }

  func run(_ arguments: String, _ context: ToolContext) async throws(ToolFailure) -> ToolRun {
    let arguments = try decode(Arguments.self, arguments)
    try tickets.call { (store) throws(TicketStore.Failure) in
      try store.comment(arguments.id, kind: arguments.kind, body: arguments.body, status: arguments.status, author: tickets.author)
    }
    return ToolRun(text: "Added a \(arguments.kind) to \(arguments.id).", note: arguments.kind)
  }
}

struct TicketStateTool: FileTool {
  static let name = "ticket_state"
  static let definition = ToolDefinition(
    name: name,
    description:
      "Move a ticket to another state: planning → ready → queued → inprogress → review → done, review → inprogress, anything → closed.",
    parameters: schema(
      [("id", "string", "the ticket's id"), ("to", "string", "the new state"), ("reason", "string", "why, for the thread")],
      required: ["id", "to", "reason"]))

  struct Arguments: Decodable {
    var id: String
    var to: String
    var reason: String
  }
  let tickets: TicketSettings
  var subjectIsPath: Bool { false }
  func subject(_ arguments: String) throws(ToolFailure) -> String { try decode(Arguments.self, arguments).id }

  func run(_ arguments: String, _ context: ToolContext) async throws(ToolFailure) -> ToolRun {
    let arguments = try decode(Arguments.self, arguments)
    try tickets.call { (store) throws(TicketStore.Failure) in try store.move(arguments.id, to: arguments.to, reason: arguments.reason, author: tickets.author) }
    return ToolRun(text: "\(arguments.id) is now \(arguments.to).", note: arguments.to)
  }
}

struct TicketCloseTool: FileTool {
  static let name = "ticket_close"
  static let definition = ToolDefinition(
    name: name, description: "Close a ticket as done (from review) or closed, with its resolution.",
    parameters: [
      "type": "object",
      "properties": [
        "id": ["type": "string"], "resolution": ["type": "string", "description": "what came of it"],
        "status": ["type": "string", "enum": ["done", "closed"], "description": "default: done from review, else closed"],
      ],
      "required": ["id", "resolution"],
    ])

  struct Arguments: Decodable {
    var id: String
    var resolution: String
    var status: String?
  }
  let tickets: TicketSettings
  var subjectIsPath: Bool { false }
  func subject(_ arguments: String) throws(ToolFailure) -> String { try decode(Arguments.self, arguments).id }

  func run(_ arguments: String, _ context: ToolContext) async throws(ToolFailure) -> ToolRun {
    let arguments = try decode(Arguments.self, arguments)
    try tickets.call { (store) throws(TicketStore.Failure) in
      try store.close(arguments.id, resolution: arguments.resolution, status: arguments.status, author: tickets.author)
    }
    return ToolRun(text: "Closed \(arguments.id).", note: "closed")
  }
}

/// `ticket_assign {id, role, name?}` (`feature.ticket_orchestration`, DESIGN.md §12.11): a
/// child for the ticket in its own worktree, with the role's profile and the ticket as its
/// task. The assignment is recorded (assignee, `inprogress`) before it starts; its final answer
/// becomes an `implementation_report` and the ticket goes to `review`. Review and merge stay
/// with the parent.
struct TicketAssignTool: FileTool {
  static let name = "ticket_assign"
  static let definition = ToolDefinition(
    name: name,
    description: """
      Assign a ticket to a child Pod working in its own worktree (.worktree/<name>, branch yoi/<name>) with the role's profile; \
      returns the child's report when it finishes, and the ticket is then in review. Review the worktree (read it, git diff) \
      and merge with your own shell, or assign again.
      """,
    parameters: schema(
      [
        ("id", "string", "the ticket's id"), ("role", "string", "coder, reviewer, … (its profile comes from .yoi/tickets.toml [roles])"),
        ("name", "string", "the child's name (default: the role and the ticket's slug)"),
      ], required: ["id", "role"]))

  struct Arguments: Decodable {
    var id: String
    var role: String
    var name: String?
  }
  let tickets: TicketSettings
  let launcher: any ChildPodLauncher
  let shell: ToolBox.ShellSettings?
  let scopeHolder: ScopeHolder
  var subjectIsPath: Bool { false }
  func subject(_ arguments: String) throws(ToolFailure) -> String { try decode(Arguments.self, arguments).id }

  func run(_ arguments: String, _ context: ToolContext) async throws(ToolFailure) -> ToolRun {
    let arguments = try decode(Arguments.self, arguments)
    guard SkillCatalog.isKebabCase(arguments.role) else { throw ToolFailure("role `\(arguments.role)` is not a role name (coder, reviewer, …)") }
    let ticket = try tickets.call { (store) throws(TicketStore.Failure) in try store.ticket(arguments.id) }
    let slug = ticket.field("slug") ?? String(arguments.id.split(separator: "-", maxSplits: 2).last ?? "ticket")
    let name = arguments.name ?? String("\(arguments.role)-\(slug)".prefix(60))
    let profile = try tickets.call { (store) throws(TicketStore.Failure) in try store.profile(forRole: arguments.role) }
    let (worktree, rules) = try await Worktree.prepare(
      child: name, of: tickets.author, in: context.scope.workspace, rules: [], profile: profile, launcher: launcher, shell: shell,
      refusal: "\(name) cannot work on \(arguments.id)")
    try tickets.call { (store) throws(TicketStore.Failure) in
      try store.assign(
        arguments.id, to: name, note: "Assigned to \(name) (role \(arguments.role), profile \(profile)), working in .worktree/\(name).",
        author: tickets.author)
    }
    let task = """
      You are assigned ticket \(ticket.id). Implement it in your workspace (your own worktree; commit nothing unless the ticket says \
      so). When you are done, answer with a report: what you changed, how you tested it, and what is left.

      \(ticket.rendered.joined(separator: "\n"))
      """
    let answer: String
    do {
      answer = try await launcher.runChild(
        parent: tickets.author, name: name, task: task, scope: rules, profile: profile, workspace: worktree.path,
        checkout: worktree.checkout, parentScopeChanged: { [scopeHolder] in scopeHolder.update($0) })
    } catch let error as any CustomStringConvertible {
      throw ToolFailure("\(name) did not finish \(arguments.id) (it stays in progress): \(error.description)")
    } catch {
      throw ToolFailure("\(name) did not finish \(arguments.id) (it stays in progress)")
    }
    try tickets.call { (store) throws(TicketStore.Failure) in try store.report(arguments.id, body: answer, author: name) }
    return ToolRun(
      text: "\(name) finished; \(arguments.id) is in review. Its report:\n\(answer)\n\nIts work is in .worktree/\(name) (branch yoi/\(name)).",
      note: "\(name) → review")
  }
}
