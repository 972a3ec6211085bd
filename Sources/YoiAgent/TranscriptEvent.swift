public import YoiDiagnostics
import Foundation
import YoiManifest
public import YoiTools
public import YoiProviders
public import YoiStore

/// One event of a Pod's transcript (DESIGN.md §12.3). Stored as its kind and a JSON body;
/// `--json` prints the same body with `seq` and `type` added.
public enum TranscriptEvent: Sendable, Hashable {
  case user(text: String)
  case assistant(AssistantMessage, stopReason: String?)
  case toolResult(ToolResult)
  case usage(Usage)
  case cancelled(reason: String, partialText: String)
  /// `partialText`: what the model had streamed when the error ended its answer (a dropped
  /// stream keeps it, as an interrupt does).
  case error(code: String, message: String, partialText: String? = nil)
  case compaction(CompactionRecord)
  /// The `AGENTS.md` files a run started with (path and sha256 of each).
  case instructions([ProjectInstructions.File])
  /// The task list after a task tool changed it (the last one is the list).
  case tasks(TaskList)
  /// A skill the model loaded; its directory is readable for the rest of that run.
  case skill(name: String, directory: String)
  /// What an extraction worker covered and changed in the memory.
  case memoryExtract(MemoryWork)
  /// What a consolidation worker changed in the memory.
  case memoryConsolidate(MemoryWork)
  /// `/clear` in a session: a new conversation segment. The model sees only what follows;
  /// the log keeps everything.
  case clear

  public var kind: String {
    switch self {
    case .user: "user"
    case .assistant: "assistant"
    case .toolResult: "tool_result"
    case .usage: "usage"
    case .cancelled: "cancelled"
    case .error: "error"
    case .compaction: "compaction"
    case .instructions: "instructions"
    case .tasks: "tasks"
    case .skill: "skill"
    case .memoryExtract: "memory_extract"
    case .memoryConsolidate: "memory_consolidate"
    case .clear: "clear"
    }
  }

  private struct UserBody: Codable { var text: String }
  private struct AssistantBody: Codable {
    var message: AssistantMessage
    var stopReason: String?
    enum CodingKeys: String, CodingKey { case message, stopReason = "stop_reason" }
  }
  private struct CancelledBody: Codable {
    var reason: String
    var partialText: String
    enum CodingKeys: String, CodingKey { case reason, partialText = "partial_text" }
  }
  private struct InstructionsBody: Codable { var files: [ProjectInstructions.File] }
  private struct SkillBody: Codable {
    var name: String
    var directory: String
  }
  private struct ErrorBody: Codable {
    var code: String
    var message: String
    var partialText: String?
    enum CodingKeys: String, CodingKey { case code, message, partialText = "partial_text" }
  }

  /// The stored JSON body: compact canonical JSON, without members for unset optionals.
  public var body: String {
    switch self {
    case .user(let text): JSONCoding.text(UserBody(text: text))
    case .assistant(let message, let stopReason): JSONCoding.text(AssistantBody(message: message, stopReason: stopReason))
    case .toolResult(let result): JSONCoding.text(result)
    case .usage(let usage): JSONCoding.text(usage)
    case .cancelled(let reason, let partial): JSONCoding.text(CancelledBody(reason: reason, partialText: partial))
    case .error(let code, let message, let partial): JSONCoding.text(ErrorBody(code: code, message: message, partialText: partial))
    case .compaction(let record): JSONCoding.text(record)
    case .instructions(let files): JSONCoding.text(InstructionsBody(files: files))
    case .tasks(let list): JSONCoding.text(list)
    case .skill(let name, let directory): JSONCoding.text(SkillBody(name: name, directory: directory))
    case .memoryExtract(let work), .memoryConsolidate(let work): JSONCoding.text(work)
    case .clear: "{}"
    }
  }

