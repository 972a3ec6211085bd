import ArgumentParser
import Foundation
import YoiAgent
import YoiPods
import YoiDiagnostics
import YoiManifest
import YoiProfiles
import YoiProviders
import YoiStore
import YoiTerminal
import YoiTools

/// `yoi pod attach NAME`: the interactive session (DESIGN.md §12.1, §12.8).
struct PodAttachCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "attach", abstract: "Work with a Pod interactively in the terminal.",
    discussion: """
      Shows the transcript so far, then an input line: Enter sends, Alt-Enter inserts a newline \
      (a pasted text arrives whole), Ctrl-C cancels the running turn, Ctrl-D on an empty line or \
      /exit leaves. The line edits as in a shell: arrows, Home/End, Ctrl-A/E/B/F, Alt-B/F, \
      Ctrl-U/K/W, Ctrl-L; Up and Down go through the Pod's earlier messages; Tab completes \
      slash commands and @paths. Tool calls that the Pod's permissions say to `ask` about are \
      put to you (with the diff a write or an edit would make): y (yes), n (no), a (always, for \
      the same tool and subject, this session).

      Slash commands (handled by yoi, never sent to the model):
      \(SlashCommand.catalog.map { "  \($0.usage.padding(toLength: 12, withPad: " ", startingAt: 0)) \($0.summary)" }.joined(separator: "\n"))

      Example:
        yoi pod attach api
      """)

  @Argument(help: "The Pod.", completion: NameCompletion.pods) var name: String

  func run() async throws {
    try await AttachSession.run(pod: PodName(name))
  }
}

/// One interactive session on a terminal. The terminal is raw for the whole session (so
/// Ctrl-C arrives as a key, not a signal), with bracketed paste on, and put back however it
/// ends.
enum AttachSession {
  /// How one stretch of the session with one runner ended.
  enum Next { case leave, reload }

  /// What outlives a runner: `/model` starts a new one with the new snapshot.
  final class Memory {
    var editor: LineEditor
    /// The first event of this session (`/cost` and `/diff` count from it).
    let firstSeq: Int64
    /// Each file this session's tools changed: its content before the first change and after
    /// the last.
    var changes: [String: FileChange] = [:]
    var order: [String] = []

    init(editor: LineEditor, firstSeq: Int64) {
      self.editor = editor
      self.firstSeq = firstSeq
    }

    /// Tokens this session, and the last turn's usage (the context it filled).
    var sessionTokens: Int64 = 0
    var lastUsage: Usage?
    private let lock = NSLock()

    /// The last turn's thinking text, for `/thinking`.
    var lastThinking: String?

    func thought(_ text: String) { lock.withLock { lastThinking = text } }

    func used(_ usage: Usage) {
      lock.withLock {
        sessionTokens += usage.inputTokens + usage.outputTokens
        lastUsage = usage
      }
    }

    func changed(_ change: FileChange) {
      if let earlier = changes[change.path] {
        changes[change.path] = FileChange(path: change.path, before: earlier.before, after: change.after)
      } else {
        changes[change.path] = change
        order.append(change.path)
      }
    }
  }

  static func run(pod: PodName) async throws {
    guard isatty(0) != 0, isatty(1) != 0 else {
      throw YoiError([
        .error("yoi pod attach is interactive and needs a terminal", code: .noTty, help: ["in scripts, use `yoi pod run \(pod) \"TASK\"`"])
      ])
    }
    let runs = try Services.runs()
    let name = pod.rawValue
    // The input history is this Pod's earlier messages, from the store.
    let earlier = try runs.store.lastEvents(of: name, kind: "user", limit: 500).reversed().compactMap { row -> String? in
      if case .user(let text)? = try? TranscriptEvent(row) { text } else { nil }
    }
    let firstSeq = (try runs.store.transcript(of: name, tail: 1).last?.seq ?? 0) + 1
    let router = KeyRouter()
    let screen = SessionScreen()
    guard let saved = TerminalModeGuard.save(onRestore: "\u{1B}[?2004l") else {
      throw YoiError(.error("cannot read the terminal's mode", code: .noTty))
    }
    defer { TerminalModeGuard.restore() }
    TerminalControl.enterRawMode(from: saved)
    screen.write("\u{1B}[?2004h", raw: true)
    router.startReading()
    var memory: Memory?
    var first = true
    while true {
      let next = try await runs.withSession(pod: pod, approval: TerminalApproval(router: router, screen: screen)) { runner in
        let scope = runner.loop.tools.scope
        let session =
          memory
          ?? Memory(editor: LineEditor(history: earlier) { word, atStart in Completion.candidates(word, atStart: atStart, scope: scope) }, firstSeq: firstSeq)
        memory = session
        defer { first = false }
        return try await self.session(runner, pod: pod, store: runs.store, router: router, screen: screen, memory: session, replay: first)
      }
      if next == .leave { break }
    }
    screen.write("\n")
  }

