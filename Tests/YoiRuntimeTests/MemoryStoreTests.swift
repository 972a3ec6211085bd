import Foundation
import Testing

@testable import YoiTools

@Suite("Memory files: checked, compare-and-swapped writes")
struct MemoryStoreTests {
  static func store() -> MemoryStore {
    MemoryStore(root: FileManager.default.temporaryDirectory.appendingPathComponent("yoi-memory-\(UUID().uuidString)").path)
  }

  @Test("slugs, titles and sizes are checked; the summary has its own cap")
  func validation() throws {
    let store = Self.store()
    for slug in ["../x", "A", "a--b", "-a", "a-", "", String(repeating: "a", count: 65), "notes/x"] {
      #expect(throws: MemoryStore.Failure.self) { try store.write(slug, title: "t", body: "b", expected: nil, author: "p") }
    }
    #expect(throws: MemoryStore.Failure.self) { try store.write("ok", title: "two\nlines", body: "b", expected: nil, author: "p") }
    #expect(throws: MemoryStore.Failure.self) { try store.write("ok", title: "t", body: String(repeating: "x", count: 8001), expected: nil, author: "p") }
    try store.write("MEMORY", title: "", body: String(repeating: "x", count: 20000), expected: nil, author: "p")
    let entry = try #require(try store.read("MEMORY"))
    #expect(entry.body.count == 20001 && entry.sources == ["p"])
  }

  @Test("two writers that read the same version: exactly one replaces it, the other is told to read again")
  func compareAndSwap() async throws {
    let store = Self.store()
    let first = try store.write("shared", title: "Shared", body: "v1", expected: nil, author: "a")
    let outcomes = await withTaskGroup(of: Bool.self) { group in
      for writer in 0..<8 {
        group.addTask {
          (try? MemoryStore(root: store.root).write("shared", title: "Shared", body: "from \(writer)", expected: first.sha256, author: "w\(writer)")) != nil
        }
      }
      var results: [Bool] = []
      for await result in group { results.append(result) }
      return results
    }
    #expect(outcomes.filter { $0 }.count == 1)
    let final = try #require(try store.read("shared"))
    #expect(final.body.hasPrefix("from ") && Set(final.sources).count == 2)
    // An edit is checked against the text, under the same lock.
    try store.edit("shared", old: final.body.trimmingCharacters(in: .newlines), new: "edited", author: "e")
    #expect(try store.read("shared")?.body == "edited\n")
    #expect(throws: MemoryStore.Failure.self) { try store.edit("shared", old: "missing", new: "x", author: "e") }
  }

  @Test("search folds ASCII case, ranks by matches and honours the limit and excerpt lines")
  func search() throws {
    let store = Self.store()
    try store.write("one", title: "Build", body: "make builds\nmake CHECK tests\nthird", expected: nil, author: "p")
    try store.write("two", title: "Check", body: "check check check\nmore", expected: nil, author: "p")
    try store.write("three", title: "Other", body: "nothing here", expected: nil, author: "p")
    let hits = store.search("check", limit: 2, excerptLines: 1)
    #expect(hits.map(\.slug) == ["two", "one"])
    #expect(hits[1].excerpt == "make CHECK tests")
    #expect(store.search("CHECK", limit: 1, excerptLines: 2).first?.excerpt == "Check\ncheck check check")
  }
}
