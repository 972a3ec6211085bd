import Benchmark
import Foundation
import YoiLua
import YoiManifest
import YoiAgent
import YoiProfiles
import YoiProviders
import YoiStore
import YoiStubProvider
import YoiTools

/// A ~60-line profile-like table, the shape issue 3 sets its target on (the same file the
/// cold-process comparison with lua5.4 runs).
let profileLike = LuaChunk.text(
  (try? String(
    contentsOfFile: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../../fixtures/profile.lua").standardized.path, encoding: .utf8)) ?? "return {}",
  chunkName: "bench/profile.lua")

let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .peakMemoryResident], maxDuration: .seconds(3))

  Benchmark("sandbox: create a fresh state") { benchmark in
    for _ in benchmark.scaledIterations {
      blackHole(try? LuaSandbox().evaluate(.text("return 1", chunkName: "empty.lua")))
    }
  }

  Benchmark("sandbox: evaluate a 60-line profile and convert") { benchmark in
    for _ in benchmark.scaledIterations {
      blackHole(try? LuaSandbox().evaluate(profileLike))
    }
  }

  let resolver = ProfileResolver(workingDirectory: "/tmp")
  let inputs = ResolutionInputs(podName: "bench", workspace: "/tmp/bench-ws")

  Benchmark("profile: resolve builtin:default (one evaluation)") { benchmark in
    for _ in benchmark.scaledIterations {
      blackHole(try? resolver.resolve(.qualified(source: .builtin, name: "default"), inputs: inputs))
    }
  }

  Benchmark("profile: resolve builtin:coder (imports default)") { benchmark in
    for _ in benchmark.scaledIterations {
      blackHole(try? resolver.resolve(.qualified(source: .builtin, name: "coder"), inputs: inputs))
    }
  }

  let manifest = try? resolver.resolve(.qualified(source: .builtin, name: "coder"), inputs: inputs).manifest
  Benchmark("manifest: canonical JSON + sha256 of builtin:coder") { benchmark in
    guard let manifest else { return }
    for _ in benchmark.scaledIterations {
      blackHole(SHA256.hex(CanonicalJSON.compact(.object(manifest.json)).utf8))
    }
  }

  // The client side of one model turn with a 200-message transcript: the stored rows decoded,
  // the conversation replayed, the request body encoded, a streamed answer parsed.
  let rows = RuntimeSample.rows(count: 200)
  let tools = ToolBox(
    scope: ScopeChecker(rules: ScopeRules(allow: [ScopeRule(target: "/tmp/bench-ws", permission: .write)]), workspace: "/tmp/bench-ws"),
    permissions: PermissionPolicy(nil), limits: .init(defaultMaxBytes: 65536, perTool: [:]), approval: HeadlessApproval()
  ).definitions
  // Once per run: the stored transcript decoded.
  Benchmark("runtime: load a 200-event transcript (decode stored rows)") { benchmark in
    for _ in benchmark.scaledIterations { blackHole(rows.compactMap { try? TranscriptEvent($0) }) }
  }
  let decoded = rows.compactMap { row in (try? TranscriptEvent(row)).map { (seq: row.seq, event: $0) } }
  for scheme in ModelScheme.allCases {
    let answer = Array(StubProvider.stream(scheme: scheme, text: String(repeating: "Streaming answer text. ", count: 40)).utf8)
    // Every turn: the conversation replayed, the request body encoded, the streamed answer read.
    Benchmark("runtime: one turn's client work, 200-message transcript (\(scheme.rawValue))") { benchmark in
      for _ in benchmark.scaledIterations {
        let request = ModelRequest(
          system: RuntimeSample.system, messages: TranscriptReplay.messages(decoded), tools: tools, options: GenerationOptions(modelID: "m"))
        blackHole(StreamReading.body(scheme: scheme, request: request))
        blackHole(try? StreamReading.read(scheme: scheme, bytes: answer))
      }
    }
  }

  let chatAnswer = Array(StubProvider.stream(scheme: .openaiChat, text: String(repeating: "Streaming answer text. ", count: 40)).utf8)
  let chatRequest = ModelRequest(
    system: RuntimeSample.system, messages: TranscriptReplay.messages(decoded), tools: tools, options: GenerationOptions(modelID: "m"))
  Benchmark("runtime parts: request body only (openai_chat, 200 messages)") { benchmark in
    for _ in benchmark.scaledIterations { blackHole(StreamReading.body(scheme: .openaiChat, request: chatRequest)) }
  }
  Benchmark("runtime parts: streamed answer only (openai_chat, 230 deltas)") { benchmark in
    for _ in benchmark.scaledIterations { blackHole(try? StreamReading.read(scheme: .openaiChat, bytes: chatAnswer)) }
  }

  // Before each request: the events replayed (with a compaction record in them), the
  // request assembled, its tokens estimated against the threshold.
  let summary = TranscriptEvent.compaction(
    CompactionRecord(summary: "Earlier work.", retainedFromSeq: 1500, prunedCallIDs: ["call_3"], tokensBefore: 0, tokensAfter: 0))
  let long: [(seq: Int64, event: TranscriptEvent)] =
    RuntimeSample.rows(count: 2000).compactMap { row in (try? TranscriptEvent(row)).map { (seq: row.seq, event: $0) } } + [(seq: 2001, event: summary)]
  Benchmark("runtime: compaction decision and request assembly, 2,000-event transcript") { benchmark in
    for _ in benchmark.scaledIterations {
      let request = ModelRequest(
        system: RuntimeSample.system, messages: TranscriptReplay.messages(long), tools: tools, options: GenerationOptions(modelID: "m"))
      blackHole(TokenEstimate.tokens(request) >= 100_000)
    }
  }
}

/// A transcript shaped like a working session: a prompt, then turns of a tool call and its
/// ~1 KB result.
enum RuntimeSample {
  static let system = String(repeating: "You are an agent working in a software workspace. ", count: 60)

  static func rows(count: Int) -> [TranscriptRow] {
    var events: [TranscriptEvent] = [.user(text: "Refactor the parser and keep the tests green.")]
    var index = 0
    while events.count < count {
      index += 1
      let call = ToolCall(id: "call_\(index)", name: "read_file", arguments: #"{"path":"Sources/Parser/File\#(index).swift"}"#)
      events.append(.assistant(AssistantMessage(text: "Reading file \(index).", toolCalls: [call]), stopReason: "tool_calls"))
      events.append(
        .toolResult(ToolResult(callID: call.id, name: call.name, content: String(repeating: "let value = parse(input)\n", count: 40), isError: false)))
    }
    return events.prefix(count).enumerated().map { TranscriptRow(seq: Int64($0.offset + 1), kind: $0.element.kind, body: $0.element.body, createdAt: "") }
  }
}