  private static func session(
    _ runner: PodRunner, pod: PodName, store: PodStore, router: KeyRouter, screen: SessionScreen, memory: Memory, replay: Bool
  ) async throws -> Next {
    let name = pod.rawValue
    let sections = runner.sections
    let model = "\(sections.model.scheme?.rawValue ?? "?") \(sections.model.modelID ?? "?")"
    screen.note("yoi · \(name) · \(model) · autonomy: \(PermissionPolicy.presetName(sections.permissions)) · \(runner.workspace)")
    for line in runner.notes { screen.note("note: " + line) }
    if replay {
      screen.note("Enter send · Alt-Enter newline · Ctrl-C cancel the turn · Ctrl-D or /exit leave · /help")
      try Self.replay(store: store, pod: name, screen: screen)
      if let open = runner.loop.tools.tasks?.open, !open.isEmpty {
        screen.note("open tasks:")
        for line in TaskList(items: open).rendered.split(separator: "\n") { screen.note("  " + line) }
      }
    }
    while true {
      guard let text = await memory.editor.read(router: router, screen: screen) else { return .leave }
      if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { continue }
      switch SlashCommand.parse(text) {
      case .message(let message):
        await runTurn(message, runner: runner, router: router, screen: screen, memory: memory)
      case .unknown(let word, let suggestion):
        screen.line(
          "unknown command /\(word)\(suggestion.map { "; did you mean /\($0)?" } ?? "") (/help lists them; start with // to send a message beginning with /)",
          dim: false)
      case .command(let command):
        if let next = try await perform(command, runner: runner, pod: pod, store: store, router: router, screen: screen, memory: memory) {
          return next
        }
      }
    }
  }

  /// The transcript's last events, rendered as the session shows them live (markdown, the
  /// compact forms of tool calls), turns separated: what fits the screen, and a count of the
  /// rest. Only the last events are read, however long the transcript.
  static func replay(store: PodStore, pod: String, screen: SessionScreen) throws {
    let budget = max(8, TerminalControl.rows - 6)
    let rows = try store.transcript(of: pod, tail: budget)
    var lines: [String] = []
    func note(_ text: String) {
      let escaped = TerminalText.inline(text, keepingTabs: true)
      lines.append(screen.useColor ? "\u{1B}[2m" + escaped + "\u{1B}[0m" : escaped)
    }
    var markdown = MarkdownStream(styled: screen.useColor, width: { TerminalControl.columns }, height: { TerminalControl.rows })
    var previousKind: String?
    for row in rows {
      defer { previousKind = row.kind }
      let event = try TranscriptEvent(row)
      switch event {
      case .usage: continue
      case .user(let text):
        if previousKind != "instructions" { note("── " + TranscriptRendering.stamp(row.createdAt)) }
        let parts = text.split(separator: "\n", omittingEmptySubsequences: false)
        lines.append(TerminalText.inline(LineEditor.prompt + parts.prefix(8).joined(separator: " ⏎ ") + (parts.count > 8 ? " …" : "")))
      case .assistant(let message, _):
        if !message.text.isEmpty {
          let rendered = markdown.feed(message.text.hasSuffix("\n") ? message.text : message.text + "\n") + markdown.finish()
          lines += rendered.components(separatedBy: screen.useColor ? "\r\n" : "\n").dropLast()
        }
        for call in message.toolCalls { note("→ \(call.name) \(call.arguments.prefix(100))\(call.arguments.count > 100 ? "…" : "")") }
      case .toolResult(let result):
        let first = result.content.split(separator: "\n").first.map { String($0.prefix(100)) } ?? ""
        note((result.isError ? "✗ " : "· ") + result.name + (result.isError ? ": " + first : ""))
      default:
        for line in TranscriptRendering.lines(event, seq: row.seq) { note(line) }
      }
    }
    let earlier = (rows.first?.seq ?? 1) - 1
    if lines.count > budget || earlier > 0 {
      let hidden = max(0, lines.count - budget)
      var marker = "… "
      if earlier > 0 { marker += "\(earlier) earlier events" }
      if hidden > 0 { marker += (earlier > 0 ? " and " : "") + "\(hidden) earlier lines" }
      screen.note(marker + " (yoi pod log \(pod) shows them all)")
    }
    for line in lines.suffix(budget) { screen.write(line + "\n", raw: true) }
  }

