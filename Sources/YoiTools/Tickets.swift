public import Foundation
public import YoiManifest

/// Tickets as files in the repository, in the seeds' own format (DESIGN.md §12.11):
/// `<W>/.yoi/tickets/<id>/item.md` (front matter, then the body) and `thread.md` (events, oldest
/// first, separated by `---` lines). People and Pods share it, and git versions it.
///
/// What a person edits by hand survives: front-matter lines yoi does not know are kept where
/// they are, and the thread is only ever appended to, so events of kinds yoi does not know are
/// kept (and shown). Every write happens under `.lock` and replaces its file atomically, never
/// through a symlink.
public struct TicketStore: Sendable {
  public let root: String

  public init(root: String) { self.root = PathLexer.normalize(root) }

  /// `<W>/.yoi/tickets`, the workspace resolved.
  public static func defaultRoot(workspace: String) -> String { (ScopeChecker.canonicalize(workspace) ?? workspace) + "/.yoi/tickets" }

  public struct Failure: Error, Sendable {
    public var message: String
    init(_ message: String) { self.message = message }
  }

  public enum Status: String, Sendable, CaseIterable, Codable {
    case planning, ready, queued, inprogress, review, done, closed

    /// The moves the workflow allows from here (any → closed).
    public var next: [Status] {
      var moves: [Status] =
        switch self {
        case .planning: [.ready]
        case .ready: [.queued]
        case .queued: [.inprogress]
        case .inprogress: [.review]
        case .review: [.done, .inprogress]
        case .done, .closed: []
        }
      if self != .closed { moves.append(.closed) }
      return moves
    }
  }

  public static let kinds = ["feature", "bug", "chore", "research"]
  public static let priorities = ["P0", "P1", "P2", "P3"]
  /// What `ticket_comment` may write; `state`, `assignment` and `close` have their own calls.
  public static let commentKinds = ["comment", "plan", "decision", "implementation_report", "review"]
  static let bodyLimit = 64 << 10

  /// One event of a thread, as read.
  public struct Event: Sendable, Hashable {
    public var kind: String
    public var author: String
    public var at: String
    public var status: String?
    /// The heading and body as written (a person's edits included).
    public var text: String

    public var heading: String {
      text.split(separator: "\n").first { $0.hasPrefix("## ") }.map { String($0.dropFirst(3)) } ?? kind
    }
  }

  /// A ticket as read.
  public struct Ticket: Sendable, Hashable {
    public var id: String
    public var fields: [(key: String, value: String)]
    public var body: String
    public var events: [Event]

    public func field(_ key: String) -> String? { fields.first { $0.key == key }.map { Self.unquoted($0.value) } }
    public var title: String { field("title") ?? id }
    public var status: String { field("status") ?? "?" }
    public var assignee: String? { field("assignee").flatMap { $0 == "null" || $0.isEmpty ? nil : $0 } }
    public var labels: [String] {
      guard let raw = field("labels"), raw.hasPrefix("["), raw.hasSuffix("]") else { return [] }
      return raw.dropFirst().dropLast().split(separator: ",").map { Self.unquoted($0.trimmingCharacters(in: .whitespaces)) }.filter { !$0.isEmpty }
    }

    public static func unquoted(_ value: String) -> String {
      guard value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first else { return value }
      return String(value.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
    }

    public static func == (a: Ticket, b: Ticket) -> Bool {
      a.id == b.id && a.fields.map(\.key) == b.fields.map(\.key) && a.fields.map(\.value) == b.fields.map(\.value) && a.body == b.body
        && a.events == b.events
    }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
  }

  // MARK: Reading

  /// Every ticket id, oldest first (ids begin with their creation time).
  public func ids() -> [String] {
    (FileSystem.entries(root) ?? []).filter { Self.isValidID($0) }.sorted()
  }

