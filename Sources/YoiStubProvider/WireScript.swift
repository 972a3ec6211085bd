import Foundation
import YoiManifest

/// The server-sent events of one scripted answer in a scheme's wire format, following the
/// providers' API references (event names, field names, order), with a keep-alive and an
/// event type no client knows.
struct WireScript {
  var scheme: ModelScheme
  /// Makes ids differ per request.
  var requestIndex: Int

  /// Text in deltas of a few characters.
  static func pieces(_ text: String, size: Int = 4) -> [String] {
    var result: [String] = []
    var current = ""
    for character in text {
      current.append(character)
      if current.count == size {
        result.append(current)
        current = ""
      }
    }
    if !current.isEmpty { result.append(current) }
    return result
  }

  static func json(_ value: JSONValue) -> String { CanonicalJSON.compact(value) }

  /// `reasoning` is streamed first as thinking deltas (OpenAI-compatible servers only, as
  /// `reasoning_content`, the field vLLM and DeepSeek use).
  func frames(text: String, toolCalls: [(name: String, arguments: String)], reasoning: String = "") -> String {
    switch scheme {
    case .anthropic: anthropic(text, toolCalls)
    case .openaiChat: openAIChat(text, toolCalls, reasoning: reasoning)
    case .openaiResponses: openAIResponses(text, toolCalls)
    case .gemini: gemini(text, toolCalls)
    }
  }

  // MARK: Anthropic Messages

  private func anthropic(_ text: String, _ calls: [(name: String, arguments: String)]) -> String {
    func event(_ name: String, _ data: JSONValue) -> String { "event: \(name)\ndata: \(Self.json(data))\n\n" }
    var out = event(
      "message_start",
      [
        "type": "message_start",
        "message": [
          "id": .string("msg_\(requestIndex)"), "type": "message", "role": "assistant", "content": [], "model": "stub",
          "stop_reason": .null, "stop_sequence": .null, "usage": ["input_tokens": 25, "output_tokens": 1],
        ],
      ])
    out += event("ping", ["type": "ping"])
    var index: Int64 = 0
    if !text.isEmpty {
      out += event("content_block_start", ["type": "content_block_start", "index": .integer(index), "content_block": ["type": "text", "text": ""]])
      for piece in Self.pieces(text) {
        out += event(
          "content_block_delta", ["type": "content_block_delta", "index": .integer(index), "delta": ["type": "text_delta", "text": .string(piece)]])
      }
      out += event("content_block_stop", ["type": "content_block_stop", "index": .integer(index)])
      index += 1
    }
    for (number, call) in calls.enumerated() {
      out += event(
        "content_block_start",
        [
          "type": "content_block_start", "index": .integer(index),
          "content_block": ["type": "tool_use", "id": .string("toolu_\(requestIndex)_\(number)"), "name": .string(call.name), "input": [:]],
        ])
      for piece in Self.pieces(call.arguments, size: 5) {
        out += event(
          "content_block_delta",
          ["type": "content_block_delta", "index": .integer(index), "delta": ["type": "input_json_delta", "partial_json": .string(piece)]])
      }
      out += event("content_block_stop", ["type": "content_block_stop", "index": .integer(index)])
      index += 1
    }
    out += event("vendor_future_event", ["type": "vendor_future_event", "detail": "clients must ignore this"])
    out += event(
      "message_delta",
      [
        "type": "message_delta", "delta": ["stop_reason": calls.isEmpty ? "end_turn" : "tool_use", "stop_sequence": .null],
        "usage": ["output_tokens": .integer(Int64(text.count / 4 + 5))],
      ])
    out += event("message_stop", ["type": "message_stop"])
    return out
  }

  // MARK: OpenAI Chat Completions

  private func openAIChat(_ text: String, _ calls: [(name: String, arguments: String)], reasoning: String = "") -> String {
    func chunk(_ delta: JSONValue, finish: String? = nil) -> String {
      let value: JSONValue = [
        "id": .string("chatcmpl-\(requestIndex)"), "object": "chat.completion.chunk", "created": 1_700_000_000, "model": "stub",
        "choices": [["index": 0, "delta": delta, "logprobs": .null, "finish_reason": finish.map { .string($0) } ?? .null]],
      ]
      return "data: \(Self.json(value))\n\n"
    }
    var out = chunk(["role": "assistant", "content": ""])
    out += ": keep-alive\n\n"
    for piece in Self.pieces(reasoning) { out += chunk(["reasoning_content": .string(piece)]) }
    for piece in Self.pieces(text) { out += chunk(["content": .string(piece)]) }
    for (number, call) in calls.enumerated() {
      out += chunk([
        "tool_calls": [
          [
            "index": .integer(Int64(number)), "id": .string("call_\(requestIndex)_\(number)"), "type": "function",
            "function": ["name": .string(call.name), "arguments": ""],
          ]
        ]
      ])
      for piece in Self.pieces(call.arguments, size: 5) {
        out += chunk(["tool_calls": [["index": .integer(Int64(number)), "function": ["arguments": .string(piece)]]]])
      }
    }
    out += chunk([:], finish: calls.isEmpty ? "stop" : "tool_calls")
    out +=
      "data: "
      + Self.json([
        "id": .string("chatcmpl-\(requestIndex)"), "object": "chat.completion.chunk", "created": 1_700_000_000, "model": "stub", "choices": [],
        "usage": ["prompt_tokens": 25, "completion_tokens": .integer(Int64(text.count / 4 + 5)), "total_tokens": .integer(Int64(30 + text.count / 4))],
      ]) + "\n\n"
    out += "data: [DONE]\n\n"
    return out
  }

  // MARK: OpenAI Responses

