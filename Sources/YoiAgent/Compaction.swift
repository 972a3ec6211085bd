import YoiManifest
public import YoiProviders

/// The token estimate of what is about to be sent: one token per 4 bytes of UTF-8 (rounded
/// up), plus 4 per message for its framing. No tokenizer is downloaded; for English text and
/// code this lands within ~20% of the providers' counts, and compaction thresholds leave that
/// much room. Provider-reported usage replaces it wherever a response has come back.
public enum TokenEstimate {
  public static func tokens(_ text: String) -> Int64 { Int64((text.utf8.count + 3) / 4) }

  public static func tokens(_ message: Message) -> Int64 {
    switch message {
    case .user(let text): return 4 + tokens(text)
    case .assistant(let reply):
      return 4 + tokens(reply.text) + reply.reasoning.reduce(0) { $0 + tokens($1.text) }
        + reply.toolCalls.reduce(0) { $0 + 4 + tokens($1.name) + tokens($1.arguments) }
    case .toolResults(let results): return results.reduce(0) { $0 + 4 + tokens($1.content) }
    }
  }

  public static func tokens(_ request: ModelRequest) -> Int64 {
    tokens(request.system) + request.messages.reduce(0) { $0 + tokens($1) }
      + request.tools.reduce(0) { $0 + tokens($1.name) + tokens($1.description) + tokens(CanonicalJSON.compact($1.parameters)) }
  }
}

/// Decides and prepares compactions (DESIGN.md §12.7) from the manifest's policy; the loop
/// records what it returns.
struct Compactor: Sendable {
  let policy: CompactionSection
  /// The model id summaries are requested from (`compaction.model`'s id, else the Pod's).
  let summaryModelID: String

  /// Whether the request about to be sent is over `request_threshold`.
  func overRequestThreshold(_ estimate: Int64) -> Bool {
    guard let threshold = policy.requestThreshold else { return false }
    return estimate >= threshold
  }

  /// Whether a response's reported input reached `threshold`.
  func overThreshold(_ usage: Usage?) -> Bool {
    guard let threshold = policy.threshold, let usage else { return false }
    return usage.inputTokens >= threshold
  }

  /// The tool outputs to prune: those older than the newest `prune_protected_tokens`, if
  /// dropping them saves at least `prune_min_savings`.
  func pruning(_ events: [(seq: Int64, event: TranscriptEvent)]) -> [String] {
    let protected = policy.pruneProtectedTokens
    var seen: Int64 = 0
    var candidates: [String] = []
    var savings: Int64 = 0
    let alreadyPruned = Set(
      events.flatMap { entry -> [String] in
        if case .compaction(let record) = entry.event { return record.prunedCallIDs }
        return []
      })
    for (_, event) in events.reversed() {
      guard case .toolResult(let result) = event else {
        if case .assistant(let message, _) = event { seen += TokenEstimate.tokens(.assistant(message)) }
        if case .user(let text) = event { seen += TokenEstimate.tokens(text) }
        continue
      }
      let size = TokenEstimate.tokens(result.content)
      seen += size
      if seen > protected && !alreadyPruned.contains(result.callID) && size > 16 {
        candidates.append(result.callID)
        savings += size - 12
      }
    }
    return savings >= policy.pruneMinSavings ? candidates : []
  }

  /// Where the verbatim tail starts: the newest events worth at most `retained_tokens`, cut
  /// only before a user message or an assistant turn (a tool call and its results stay
  /// together). Nil when there is nothing older to summarise.
  func retainedStart(_ events: [(seq: Int64, event: TranscriptEvent)], after previousStart: Int64) -> Int64? {
    let budget = policy.retainedTokens
    var total: Int64 = 0
    var start: Int64?
    for (seq, event) in events.reversed() where seq >= previousStart {
      switch event {
      case .user(let text): total += TokenEstimate.tokens(text)
      case .assistant(let message, _): total += TokenEstimate.tokens(.assistant(message))
      case .toolResult(let result): total += TokenEstimate.tokens(result.content)
      default: continue
      }
      let boundary: Bool
      switch event {
      case .user, .assistant: boundary = true
      default: boundary = false
      }
      // Always keep the newest boundary (the task in hand), even over budget.
      if boundary && (start == nil || total <= budget) { start = seq }
      if total > budget && start != nil { break }
    }
    guard let start, events.contains(where: { $0.seq >= previousStart && $0.seq < start && isConversation($0.event) }) else { return nil }
    return start
  }

  private func isConversation(_ event: TranscriptEvent) -> Bool {
    switch event {
    case .user, .assistant, .toolResult: true
    default: false
    }
  }

  /// The request that asks for a summary of `older` (no tools offered).
  func summaryRequest(previousSummary: String?, older: [Message], options: GenerationOptions) -> ModelRequest {
    var transcript = previousSummary.map { "Earlier summary:\n\($0)\n\n" } ?? ""
    for message in older {
      switch message {
      case .user(let text): transcript += "USER: \(text)\n\n"
      case .assistant(let reply):
        if !reply.text.isEmpty { transcript += "ASSISTANT: \(reply.text)\n\n" }
        for call in reply.toolCalls { transcript += "TOOL CALL \(call.name) \(call.arguments)\n\n" }
      case .toolResults(let results):
        for result in results { transcript += "TOOL RESULT \(result.name)\(result.isError ? " (error)" : ""): \(result.content)\n\n" }
      }
    }
    let target = policy.summaryTargetTokens
    var summaryOptions = GenerationOptions(modelID: summaryModelID, maxTokens: policy.summaryMaxTokens)
    summaryOptions.temperature = options.temperature
    return ModelRequest(
      system: """
        You compact an agent's working conversation so it can continue with less context. Write a faithful summary \
        of about \(target) tokens: the user's goals and constraints, decisions made, files read and changed (with \
        paths), commands run and their outcomes, open problems and the next steps. Keep exact names, paths and \
        numbers. Do not invent anything.
        """,
      messages: [.user("Summarise this conversation:\n\n" + transcript)], tools: [], options: summaryOptions)
  }
}