  public func ticket(_ id: String) throws(Failure) -> Ticket {
    guard Self.isValidID(id) else { throw Failure("`\(id)` is not a ticket id (YYYYMMDD-HHMMSS-slug)") }
    guard let item = read(id, "item.md") else {
      let known = ids()
      let hint = known.first { $0.hasSuffix("-" + id) || $0.hasPrefix(id) }.map { "; did you mean \($0)?" } ?? ""
      throw Failure("there is no ticket \(id)\(hint)")
    }
    let (fields, body) = Self.splitFrontMatter(item)
    return Ticket(id: id, fields: fields, body: body, events: Self.parseThread(read(id, "thread.md") ?? ""))
  }

  /// Every ticket, optionally those with `status` and `label`. Only `item.md` is read: a
  /// list needs no thread (`events` is empty).
  public func list(status: String? = nil, label: String? = nil) -> [Ticket] {
    // One descriptor for the tracker, each item.md opened relative to it: resolving every
    // path from / again was a third of a 2,000-ticket list.
    let limit = 4 << 20
    var tickets: [Ticket] = []
    FileSystem.readEach(in: root, ids().map { $0 + "/item.md" }, limit: limit) { name, bytes in
      // A file that fills the buffer is over the cap, as `read` has it: not a ticket.
      guard bytes.count < limit else { return }
      let (fields, body) = Self.splitFrontMatter(String(decoding: bytes, as: UTF8.self))
      tickets.append(Ticket(id: String(name.dropLast("/item.md".count)), fields: fields, body: body, events: []))
    }
    return tickets.filter { ticket in
      (status.map { ticket.status == $0 } ?? true) && (label.map { ticket.labels.contains($0) } ?? true)
    }
  }

  private func read(_ id: String, _ name: String) -> String? {
    guard let (bytes, size) = try? FileSystem.read(root + "/" + id + "/" + name, limit: 4 << 20), size == bytes.count else { return nil }
    return String(decoding: bytes, as: UTF8.self)
  }

  // MARK: Writing

  /// Creates a ticket in `planning`; its id.
  public func create(
    title: String, body: String, kind: String = "feature", priority: String = "P2", labels: [String] = [], author: String, now: Date = Date()
  ) throws(Failure) -> String {
    let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
    // No control character or line separator: to another reader of item.md, a `\r` in the
    // title starts a new front-matter line (`status: done`).
    guard !title.isEmpty, !title.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" })
    else { throw Failure("a ticket's title is one non-empty line of text") }
    guard Self.kinds.contains(kind) else { throw Failure("kind `\(kind)` is not one of \(Self.kinds.joined(separator: ", "))") }
    guard Self.priorities.contains(priority) else { throw Failure("priority `\(priority)` is not one of \(Self.priorities.joined(separator: ", "))") }
    for label in labels where !SkillCatalog.isKebabCase(label) {
      throw Failure("label `\(label)` is not lowercase words joined by hyphens")
    }
    try checkBody(body)
    let stamp = Self.stamp(now)
    let slug = Self.slug(title)
    return try locked { () throws(Failure) -> String in
      var id = "\(Self.compactStamp(now))-\(slug)"
      var suffix = 2
      while FileSystem.kind(root + "/" + id) != nil {
        id = "\(Self.compactStamp(now))-\(String(slug.prefix(44)))-\(suffix)"
        suffix += 1
      }
      let item = """
        ---
        id: \(id)
        slug: \(slug)
        title: \(Self.quoted(title))
        status: planning
        kind: \(kind)
        priority: \(priority)
        labels: [\(labels.joined(separator: ", "))]
        created_at: \(stamp)
        updated_at: \(stamp)
        assignee: null
        ---

        \(Self.lines(body.trimmingCharacters(in: .newlines)).joined(separator: "\n"))

        """
      try write(id, "item.md", item)
      try write(id, "thread.md", "")
      return id
    }
  }

