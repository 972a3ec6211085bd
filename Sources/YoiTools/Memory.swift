import YoiDiagnostics
import Foundation
import Glibc
public import YoiManifest
import YoiProviders

/// A Pod's memory as files a person can read, edit and commit (DESIGN.md §12.9):
/// `MEMORY.md`, the resident summary, and `notes/<slug>.md`, each with front matter yoi writes
/// (`title`, `updated_at`, `sources`). Every write is checked and compare-and-swapped on the
/// file's sha256 under a lock, so Pods sharing a memory lose nothing. Files are opened without
/// following symlinks: the directory is workspace content.
public struct MemoryStore: Sendable {
  /// The memory directory. Every file under it is opened without following a symlink in any
  /// component, so a workspace whose `.yoi/memory` is a symlink cannot send writes elsewhere.
  public let root: String

  public static let summarySlug = "MEMORY"
  public static let noteLimit = 8000
  public static let summaryLimit = 20000
  public static let summaryPromptBytes = 16 << 10
  static let fileLimit = 256 << 10

  /// `root` is used as written (absolute): a profile's `memory.workspace_root`, or
  /// `defaultRoot`. It is not resolved, so a symlink in it makes the memory unusable instead
  /// of moving it.
  public init(root: String) {
    self.root = PathLexer.normalize(root)
  }

  /// The directory for `workspace` when `memory.workspace_root` is unset: the workspace
  /// resolved, then `.yoi/memory` as written (its own components are workspace content).
  public static func defaultRoot(workspace: String) -> String { (ScopeChecker.canonicalize(workspace) ?? workspace) + "/.yoi/memory" }

  /// One note or the summary, as stored.
  public struct Entry: Sendable, Hashable {
    public var slug: String
    public var title: String
    public var updatedAt: String
    public var sources: [String]
    public var body: String
    /// Of the whole file: what `expected_sha256` compares with.
    public var sha256: String
    public var bytes: Int
  }

  public struct Failure: Error, Sendable {
    public var message: String
    init(_ message: String) { self.message = message }
  }

  /// How many characters the body of `slug` may hold.
  static func limit(of slug: String) -> Int { slug == summarySlug ? summaryLimit : noteLimit }

  /// `[a-z0-9-]{1,64}`, no leading, trailing or double `-`; or `MEMORY`.
  public static func isValidSlug(_ slug: String) -> Bool {
    slug == summarySlug || SkillCatalog.isKebabCase(slug)
  }

  func path(of slug: String) -> (directory: String, name: String) {
    slug == Self.summarySlug ? (root, "MEMORY.md") : (root + "/notes", slug + ".md")
  }

  private func checked(_ slug: String) throws(Failure) -> String {
    guard Self.isValidSlug(slug) else {
      throw Failure("`\(slug)` is not a note slug: lowercase letters, digits and single hyphens, at most 64 (or MEMORY for the summary)")
    }
    return slug
  }

  /// The entry for `slug`, or nil when it does not exist.
  public func read(_ slug: String) throws(Failure) -> Entry? {
    let (directory, name) = path(of: try checked(slug))
    let file = directory + "/" + name
    guard FileSystem.kind(file) != nil else { return nil }
    let read: (bytes: [UInt8], size: Int)
    do {
      read = try FileSystem.read(file, limit: Self.fileLimit)
    } catch {
      throw Failure(error.message)
    }
    return Self.entry(slug: slug, bytes: read.bytes)
  }