  /// A slash command; a `Next` when it ends this stretch of the session.
  private static func perform(
    _ command: SlashCommand, runner: PodRunner, pod: PodName, store: PodStore, router: KeyRouter, screen: SessionScreen, memory: Memory
  ) async throws -> Next? {
    let name = pod.rawValue
    switch command {
    case .exit:
      return .leave
    case .help:
      screen.note("commands (handled by yoi, never sent to the model):")
      for entry in SlashCommand.catalog { screen.note("  \(entry.usage.padding(toLength: 12, withPad: " ", startingAt: 0)) \(entry.summary)") }
      screen.note("keys: Enter send · Alt-Enter newline · ←/→ Home/End Ctrl-A/E/B/F Alt-B/F move · Ctrl-U/K/W delete")
      screen.note("      Up/Down earlier messages · Tab complete /commands and @paths · Ctrl-L clear · Ctrl-C cancel · Ctrl-D leave")
    case .clear:
      let seq = try store.appendEvent(to: name, kind: TranscriptEvent.clear.kind, body: TranscriptEvent.clear.body)
      screen.note("(#\(seq) a new conversation: the model no longer sees what came before; `yoi pod log` keeps it)")
    case .compact:
      let observer = SessionObserver(screen: screen, memory: memory)
      let task = Task { try await runner.loop.compactNow(observer: observer) }
      router.running { task.cancel() }
      let result = await task.result
      router.idle()
      switch result {
      case .success(.noPolicy): screen.note("this Pod's snapshot has no compaction policy; nothing was compacted")
      case .success(.nothingToDo): screen.note("nothing to compact yet")
      case .success(.compacted(let before, let after)): screen.note("compacted: about \(before) → \(after) tokens per request")
      case .failure(let error): report(error, screen)
      }
    case .model(nil):
      let catalog = (try? ModelCatalogFile.load(configDirectory: YoiDirectories.from().config)) ?? .builtin
      screen.note("model: \(runner.sections.model.ref ?? runner.sections.model.modelID ?? "?"); /model REF switches to one of:")
      for ref in catalog.models.keys.sorted() { screen.note("  " + ref) }
    case .model(let reference?):
      return try switchModel(to: reference, pod: pod, store: store, screen: screen)
    case .cost:
      for line in try costLines(runner: runner, store: store, pod: name, since: memory.firstSeq) { screen.note(line) }
    case .thinking:
      guard let text = memory.lastThinking, !text.isEmpty else {
        screen.note("no thinking text in this session (the model sends none, or has not thought yet)")
        break
      }
      for line in text.split(separator: "\n", omittingEmptySubsequences: false) { screen.line(String(line), dim: true) }
    case .tasks:
      guard let tasks = runner.loop.tools.tasks else {
        screen.note("this Pod has no task list (feature.task is off)")
        break
      }
      if tasks.items.isEmpty { screen.note("no tasks yet") }
      for line in tasks.rendered.split(separator: "\n") { screen.note(String(line)) }
    case .diff:
      let changes = memory.order.compactMap { memory.changes[$0] }.filter { !$0.diff.isEmpty }
      if changes.isEmpty { screen.note("this session has changed no file yet") }
      for change in changes {
        screen.line("\(change.path) \(change.before == nil ? "(new) " : "")\(change.diff.stat)", dim: false)
        for line in ToolActivity.diffLines(change.diff, limit: 400) { screen.activity(line) }
      }
    }
    return nil
  }

