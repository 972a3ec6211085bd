import YoiDiagnostics
import YoiProviders
import YoiTools

/// The compact form of a finished tool call, the same in `pod run` (on stderr) and in a
/// session (DESIGN.md §12.8): its one-line note, then for a write or an edit the diff (folded
/// past a dozen lines), for `shell` the last lines of its output.
enum ToolActivity {
  enum Kind { case note, removed, added, context, output }
  struct Line {
    var text: String
    var kind: Kind
  }

  static let diffLines = 12
  static let outputLines = 5

  static func lines(_ call: ToolCall, _ outcome: ToolOutcome) -> [Line] {
    var lines = [Line(text: (outcome.isError ? "✗ " : "· ") + outcome.note, kind: .note)]
    if let change = outcome.change, !outcome.isError {
      let diff = change.diff
      lines.append(Line(text: "  \(change.path) \(change.before == nil ? "(new) " : "")\(diff.stat)", kind: .note))
      lines += diffLines(diff, limit: diffLines)
    } else if call.name == "shell", !outcome.isError {
      // The output ends with the exit status line the tool writes; the lines before it are
      // what the command printed last.
      let printed = TextLines.split(outcome.content).filter { !$0.isEmpty }.dropLast().suffix(outputLines)
      lines += printed.map { Line(text: "  " + $0, kind: .output) }
    }
    return lines
  }

  /// A diff's lines, each with its kind, at most `limit` and a count of the rest.
  static func diffLines(_ diff: UnifiedDiff, limit: Int) -> [Line] {
    let rendered = diff.rendered(limit: limit)
    return rendered.map { text in
      let kind: Kind =
        switch text.first {
        case "-": .removed
        case "+": .added
        case "@", "…": .note
        default: .context
        }
      return Line(text: "    " + text, kind: kind)
    }
  }
}