  /// Reads a stored row back, strictly: a body that is not what this kind's writer writes
  /// is an error naming the event, never a value read as empty.
  /// - Throws: `YoiError` for a row this version cannot read (a damaged store, or one from
  ///   a newer yoi); the transcript is never silently shortened.
  public init(_ row: TranscriptRow) throws(YoiError) {
    do {
      switch row.kind {
      case "user": self = .user(text: try JSONCoding.decode(UserBody.self, from: row.body).text)
      case "assistant":
        let body = try JSONCoding.decode(AssistantBody.self, from: row.body)
        self = .assistant(body.message, stopReason: body.stopReason)
      case "tool_result": self = .toolResult(try JSONCoding.decode(ToolResult.self, from: row.body))
      case "usage": self = .usage(try JSONCoding.decode(Usage.self, from: row.body))
      case "cancelled":
        let body = try JSONCoding.decode(CancelledBody.self, from: row.body)
        self = .cancelled(reason: body.reason, partialText: body.partialText)
      case "error":
        let body = try JSONCoding.decode(ErrorBody.self, from: row.body)
        self = .error(code: body.code, message: body.message, partialText: body.partialText)
      case "compaction": self = .compaction(try JSONCoding.decode(CompactionRecord.self, from: row.body))
      case "instructions": self = .instructions(try JSONCoding.decode(InstructionsBody.self, from: row.body).files)
      case "tasks": self = .tasks(try JSONCoding.decode(TaskList.self, from: row.body))
      case "memory_extract": self = .memoryExtract(try JSONCoding.decode(MemoryWork.self, from: row.body))
      case "memory_consolidate": self = .memoryConsolidate(try JSONCoding.decode(MemoryWork.self, from: row.body))
      case "clear": self = .clear
      case "skill":
        let body = try JSONCoding.decode(SkillBody.self, from: row.body)
        self = .skill(name: body.name, directory: body.directory)
      default:
        throw YoiError("transcript event \(row.seq) has kind `\(row.kind)`, which this yoi cannot read", code: .transcript)
      }
    } catch let error as JSONCoding.Failure {
      throw YoiError(
        "transcript event \(row.seq) (\(row.kind)) is damaged and cannot be read: \(error)", code: .transcript,
        help: ["the Pod's other events are intact; `yoi pod log NAME --json` shows each stored body"])
    } catch let error as YoiError {
      throw error
    } catch {
      throw YoiError("transcript event \(row.seq) (\(row.kind)) cannot be read: \(error)", code: .transcript)
    }
  }

  /// The line `--json` prints: the body with `seq` and `type`.
  public func jsonLine(seq: Int64) -> String { Self.jsonLine(seq: seq, kind: kind, body: body) }

  /// The `--json` line of a stored row, from its stored body as is (the store only holds
  /// valid JSON objects: a CHECK constraint).
  public static func jsonLine(seq: Int64, kind: String, body: String) -> String {
    let prefix = "{\"seq\":\(seq),\"type\":\"\(kind)\""
    return body == "{}" || !body.hasPrefix("{") ? prefix + "}" : prefix + "," + body.dropFirst()
  }
}

/// What a compaction replaced (DESIGN.md §12.7). The transcript keeps every event; replay
/// reads the summary in place of the events before `retained_from_seq`, and pruned tool
/// outputs as a marker.
public struct CompactionRecord: Sendable, Hashable, Codable {
  /// The summary of the events before `retainedFromSeq`; nil for a pruning-only compaction.
  public var summary: String?
  public var retainedFromSeq: Int64?
  /// Tool calls whose outputs the model no longer sees.
  public var prunedCallIDs: [String]
  public var tokensBefore: Int64
  public var tokensAfter: Int64
  /// The model that wrote the summary.
  public var model: String?

  public init(summary: String? = nil, retainedFromSeq: Int64? = nil, prunedCallIDs: [String], tokensBefore: Int64, tokensAfter: Int64, model: String? = nil) {
    self.summary = summary
    self.retainedFromSeq = retainedFromSeq
    self.prunedCallIDs = prunedCallIDs
    self.tokensBefore = tokensBefore
    self.tokensAfter = tokensAfter
    self.model = model
  }

  enum CodingKeys: String, CodingKey {
    case summary, retainedFromSeq = "retained_from_seq", prunedCallIDs = "pruned_call_ids", tokensBefore = "tokens_before",
      tokensAfter = "tokens_after", model
  }
}