  /// Adds a comment-like event (`comment`, `plan`, `decision`, `implementation_report`,
  /// `review` with status `approve` or `request_changes`).
  public func comment(_ id: String, kind: String, body: String, status: String? = nil, author: String, now: Date = Date()) throws(Failure) {
    guard Self.commentKinds.contains(kind) else {
      throw Failure("kind `\(kind)` is not one of \(Self.commentKinds.joined(separator: ", ")) (states, assignments and closing have their own calls)")
    }
    if kind == "review" {
      guard let status, ["approve", "request_changes"].contains(status) else { throw Failure("a review's status is approve or request_changes") }
    } else if let status {
      throw Failure("a \(kind) takes no status (`\(status)` given)")
    }
    try checkBody(body)
    let heading =
      switch kind {
      case "implementation_report": "Implementation report"
      case "review": "Review: \(status ?? "")"
      default: kind.prefix(1).uppercased() + kind.dropFirst()
      }
    try append(id, Event(kind: kind, author: author, at: Self.stamp(now), status: kind == "review" ? status : nil, text: "## \(heading)\n\n\(body)"), now: now)
  }

  /// Moves the ticket to `to`, if the workflow allows it from where it is.
  public func move(_ id: String, to target: String, reason: String, author: String, now: Date = Date()) throws(Failure) {
    guard let to = Status(rawValue: target) else { throw Failure("`\(target)` is not a state: \(Status.allCases.map(\.rawValue).joined(separator: ", "))") }
    try checkBody(reason)
    try append(
      id, Event(kind: "state", author: author, at: Self.stamp(now), status: to.rawValue, text: "## State: \(to.rawValue)\n\n\(reason)"), now: now,
      moving: to)
  }

  /// Closes the ticket: `done` (from review) or `closed` (from anywhere); by default `done`
  /// where the workflow allows it, else `closed`.
  public func close(_ id: String, resolution: String, status: String? = nil, author: String, now: Date = Date()) throws(Failure) {
    let current = Status(rawValue: try ticket(id).status)
    let chosen = status ?? (current?.next.contains(.done) == true ? "done" : "closed")
    guard let to = Status(rawValue: chosen), to == .done || to == .closed else { throw Failure("a ticket closes as done or closed, not `\(chosen)`") }
    try checkBody(resolution)
    try append(id, Event(kind: "close", author: author, at: Self.stamp(now), status: to.rawValue, text: "## Closed\n\n\(resolution)"), now: now, moving: to)
  }

  /// Records an assignment: the assignee and the move to `inprogress` (from wherever the
  /// workflow leads there: planning, ready and queued are passed through).
  public func assign(_ id: String, to assignee: String, note: String, author: String, now: Date = Date()) throws(Failure) {
    try append(
      id, Event(kind: "assignment", author: author, at: Self.stamp(now), status: Status.inprogress.rawValue, text: "## Assignment\n\n\(note)"),
      now: now, moving: .inprogress, assignee: assignee, passingThrough: true)
  }

  /// Records what an assigned child reported, and moves the ticket to `review`.
  public func report(_ id: String, body: String, author: String, now: Date = Date()) throws(Failure) {
    // The child's answer is quoted as it is (`append` indents what would read as structure).
    try append(
      id,
      Event(kind: "implementation_report", author: author, at: Self.stamp(now), status: Status.review.rawValue, text: "## Implementation report\n\n\(body)"),
      now: now, moving: .review)
  }

  /// The profile for `role` in orchestration: `<W>/.yoi/tickets.toml` `[roles]`, else
  /// `builtin:<role>`.
  public func profile(forRole role: String) throws(Failure) -> String {
    let file = PathLexer.dirname(root) + "/tickets.toml"
    guard FileSystem.kind(file) != nil else { return "builtin:" + role }
    // The file is the repository's: a malformed one, or a role that is not a string, is said,
    // never read as "no roles" (which would start a different profile than the one written).
    guard let (bytes, size) = try? FileSystem.read(file, limit: 64 << 10), size == bytes.count else {
      throw Failure(".yoi/tickets.toml cannot be read (a regular file of at most 64 KiB, not through a symlink)")
    }
    let roles: JSONValue?
    do {
      roles = try TOMLReader.parse(String(decoding: bytes, as: UTF8.self)).0["roles"]
    } catch {
      throw Failure(".yoi/tickets.toml:\(error.line):\(error.column): malformed TOML: \(error.message)")
    }
    switch roles {
    case nil: return "builtin:" + role
    case .object(let table)?:
      switch table[role] {
      case nil: return "builtin:" + role
      case .string(let selector)?: return selector
      default: throw Failure(".yoi/tickets.toml: roles.\(role) must be a profile selector string, such as \"project:\(role)\"")
      }
    default: throw Failure(".yoi/tickets.toml: [roles] must be a table of role = \"profile selector\"")
    }
  }

