import Foundation
public import YoiManifest
import YoiProviders

/// One item of a Pod's task list (DESIGN.md §12.9).
public struct TaskItem: Sendable, Hashable, Codable {
  public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
    case pending, inProgress = "in_progress", completed, deleted
  }

  public var id: Int64
  public var subject: String
  public var description: String?
  public var status: Status

  public init(id: Int64, subject: String, description: String? = nil, status: Status = .pending) {
    self.id = id
    self.subject = subject
    self.description = description
    self.status = status
  }

  public var isOpen: Bool { status == .pending || status == .inProgress }
}

/// A task list as stored: the items and the last id given (ids are never reused, so a deleted
/// task's id stays taken).
public struct TaskList: Sendable, Hashable, Codable {
  public var items: [TaskItem]
  public var lastID: Int64

  enum CodingKeys: String, CodingKey { case items, lastID = "last_id" }

  public init(items: [TaskItem] = [], lastID: Int64 = 0) {
    self.items = items
    self.lastID = lastID
  }

  public var open: [TaskItem] { items.filter(\.isOpen) }

  /// The list for people and for the model: one line per task that is not deleted.
  public var rendered: String {
    let shown = items.filter { $0.status != .deleted }
    guard !shown.isEmpty else { return "No tasks." }
    return shown.map { item in
      let mark =
        switch item.status {
        case .pending: "[ ]"
        case .inProgress: "[~]"
        case .completed: "[x]"
        case .deleted: "[-]"
        }
      return "\(mark) #\(item.id) \(item.subject)" + (item.description.map { " — \($0)" } ?? "")
    }.joined(separator: "\n")
  }
}

/// What a tool call changed that the transcript records as its own event (the loop turns it
/// into one after the call's result).
public enum ToolRecord: Sendable, Hashable {
  /// The task list after a successful change.
  case tasks(TaskList)
  /// A skill was loaded: its directory is readable for the rest of the run.
  case skill(name: String, directory: String)
}

/// The task list of one run, starting from the transcript's last `tasks` event. Only a call
/// that succeeded changes it, so the list is exactly what the results told the model.
final class TaskBoard: @unchecked Sendable {
  private let lock = NSLock()
  private var list: TaskList

  init(_ list: TaskList) { self.list = list }

  func change(_ body: (inout TaskList) throws(ToolFailure) -> Void) throws(ToolFailure) -> TaskList {
    lock.lock()
    defer { lock.unlock() }
    var copy = list
    try body(&copy)
    list = copy
    return copy
  }

  var current: TaskList { lock.withLock { list } }
}

private let subjectLimit = 200
private let descriptionLimit = 2000

struct TaskCreateTool: FileTool {
  static let name = "task_create"
  static let definition = ToolDefinition(
    name: name, description: "Add a task to this Pod's task list (kept across runs). Returns the list.",
    parameters: schema([("subject", "string", "what is to be done, one line"), ("description", "string", "details (optional)")], required: ["subject"]))

  struct Arguments: Decodable {
    var subject: String
    var description: String?
  }

  let board: TaskBoard
  var subjectIsPath: Bool { false }
  func subject(_ arguments: String) throws(ToolFailure) -> String { try decode(Arguments.self, arguments).subject }

  func run(_ arguments: String, _ context: ToolContext) async throws(ToolFailure) -> ToolRun {
    let arguments = try decode(Arguments.self, arguments)
    let subject = try TaskText.check(arguments.subject, "subject", limit: subjectLimit)
    let description = try arguments.description.map { (text) throws(ToolFailure) in try TaskText.check(text, "description", limit: descriptionLimit) }
    let list = try board.change { (list: inout TaskList) throws(ToolFailure) in
      list.lastID += 1
      list.items.append(TaskItem(id: list.lastID, subject: subject, description: description))
    }
    return ToolRun(text: "Created task #\(list.lastID).\n\(list.rendered)", note: "#\(list.lastID) \(subject)", record: .tasks(list))
  }
}

struct TaskUpdateTool: FileTool {
  static let name = "task_update"
  static let definition = ToolDefinition(
    name: name, description: "Change a task's status (pending, in_progress, completed, deleted), subject or description. Returns the list.",
    parameters: schema(
      [
        ("id", "integer", "the task's id"), ("status", "string", "pending, in_progress, completed or deleted"),
        ("subject", "string", "a new subject"), ("description", "string", "a new description"),
      ], required: ["id"]))

  struct Arguments: Decodable {
    var id: Int64
    var status: String?
    var subject: String?
    var description: String?
  }

  let board: TaskBoard
  var subjectIsPath: Bool { false }
  func subject(_ arguments: String) throws(ToolFailure) -> String { "#\(try decode(Arguments.self, arguments).id)" }

  func run(_ arguments: String, _ context: ToolContext) async throws(ToolFailure) -> ToolRun {
    let arguments = try decode(Arguments.self, arguments)
    let status = try arguments.status.map { (text) throws(ToolFailure) -> TaskItem.Status in
      guard let status = TaskItem.Status(rawValue: text) else {
        throw ToolFailure("unknown status `\(text)`; use one of \(TaskItem.Status.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      return status
    }
    let subject = try arguments.subject.map { (text) throws(ToolFailure) in try TaskText.check(text, "subject", limit: subjectLimit) }
    let description = try arguments.description.map { (text) throws(ToolFailure) in try TaskText.check(text, "description", limit: descriptionLimit) }
    guard status != nil || subject != nil || description != nil else { throw ToolFailure("nothing to change: give status, subject or description") }
    let list = try board.change { (list: inout TaskList) throws(ToolFailure) in
      guard let index = list.items.firstIndex(where: { $0.id == arguments.id && $0.status != .deleted }) else {
        throw ToolFailure("there is no task #\(arguments.id); task_list shows the tasks")
      }
      if let status { list.items[index].status = status }
      if let subject { list.items[index].subject = subject }
      if let description { list.items[index].description = description }
    }
    return ToolRun(
      text: "Updated task #\(arguments.id).\n\(list.rendered)", note: "#\(arguments.id)\(status.map { " → \($0.rawValue)" } ?? "")", record: .tasks(list))
  }
}

struct TaskListTool: FileTool {
  static let name = "task_list"
  static let definition = ToolDefinition(name: name, description: "Show this Pod's task list.", parameters: schema([], required: []))

  let board: TaskBoard
  var subjectIsPath: Bool { false }
  func subject(_ arguments: String) throws(ToolFailure) -> String { "" }

  func run(_ arguments: String, _ context: ToolContext) async throws(ToolFailure) -> ToolRun {
    let list = board.current
    return ToolRun(text: list.rendered, note: "\(list.open.count) open")
  }
}

enum TaskText {
  /// `text` trimmed, non-empty, within `limit` characters and on one line for a subject.
  static func check(_ text: String, _ field: String, limit: Int) throws(ToolFailure) -> String {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !trimmed.isEmpty else { throw ToolFailure("`\(field)` is empty") }
    guard trimmed.count <= limit else { throw ToolFailure("`\(field)` is \(trimmed.count) characters; at most \(limit)") }
    if field == "subject", trimmed.contains(where: \.isNewline) { throw ToolFailure("`subject` is one line; put details in `description`") }
    return trimmed
  }
}
