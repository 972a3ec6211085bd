import Foundation
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

  public var kind: String {
    switch self {
    case .user: "user"
    case .assistant: "assistant"
    case .toolResult: "tool_result"
    case .usage: "usage"
    case .cancelled: "cancelled"
    case .error: "error"
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

  /// The stored JSON body (sorted keys, so bytes are stable).
  public var body: String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let data: Data?
    switch self {
    case .user(let text): data = try? encoder.encode(UserBody(text: text))
    case .assistant(let message, let stopReason): data = try? encoder.encode(AssistantBody(message: message, stop_reason: stopReason))
    case .toolResult(let result): data = try? encoder.encode(result)
    case .usage(let usage): data = try? encoder.encode(usage)
    case .cancelled(let reason, let partial): data = try? encoder.encode(CancelledBody(reason: reason, partial_text: partial))
    case .error(let code, let message): data = try? encoder.encode(ErrorBody(code: code, message: message))
    }
    return data.map { String(decoding: $0, as: UTF8.self) } ?? "{}"
  }

  /// Reads a stored row back.
  /// - Throws: `AgentError` for a row this version cannot read (a damaged store, or one from
  ///   a newer yoi); the transcript is never silently shortened.
  public init(_ row: TranscriptRow) throws(AgentError) {
    let decoder = JSONDecoder()
    let data = Data(row.body.utf8)
    do {
      switch row.kind {
      case "user": self = .user(text: try decoder.decode(UserBody.self, from: data).text)
      case "assistant":
        let body = try decoder.decode(AssistantBody.self, from: data)
        self = .assistant(body.message, stopReason: body.stop_reason)
      case "tool_result": self = .toolResult(try decoder.decode(ToolResult.self, from: data))
      case "usage": self = .usage(try decoder.decode(Usage.self, from: data))
      case "cancelled":
        let body = try decoder.decode(CancelledBody.self, from: data)
        self = .cancelled(reason: body.reason, partialText: body.partial_text)
      case "error":
        let body = try decoder.decode(ErrorBody.self, from: data)
        self = .error(code: body.code, message: body.message)
      default: throw AgentError("transcript event \(row.seq) has kind `\(row.kind)`, which this yoi cannot read", code: "E-TRANSCRIPT")
      }
    } catch let error as AgentError {
      throw error
    } catch {
      throw AgentError("transcript event \(row.seq) (\(row.kind)) is damaged and cannot be read", code: "E-TRANSCRIPT")
    }
  }

  /// The line `--json` prints: the body with `seq` and `type`.
  public func jsonLine(seq: Int64) -> String {
    let body = self.body
    let prefix = "{\"seq\":\(seq),\"type\":\"\(kind)\""
    return body == "{}" ? prefix + "}" : prefix + "," + body.dropFirst()
  }
}

/// The conversation a transcript holds, as the provider sees it.
public enum TranscriptReplay {
  public static func messages(_ events: [TranscriptEvent]) -> [Message] {
    var messages: [Message] = []
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

    for event in events {
      switch event {
      case .user(let text):
        closeTurn()
        messages.append(.user(text))
      case .assistant(let message, _):
        closeTurn()
        messages.append(.assistant(message))
        pendingCalls = message.toolCalls
      case .toolResult(let result):
        results.append(result)
      case .usage, .cancelled, .error:
        break
      }
    }
    closeTurn()
    return messages
  }
}

/// Why a run could not start or stopped early.
public struct AgentError: Error, Sendable {
  public var message: String
  public var code: String
  public var help: [String]

  public init(_ message: String, code: String, help: [String] = []) {
    self.message = message
    self.code = code
    self.help = help
  }
}