  /// Appends `event` to the thread and updates the item (status, assignee, `updated_at`),
  /// under the lock; the move is checked against the ticket as it is inside the lock.
  private func append(
    _ id: String, _ event: Event, now: Date, moving target: Status? = nil, assignee: String? = nil, passingThrough: Bool = false
  ) throws(Failure) {
    try locked { () throws(Failure) in
      var ticket = try ticket(id)
      if let target {
        guard let current = Status(rawValue: ticket.status) else {
          throw Failure("ticket \(id) has status `\(ticket.status)`, which is not a state yoi knows; fix item.md")
        }
        let allowed = current.next
        let reachable = passingThrough ? Self.reachable(from: current) : allowed
        guard reachable.contains(target) else {
          throw Failure(
            "ticket \(id) cannot move from \(current.rawValue) to \(target.rawValue); from \(current.rawValue) it may move to \(allowed.isEmpty ? "nothing" : allowed.map(\.rawValue).joined(separator: ", "))"
          )
        }
        ticket.set("status", target.rawValue)
      }
      if let assignee { ticket.set("assignee", assignee) }
      ticket.set("updated_at", Self.stamp(now))
      let thread = read(id, "thread.md") ?? ""
      let marker = "<!-- event: \(event.kind) author: \(Self.author(event.author)) at: \(event.at)\(event.status.map { " status: \($0)" } ?? "") -->"
      // Whatever reached here unchecked (a child's report, an assignment's note naming a
      // profile) has each line that would read as structure indented into a code block.
      let text = Self.lines(event.text.trimmingCharacters(in: .newlines)).map { Self.isStructure($0) ? "    " + $0 : $0 }
      let entry = marker + "\n\n" + text.joined(separator: "\n") + "\n"
      let separated = thread.isEmpty ? "" : (thread.hasSuffix("\n") ? thread : thread + "\n") + "---\n"
      try write(id, "thread.md", separated + entry)
      try write(id, "item.md", Self.joinFrontMatter(ticket.fields, body: ticket.body))
    }
  }

  /// An author as a marker can hold it: one word of letters, digits and `._@-` (`$USER` is
  /// whatever the environment says, and `-->` in it would end the marker).
  static func author(_ name: String) -> String {
    let cleaned = String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._@-".contains($0)) ? $0 : "_" }.prefix(64))
    return cleaned.isEmpty ? "someone" : cleaned
  }

  /// The states reachable from `state` by the forward moves (for an assignment).
  static func reachable(from state: Status) -> [Status] {
    var seen: [Status] = []
    var frontier = [state]
    while let next = frontier.popLast() {
      for move in next.next where move != .closed && !seen.contains(move) {
        seen.append(move)
        frontier.append(move)
      }
    }
    return seen
  }

  private func checkBody(_ text: String) throws(Failure) {
    guard text.utf8.count <= Self.bodyLimit else { throw Failure("the text is \(text.utf8.count) bytes; at most \(Self.bodyLimit)") }
    // A line that would read as an event marker or a separator would forge thread structure.
    for line in Self.lines(text) where Self.isStructure(line) || line.trimmingCharacters(in: .whitespaces).hasPrefix("<!-- event:") {
      throw Failure("a line `\(line.prefix(20))…` would be read as thread structure; indent it or use `***`")
    }
  }

  /// `text`'s lines as a Markdown reader ends them: at `\n`, `\r\n` or a lone `\r`. (Swift
  /// splits a `String` on `"\n"` by character, and `\r\n` is one character: text after one
  /// would otherwise hide a forged marker from yoi's checks and show it to everyone else.)
  static func lines(_ text: String) -> [String] {
    text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
      .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  }

