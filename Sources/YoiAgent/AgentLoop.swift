import YoiDiagnostics
import Foundation
import YoiManifest
public import YoiProviders
import YoiStore
public import YoiTools

/// Watches a run as it happens: streamed text, tool activity, each event once stored.
public protocol RunObserver: Sendable {
  func textDelta(_ text: String)
  func toolStarted(_ call: ToolCall)
  func toolFinished(_ call: ToolCall, _ outcome: ToolOutcome)
  func recorded(_ event: TranscriptEvent, seq: Int64)
  /// Thinking text, when the provider streams it.
  func reasoningDelta(_ text: String)
  /// A request went to the model; nothing has come back yet.
  func waiting()
  /// The request failed retryably and is sent again after `delay` seconds.
  func retrying(attempt: Int, limit: Int, delay: Double, reason: String)
}

extension RunObserver {
  public func reasoningDelta(_ text: String) {}
  public func waiting() {}
  public func retrying(attempt: Int, limit: Int, delay: Double, reason: String) {}
}

/// How a task ended without an error.
public enum RunOutcome: Sendable, Equatable {
  /// The model ended a turn without tool calls; its final text.
  case finished(String)
  /// SIGINT/SIGTERM (or the caller) cancelled it; completed events are kept.
  case cancelled
}

/// The tool loop (DESIGN.md §12.1): the user's message, then model turns and tool calls until
/// the model answers without calling a tool, `worker.max_turns` is reached, or the run is
/// cancelled. Every completed event is stored as it completes.
public struct AgentLoop: Sendable {
  public let podName: String
  let store: PodStore
  let provider: ProviderClient
  public let tools: ToolBox
  public let system: String
  let options: GenerationOptions
  let maxTurns: Int64
  let parallelToolCalls: Bool
  /// The compaction policy (nil: the manifest has none).
  let compactor: Compactor?
  /// Recorded when a run starts, before the user's message (the `AGENTS.md` files read).
  var startEvents: [TranscriptEvent] = []

  /// Model turns with open tasks and no task call after which the model is reminded of them.
  static let taskReminderTurns = 20

  /// The request the next turn would send for `messages` (also the benchmark's unit of work).
  public func request(_ messages: [Message]) -> ModelRequest {
    ModelRequest(system: system, messages: messages, tools: tools.definitions, options: options)
  }

  /// Runs one task. Errors are recorded as `error` events, then thrown.
  public func run(prompt: String, observer: any RunObserver) async throws -> RunOutcome {
    try provider.checkCredential()
    let history = try loadHistory()
    for event in startEvents { try record(event, observer, history) }
    try record(.user(text: prompt), observer, history)
    var turnsWithoutTaskCall = 0
    let partial = PartialText()
    var turns: Int64 = 0
    var compactAfterResponse = false
    do {
      while true {
        guard turns < maxTurns else {
          let error = YoiError(
            "the task stopped at worker.max_turns = \(maxTurns) model turns without finishing", code: .maxTurns,
            help: ["continue it with another `yoi pod run`, or raise worker.max_turns in the profile and re-resolve the Pod"], exitStatus: 3)
          try? record(.error(code: DiagnosticCode.maxTurns.rawValue, message: error.message), observer, history)
          throw error
        }
        turns += 1
        try Task.checkCancellation()
        await tools.refresh()
        var next = request(TranscriptReplay.messages(history.events))
        if let compactor, compactAfterResponse || compactor.overRequestThreshold(TokenEstimate.tokens(next)) {
          try await compact(compactor, history, observer, before: TokenEstimate.tokens(next))
          next = request(TranscriptReplay.messages(history.events))
          compactAfterResponse = false
        }
        if turnsWithoutTaskCall >= Self.taskReminderTurns, let open = tools.tasks?.open, !open.isEmpty {
          next.system +=
            "\n\n# Reminder\nThese tasks are still open; update them with task_update as you work:\n"
            + TaskList(items: open).rendered
          turnsWithoutTaskCall = 0
        }
        partial.reset()
        observer.waiting()
        let response = try await provider.send(next) { update in
          switch update {
          case .textDelta(let text):
            partial.append(text)
            observer.textDelta(text)
          case .reasoningDelta(let text): observer.reasoningDelta(text)
          case .retrying(let attempt, let limit, let delay, let reason):
            observer.retrying(attempt: attempt, limit: limit, delay: delay, reason: reason)
            observer.waiting()
          case .toolCallStarted: break
          }
        }
        partial.reset()
        try record(.assistant(response.message, stopReason: response.stopReason), observer, history)
        if let usage = response.usage { try record(.usage(usage), observer, history) }
        compactAfterResponse = compactor?.overThreshold(response.usage) ?? false
        let calls = response.message.toolCalls
        guard !calls.isEmpty else { return .finished(response.message.text) }
        turnsWithoutTaskCall = calls.contains { $0.name.hasPrefix("task_") } ? 0 : turnsWithoutTaskCall + 1
        for (result, change) in await runTools(calls, observer) {
          try record(.toolResult(result), observer, history)
          switch change {
          case .tasks(let list)?: try record(.tasks(list), observer, history)
          case .skill(let name, let directory)?: try record(.skill(name: name, directory: directory), observer, history)
          case nil: break
          }
        }
      }
    } catch is CancellationError {
      try? record(.cancelled(reason: "interrupted", partialText: partial.text), observer, history)
      return .cancelled
    } catch let error as ProviderError {
      // A stream that broke mid-answer keeps what had arrived, as an interrupt does.
      let streamed = partial.text
      try? record(.error(code: error.code.rawValue, message: error.message, partialText: streamed.isEmpty ? nil : streamed), observer, history)
      throw error.yoiError
    }
  }

