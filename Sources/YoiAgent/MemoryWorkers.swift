import Foundation
import YoiDiagnostics
public import YoiManifest
import YoiProviders
import YoiStore
public import YoiTools

/// What one memory worker did (the body of `memory_extract` and `memory_consolidate` events).
public struct MemoryWork: Sendable, Hashable, Codable {
  /// The transcript range an extraction covered (nil for consolidation).
  public var fromSeq: Int64?
  public var toSeq: Int64?
  /// Whether the worker answered without a tool call within its turn limit. Only a finished
  /// extraction advances the range.
  public var finished: Bool
  /// Slugs written, edited or deleted.
  public var changed: [String]
  public var turns: Int64
  public var model: String
  /// Why it stopped early (a provider error), if it did.
  public var error: String?

  enum CodingKeys: String, CodingKey {
    case fromSeq = "from_seq", toSeq = "to_seq", finished, changed, turns, model, error
  }
}

/// Extraction and consolidation (DESIGN.md §12.9): after a run's last turn, workers with their
/// own prompts and tools (memory only; extraction may also read the new part of the
/// transcript) keep the Pod's memory. Their conversations are never stored in the Pod's
/// transcript, so neither can trigger work on what it wrote itself.
struct MemoryWorkers: Sendable {
  let podName: String
  let store: PodStore
  let provider: ProviderClient
  let options: GenerationOptions
  let section: MemorySection
  let memory: MemoryStore
  let limits: WorkerSection.ToolOutputLimits

  static let extractionMarker = "You keep an agent's long-term memory: read the new part of its conversation"
  static let consolidationMarker = "You tidy an agent's long-term memory"

  /// Runs the workers whose thresholds are reached; records what each did.
  func afterRun(_ record: (TranscriptEvent) throws -> Void) async throws {
    let events = try store.transcript(of: podName).map { row throws(YoiError) in (row.seq, try TranscriptEvent(row)) }
    var from: Int64 = 1
    // Consolidation counts what extractions changed since the last consolidation.
    var changed = Set<String>()
    for (_, event) in events {
      if case .memoryExtract(let work) = event {
        if work.finished, let to = work.toSeq { from = to + 1 }
        changed.formUnion(work.changed)
      }
      if case .memoryConsolidate = event { changed = [] }
    }
    let fresh = events.filter { $0.0 >= from && Self.isConversation($0.1) }
    let tokens = TranscriptReplay.messages(fresh).reduce(Int64(0)) { $0 + TokenEstimate.tokens($1) }
    if let last = fresh.last?.0, tokens >= section.extractThreshold {
      let work = await extract(Self.render(fresh), from: from, to: last)
      try record(.memoryExtract(work))
      changed.formUnion(work.changed)
    }
    let bytes = changed.compactMap { try? memory.read($0)?.bytes }.reduce(0, +)
    if !changed.isEmpty, changed.count >= section.consolidationThresholdFiles || Int64(bytes) >= section.consolidationThresholdBytes {
      try record(.memoryConsolidate(await consolidate()))
    }
  }

  static func isConversation(_ event: TranscriptEvent) -> Bool {
    switch event {
    case .user, .assistant, .toolResult: true
    default: false
    }
  }

  /// The conversation as plain text, tool outputs shortened.
  static func render(_ events: [(seq: Int64, event: TranscriptEvent)]) -> String {
    events.map { seq, event in
      switch event {
      case .user(let text): return "#\(seq) user:\n\(text)"
      case .assistant(let message, _):
        let calls = message.toolCalls.map { "  → \($0.name) \($0.arguments.prefix(300))" }.joined(separator: "\n")
        return "#\(seq) assistant:\n\(message.text)" + (calls.isEmpty ? "" : "\n" + calls)
      case .toolResult(let result):
        let content = result.content.count > 2000 ? result.content.prefix(2000) + " […]" : Substring(result.content)
        return "#\(seq) \(result.name) result\(result.isError ? " (error)" : ""):\n\(content)"
      default: return ""
      }
    }.filter { !$0.isEmpty }.joined(separator: "\n\n")
  }