  static func entry(slug: String, bytes: [UInt8]) -> Entry {
    let text = String(decoding: bytes, as: UTF8.self)
    var fields: [String: String] = [:]
    var body = text
    if case .success(let parsed) = FrontMatter.parse(text) {
      fields = parsed.fields
      body = parsed.body
    }
    if body.hasPrefix("\n") { body.removeFirst() }
    let sources = (fields["sources"] ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "[] ")).split(separator: ",").map {
      $0.trimmingCharacters(in: .whitespaces)
    }.filter { !$0.isEmpty }
    return Entry(
      slug: slug, title: fields["title"] ?? slug, updatedAt: fields["updated_at"] ?? "", sources: sources, body: body, sha256: SHA256.hex(bytes),
      bytes: bytes.count)
  }

  /// Writes `slug` whole. Creating needs no `expected`; replacing an existing file needs the
  /// sha256 it was read at, so nobody overwrites what they have not seen.
  @discardableResult
  public func write(_ slug: String, title: String, body: String, expected: String?, author: String) throws(Failure) -> Entry {
    let slug = try checked(slug)
    let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
    let limit = Self.limit(of: slug)
    guard body.count <= limit else {
      throw Failure("the body is \(body.count) characters; \(slug == Self.summarySlug ? "MEMORY" : "a note") holds at most \(limit)")
    }
    guard !body.contains("\u{0}") else { throw Failure("the body contains a NUL character") }
    if slug != Self.summarySlug {
      guard !title.isEmpty else { throw Failure("`title` is empty") }
      guard title.count <= 200, !title.contains(where: \.isNewline) else { throw Failure("`title` is one line of at most 200 characters") }
    }
    return try locked { () throws(Failure) -> Entry in
      let current = try read(slug)
      switch (current, expected) {
      case (let current?, nil):
        throw Failure("\(slug) exists (sha256 \(current.sha256)); read it and pass expected_sha256 to replace it")
      case (let current?, let expected?) where current.sha256 != expected:
        throw Failure("\(slug) changed since it was read: its sha256 is now \(current.sha256), not \(expected); read it again and merge")
      case (nil, let expected?) where !expected.isEmpty:
        throw Failure("\(slug) does not exist (any more); write it without expected_sha256 to create it")
      default: break
      }
      return try store(slug, title: slug == Self.summarySlug ? "Memory" : title, body: body, previous: current, author: author)
    }
  }

  /// Replaces the one occurrence of `old` in `slug`'s body.
  @discardableResult
  public func edit(_ slug: String, old: String, new: String, author: String) throws(Failure) -> Entry {
    let slug = try checked(slug)
    guard !old.isEmpty else { throw Failure("`old_string` is empty") }
    return try locked { () throws(Failure) -> Entry in
      guard let current = try read(slug) else { throw Failure("\(slug) does not exist; memory_write creates it") }
      let count = current.body.components(separatedBy: old).count - 1
      guard count == 1 else { throw Failure(count == 0 ? "`old_string` is not in \(slug)" : "`old_string` occurs \(count) times in \(slug); make it unique") }
      let body = current.body.replacingOccurrences(of: old, with: new)
      let limit = Self.limit(of: slug)
      guard body.count <= limit else { throw Failure("the body would be \(body.count) characters; at most \(limit)") }
      return try store(slug, title: current.title, body: body, previous: current, author: author)
    }
  }

  /// Removes a note (consolidation merges duplicates), compare-and-swapped like a write.
  public func delete(_ slug: String, expected: String) throws(Failure) {
    let slug = try checked(slug)
    guard slug != Self.summarySlug else { throw Failure("MEMORY cannot be deleted; rewrite it") }
    try locked { () throws(Failure) in
      guard let current = try read(slug) else { throw Failure("\(slug) does not exist") }
      guard current.sha256 == expected else { throw Failure("\(slug) changed since it was read (sha256 \(current.sha256)); read it again") }
      let (directory, name) = path(of: slug)
      let parent = open(directory, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
      guard parent >= 0 else { throw Failure("cannot open \(directory)") }
      defer { close(parent) }
      guard unlinkat(parent, name, 0) == 0 else { throw Failure("cannot delete \(slug): \(String(cString: strerror(errno)))") }
    }
  }

  /// Writes the file (the caller holds the lock and has checked the content), with the front
  /// matter yoi keeps: the title, the time, and every Pod that wrote it.
  private func store(_ slug: String, title: String, body: String, previous: Entry?, author: String) throws(Failure) -> Entry {
    let sources = Array(Set((previous?.sources ?? []) + [author])).sorted()
    let text =
      "---\ntitle: \(Self.yamlQuoted(title))\nupdated_at: \(ISO8601DateFormatter().string(from: Date()))\nsources: [\(sources.joined(separator: ", "))]\n---\n"
      + body + (body.hasSuffix("\n") ? "" : "\n")
    let (directory, name) = path(of: slug)
    guard FileSystem.createDirectories(directory) else { throw Failure("cannot create \(directory)") }
    do {
      try FileSystem.writeAtomically(Array(text.utf8), directory: directory, name: name)
    } catch {
      throw Failure(error.message)
    }
    return Self.entry(slug: slug, bytes: Array(text.utf8))
  }

  private func locked<T>(_ body: () throws(Failure) -> T) throws(Failure) -> T {
    guard FileSystem.createDirectories(root) else { throw Failure("cannot create the memory directory \(root)") }
    return try FileLock.withExclusiveLock(root + "/.lock", body)
  }

  static func yamlQuoted(_ text: String) -> String {
    "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
  }

  /// The notes' slugs, sorted.
  public func slugs() -> [String] {
    (FileSystem.entries(root + "/notes") ?? []).filter { $0.hasSuffix(".md") }.map { String($0.dropLast(3)) }.filter(Self.isValidSlug)
  }

  /// Every note and the summary (unreadable files skipped).
  public func entries() -> [Entry] {
    ([Self.summarySlug] + slugs()).compactMap { try? read($0) }
  }

  /// `MEMORY.md`'s body for the system prompt (at most 16 KiB), or nil when there is none.
  public func summaryForPrompt() -> String? {
    guard let summary = try? read(Self.summarySlug), !summary.body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
    let bytes = Array(summary.body.utf8)
    guard bytes.count > Self.summaryPromptBytes else { return summary.body }
    return ProjectInstructions.prefix(bytes, bytes: Self.summaryPromptBytes) + "\n[… MEMORY.md cut at 16 KiB]"
  }

  /// One search result: the entry, its score and an excerpt around the first match.
  public struct Hit: Sendable, Hashable {
    public var slug: String
    public var title: String
    public var score: Int
    public var excerpt: String
  }

  /// Case-insensitive terms (ASCII letters folded) over titles and bodies, best first. Files
  /// are matched as bytes; only the hits are parsed (2,000 notes, 8 MB: DESIGN.md's < 50 ms).
  public func search(_ query: String, limit: Int, excerptLines: Int) -> [Hit] {
    let terms = query.lowercased().split(whereSeparator: \.isWhitespace).map { Array($0.utf8) }.filter { !$0.isEmpty }
    guard !terms.isEmpty else { return [] }
    // Every file is scored as bytes, folded in the read buffer; only the best `limit` are
    // read again and parsed for a title and an excerpt.
    var scored: [(slug: String, score: Int)] = []
    func scan(_ slug: String, _ bytes: UnsafeMutableBufferPointer<UInt8>) {
      for index in bytes.indices where bytes[index] >= 0x41 && bytes[index] <= 0x5A { bytes[index] += 0x20 }
      var score = 0
      for term in terms {
        var start = 0
        while let found = Self.find(term, in: UnsafeBufferPointer(bytes), from: start) {
          score += 1
          start = found + term.count
        }
      }
      if score > 0 { scored.append((slug, score)) }
    }
    FileSystem.readEach(in: root, ["MEMORY.md"], limit: Self.fileLimit) { scan(Self.summarySlug, $1) }
    FileSystem.readEach(in: root + "/notes", slugs().map { $0 + ".md" }, limit: Self.fileLimit) { scan(String($0.dropLast(3)), $1) }
    let best = scored.sorted { $0.score != $1.score ? $0.score > $1.score : $0.slug < $1.slug }.prefix(limit)
    return best.compactMap { slug, score in
      guard let entry = try? read(slug) else { return nil }
      let text = entry.title + "\n" + entry.body
      let lowered = Array(text.utf8).map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
      let first = lowered.withUnsafeBufferPointer { buffer in terms.compactMap { Self.find($0, in: buffer, from: 0) }.min() } ?? 0
      return Hit(slug: slug, title: entry.title, score: score, excerpt: Self.excerpt(text, at: first, lines: excerptLines))
    }
  }

  /// The first offset of `needle` in `haystack` at or after `start` (memchr for candidates:
  /// memmem is not in the C library Swift imports here).
  static func find(_ needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
    guard let head = needle.first, let base = haystack.baseAddress, start < haystack.count, needle.count <= haystack.count - start else { return nil }
    return needle.withUnsafeBufferPointer { pin in
      var position = start
      let last = haystack.count - pin.count
      while position <= last {
        guard let candidate = memchr(base + position, Int32(head), last - position + 1) else { return nil }
        let offset = base.distance(to: candidate.assumingMemoryBound(to: UInt8.self))
        if memcmp(base + offset, pin.baseAddress!, pin.count) == 0 { return offset }
        position = offset + 1
      }
      return nil
    }
  }

  /// `lines` lines of `text` starting at the line holding byte `offset`.
  static func excerpt(_ text: String, at offset: Int, lines: Int) -> String {
    let bytes = Array(text.utf8)
    var lineStart = min(offset, bytes.count)
    while lineStart > 0, bytes[lineStart - 1] != 0x0A { lineStart -= 1 }
    let rest = String(decoding: bytes[lineStart...], as: UTF8.self)
    return TextLines.split(rest).prefix(max(1, lines)).joined(separator: "\n")
  }

  /// What is wrong with the files, for `yoi memory lint`: names that are not slugs, files
  /// that are not regular, front matter yoi cannot read, bodies over their caps.
  public func lint() -> [SkillProblem] {
    var problems: [SkillProblem] = []
    for name in FileSystem.entries(root + "/notes") ?? [] where !name.hasPrefix(".") {
      let path = root + "/notes/" + name
      guard name.hasSuffix(".md"), Self.isValidSlug(String(name.dropLast(3))), name != "MEMORY.md" else {
        problems.append(SkillProblem(path: path, message: "not a note: notes are <slug>.md with a lowercase, hyphenated slug"))
        continue
      }
      problems += check(String(name.dropLast(3)), path: path)
    }
    if FileSystem.kind(root + "/MEMORY.md") != nil { problems += check(Self.summarySlug, path: root + "/MEMORY.md") }
    return problems
  }

  private func check(_ slug: String, path: String) -> [SkillProblem] {
    let limit = Self.limit(of: slug)
    guard FileSystem.kind(path) == .file else { return [SkillProblem(path: path, message: "not a regular file (a symlink?)")] }
    guard let read = try? FileSystem.read(path, limit: Self.fileLimit) else { return [SkillProblem(path: path, message: "cannot be read")] }
    if case .failure(let failure) = FrontMatter.parse(String(decoding: read.bytes, as: UTF8.self), file: "the note") {
      return [SkillProblem(path: path, message: failure.message)]
    }
    let entry = Self.entry(slug: slug, bytes: read.bytes)
    return entry.body.count > limit ? [SkillProblem(path: path, message: "the body is \(entry.body.count) characters; at most \(limit)")] : []
  }
}
