import ArgumentParser
import Foundation
import YoiAgent
import YoiPods
import YoiDiagnostics
import YoiManifest
import YoiProfiles
import YoiProviders
import YoiStore
import YoiTools

/// `yoi pod run NAME [PROMPT...]`: one task, headless (DESIGN.md §12.1).
struct PodRunCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run one task in a Pod, headless: the answer streams to stdout, tool notes to stderr.",
    discussion: """
      The prompt is the arguments, else stdin. The Pod runs from its stored snapshot (never its \
      profile) and continues its transcript. Exit status: 0 when the model finished, 130 when \
      interrupted (SIGINT/SIGTERM; what completed is kept), 3 when worker.max_turns stopped it, \
      1 on any other error.

      Examples:
        yoi pod run api "add a --verbose flag to the CLI"
        git diff | yoi pod run reviewer
        yoi pod run api --json "list the TODOs" | jq -c 'select(.type == "assistant")'
      """)

  @Argument(help: "The Pod.", completion: NameCompletion.pods) var name: String
  @Argument(help: "The task (default: read from stdin).") var prompt: [String] = []
  @Flag(help: "Print JSON Lines events on stdout instead of text.") var json = false

  func run() async throws {
    let pod = try PodName(name)
    let task = try taskText()
    let runs = try Services.runs()
    let observer: any RunObserver = json ? JSONLinesObserver() : TextObserver()
    let run = Task {
      try await runs.withSession(pod: pod) { runner in
        for note in runner.notes { Terminal.writeLines(["note: " + note], toStandardError: true) }
        return try await runner.run(prompt: task, observer: observer)
      }
    }
    // SIGINT and SIGTERM cancel the run (the `cancelled` event is recorded), not the process.
    let signals = SignalCancellation { run.cancel() }
    let result = await run.result
    withExtendedLifetime(signals) {}
    (observer as? TextObserver)?.endLine()
    switch result {
    case .success(.finished): return
    case .success(.cancelled): throw ExitCode(130)
    case .failure(let error): throw error
    }
  }

  private func taskText() throws -> String {
    if !prompt.isEmpty { return prompt.joined(separator: " ") }
    guard isatty(0) == 0 else {
      throw YoiError(
        .error("no task given", code: .usage, help: ["give it as arguments: yoi pod run \(name) \"...\", or on stdin"]), exitStatus: 64)
    }
    let text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
      throw YoiError(.error("the task read from stdin is empty", code: .usage), exitStatus: 64)
    }
    return text
  }
}

/// Human output: streamed text on stdout (control characters escaped), one line per tool
/// call on stderr.
final class TextObserver: RunObserver, @unchecked Sendable {
  private let lock = NSLock()
  private var endsWithNewline = true

  func textDelta(_ text: String) {
    lock.withLock {
      guard !text.isEmpty else { return }
      endsWithNewline = text.hasSuffix("\n")
      Terminal.write(text)
    }
  }

  func toolStarted(_ call: ToolCall) {}

  func toolFinished(_ call: ToolCall, _ outcome: ToolOutcome) {
    lock.withLock {
      if !endsWithNewline {
        Terminal.write("\n")
        endsWithNewline = true
      }
      Terminal.writeLines(ToolActivity.lines(call, outcome).map(\.text), toStandardError: true)
    }
  }

  func recorded(_ event: TranscriptEvent, seq: Int64) {}

  func retrying(attempt: Int, limit: Int, delay: Double, reason: String) {
    lock.withLock {
      if !endsWithNewline {
        Terminal.write("\n")
        endsWithNewline = true
      }
      Terminal.writeLines(["retrying (\(attempt)/\(limit)) after \(reason) in \(AttachSession.seconds(delay))"], toStandardError: true)
    }
  }

  func endLine() {
    lock.withLock { if !endsWithNewline { Terminal.write("\n") } }
  }
}

/// `--json`: every stored event, and the streamed text as `text_delta` events, one JSON
/// object per line.
final class JSONLinesObserver: RunObserver, @unchecked Sendable {
  private let lock = NSLock()

  func textDelta(_ text: String) {
    let encoded = CanonicalJSON.compact(.string(text))
    emit("{\"type\":\"text_delta\",\"text\":\(encoded)}")
  }

  func toolStarted(_ call: ToolCall) {}
  func toolFinished(_ call: ToolCall, _ outcome: ToolOutcome) {}
  func recorded(_ event: TranscriptEvent, seq: Int64) { emit(event.jsonLine(seq: seq)) }

  private func emit(_ line: String) {
    lock.withLock { Terminal.writeExact(line + "\n") }
  }
}