  /// What a run needs of the transcript: the conversation the model now sees (from the
  /// latest `/clear` or summary on) and, before it, only the compaction, clear and task-list
  /// events the replay reads wherever they are. A long-lived Pod's older events, which it
  /// would otherwise read and decode at every start, stay in the store.
  private func loadHistory() throws(YoiError) -> History {
    func decoded(_ rows: [TranscriptRow]) throws(YoiError) -> [(seq: Int64, event: TranscriptEvent)] {
      try rows.map { row throws(YoiError) in (row.seq, try TranscriptEvent(row)) }
    }
    let markers = try decoded(store.transcript(of: podName, from: nil, orKinds: TranscriptReplay.markerKinds))
    let start = TranscriptReplay.segmentStart(markers)
    return History(try decoded(store.transcript(of: podName, from: start, orKinds: TranscriptReplay.markerKinds)))
  }

  /// The events of this Pod a run needs (`loadHistory`), kept in step with every record.
  final class History: @unchecked Sendable {
    var events: [(seq: Int64, event: TranscriptEvent)]
    init(_ events: [(seq: Int64, event: TranscriptEvent)]) { self.events = events }
  }

  /// What `/compact` did.
  public enum CompactNow: Sendable, Equatable {
    /// The manifest has no compaction policy.
    case noPolicy
    /// Nothing old enough to prune or summarise.
    case nothingToDo
    /// Estimated request tokens before and after.
    case compacted(before: Int64, after: Int64)
  }

  /// `/compact` (DESIGN.md §12.7 now): prunes and summarises whatever the thresholds say.
  public func compactNow(observer: any RunObserver) async throws -> CompactNow {
    guard let compactor else { return .noPolicy }
    let history = try loadHistory()
    let count = history.events.count
    let before = TokenEstimate.tokens(request(TranscriptReplay.messages(history.events)))
    try await compact(compactor, history, observer, before: before, force: true)
    guard history.events.count > count else { return .nothingToDo }
    return .compacted(before: before, after: TokenEstimate.tokens(request(TranscriptReplay.messages(history.events))))
  }