  /// `/model REF`: the Pod's profile resolved again with REF in place of its model, stored as a
  /// new snapshot with the change shown. Anything else the profile changed meanwhile (or a trust
  /// it needs) is left to `yoi pod reresolve`, where it can be reviewed.
  private static func switchModel(to reference: String, pod: PodName, store: PodStore, screen: SessionScreen) throws -> Next? {
    let service = try Services.pods(store: store)
    let plan: PodService.ReresolvePlan
    do {
      plan = try service.planReresolve(of: pod.rawValue, model: reference)
    } catch {
      report(error, screen)
      return nil
    }
    let unrelated = plan.diff.changes.map(\.path).filter { !$0.hasPrefix("model") && $0 != "profile.model_override" }
    guard plan.pendingTrust == nil, unrelated.isEmpty else {
      screen.line(
        "the model was not switched: the profile has changed since this Pod's snapshot (\(unrelated.joined(separator: ", "))); review it with `yoi pod reresolve \(pod)`",
        dim: false)
      return nil
    }
    guard !plan.diff.changes.isEmpty else {
      screen.note("the Pod already uses \(reference)")
      return nil
    }
    for line in PodReresolveCommand.describe(plan) { screen.note(line) }
    try service.apply(plan)
    screen.note("switched to \(reference): a new snapshot \(plan.source.manifest.digest.prefix(12)) (the old one stays in history)")
    return .reload
  }

  /// `/cost`: tokens in and out (this session, the Pod), and the context the last request used.
  private static func costLines(runner: PodRunner, store: PodStore, pod: String, since firstSeq: Int64) throws -> [String] {
    var session = Usage()
    var total = Usage()
    var last: Usage?
    for row in try store.transcript(of: pod) where row.kind == "usage" {
      guard case .usage(let usage) = try TranscriptEvent(row) else { continue }
      total.inputTokens += usage.inputTokens
      total.outputTokens += usage.outputTokens
      if row.seq >= firstSeq {
        session.inputTokens += usage.inputTokens
        session.outputTokens += usage.outputTokens
      }
      last = usage
    }
    var lines = [
      "this session: \(session.inputTokens) tokens in, \(session.outputTokens) out",
      "the Pod in all: \(total.inputTokens) tokens in, \(total.outputTokens) out",
    ]
    if let last {
      let used = last.inputTokens + last.outputTokens
      if let window = runner.sections.model.contextWindow, window > 0 {
        lines.append("context: \(used) of \(window) tokens (\(used * 100 / window)%) at the last turn")
      } else {
        lines.append("context: \(used) tokens at the last turn (the model declares no context window)")
      }
    }
    return lines
  }

  private static func report(_ error: any Error, _ screen: SessionScreen) {
    if let error = error as? YoiError {
      screen.write(DiagnosticRenderer(useColor: screen.useColor).render(error.diagnostics), raw: true)
    } else {
      screen.line("error: \(error)", dim: false)
    }
  }

  /// One task: streamed to the screen, cancelled by Ctrl-C.
  private static func runTurn(_ text: String, runner: PodRunner, router: KeyRouter, screen: SessionScreen, memory: Memory) async {
    let observer = SessionObserver(screen: screen, memory: memory)
    let turn = Task { try await runner.run(prompt: text, observer: observer) }
    router.running { turn.cancel() }
    let result = await turn.result
    router.idle()
    observer.endLine()
    switch result {
    case .success(.finished): break
    case .success(.cancelled): screen.line("(cancelled: what completed is kept)", dim: true)
    case .failure(let error): report(error, screen)
    }
    screen.note(statusLine(runner, memory))
  }

  /// Model · autonomy · context used · tokens this session, after each turn.
  static func statusLine(_ runner: PodRunner, _ memory: Memory) -> String {
    let sections = runner.sections
    var parts = [
      sections.model.ref ?? "\(sections.model.scheme?.rawValue ?? "?") \(sections.model.modelID ?? "?")",
      "autonomy: \(PermissionPolicy.presetName(sections.permissions))",
    ]
    if let usage = memory.lastUsage {
      let used = usage.inputTokens + usage.outputTokens
      if let window = sections.model.contextWindow, window > 0 { parts.append("context \(used * 100 / window)% of \(PodListCommand.tokens(window))") }
    }
    parts.append("\(PodListCommand.tokens(memory.sessionTokens)) tokens this session")
    return "── " + parts.joined(separator: " · ")
  }

  /// `4 s`, `0.5 s`.
  static func seconds(_ value: Double) -> String { value >= 1 ? "\(Int(value.rounded())) s" : String(format: "%.1f s", value) }
}

