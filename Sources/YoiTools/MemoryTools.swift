import Foundation
public import YoiManifest
import YoiProviders

/// What the memory tools need: the store, the search limits the profile set, and whose
/// writes these are (the Pod's name goes into a note's `sources`).
public struct MemorySettings: Sendable {
  public var store: MemoryStore
  public var resultLimit: Int
  public var excerptLines: Int
  public var author: String
  /// Consolidation may delete notes it merged; nobody else may.
  public var mayDelete: Bool

  public init(store: MemoryStore, resultLimit: Int, excerptLines: Int, author: String, mayDelete: Bool = false) {
    self.store = store
    self.resultLimit = resultLimit
    self.excerptLines = excerptLines
    self.author = author
    self.mayDelete = mayDelete
  }

  /// `body` on the store, its failure as the tool error the model reads.
  func call<T>(_ body: (MemoryStore) throws(MemoryStore.Failure) -> T) throws(ToolFailure) -> T {
    do {
      return try body(store)
    } catch {
      throw ToolFailure(error.message)
    }
  }

  /// The memory tools for these settings.
  func tools() -> [any FileTool] {
    var tools: [any FileTool] = [MemorySearchTool(memory: self), MemoryReadTool(memory: self), MemoryWriteTool(memory: self), MemoryEditTool(memory: self)]
    if mayDelete { tools.append(MemoryDeleteTool(memory: self)) }
    return tools
  }
}

struct MemorySearchTool: FileTool {
  static let name = "memory_search"
  static let definition = ToolDefinition(
    name: name, description: "Search the Pod's memory (notes and MEMORY.md) for words, best matches first, with an excerpt of each.",
    parameters: schema([("query", "string", "words to look for (case-insensitive)")], required: ["query"]))

  struct Arguments: Decodable { var query: String }
  let memory: MemorySettings
  var subjectIsPath: Bool { false }
  func subject(_ arguments: String) throws(ToolFailure) -> String { try decode(Arguments.self, arguments).query }

  func run(_ arguments: String, _ context: ToolContext) async throws(ToolFailure) -> ToolRun {
    let query = try decode(Arguments.self, arguments).query
    let hits = memory.store.search(query, limit: memory.resultLimit, excerptLines: memory.excerptLines)
    guard !hits.isEmpty else { return ToolRun(text: "No memory matches `\(query)`.", note: "0 matches") }
    let text = hits.map { "## \($0.slug) — \($0.title)\n\($0.excerpt)" }.joined(separator: "\n\n")
    return ToolRun(text: text, note: "\(hits.count) matches")
  }
}

struct MemoryReadTool: FileTool {
  static let name = "memory_read"
  static let definition = ToolDefinition(
    name: name, description: "Read a memory note by slug (MEMORY for the summary). Returns its text and sha256 (pass it to memory_write to replace it).",
    parameters: schema([("slug", "string", "the note's slug, or MEMORY")], required: ["slug"]))

  struct Arguments: Decodable { var slug: String }
  let memory: MemorySettings
  var subjectIsPath: Bool { false }
  func subject(_ arguments: String) throws(ToolFailure) -> String { try decode(Arguments.self, arguments).slug }

  func run(_ arguments: String, _ context: ToolContext) async throws(ToolFailure) -> ToolRun {
    let slug = try decode(Arguments.self, arguments).slug
    guard let entry = try memory.call({ (store) throws(MemoryStore.Failure) in try store.read(slug) }) else {
      throw ToolFailure("there is no note `\(slug)`; memory_search finds notes, memory_write creates one")
    }
    return ToolRun(
      text:
        "# \(entry.title)\nslug: \(entry.slug)\nsha256: \(entry.sha256)\nupdated_at: \(entry.updatedAt)\nsources: \(entry.sources.joined(separator: ", "))\n\n\(entry.body)",
      note: "\(entry.bytes) bytes")
  }
}

struct MemoryWriteTool: FileTool {
  static let name = "memory_write"
  static let definition = ToolDefinition(
    name: name,
    description:
      "Create or replace a memory note (notes/<slug>.md) or the summary (slug MEMORY). Replacing needs expected_sha256 from memory_read, so no concurrent change is lost.",
    parameters: schema(
      [
        ("slug", "string", "lowercase words joined by hyphens, e.g. build-commands; MEMORY for the summary"), ("title", "string", "one line"),
        ("body", "string", "Markdown; notes up to 8,000 characters, the summary up to 20,000"),
        ("expected_sha256", "string", "the sha256 memory_read gave, when replacing"),
      ], required: ["slug", "title", "body"]))

