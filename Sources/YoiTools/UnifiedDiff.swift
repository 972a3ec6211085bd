import YoiDiagnostics
/// What a file tool changes in one file: its content before (nil: the file is new) and after.
/// An `ask` shows it as a diff before the answer, a session after the edit, `/diff` for the
/// whole session.
public struct FileChange: Sendable, Hashable {
  /// The path as shown to people (relative to the workspace when inside it).
  public var path: String
  public var before: String?
  public var after: String

  public init(path: String, before: String?, after: String) {
    self.path = path
    self.before = before
    self.after = after
  }

  public var diff: UnifiedDiff { UnifiedDiff(from: before ?? "", to: after) }
}

/// A line diff in unified form (`@@ -a,b +c,d @@`, ` ` context, `-` removed, `+` added), with
/// three lines of context. Common leading and trailing lines are set aside first; what is left
/// is matched by longest common subsequence when it is small enough (4 million cells), else
/// shown as removed then added, which is still a true diff.
public struct UnifiedDiff: Sendable, Hashable {
  public enum Kind: Sendable, Hashable { case context, removed, added, header }
  public struct Line: Sendable, Hashable {
    public var kind: Kind
    public var text: String
  }

  public private(set) var lines: [Line] = []
  public private(set) var added = 0
  public private(set) var removed = 0

  static let context = 3
  static let matchingLimit = 4_000_000

  public init(from old: String, to new: String) {
    let a = Self.split(old)
    let b = Self.split(new)
    var script: [(Kind, Int, Int)] = []  // kind, index in a, index in b
    var prefix = 0
    while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
    var suffix = 0
    while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
    for index in 0..<prefix { script.append((.context, index, index)) }
    let middleA = Array(a[prefix..<(a.count - suffix)])
    let middleB = Array(b[prefix..<(b.count - suffix)])
    for (kind, i, j) in Self.match(middleA, middleB) { script.append((kind, prefix + i, prefix + j)) }
    for offset in 0..<suffix { script.append((.context, a.count - suffix + offset, b.count - suffix + offset)) }

    // Hunks: runs of changes with up to three context lines around them, joined when close.
    let changed = script.indices.filter { script[$0].0 != .context }
    var index = 0
    while index < changed.count {
      let start = max(0, changed[index] - Self.context)
      var end = min(script.count - 1, changed[index] + Self.context)
      index += 1
      while index < changed.count, changed[index] - Self.context <= end + 1 {
        end = min(script.count - 1, changed[index] + Self.context)
        index += 1
      }
      let hunk = script[start...end]
      let oldLines = hunk.filter { $0.0 != .added }
      let newLines = hunk.filter { $0.0 != .removed }
      let oldStart = (oldLines.first?.1 ?? hunk.first!.1) + (oldLines.isEmpty ? 0 : 1)
      let newStart = (newLines.first?.2 ?? hunk.first!.2) + (newLines.isEmpty ? 0 : 1)
      lines.append(Line(kind: .header, text: "@@ -\(oldStart),\(oldLines.count) +\(newStart),\(newLines.count) @@"))
      for (kind, i, j) in hunk {
        switch kind {
        case .context: lines.append(Line(kind: .context, text: a[i]))
        case .removed:
          lines.append(Line(kind: .removed, text: a[i]))
          removed += 1
        case .added:
          lines.append(Line(kind: .added, text: b[j]))
          added += 1
        case .header: break
        }
      }
    }
  }

  public var isEmpty: Bool { added == 0 && removed == 0 }

  /// `+3 -1`, for a compact line.
  public var stat: String { "+\(added) -\(removed)" }

  /// The lines as text (`-old`, `+new`, ` context`, `@@ … @@`), at most `limit` of them and a
  /// count of the rest.
  public func rendered(limit: Int = .max) -> [String] {
    var shown = lines.prefix(limit).map { line in
      switch line.kind {
      case .header: line.text
      case .context: " " + line.text
      case .removed: "-" + line.text
      case .added: "+" + line.text
      }
    }
    if lines.count > limit { shown.append("… \(lines.count - limit) more diff lines") }
    return shown
  }

  private static func split(_ text: String) -> [String] {
    guard !text.isEmpty else { return [] }
    var lines = TextLines.split(text).map(String.init)
    if text.hasSuffix("\n") { lines.removeLast() }
    return lines
  }

  /// An edit script for `a` → `b` (indices into each; an added line's `a` index is where it goes).
  private static func match(_ a: [String], _ b: [String]) -> [(Kind, Int, Int)] {
    guard !a.isEmpty || !b.isEmpty else { return [] }
    guard a.count * b.count <= matchingLimit, !a.isEmpty, !b.isEmpty else {
      return a.indices.map { (.removed, $0, 0) } + b.indices.map { (.added, a.count, $0) }
    }
    // lengths[i][j]: the longest common subsequence of a[i...] and b[j...].
    let width = b.count + 1
    var lengths = [Int32](repeating: 0, count: (a.count + 1) * width)
    for i in stride(from: a.count - 1, through: 0, by: -1) {
      for j in stride(from: b.count - 1, through: 0, by: -1) {
        lengths[i * width + j] = a[i] == b[j] ? lengths[(i + 1) * width + j + 1] + 1 : max(lengths[(i + 1) * width + j], lengths[i * width + j + 1])
      }
    }
    var script: [(Kind, Int, Int)] = []
    var i = 0
    var j = 0
    while i < a.count || j < b.count {
      if i < a.count, j < b.count, a[i] == b[j] {
        script.append((.context, i, j))
        i += 1
        j += 1
      } else if j < b.count, i == a.count || lengths[i * width + j + 1] >= lengths[(i + 1) * width + j] {
        script.append((.added, i, j))
        j += 1
      } else {
        script.append((.removed, i, j))
        i += 1
      }
    }
    // Removed lines before added ones within a run reads as people expect.
    var ordered: [(Kind, Int, Int)] = []
    var run: [(Kind, Int, Int)] = []
    for step in script {
      if step.0 == .context {
        ordered += run.filter { $0.0 == .removed } + run.filter { $0.0 == .added }
        run = []
        ordered.append(step)
      } else {
        run.append(step)
      }
    }
    return ordered + run.filter { $0.0 == .removed } + run.filter { $0.0 == .added }
  }
}