/// Where keys go: to the line editor while it waits for input, to Ctrl-C handling while a
/// turn runs, to the approval asked for while one is pending. One thread reads the terminal.
final class KeyRouter: @unchecked Sendable {
  private let lock = NSLock()
  private var editorKeys: [SessionKey] = []
  /// The line editor, waiting for its next key.
  private var waitingEditor: CheckedContinuation<SessionKey, Never>?
  private var onInterrupt: (@Sendable () -> Void)?
  /// Takes a key while an approval is pending; true once it was answered.
  private var approval: ((SessionKey) -> Bool)?

  func startReading() {
    Thread { [self] in
      var pending: [UInt8] = []
      var chunk = [UInt8](repeating: 0, count: 4096)
      while true {
        let count = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
        if count < 0, errno == EINTR { continue }
        guard count > 0 else { break }
        pending += chunk[0..<count]
        // A lone ESC (no sequence follows at once) is dropped.
        if pending == [0x1B] {
          var poller = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
          if poll(&poller, 1, 30) <= 0 {
            pending.removeAll()
            continue
          }
        }
        while let (key, used) = SessionKey.decode(pending) {
          pending.removeFirst(used)
          deliver(key)
        }
      }
      deliver(.endOfInput)
    }.start()
  }

  private func deliver(_ key: SessionKey) {
    lock.lock()
    if let approval {
      lock.unlock()
      if approval(key) { lock.withLock { self.approval = nil } }
      return
    }
    if let onInterrupt, key == .interrupt {
      lock.unlock()
      onInterrupt()
      return
    }
    // While a turn runs, other keys are typed ahead for the next input line.
    if let waiting = waitingEditor {
      waitingEditor = nil
      lock.unlock()
      waiting.resume(returning: key)
      return
    }
    editorKeys.append(key)
    lock.unlock()
  }

  /// The next key for the line editor.
  func nextEditorKey() async -> SessionKey {
    await withCheckedContinuation { continuation in
      lock.lock()
      if editorKeys.isEmpty {
        waitingEditor = continuation
        lock.unlock()
      } else {
        let key = editorKeys.removeFirst()
        lock.unlock()
        continuation.resume(returning: key)
      }
    }
  }

  func running(onInterrupt: @escaping @Sendable () -> Void) { lock.withLock { self.onInterrupt = onInterrupt } }
  func idle() { lock.withLock { onInterrupt = nil } }

  /// Waits for the answer to an approval: y, n, a; Ctrl-C answers no and cancels the turn.
  /// Other keys are ignored until one of those comes.
  func awaitAnswer() async -> SessionKey {
    await withCheckedContinuation { continuation in
      lock.withLock {
        approval = { key in
          switch key {
          case .character("y"), .character("Y"), .character("n"), .character("N"), .character("a"), .character("A"), .interrupt, .endOfInput:
            continuation.resume(returning: key)
            return true
          default:
            return false
          }
        }
      }
    }
  }

  /// Interrupts the running turn (as Ctrl-C at an approval does).
  func interruptRunningTurn() {
    let handler = lock.withLock { onInterrupt }
    handler?()
  }
}

/// `ask` decisions on the terminal: y once, n refuse, a always for this tool and subject.
final class TerminalApproval: ApprovalHandler, @unchecked Sendable {
  private let router: KeyRouter
  private let screen: SessionScreen
  private let lock = NSLock()
  private var always: Set<String> = []

  init(router: KeyRouter, screen: SessionScreen) {
    self.router = router
    self.screen = screen
  }
  var canAsk: Bool { true }

  /// What an `ask` shows (§12.6): the whole call, escaped (so no control or bidi character can
  /// disguise it), wrapped to the terminal, never cut — a long command is the very place a
  /// payload hides after a run of spaces, so runs of spaces are shown with their length.
  static func prompt(tool: String, subject: String, reason: String, width: Int) -> String {
    var shown = ""
    var spaces = 0
    for character in TerminalText.inline(subject, keepingTabs: false) {
      if character == " " {
        spaces += 1
        continue
      }
      if spaces > 3 { shown += " [\(spaces) spaces] " } else { shown += String(repeating: " ", count: spaces) }
      spaces = 0
      shown.append(character)
    }
    if spaces > 3 { shown += " [\(spaces) spaces]" } else { shown += String(repeating: " ", count: spaces) }
    let oneLine = "? \(tool) \(shown)  (\(reason))  allow? [y]es [n]o [a]lways: "
    if shown.count == subject.count && oneLine.count <= width { return oneLine }
    let column = max(20, width - 4)
    var lines: [String] = []
    var line = ""
    for character in shown {
      if line.count == column {
        lines.append(line)
        line = ""
      }
      line.append(character)
    }
    lines.append(line)
    let body = lines.map { "    " + $0 }.joined(separator: "\n")
    return "? \(tool) (\(reason)), \(subject.unicodeScalars.count) characters in full:\n\(body)\n  allow? [y]es [n]o [a]lways: "
  }

