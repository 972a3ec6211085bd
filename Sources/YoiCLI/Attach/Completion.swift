import Foundation
import YoiTools

/// What Tab offers in the input line: slash commands at the start of a message, and `@paths`
/// inside the Pod's readable scope (nothing the Pod may not read is listed).
enum Completion {
  static let limit = 200

  static func candidates(_ word: String, atStart: Bool, scope: ScopeChecker) -> [String] {
    if atStart, word.hasPrefix("/") {
      return SlashCommand.catalog.map { "/" + $0.name }.filter { $0.hasPrefix(word) }
    }
    guard word.hasPrefix("@") else { return [] }
    let partial = String(word.dropFirst())
    let slash = partial.lastIndex(of: "/")
    let directoryPart = slash.map { String(partial[...$0]) } ?? ""
    let namePrefix = slash.map { String(partial[partial.index(after: $0)...]) } ?? partial
    let directory = directoryPart.hasPrefix("/") ? directoryPart : scope.workspace + "/" + directoryPart
    guard let resolved = scope.resolve(directory), resolved.access >= .read,
      let entries = try? FileManager.default.contentsOfDirectory(atPath: resolved.path)
    else { return [] }
    var found: [String] = []
    for entry in entries.sorted() where entry.hasPrefix(namePrefix) && (namePrefix.hasPrefix(".") || !entry.hasPrefix(".")) {
      let path = resolved.path + "/" + entry
      guard let inner = scope.resolve(path), inner.access >= .read else { continue }
      var isDirectory: ObjCBool = false
      FileManager.default.fileExists(atPath: inner.path, isDirectory: &isDirectory)
      found.append("@" + directoryPart + entry + (isDirectory.boolValue ? "/" : ""))
      if found.count == limit { break }
    }
    return found
  }
}