  private func openAIResponses(_ text: String, _ calls: [(name: String, arguments: String)]) -> String {
    var sequence: Int64 = 0
    func event(_ name: String, _ members: [(String, JSONValue)]) -> String {
      sequence += 1
      let value = JSONValue.object(
        JSONObject([(key: "type", value: .string(name)), (key: "sequence_number", value: .integer(sequence))] + members.map { (key: $0.0, value: $0.1) }))
      return "event: \(name)\ndata: \(Self.json(value))\n\n"
    }
    let responseID = "resp_\(requestIndex)"
    func response(_ status: String, output: [JSONValue], usage: JSONValue = .null) -> JSONValue {
      [
        "id": .string(responseID), "object": "response", "created_at": 1_700_000_000, "status": .string(status), "model": "stub",
        "output": .array(output), "parallel_tool_calls": true, "tool_choice": "auto", "tools": [], "usage": usage,
      ]
    }
    var out = event("response.created", [("response", response("in_progress", output: []))])
    out += event("response.in_progress", [("response", response("in_progress", output: []))])
    var output: [JSONValue] = []
    var index: Int64 = 0
    if !text.isEmpty {
      let itemID = "msg_\(requestIndex)"
      out += event(
        "response.output_item.added",
        [("output_index", .integer(index)), ("item", ["type": "message", "id": .string(itemID), "status": "in_progress", "role": "assistant", "content": []])])
      out += event(
        "response.content_part.added",
        [
          ("item_id", .string(itemID)), ("output_index", .integer(index)), ("content_index", 0),
          ("part", ["type": "output_text", "text": "", "annotations": []]),
        ])
      for piece in Self.pieces(text) {
        out += event(
          "response.output_text.delta",
          [("item_id", .string(itemID)), ("output_index", .integer(index)), ("content_index", 0), ("delta", .string(piece)), ("logprobs", [])])
      }
      out += event(
        "response.output_text.done",
        [("item_id", .string(itemID)), ("output_index", .integer(index)), ("content_index", 0), ("text", .string(text)), ("logprobs", [])])
      let part: JSONValue = ["type": "output_text", "text": .string(text), "annotations": []]
      out += event("response.content_part.done", [("item_id", .string(itemID)), ("output_index", .integer(index)), ("content_index", 0), ("part", part)])
      let item: JSONValue = ["type": "message", "id": .string(itemID), "status": "completed", "role": "assistant", "content": [part]]
      out += event("response.output_item.done", [("output_index", .integer(index)), ("item", item)])
      output.append(item)
      index += 1
    }
    for (number, call) in calls.enumerated() {
      let itemID = "fc_\(requestIndex)_\(number)"
      let callID = "call_\(requestIndex)_\(number)"
      out += event(
        "response.output_item.added",
        [
          ("output_index", .integer(index)),
          (
            "item",
            ["type": "function_call", "id": .string(itemID), "call_id": .string(callID), "name": .string(call.name), "arguments": "", "status": "in_progress"]
          ),
        ])
      for piece in Self.pieces(call.arguments, size: 5) {
        out += event("response.function_call_arguments.delta", [("item_id", .string(itemID)), ("output_index", .integer(index)), ("delta", .string(piece))])
      }
      out += event(
        "response.function_call_arguments.done", [("item_id", .string(itemID)), ("output_index", .integer(index)), ("arguments", .string(call.arguments))])
      let item: JSONValue = [
        "type": "function_call", "id": .string(itemID), "call_id": .string(callID), "name": .string(call.name), "arguments": .string(call.arguments),
        "status": "completed",
      ]
      out += event("response.output_item.done", [("output_index", .integer(index)), ("item", item)])
      output.append(item)
      index += 1
    }
    out += event("response.vendor_future_event", [("detail", "clients must ignore this")])
    let usage: JSONValue = [
      "input_tokens": 25, "input_tokens_details": ["cached_tokens": 0], "output_tokens": .integer(Int64(text.count / 4 + 5)),
      "output_tokens_details": ["reasoning_tokens": 0], "total_tokens": .integer(Int64(30 + text.count / 4)),
    ]
    out += event("response.completed", [("response", response("completed", output: output, usage: usage))])
    return out
  }

  // MARK: Gemini

  private func gemini(_ text: String, _ calls: [(name: String, arguments: String)]) -> String {
    // Gemini separates events with CRLF pairs.
    func chunk(_ parts: [JSONValue], finish: Bool = false) -> String {
      let candidate = WireJSONObject.object([
        ("content", ["parts": .array(parts), "role": "model"]), ("index", 0), ("finishReason", finish ? "STOP" : nil),
      ])
      var members: [(String, JSONValue?)] = [("candidates", [candidate]), ("modelVersion", "stub"), ("responseId", .string("r\(requestIndex)"))]
      if finish {
        members.append(
          (
            "usageMetadata",
            ["promptTokenCount": 25, "candidatesTokenCount": .integer(Int64(text.count / 4 + 5)), "totalTokenCount": .integer(Int64(30 + text.count / 4))]
          ))
      }
      return "data: \(Self.json(WireJSONObject.object(members)))\r\n\r\n"
    }
    var out = ""
    for piece in Self.pieces(text) { out += chunk([["text": .string(piece)]]) }
    let callParts: [JSONValue] = calls.map { call in
      let args = (try? JSONParser.parse(call.arguments)) ?? [:]
      return ["functionCall": ["name": .string(call.name), "args": args]]
    }
    out += chunk(callParts, finish: true)
    return out
  }
}

enum WireJSONObject {
  static func object(_ members: [(String, JSONValue?)]) -> JSONValue {
    .object(JSONObject(members.compactMap { key, value in value.map { (key: key, value: $0) } }))
  }
}
