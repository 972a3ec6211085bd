import Testing
import YoiDiagnostics
import YoiStore
@testable import YoiAgent
@testable import YoiProviders

/// Stored transcript rows are read strictly: a damaged one is an error naming its sequence
/// number and member, never an empty value that silently shortens the conversation.
@Suite("Transcript rows")
struct TranscriptCodingTests {
  static func read(_ kind: String, _ body: String) -> Result<TranscriptEvent, YoiError> {
    Result { () throws(YoiError) in try TranscriptEvent(TranscriptRow(seq: 7, kind: kind, body: body, createdAt: "")) }
  }

  @Test("every kind reads back exactly what it writes")
  func roundTrip() throws {
    let events: [TranscriptEvent] = [
      .user(text: "hé \"q\"\n"),
      .assistant(
        AssistantMessage(
          reasoning: [ReasoningBlock(text: "t", signature: "s"), ReasoningBlock(redactedData: "r")], text: "a",
          toolCalls: [ToolCall(id: "c", name: "shell", arguments: "{\"command\":\"ls\"}", signature: "g")]), stopReason: nil),
      .toolResult(ToolResult(callID: "c", name: "shell", content: "out", isError: true)),
      .usage(Usage(inputTokens: 9_007_199_254_740_993, outputTokens: 2, cachedInputTokens: nil, reasoningTokens: 1)),
      .cancelled(reason: "interrupted", partialText: "par"),
      .error(code: "E-PROVIDER", message: "m"),
      .error(code: "E-PROVIDER-STREAM", message: "dropped", partialText: "half an ans"),
      .compaction(CompactionRecord(summary: "s", retainedFromSeq: 3, prunedCallIDs: ["x"], tokensBefore: 10, tokensAfter: 5, model: nil)),
    ]
    for event in events {
      #expect(try Self.read(event.kind, event.body).get() == event, "\(event.body)")
    }
    #expect(!TranscriptEvent.assistant(AssistantMessage(text: "a"), stopReason: nil).body.contains("stop_reason"))
  }

  @Test(
    "a stored body with a member missing or of the wrong type is an error naming the event's sequence number and the member",
    arguments: [
      ("tool_result", #"{"call_id":"c","content":5,"is_error":false,"name":"x"}"#, "content: expected a string, found a number"),
      ("user", #"{}"#, "text: is missing"),
      ("assistant", #"{"message":{"reasoning":[],"text":"a","tool_calls":[{"id":"c","name":"n"}]}}"#, "message.tool_calls[1].arguments: is missing"),
      ("usage", #"{"input_tokens":"many","output_tokens":1}"#, "input_tokens: expected an integer, found a string"),
      ("error", #"not json"#, "not JSON"),
    ])
  func damagedRowsAreNamed(kind: String, body: String, problem: String) {
    guard case .failure(let error) = Self.read(kind, body) else {
      Issue.record("a damaged \(kind) row was read")
      return
    }
    #expect(error.code == .transcript)
    #expect(error.message.hasPrefix("transcript event 7 (\(kind)) is damaged and cannot be read: "), "\(error.message)")
    #expect(error.message.contains(problem), "\(error.message)")
  }
}
