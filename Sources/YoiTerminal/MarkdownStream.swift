import Foundation
public import YoiDiagnostics

// A small renderer of its own rather than a library: what a terminal session needs is
// rendering line by line as text streams (a library renders whole documents, and would
// re-flow what is already on screen), the handful of constructs models write, and escaping of
// every control character the model sends, which must happen before any styling is added.

/// Markdown for a terminal as it streams (DESIGN.md §12.8): the line being written shows as it
/// arrives; once its newline comes it is replaced by its rendered form, and nothing above it is
/// touched again. Headings, emphasis, inline code, links (text and URL), lists, block quotes,
/// rules, fenced code (its language named) and tables (cells padded to the header's widths, so
/// rows render as they come). Without colour the text is passed through as written.
public struct MarkdownStream: Sendable {
  private let styled: Bool
  private let width: @Sendable () -> Int
  private let height: @Sendable () -> Int
  /// The current line's text so far (raw), shown as it came.
  private var partial = ""
  /// Display columns the partial line takes on screen.
  private var partialColumns = 0
  private var fence: String?
  /// The header cells' widths while inside a table.
  private var tableWidths: [Int]?

  public init(styled: Bool, width: @escaping @Sendable () -> Int, height: @escaping @Sendable () -> Int = { 24 }) {
    self.styled = styled
    self.width = width
    self.height = height
  }

  /// The bytes to write for `delta`.
  public mutating func feed(_ delta: String) -> String {
    guard styled else { return TerminalText.neutralise(delta) }
    var output = ""
    var rest = Substring(delta)
    while let newline = rest.firstIndex(of: "\n") {
      partial += rest[..<newline]
      let rendered = render(line: partial)
      // A line taller than the screen has scrolled out of reach: it stays as it came.
      output += (erasePartial().map { $0 + rendered } ?? "") + "\r\n"
      partial = ""
      partialColumns = 0
      rest = rest[rest.index(after: newline)...]
    }
    if !rest.isEmpty {
      let shown = TerminalText.inline(String(rest), keepingTabs: false)
      partial += rest
      partialColumns += DisplayWidth.of(shown)
      output += shown
    }
    return output
  }

  /// The bytes that end the text: the last line rendered, state reset.
  public mutating func finish() -> String {
    guard styled else { return "" }
    defer {
      partial = ""
      partialColumns = 0
      fence = nil
      tableWidths = nil
    }
    guard !partial.isEmpty else { return "" }
    let rendered = render(line: partial)
    return erasePartial().map { $0 + rendered } ?? ""
  }

  /// Whether anything of the current line is on screen.
  public var isAtLineStart: Bool { partial.isEmpty }

  /// Moves back over the partial line (to its first row, column 0) and clears to the end; nil
  /// when the line's first row is no longer on the screen.
  private func erasePartial() -> String? {
    guard partialColumns > 0 else { return "\r\u{1B}[K" }
    let columns = max(1, width())
    // A line exactly filling its last row leaves the cursor on that row.
    let rowsUp = (partialColumns - 1) / columns
    guard rowsUp < height() - 1 else { return nil }
    return (rowsUp > 0 ? "\u{1B}[\(rowsUp)A" : "") + "\r\u{1B}[J"
  }

  static let bold = "\u{1B}[1m"
  static let dim = "\u{1B}[2m"
  static let italic = "\u{1B}[3m"
  static let underline = "\u{1B}[4m"
  static let cyan = "\u{1B}[36m"
  static let yellow = "\u{1B}[33m"
  static let reset = "\u{1B}[0m"

