import YoiDiagnostics
import Foundation
import YoiManifest
import YoiProviders
import YoiStore

/// One event of a Pod's transcript (DESIGN.md §12.3). Stored as its kind and a JSON body;
/// `--json` prints the same body with `seq` and `type` added.
public enum TranscriptEvent: Sendable, Hashable {
  case user(text: String)
  case assistant(AssistantMessage, stopReason: String?)
  case toolResult(ToolResult)
  case usage(Usage)
  case cancelled(reason: String, partialText: String)
  case error(code: String, message: String)
  case compaction(CompactionRecord)

  public var kind: String {
    switch self {
    case .user: "user"
    case .assistant: "assistant"
    case .toolResult: "tool_result"
    case .usage: "usage"
    case .cancelled: "cancelled"
    case .error: "error"
    case .compaction: "compaction"
    }
  }

  private struct UserBody: Codable { var text: String }
  private struct AssistantBody: Codable {
    var message: AssistantMessage
    var stop_reason: String?
  }
  private struct CancelledBody: Codable {
    var reason: String
    var partial_text: String
  }
  private struct ErrorBody: Codable {
    var code: String
    var message: String
  }

  /// One coder each way for every event (making one per event was a third of `pod log`).
  private static let encoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return encoder
  }()

  /// The stored JSON body (sorted keys, so bytes are stable).
  public var body: String {
    let encoder = Self.encoder
    let data: Data?
    switch self {
    case .user(let text): data = try? encoder.encode(UserBody(text: text))
    case .assistant(let message, let stopReason): data = try? encoder.encode(AssistantBody(message: message, stop_reason: stopReason))
    case .toolResult(let result): data = try? encoder.encode(result)
    case .usage(let usage): data = try? encoder.encode(usage)
    case .cancelled(let reason, let partial): data = try? encoder.encode(CancelledBody(reason: reason, partial_text: partial))
    case .error(let code, let message): data = try? encoder.encode(ErrorBody(code: code, message: message))
    case .compaction(let record): data = try? encoder.encode(record)
    }
    return data.map { String(decoding: $0, as: UTF8.self) } ?? "{}"
  }

  /// Reads a stored row back.
  /// - Throws: `YoiError` for a row this version cannot read (a damaged store, or one from
  ///   a newer yoi); the transcript is never silently shortened.
  public init(_ row: TranscriptRow) throws(YoiError) {
    // yoi's own JSON reader and a direct mapping: Foundation's JSONDecoder made `pod log` of
    // 10,000 events take twice as long.
    guard let body = JSONFields.parse(row.body) else {
      throw YoiError("transcript event \(row.seq) (\(row.kind)) is damaged and cannot be read", code: .transcript)
    }
    let read = StoredEventReader(body)
    switch row.kind {
    case "user": self = .user(text: read.string("text"))
    case "assistant":
      let message = StoredEventReader(read.object("message"))
      let reasoning = message.objects("reasoning").map { block in
        ReasoningBlock(
          text: block.string("text"), signature: block.optionalString("signature"), redactedData: block.optionalString("redacted_data"),
          itemID: block.optionalString("item_id"), encryptedContent: block.optionalString("encrypted_content"))
      }
      let calls = message.objects("tool_calls").map { call in
        ToolCall(id: call.string("id"), name: call.string("name"), arguments: call.string("arguments"), signature: call.optionalString("signature"))
      }
      self = .assistant(AssistantMessage(reasoning: reasoning, text: message.string("text"), toolCalls: calls), stopReason: read.optionalString("stop_reason"))
    case "tool_result":
      self = .toolResult(ToolResult(callID: read.string("call_id"), name: read.string("name"), content: read.string("content"), isError: read.bool("is_error")))
    case "usage":
      self = .usage(
        Usage(
          inputTokens: read.integer("input_tokens") ?? 0, outputTokens: read.integer("output_tokens") ?? 0,
          cachedInputTokens: read.integer("cached_input_tokens"), reasoningTokens: read.integer("reasoning_tokens")))
    case "cancelled": self = .cancelled(reason: read.string("reason"), partialText: read.string("partial_text"))
    case "error": self = .error(code: read.string("code"), message: read.string("message"))
    case "compaction":
      self = .compaction(
        CompactionRecord(
          summary: read.optionalString("summary"), retainedFromSeq: read.integer("retained_from_seq"),
          prunedCallIDs: read.strings("pruned_call_ids"), tokensBefore: read.integer("tokens_before") ?? 0,
          tokensAfter: read.integer("tokens_after") ?? 0, model: read.optionalString("model")))
    default: throw YoiError("transcript event \(row.seq) has kind `\(row.kind)`, which this yoi cannot read", code: .transcript)
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

/// Typed reads of a stored event body (written by `TranscriptEvent.body`, so a missing key
/// is an empty value, as the encoder would have written it, and a key of another type, which
/// the store's writer never produces, reads the same).
private struct StoredEventReader {
  let fields: JSONFields
  init(_ object: JSONObject) { fields = JSONFields(object) }
  init(_ fields: JSONFields) { self.fields = fields }

  func string(_ key: String) -> String { optionalString(key) ?? "" }
  func optionalString(_ key: String) -> String? { (try? fields.string(key)) ?? nil }
  func integer(_ key: String) -> Int64? { (try? fields.integer(key)) ?? nil }
  func bool(_ key: String) -> Bool { ((try? fields.bool(key)) ?? nil) ?? false }
  func strings(_ key: String) -> [String] { ((try? fields.strings(key)) ?? nil) ?? [] }
  func object(_ key: String) -> JSONObject { ((try? fields.fields(key)) ?? nil)?.object ?? JSONObject() }
  func objects(_ key: String) -> [StoredEventReader] { (try? fields.objects(key, StoredEventReader.init)) ?? [] }
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

  /// The conversation from numbered events: the latest summary (if any) and what follows it.
  public static func messages(_ events: [(seq: Int64, event: TranscriptEvent)]) -> [Message] {
    var pruned = Set<String>()
    var start: Int64 = 0
    var summary: String?
    for (_, event) in events {
      guard case .compaction(let record) = event else { continue }
      pruned.formUnion(record.prunedCallIDs)
      if let text = record.summary, let from = record.retainedFromSeq {
        summary = text
        start = from
      }
    }
    var messages: [Message] = summary.map { [.user(summaryHeading + "\n" + $0)] } ?? []
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
      case .usage, .cancelled, .error, .compaction:
        break
      }
    }
    closeTurn()
    return messages
  }
}