  func approve(tool: String, subject: String, reason: String, change: FileChange?) async -> Bool {
    let key = tool + "\u{0}" + subject
    if lock.withLock({ always.contains(key) }) { return true }
    screen.write("\n", raw: true)
    // A write or an edit: the diff it would make, before the question.
    if let change {
      let diff = change.diff
      screen.line("\(tool) \(change.path) \(change.before == nil ? "(new file) " : "")\(diff.stat):", dim: false)
      for line in ToolActivity.diffLines(diff, limit: Self.diffLimit) { screen.activity(line) }
    }
    screen.write(Self.prompt(tool: tool, subject: subject, reason: reason, width: TerminalControl.columns))
    let answer = await router.awaitAnswer()
    switch answer {
    case .character("y"), .character("Y"):
      screen.write("yes\n")
      return true
    case .character("a"), .character("A"):
      screen.write("always\n")
      lock.withLock { _ = always.insert(key) }
      return true
    case .interrupt:
      screen.write("no (cancelling the turn)\n")
      router.interruptRunningTurn()
      return false
    default:
      screen.write("no\n")
      return false
    }
  }

  /// Diff lines shown before an answer; a longer diff is folded with a count.
  static let diffLimit = 60
}

/// Writes to the session's terminal: text as it streams, notes dimmed (colour as `--color`,
/// NO_COLOR and TERM decide).
final class SessionScreen: @unchecked Sendable {
  let useColor = TerminalControl.useColor(on: 1)
  /// Whether lines may be rewritten in place (the working indicator): not on `TERM=dumb`.
  let canRedraw = Environment.process[.term] != "dumb"

  /// `text` with control characters escaped (newlines kept), or exactly with `raw`.
  func write(_ text: String, raw: Bool = false) {
    var bytes = Array((raw ? text : TerminalText.neutralise(text)).utf8)
    _ = bytes.withUnsafeMutableBytes { Glibc.write(1, $0.baseAddress, $0.count) }
  }

  func line(_ text: String, dim: Bool) {
    let escaped = TerminalText.inline(text, keepingTabs: true)
    write((dim && useColor ? "\u{1B}[2m" + escaped + "\u{1B}[0m" : escaped) + "\n", raw: true)
  }

  func note(_ text: String) { line(text, dim: true) }

  /// A line of a tool's compact form: removed lines red, added green, the rest dim.
  func activity(_ line: ToolActivity.Line) {
    let escaped = TerminalText.inline(line.text, keepingTabs: true)
    guard useColor else { return write(escaped + "\n", raw: true) }
    let colour =
      switch line.kind {
      case .removed: "\u{1B}[31m"
      case .added: "\u{1B}[32m"
      case .note, .context, .output: "\u{1B}[2m"
      }
    write(colour + escaped + "\u{1B}[0m\n", raw: true)
  }
}

/// Shows a running turn: markdown as it streams, thinking dimmed, a working indicator while the
/// model has not answered yet, retries as they happen, each tool call in its compact form.
final class SessionObserver: RunObserver, @unchecked Sendable {
  private let screen: SessionScreen
  private let memory: AttachSession.Memory
  private let lock = NSLock()
  private var markdown: MarkdownStream
  private var atLineStart = true
  private var inReasoning = false
  private var thinking = ""
  private var thinkingSince: ContinuousClock.Instant?
  /// When the model was asked and nothing has come back yet (the indicator shows).
  private var waitingSince: ContinuousClock.Instant?
  private var indicatorShown = false
  private var indicator: Task<Void, Never>?

  init(screen: SessionScreen, memory: AttachSession.Memory) {
    self.screen = screen
    self.memory = memory
    markdown = MarkdownStream(styled: screen.useColor, width: { TerminalControl.columns }, height: { TerminalControl.rows })
  }