  private func extract(_ transcript: String, from: Int64, to: Int64) async -> MemoryWork {
    let prompt = """
      \(Self.extractionMarker) (transcript_read), and record what will still matter in later sessions as memory notes: \
      the user's preferences, constraints, decisions and their reasons, lessons learned, open questions. Not what the \
      code itself says, not passing details, never secrets, keys or tokens. Search first (memory_search) and update an \
      existing note (memory_read, then memory_write with its expected_sha256, or memory_edit) rather than writing a \
      duplicate. One topic per note; short, factual, with where it came from. When you are done, answer with one line \
      saying what you changed, without calling a tool.
      """ + (section.language.map { "\nWrite the notes in \($0)." } ?? "")
    var work = await runWorker(
      system: prompt, task: "The new part of the conversation is events #\(from)–#\(to). Read it and update the memory.",
      tools: ToolBox(memoryWorker: settings(mayDelete: false), transcript: transcript, limits: limits), model: section.extractModel)
    work.fromSeq = from
    work.toSeq = to
    return work
  }

  private func consolidate() async -> MemoryWork {
    let prompt = """
      \(Self.consolidationMarker): merge notes that say the same thing (write the merged note, then memory_delete the \
      others with their expected_sha256), drop what is stale, and rewrite MEMORY (the summary every session starts \
      with: the most important facts, at most 20,000 characters) with memory_write. Never record secrets. When you are \
      done, answer with one line saying what you changed, without calling a tool.
      """ + (section.language.map { "\nWrite in \($0)." } ?? "")
    let list = memory.slugs().map { slug in "- \(slug): \((try? memory.read(slug))?.title ?? "")" }.joined(separator: "\n")
    return await runWorker(
      system: prompt, task: "The notes now:\n\(list.isEmpty ? "(none)" : list)\nConsolidate them.",
      tools: ToolBox(memoryWorker: settings(mayDelete: true), transcript: nil, limits: limits), model: section.consolidationModel)
  }

  private func settings(mayDelete: Bool) -> MemorySettings {
    MemorySettings(
      store: memory, resultLimit: Int(section.queryResultLimit), excerptLines: Int(section.queryExcerptLines), author: podName, mayDelete: mayDelete)
  }

  /// A small tool loop of its own: finished when the model answers without a tool call within
  /// `extract_worker_max_turns` turns.
  private func runWorker(system: String, task: String, tools: ToolBox, model: String?) async -> MemoryWork {
    var options = self.options
    // `provider/model_id`, asked through the Pod's own endpoint and credential (as compaction's model).
    if let model { options.modelID = String(model.split(separator: "/", maxSplits: 1).last ?? Substring(model)) }
    options.reasoning = nil
    var messages: [Message] = [.user(task)]
    var changed: [String] = []
    var turns: Int64 = 0
    while turns < section.extractWorkerMaxTurns {
      turns += 1
      let response: ModelResponse
      do {
        response = try await provider.send(ModelRequest(system: system, messages: messages, tools: tools.definitions, options: options)) { _ in }
      } catch {
        return MemoryWork(finished: false, changed: changed, turns: turns, model: options.modelID, error: "\(error)")
      }
      messages.append(.assistant(response.message))
      let calls = response.message.toolCalls
      if calls.isEmpty { return MemoryWork(finished: true, changed: changed, turns: turns, model: options.modelID) }
      var results: [ToolResult] = []
      for call in calls {
        let outcome = await tools.run(call)
        results.append(ToolResult(callID: call.id, name: call.name, content: outcome.content, isError: outcome.isError))
        if !outcome.isError, ["memory_write", "memory_edit", "memory_delete"].contains(call.name),
          case .object(let arguments)? = try? JSONParser.parse(call.arguments), case .string(let slug)? = arguments["slug"], !changed.contains(slug)
        {
          changed.append(slug)
        }
      }
      messages.append(.toolResults(results))
    }
    return MemoryWork(finished: false, changed: changed, turns: turns, model: options.modelID, error: "stopped at extract_worker_max_turns = \(turns)")
  }
}