/// `yoi pod log NAME`: the transcript.
struct PodLogCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "log", abstract: "Show a Pod's transcript.",
    discussion: """
      Examples:
        yoi pod log api --tail 20
        yoi pod log api --json | jq -c 'select(.type == "tool_result")'
      """)

  @Argument(help: "The Pod.", completion: NameCompletion.pods) var name: String
  @Flag(help: "Print JSON Lines events.") var json = false
  @Option(help: "Only the last N events.") var tail: Int?

  func validate() throws {
    if let tail, tail < 0 { throw ValidationError("--tail takes a count of events, 0 or more") }
  }

  func run() throws {
    let rows = try Stores.pods().transcript(of: name, tail: tail)
    var output = ""
    output.reserveCapacity(rows.count * 96)
    if json {
      for row in rows { output += TranscriptEvent.jsonLine(seq: row.seq, kind: row.kind, body: row.body) + "\n" }
    } else {
      output += try TranscriptRendering.log(rows).map { TerminalText.inline($0, keepingTabs: true) + "\n" }.joined()
    }
    if json { Terminal.writeExact(output) } else { FileHandle.standardOutput.write(Data(output.utf8)) }
  }
}

/// The human form of transcript events: one header line per event, content indented.
enum TranscriptRendering {
  /// Stored rows as `pod log` shows them: a separator with the date where each run begins
  /// (its user message, or the instructions it started with), each event's time on its header.
  static func log(_ rows: [TranscriptRow], skippingUsage: Bool = false) throws -> [String] {
    var lines: [String] = []
    var previousKind: String?
    for row in rows {
      defer { previousKind = row.kind }
      if skippingUsage && row.kind == "usage" { continue }
      let startsRun = row.kind == "instructions" || (row.kind == "user" && previousKind != "instructions")
      if startsRun { lines.append("── run \(Self.stamp(row.createdAt)) ──") }
      var event = Self.lines(try TranscriptEvent(row), seq: row.seq)
      if !event.isEmpty, let time = row.createdAt.split(separator: "T").last?.prefix(8) { event[0] += "  · \(time)" }
      lines += event
    }
    return lines
  }

  /// A stored ISO 8601 time as people read it: `2026-12-03 18:46:56`.
  static func stamp(_ createdAt: String) -> String {
    createdAt.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "")
  }

  static func lines(_ event: TranscriptEvent, seq: Int64) -> [String] {
    /// The first `limit` lines, indented. Split on bytes: splitting by Character (grapheme
    /// breaking) over every tool output was most of `pod log`'s time.
    func indented(_ text: String, limit: Int = 40) -> [String] {
      let newline = UInt8(ascii: "\n")
      let pieces = text.utf8.split(separator: newline, maxSplits: limit, omittingEmptySubsequences: false)
      var lines = pieces.prefix(limit).map { "    " + String(Substring($0)) }
      if pieces.count > limit, let rest = pieces.last {
        lines.append("    … \(rest.count { $0 == newline } + 1) more lines")
      }
      return lines
    }
    switch event {
    case .user(let text):
      return ["#\(seq) user"] + indented(text)
    case .assistant(let message, _):
      return ["#\(seq) assistant"] + (message.text.isEmpty ? [] : indented(message.text))
        + message.toolCalls.map { call in
          // Long arguments are cut, and say so: a payload past the cut must not pass unseen.
          let count = call.arguments.count
          return "    → \(call.name) \(call.arguments.prefix(200))\(count > 200 ? " … (\(count) characters in all; --json shows them)" : "")"
        }
    case .toolResult(let result):
      return ["#\(seq) tool_result \(result.name)\(result.isError ? " (error)" : "")"] + indented(result.content, limit: 8)
    case .usage(let usage):
      return ["#\(seq) usage: \(usage.inputTokens) in, \(usage.outputTokens) out"]
    case .cancelled(let reason, let partial):
      return ["#\(seq) cancelled (\(reason))"] + (partial.isEmpty ? [] : indented(partial))
    case .error(let code, let message, let partial):
      return ["#\(seq) error[\(code)]: \(message)"] + (partial.map { indented($0) } ?? [])
    case .tasks(let list):
      return ["#\(seq) tasks"] + indented(list.rendered)
    case .skill(let name, let directory):
      return ["#\(seq) skill \(name) (\(directory) readable for this run)"]
    case .memoryExtract(let work), .memoryConsolidate(let work):
      let what = if case .memoryExtract = event { "memory extraction of #\(work.fromSeq ?? 0)–#\(work.toSeq ?? 0)" } else { "memory consolidation" }
      let outcome = work.finished ? "finished" : "not finished\(work.error.map { " (\($0))" } ?? "")"
      return ["#\(seq) \(what): \(outcome), \(work.changed.isEmpty ? "nothing changed" : "changed \(work.changed.joined(separator: ", "))")"]
    case .clear:
      return ["#\(seq) clear: a new conversation (the model sees only what follows)"]
    case .instructions(let files):
      return ["#\(seq) instructions"] + files.map { "    \($0.path) (sha256 \($0.sha256.prefix(12)))" }
    case .compaction(let record):
      let what = [
        record.prunedCallIDs.isEmpty ? nil : "pruned \(record.prunedCallIDs.count) tool outputs",
        record.summary == nil ? nil : "summarised the events before #\(record.retainedFromSeq ?? 0)",
      ].compactMap { $0 }.joined(separator: ", ")
      return ["#\(seq) compaction: \(what) (\(record.tokensBefore) → \(record.tokensAfter) tokens)"] + (record.summary.map { indented($0, limit: 8) } ?? [])
    }
  }
}