/// The conversation a transcript holds, as the provider sees it.
public enum TranscriptReplay {
  /// The introduction of a compaction summary in the conversation.
  public static let summaryHeading = "[Summary of the earlier conversation, written when it was compacted]"

  public static func messages(_ events: [TranscriptEvent]) -> [Message] {
    messages(events.enumerated().map { (Int64($0.offset + 1), $0.element) })
  }

  /// The kinds `messages` reads wherever they are in the transcript; of the others it reads
  /// only those from `segmentStart` on.
  public static let markerKinds = ["compaction", "clear", "tasks"]

  /// Where the conversation the model sees begins: the latest `/clear`, or the first event the
  /// latest summary keeps (0: the first event). Only `markerKinds` events decide it.
  public static func segmentStart(_ events: [(seq: Int64, event: TranscriptEvent)]) -> Int64 {
    var start: Int64 = 0
    var cleared: Int64 = 0
    for (seq, event) in events {
      switch event {
      case .compaction(let record):
        if record.summary != nil, let from = record.retainedFromSeq, from > cleared { start = from }
      case .clear:
        cleared = seq
        start = seq
      default: break
      }
    }
    return start
  }

  /// The conversation from numbered events: the latest summary (if any) and what follows it.
  public static func messages(_ events: [(seq: Int64, event: TranscriptEvent)]) -> [Message] {
    var pruned = Set<String>()
    var start: Int64 = 0
    var summary: String?
    var cleared: Int64 = 0
    for (seq, event) in events {
      switch event {
      case .compaction(let record):
        pruned.formUnion(record.prunedCallIDs)
        if let text = record.summary, let from = record.retainedFromSeq, from > cleared {
          summary = text
          start = from
        }
      case .clear:
        // A new segment: nothing before it, not even a summary of it.
        cleared = seq
        summary = nil
        start = seq
      default: break
      }
    }
    // The task list is not in the summary's events any more: it goes with the summary.
    let tasks = events.reversed().lazy.filter { $0.seq > cleared }.compactMap { entry -> TaskList? in
      if case .tasks(let list) = entry.event { list } else { nil }
    }.first
    var messages: [Message] =
      summary.map { text in
        [.user(summaryHeading + "\n" + text + (tasks.map { "\n\n[The task list now]\n" + $0.rendered } ?? ""))]
      } ?? []
    var pendingCalls: [ToolCall] = []
    var results: [ToolResult] = []

    /// Calls the model made whose results never came (a run cancelled mid-tool): the APIs
    /// need every call answered, so each gets a result saying it did not run.
    func closeTurn() {
      guard !pendingCalls.isEmpty || !results.isEmpty else { return }
      let answered = Set(results.map(\.callID))
      for call in pendingCalls where !answered.contains(call.id) {
        results.append(ToolResult(callID: call.id, name: call.name, content: "error: the run was cancelled before this tool ran", isError: true))
      }
      messages.append(.toolResults(results))
      pendingCalls = []
      results = []
    }

    for (seq, event) in events where seq >= start {
      switch event {
      case .user(let text):
        closeTurn()
        messages.append(.user(text))
      case .assistant(let message, _):
        closeTurn()
        messages.append(.assistant(message))
        pendingCalls = message.toolCalls
      case .toolResult(var result):
        if pruned.contains(result.callID) { result.content = "[tool output pruned by compaction: \(result.content.utf8.count) bytes]" }
        results.append(result)
      case .usage, .cancelled, .error, .compaction, .instructions, .tasks, .skill, .memoryExtract, .memoryConsolidate, .clear:
        break
      }
    }
    closeTurn()
    return messages
  }
}

extension TaskList {
  /// A Pod's task list: its transcript's last `tasks` event (empty before the first).
  public static func stored(of pod: String, in store: PodStore) throws(YoiError) -> TaskList {
    guard let row = try store.lastEvent(of: pod, kind: "tasks"), case .tasks(let list) = try TranscriptEvent(row) else { return TaskList() }
    return list
  }
}