  func textDelta(_ text: String) {
    lock.withLock {
      guard !text.isEmpty else { return }
      stopIndicator()
      endThinking()
      screen.write(markdown.feed(text), raw: true)
      atLineStart = screen.useColor ? markdown.isAtLineStart : text.hasSuffix("\n")
    }
  }

  /// Thinking shows collapsed: one dim line following the latest thought, then, once the
  /// answer begins, how long it took (`/thinking` shows it whole).
  func reasoningDelta(_ text: String) {
    lock.withLock {
      stopIndicator()
      if !inReasoning {
        finishText()
        inReasoning = true
        thinkingSince = .now
        thinking = ""
        if !screen.canRedraw { screen.line("thinking…", dim: true) }
      }
      thinking += text
      guard screen.canRedraw else { return }
      let latest = thinking.split(separator: "\n").last.map(String.init) ?? ""
      let room = max(10, TerminalControl.columns - 12)
      let shown = TerminalText.inline(latest.count > room ? "…" + latest.suffix(room - 1) : latest)
      screen.write("\r\u{1B}[K" + (screen.useColor ? "\u{1B}[2;3m" : "") + "thinking: " + shown + (screen.useColor ? "\u{1B}[0m" : ""), raw: true)
    }
  }

  /// Folds the thinking line into its summary (under the lock).
  private func endThinking() {
    guard inReasoning else { return }
    inReasoning = false
    let elapsed = thinkingSince.map { ContinuousClock.now - $0 } ?? .zero
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let words = thinking.split { $0 == " " || $0 == "\n" }.count
    memory.thought(thinking)
    if screen.canRedraw { screen.write("\r\u{1B}[K", raw: true) }
    screen.line("thought for \(AttachSession.seconds(seconds)) (\(words) words; /thinking shows it)", dim: true)
  }

  func waiting() {
    lock.withLock {
      guard screen.canRedraw else { return }
      waitingSince = .now
      guard indicator == nil else { return }
      indicator = Task { [weak self] in
        let frames = Array("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")
        var frame = 0
        while !Task.isCancelled {
          try? await Task.sleep(for: .milliseconds(100))
          guard let self else { return }
          self.lock.withLock {
            guard let since = self.waitingSince, !Task.isCancelled else { return }
            let elapsed = ContinuousClock.now - since
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            guard seconds >= 0.3 else { return }
            if !self.atLineStart { return }
            self.screen.write(
              "\r\u{1B}[K" + (self.screen.useColor ? "\u{1B}[2m" : "") + "\(frames[frame % frames.count]) working \(String(format: "%.1f", seconds)) s"
                + (self.screen.useColor ? "\u{1B}[0m" : ""), raw: true)
            self.indicatorShown = true
            frame += 1
          }
        }
      }
    }
  }

  func retrying(attempt: Int, limit: Int, delay: Double, reason: String) {
    lock.withLock {
      stopIndicator()
      if !atLineStart { screen.write("\n") }
      screen.line("retrying (\(attempt)/\(limit)) after \(reason) in \(AttachSession.seconds(delay))", dim: true)
      atLineStart = true
    }
  }

  /// Takes the indicator off the screen (under the lock).
  private func stopIndicator() {
    waitingSince = nil
    if indicatorShown {
      screen.write("\r\u{1B}[K", raw: true)
      indicatorShown = false
    }
  }

  func toolStarted(_ call: ToolCall) {
    lock.withLock {
      stopIndicator()
      finishText()
    }
  }

  func toolFinished(_ call: ToolCall, _ outcome: ToolOutcome) {
    lock.withLock {
      stopIndicator()
      finishText()
      if let change = outcome.change, !outcome.isError { memory.changed(change) }
      for line in ToolActivity.lines(call, outcome) { screen.activity(line) }
      atLineStart = true
    }
  }

  func recorded(_ event: TranscriptEvent, seq: Int64) {
    if case .usage(let usage) = event { memory.used(usage) }
  }

  /// Ends the streamed text: its last line rendered, the cursor at a line start.
  private func finishText() {
    endThinking()
    screen.write(markdown.finish(), raw: true)
    if !atLineStart { screen.write("\n") }
    atLineStart = true
  }

  func endLine() {
    lock.withLock {
      stopIndicator()
      indicator?.cancel()
      indicator = nil
      finishText()
    }
  }
}