  struct Arguments: Decodable {
    var slug: String
    var title: String
    var body: String
    var expectedSHA256: String?
    enum CodingKeys: String, CodingKey { case slug, title, body, expectedSHA256 = "expected_sha256" }
  }
  let memory: MemorySettings
  var subjectIsPath: Bool { false }
  func subject(_ arguments: String) throws(ToolFailure) -> String { try decode(Arguments.self, arguments).slug }

  func run(_ arguments: String, _ context: ToolContext) async throws(ToolFailure) -> ToolRun {
    let arguments = try decode(Arguments.self, arguments)
    let entry = try memory.call { (store) throws(MemoryStore.Failure) in
      try store.write(arguments.slug, title: arguments.title, body: arguments.body, expected: arguments.expectedSHA256, author: memory.author)
    }
    return ToolRun(text: "Wrote \(entry.slug) (sha256 \(entry.sha256)).", note: "\(entry.bytes) bytes")
  }
}

struct MemoryEditTool: FileTool {
  static let name = "memory_edit"
  static let definition = ToolDefinition(
    name: name, description: "Replace one exact, unique piece of text in a memory note (MEMORY for the summary).",
    parameters: schema(
      [("slug", "string", "the note's slug, or MEMORY"), ("old_string", "string", "text that occurs once"), ("new_string", "string", "its replacement")],
      required: ["slug", "old_string", "new_string"]))

  struct Arguments: Decodable {
    var slug: String
    var oldString: String
    var newString: String
    enum CodingKeys: String, CodingKey { case slug, oldString = "old_string", newString = "new_string" }
  }
  let memory: MemorySettings
  var subjectIsPath: Bool { false }
  func subject(_ arguments: String) throws(ToolFailure) -> String { try decode(Arguments.self, arguments).slug }

  func run(_ arguments: String, _ context: ToolContext) async throws(ToolFailure) -> ToolRun {
    let arguments = try decode(Arguments.self, arguments)
    let entry = try memory.call { (store) throws(MemoryStore.Failure) in
      try store.edit(arguments.slug, old: arguments.oldString, new: arguments.newString, author: memory.author)
    }
    return ToolRun(text: "Edited \(entry.slug) (sha256 \(entry.sha256)).", note: "\(entry.bytes) bytes")
  }
}

struct MemoryDeleteTool: FileTool {
  static let name = "memory_delete"
  static let definition = ToolDefinition(
    name: name, description: "Delete a note merged into another (consolidation only).",
    parameters: schema(
      [("slug", "string", "the note's slug"), ("expected_sha256", "string", "the sha256 memory_read gave")], required: ["slug", "expected_sha256"]))

  struct Arguments: Decodable {
    var slug: String
    var expectedSHA256: String
    enum CodingKeys: String, CodingKey { case slug, expectedSHA256 = "expected_sha256" }
  }
  let memory: MemorySettings
  var subjectIsPath: Bool { false }
  func subject(_ arguments: String) throws(ToolFailure) -> String { try decode(Arguments.self, arguments).slug }

  func run(_ arguments: String, _ context: ToolContext) async throws(ToolFailure) -> ToolRun {
    let arguments = try decode(Arguments.self, arguments)
    try memory.call { (store) throws(MemoryStore.Failure) in try store.delete(arguments.slug, expected: arguments.expectedSHA256) }
    return ToolRun(text: "Deleted \(arguments.slug).")
  }
}

/// The extraction worker's view of the conversation it is to learn from: the new part of the
/// transcript as text, read a page at a time.
struct TranscriptReadTool: FileTool {
  static let name = "transcript_read"
  static let pageBytes = 24_000
  static let definition = ToolDefinition(
    name: name, description: "Read the new part of the conversation, a page at a time (page 1 first).",
    parameters: schema([("page", "integer", "which page, from 1")], required: []))

  struct Arguments: Decodable { var page: Int64? }
  let text: String
  var subjectIsPath: Bool { false }
  func subject(_ arguments: String) throws(ToolFailure) -> String { "page \(try decode(Arguments.self, arguments).page ?? 1)" }

  func run(_ arguments: String, _ context: ToolContext) async throws(ToolFailure) -> ToolRun {
    let page = Int(try decode(Arguments.self, arguments).page ?? 1)
    let bytes = Array(text.utf8)
    let pages = max(1, (bytes.count + Self.pageBytes - 1) / Self.pageBytes)
    guard page >= 1, page <= pages else { throw ToolFailure("there are \(pages) pages") }
    let start = (page - 1) * Self.pageBytes
    var end = min(bytes.count, start + Self.pageBytes)
    while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
    var from = start
    while from > 0, from < bytes.count, bytes[from] & 0xC0 == 0x80 { from += 1 }
    return ToolRun(text: "[page \(page) of \(pages)]\n" + String(decoding: bytes[from..<end], as: UTF8.self), note: "page \(page)/\(pages)")
  }
}