  /// A separator, or an event marker where CommonMark reads one (at most 3 spaces in; 4 make
  /// a code block, which is how a report quotes such a line).
  static func isStructure(_ line: String) -> Bool {
    line == "---" || marker(line) != nil
  }

  private func write(_ id: String, _ name: String, _ text: String) throws(Failure) {
    let directory = root + "/" + id
    guard FileSystem.createDirectories(directory) else { throw Failure("cannot create \(directory)") }
    do {
      try FileSystem.writeAtomically(Array(text.utf8), directory: directory, name: name)
    } catch {
      throw Failure(error.message)
    }
  }

  private func locked<T>(_ body: () throws(Failure) -> T) throws(Failure) -> T {
    guard FileSystem.createDirectories(root) else { throw Failure("cannot create the tickets directory \(root)") }
    return try FileLock.withExclusiveLock(root + "/.lock", body)
  }

  // MARK: Format

  /// `YYYYMMDD-HHMMSS-slug`, the slug kebab-case.
  public static func isValidID(_ id: String) -> Bool {
    // On bytes: a list checks every directory name of the tracker.
    let bytes = Array(id.utf8)
    func digits(_ range: Range<Int>) -> Bool { bytes[range].allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } }
    guard bytes.count > 16, bytes.count <= 16 + 52, digits(0..<8), bytes[8] == UInt8(ascii: "-"), digits(9..<15), bytes[15] == UInt8(ascii: "-") else {
      return false
    }
    let slug = bytes[16...]
    return slug.first != UInt8(ascii: "-") && slug.last != UInt8(ascii: "-")
      && !zip(slug, slug.dropFirst()).contains { $0 == UInt8(ascii: "-") && $1 == UInt8(ascii: "-") }
      && slug.allSatisfy {
        ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "-")
      }
  }

  /// The title as lowercase words joined by hyphens, at most 48 characters ("ticket" when
  /// nothing is left).
  static func slug(_ title: String) -> String {
    var slug = ""
    for character in title.lowercased() {
      if character.isASCII && (character.isLetter || character.isNumber) {
        slug.append(character)
      } else if !slug.isEmpty && slug.last != "-" {
        slug.append("-")
      }
    }
    slug = String(slug.prefix(48))
    while slug.hasSuffix("-") { slug.removeLast() }
    return slug.isEmpty ? "ticket" : slug
  }

  static func stamp(_ date: Date) -> String { date.formatted(.iso8601) }

  static func compactStamp(_ date: Date) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    return String(format: "%04d%02d%02d-%02d%02d%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
  }

  static func quoted(_ text: String) -> String {
    let plain =
      !text.isEmpty && !text.contains(":") && !text.contains("#") && !text.hasPrefix("[") && !text.hasPrefix("\"") && !text.hasPrefix("'")
      && text.trimmingCharacters(in: .whitespaces) == text
    return plain ? text : "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
  }

  /// The front matter as ordered key and raw-value pairs (lines that are not `key: value`
  /// are kept as keys of their own, with no value), and the body after it. Read on bytes, and
  /// only up to the closing `---`: `ticket list` reads 2,000 of these.
  static func splitFrontMatter(_ text: String) -> ([(key: String, value: String)], String) {
    let bytes = text.utf8
    let newline = UInt8(ascii: "\n")
    func trimmed(_ slice: Substring.UTF8View) -> String {
      var start = slice.startIndex
      var end = slice.endIndex
      while start < end, slice[start] == UInt8(ascii: " ") { start = slice.index(after: start) }
      while end > start, slice[slice.index(before: end)] == UInt8(ascii: " ") || slice[slice.index(before: end)] == UInt8(ascii: "\r") {
        end = slice.index(before: end)
      }
      return String(Substring(slice[start..<end]))
    }
    // A file a person saved with CRLF endings reads the same.
    let opening = bytes.starts(with: "---\n".utf8) ? 4 : bytes.starts(with: "---\r\n".utf8) ? 5 : 0
    guard opening > 0 else { return ([], text) }
    var fields: [(key: String, value: String)] = []
    var lineStart = bytes.index(bytes.startIndex, offsetBy: opening)
    while lineStart < bytes.endIndex {
      let lineEnd = bytes[lineStart...].firstIndex(of: newline) ?? bytes.endIndex
      let line = Substring(text.utf8[lineStart..<lineEnd])
      let next = lineEnd < bytes.endIndex ? bytes.index(after: lineEnd) : lineEnd
      if line == "---" || line == "---\r" { return (fields, String(text[next...])) }
      if let colon = line.utf8.firstIndex(of: UInt8(ascii: ":")), line.first != " ", line.first != "#" {
        fields.append((key: String(line[..<colon]), value: trimmed(line.utf8[line.utf8.index(after: colon)...])))
      } else {
        fields.append((key: String(line), value: "\u{0}"))
      }
      lineStart = next
    }
    return ([], text)
  }

  static func joinFrontMatter(_ fields: [(key: String, value: String)], body: String) -> String {
    let lines = fields.map { $0.value == "\u{0}" ? $0.key : "\($0.key): \($0.value)" }
    return "---\n" + lines.joined(separator: "\n") + "\n---\n" + body
  }

  /// The events of a thread: each from its marker to the `---` before the next marker.
  static func parseThread(_ text: String) -> [Event] {
    var events: [Event] = []
    var current: Event?
    var pending: [String] = []
    func flush() {
      guard var event = current else { return }
      while pending.last?.isEmpty == true || pending.last == "---" { pending.removeLast() }
      while pending.first?.isEmpty == true { pending.removeFirst() }
      event.text = pending.joined(separator: "\n")
      events.append(event)
    }
    for line in Self.lines(text) {
      if let marker = Self.marker(line) {
        flush()
        current = marker
        pending = []
      } else {
        pending.append(line)
      }
    }
    flush()
    return events
  }

  /// `<!-- event: KIND author: AUTHOR at: TIME[ status: S] -->`, read tolerantly.
  static func marker(_ line: String) -> Event? {
    let indent = line.prefix { $0 == " " }.count
    guard indent <= 3 else { return nil }
    let trimmed = line.dropFirst(indent).trimmingCharacters(in: .whitespaces)
    guard trimmed.hasPrefix("<!-- event:"), trimmed.hasSuffix("-->") else { return nil }
    let inner = trimmed.dropFirst("<!--".count).dropLast("-->".count)
    var values: [String: String] = [:]
    var key: String?
    for word in inner.split(separator: " ") {
      if word.hasSuffix(":") {
        key = String(word.dropLast())
      } else if let current = key {
        values[current] = values[current].map { $0 + " " + word } ?? String(word)
      }
    }
    guard let kind = values["event"] else { return nil }
    return Event(kind: kind, author: values["author"] ?? "?", at: values["at"] ?? "", status: values["status"], text: "")
  }
}