  /// Prunes old tool outputs when that is enough (or, with `force`, always goes on), then
  /// summarises the older history. A failed summary leaves the history as it was and is
  /// recorded as an error; the run goes on.
  private func compact(_ compactor: Compactor, _ history: History, _ observer: any RunObserver, before: Int64, force: Bool = false) async throws {
    let pruned = compactor.pruning(history.events)
    if !pruned.isEmpty {
      let probe = History(history.events + [(Int64.max, .compaction(CompactionRecord(prunedCallIDs: pruned, tokensBefore: 0, tokensAfter: 0)))])
      let after = TokenEstimate.tokens(request(TranscriptReplay.messages(probe.events)))
      try record(.compaction(CompactionRecord(prunedCallIDs: pruned, tokensBefore: before, tokensAfter: after)), observer, history)
      if !force && !compactor.overRequestThreshold(after) && !(compactor.policy.threshold.map { after >= $0 } ?? false) { return }
    }
    var previousStart: Int64 = 0
    var previousSummary: String?
    for (seq, event) in history.events {
      if case .compaction(let record) = event, let summary = record.summary, let from = record.retainedFromSeq, from > previousStart {
        previousStart = from
        previousSummary = summary
      }
      // What came before a `/clear` is not the model's any more, so it is never summarised.
      if case .clear = event {
        previousStart = seq
        previousSummary = nil
      }
    }
    guard let start = compactor.retainedStart(history.events, after: previousStart) else { return }
    let older = history.events.filter { $0.seq >= previousStart && $0.seq < start }
    let olderMessages = TranscriptReplay.messages(older.map { ($0.seq, $0.event) } + prunedMarkers(history))
    let summaryRequest = compactor.summaryRequest(previousSummary: previousSummary, older: olderMessages, options: options)
    let current = TokenEstimate.tokens(request(TranscriptReplay.messages(history.events)))
    do {
      let response = try await provider.send(summaryRequest) { _ in }
      let summary = response.message.text.trimmingCharacters(in: .whitespacesAndNewlines)
      guard !summary.isEmpty else { throw ProviderError(.reported, "the summary came back empty") }
      let probe =
        history.events + [
          (Int64.max, .compaction(CompactionRecord(summary: summary, retainedFromSeq: start, prunedCallIDs: [], tokensBefore: 0, tokensAfter: 0)))
        ]
      let after = TokenEstimate.tokens(request(TranscriptReplay.messages(probe)))
      try record(
        .compaction(
          CompactionRecord(
            summary: summary, retainedFromSeq: start, prunedCallIDs: [], tokensBefore: current, tokensAfter: after, model: compactor.summaryModelID)),
        observer, history)
    } catch let error as ProviderError {
      try record(
        .error(code: DiagnosticCode.compaction.rawValue, message: "compaction failed, the history is kept as it was: \(error.message)"), observer, history)
    }
  }

  /// Earlier pruning records, so the summary request sees pruned outputs as markers too.
  private func prunedMarkers(_ history: History) -> [(seq: Int64, event: TranscriptEvent)] {
    history.events.filter { entry in
      if case .compaction(let record) = entry.event { return record.summary == nil }
      return false
    }
  }

  private func record(_ event: TranscriptEvent, _ observer: any RunObserver, _ history: History) throws(YoiError) {
    let seq = try store.appendEvent(to: podName, kind: event.kind, body: event.body)
    history.events.append((seq, event))
    observer.recorded(event, seq: seq)
  }

  /// Runs the calls of one turn: together when the model's capability allows parallel calls,
  /// else one after another. Results keep the calls' order.
  private func runTools(_ calls: [ToolCall], _ observer: any RunObserver) async -> [(ToolResult, ToolRecord?)] {
    let tools = self.tools
    func run(_ call: ToolCall) async -> (ToolResult, ToolRecord?) {
      observer.toolStarted(call)
      let outcome = await tools.run(call)
      observer.toolFinished(call, outcome)
      return (ToolResult(callID: call.id, name: call.name, content: outcome.content, isError: outcome.isError), outcome.record)
    }
    // Children are independent Pods: several spawned in one turn always run together.
    let together = parallelToolCalls || calls.allSatisfy { $0.name == "spawn_pod" }
    guard together && calls.count > 1 else {
      var results: [(ToolResult, ToolRecord?)] = []
      for call in calls { results.append(await run(call)) }
      return results
    }
    return await withTaskGroup(of: (Int, (ToolResult, ToolRecord?)).self) { group in
      for (index, call) in calls.enumerated() { group.addTask { (index, await run(call)) } }
      var results: [(Int, (ToolResult, ToolRecord?))] = []
      for await result in group { results.append(result) }
      return results.sorted { $0.0 < $1.0 }.map(\.1)
    }
  }
}

/// The text of the turn in flight, kept for the `cancelled` event.
final class PartialText: @unchecked Sendable {
  private let lock = NSLock()
  private var buffer = ""
  var text: String { lock.withLock { buffer } }
  func append(_ piece: String) { lock.withLock { buffer += piece } }
  func reset() { lock.withLock { buffer = "" } }
}