  /// One complete line, rendered.
  private mutating func render(line raw: String) -> String {
    let line = TerminalText.inline(raw, keepingTabs: true)
    let trimmed = line.drop { $0 == " " }
    if let open = fence {
      if trimmed.hasPrefix(open) && trimmed.drop(while: { $0 == open.first }).allSatisfy({ $0 == " " }) {
        fence = nil
        return Self.dim + "└───" + Self.reset
      }
      return Self.yellow + "│ " + line + Self.reset
    }
    if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
      let marker = String(trimmed.prefix { $0 == trimmed.first })
      fence = marker
      let language = trimmed.dropFirst(marker.count).trimmingCharacters(in: .whitespaces)
      tableWidths = nil
      return Self.dim + "┌─── " + (language.isEmpty ? "code" : language) + Self.reset
    }
    if trimmed.hasPrefix("|") {
      return tableRow(String(trimmed))
    }
    tableWidths = nil
    if let level = Self.headingLevel(trimmed) {
      let text = inline(String(trimmed.dropFirst(level + 1)))
      return Self.bold + (level == 1 ? Self.underline : "") + text + Self.reset
    }
    if trimmed.count >= 3, Set(trimmed.filter { $0 != " " }).count == 1, let mark = trimmed.first, "-*_".contains(mark),
      trimmed.filter({ $0 != " " }).count >= 3
    {
      return Self.dim + String(repeating: "─", count: min(40, max(3, width() - 1))) + Self.reset
    }
    let indent = String(line.prefix { $0 == " " })
    if trimmed.hasPrefix("> ") || trimmed == ">" {
      return indent + Self.dim + "│ " + Self.reset + Self.italic + inline(String(trimmed.dropFirst(trimmed == ">" ? 1 : 2))) + Self.reset
    }
    if trimmed.hasPrefix("- ") || trimmed.hasPrefix("* ") || trimmed.hasPrefix("+ ") {
      var item = String(trimmed.dropFirst(2))
      if item.hasPrefix("[ ] ") { item = "☐ " + item.dropFirst(4) } else if item.hasPrefix("[x] ") { item = "☑ " + item.dropFirst(4) }
      return indent + "• " + inline(item)
    }
    return inline(line)
  }

  private static func headingLevel(_ text: Substring) -> Int? {
    let hashes = text.prefix { $0 == "#" }.count
    guard (1...6).contains(hashes), text.dropFirst(hashes).first == " " else { return nil }
    return hashes
  }

  /// A table row: cells between `|`, padded to the header's widths; the `|---|` line is a rule.
  private mutating func tableRow(_ text: String) -> String {
    var cells = text.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    if cells.first == "" { cells.removeFirst() }
    if cells.last == "" { cells.removeLast() }
    let isRule = !cells.isEmpty && cells.allSatisfy { cell in !cell.isEmpty && cell.allSatisfy { "-: ".contains($0) } }
    guard let widths = tableWidths else {
      // The header: its widths (at least 3) set the columns.
      let widths = cells.map { max(3, DisplayWidth.of(Self.plain($0))) }
      tableWidths = widths
      return zip(cells, widths).map { Self.bold + pad(inline($0.0), plain: Self.plain($0.0), to: $0.1) + Self.reset }.joined(separator: " │ ")
    }
    if isRule { return Self.dim + widths.map { String(repeating: "─", count: $0) }.joined(separator: "─┼─") + Self.reset }
    return cells.enumerated().map { index, cell in
      pad(inline(cell), plain: Self.plain(cell), to: index < widths.count ? widths[index] : 0)
    }.joined(separator: " │ ")
  }

  private func pad(_ rendered: String, plain: String, to width: Int) -> String {
    rendered + String(repeating: " ", count: max(0, width - DisplayWidth.of(plain)))
  }

  /// Text without the inline markers, for measuring.
  static func plain(_ text: String) -> String {
    var result = ""
    var index = text.startIndex
    while index < text.endIndex {
      let character = text[index]
      if character == "*" || character == "_" || character == "`" {
        index = text.index(after: index)
        continue
      }
      result.append(character)
      index = text.index(after: index)
    }
    return result
  }

  /// Emphasis (`**`, `*`, `_`), inline code and links; markers that do not close are text.
  private func inline(_ text: String) -> String {
    var output = ""
    var index = text.startIndex
    func closing(_ marker: String, from start: String.Index) -> String.Index? {
      guard start < text.endIndex else { return nil }
      return text.range(of: marker, range: start..<text.endIndex)?.lowerBound
    }
    while index < text.endIndex {
      let rest = text[index...]
      if rest.hasPrefix("`"), let end = closing("`", from: text.index(after: index)) {
        output += Self.cyan + text[text.index(after: index)..<end] + Self.reset
        index = text.index(after: end)
      } else if rest.hasPrefix("**"), let end = closing("**", from: text.index(index, offsetBy: 2)), end > text.index(index, offsetBy: 2) {
        output += Self.bold + inline(String(text[text.index(index, offsetBy: 2)..<end])) + Self.reset
        index = text.index(end, offsetBy: 2)
      } else if (rest.hasPrefix("*") || rest.hasPrefix("_")), let marker = rest.first,
        text.index(after: index) < text.endIndex, text[text.index(after: index)] != " ",
        index == text.startIndex || !(text[text.index(before: index)].isLetter || text[text.index(before: index)].isNumber),
        let end = closing(String(marker), from: text.index(after: index)), end > text.index(after: index)
      {
        output += Self.italic + String(text[text.index(after: index)..<end]) + Self.reset
        index = text.index(after: end)
      } else if rest.hasPrefix("["), let close = closing("](", from: index), let end = closing(")", from: text.index(close, offsetBy: 2)) {
        let label = text[text.index(after: index)..<close]
        let url = text[text.index(close, offsetBy: 2)..<end]
        output += Self.underline + label + Self.reset + Self.dim + " (" + url + ")" + Self.reset
        index = text.index(after: end)
      } else {
        output.append(text[index])
        index = text.index(after: index)
      }
    }
    return output
  }
}