extension TicketStore.Ticket {
  /// Sets `key` (appending it when the file has none), keeping every other line.
  mutating func set(_ key: String, _ value: String) {
    if let index = fields.firstIndex(where: { $0.key == key }) { fields[index].value = value } else { fields.append((key: key, value: value)) }
  }
}

extension TicketStore.Ticket {
  /// As a person reads it: the title, the fields, the body, each event under its heading with
  /// its author and time.
  public var rendered: [String] {
    var lines = [
      title,
      "id: \(id) · status: \(status) · kind: \(field("kind") ?? "?") · priority: \(field("priority") ?? "?") · assignee: \(assignee ?? "-")"
        + (labels.isEmpty ? "" : " · labels: \(labels.joined(separator: ", "))"),
      "created \(field("created_at") ?? "?") · updated \(field("updated_at") ?? "?")", "",
    ]
    lines += TicketStore.lines(body.trimmingCharacters(in: .newlines))
    for event in events {
      lines += ["", "## \(event.heading) — \(event.author), \(event.at)\(event.status.map { " (\($0))" } ?? "")"]
      let text = event.text.split(separator: "\n", omittingEmptySubsequences: false).drop { !$0.hasPrefix("## ") }.dropFirst()
      lines += text.drop { $0.isEmpty }.map(String.init)
    }
    return lines
  }
}
