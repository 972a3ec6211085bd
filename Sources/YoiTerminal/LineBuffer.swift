/// The text of an input line being edited, and where the cursor is in it (DESIGN.md §12.8):
/// the editing operations a shell's line editor offers, kept apart from keys and the terminal
/// so they are tested as values.
public struct LineBuffer: Sendable, Equatable {
  public private(set) var characters: [Character] = []
  /// An index into `characters`, 0...count.
  public private(set) var cursor = 0

  public init(_ text: String = "") {
    characters = Array(text)
    cursor = characters.count
  }

  public var text: String { String(characters) }
  public var isEmpty: Bool { characters.isEmpty }

  public mutating func insert(_ text: String) {
    let inserted = Array(text)
    characters.insert(contentsOf: inserted, at: cursor)
    cursor += inserted.count
  }

  /// Backspace: the character before the cursor.
  public mutating func deleteBackward() {
    guard cursor > 0 else { return }
    characters.remove(at: cursor - 1)
    cursor -= 1
  }

  /// Delete: the character under the cursor.
  public mutating func deleteForward() {
    guard cursor < characters.count else { return }
    characters.remove(at: cursor)
  }

  public mutating func moveLeft() { cursor = max(0, cursor - 1) }
  public mutating func moveRight() { cursor = min(characters.count, cursor + 1) }

  /// Home / Ctrl-A: the start of the cursor's line (of a multi-line message).
  public mutating func moveToLineStart() { cursor = lineStart(cursor) }
  /// End / Ctrl-E: the end of the cursor's line.
  public mutating func moveToLineEnd() { cursor = lineEnd(cursor) }

  /// Alt-B: to the start of this or the previous word.
  public mutating func moveWordLeft() { cursor = wordStart(before: cursor) }
  /// Alt-F: to the end of this or the next word.
  public mutating func moveWordRight() {
    var index = cursor
    while index < characters.count, !isWordCharacter(characters[index]) { index += 1 }
    while index < characters.count, isWordCharacter(characters[index]) { index += 1 }
    cursor = index
  }

  /// Ctrl-U: from the start of the cursor's line to the cursor.
  public mutating func deleteToLineStart() {
    let start = lineStart(cursor)
    characters.removeSubrange(start..<cursor)
    cursor = start
  }

  /// Ctrl-K: from the cursor to the end of its line.
  public mutating func deleteToLineEnd() { characters.removeSubrange(cursor..<lineEnd(cursor)) }

  /// Ctrl-W: the word before the cursor (and the spaces after it).
  public mutating func deleteWordBackward() {
    var start = cursor
    while start > 0, characters[start - 1] == " " || characters[start - 1] == "\t" { start -= 1 }
    while start > 0, !(characters[start - 1] == " " || characters[start - 1] == "\t" || characters[start - 1] == "\n") { start -= 1 }
    characters.removeSubrange(start..<cursor)
    cursor = start
  }

  /// The word the cursor ends (for completion): from the last space or newline before it.
  public var currentWord: String {
    var start = cursor
    while start > 0, !(characters[start - 1] == " " || characters[start - 1] == "\n") { start -= 1 }
    return String(characters[start..<cursor])
  }

  /// Replaces the word the cursor ends with `replacement`.
  public mutating func replaceCurrentWord(with replacement: String) {
    let length = currentWord.count
    characters.removeSubrange((cursor - length)..<cursor)
    cursor -= length
    insert(replacement)
  }

  private func lineStart(_ index: Int) -> Int {
    var start = index
    while start > 0, characters[start - 1] != "\n" { start -= 1 }
    return start
  }

  private func lineEnd(_ index: Int) -> Int {
    var end = index
    while end < characters.count, characters[end] != "\n" { end += 1 }
    return end
  }

  private func isWordCharacter(_ character: Character) -> Bool { character.isLetter || character.isNumber || character == "_" }

  private func wordStart(before index: Int) -> Int {
    var start = index
    while start > 0, !isWordCharacter(characters[start - 1]) { start -= 1 }
    while start > 0, isWordCharacter(characters[start - 1]) { start -= 1 }
    return start
  }
}

/// How an input line sits on a terminal `width` columns wide: the rows its text takes, where
/// the cursor goes, and the bytes that draw it. The first line has `prompt` before it, the others
/// `continuation` (both of the same display width). Where a line exactly fills its last row the
/// terminal keeps its cursor on that row; the drawing then moves to the next row itself, so the
/// row arithmetic holds in every case.
public struct LineLayout: Sendable, Equatable {
  /// The bytes to write after moving to the top of the input area and clearing below it.
  public var drawing: String
  /// The row of the cursor, counted from the top of the input area.
  public var cursorRow: Int
  public var cursorColumn: Int
  /// The row the drawing ends on.
  public var endRow: Int

  public init(_ buffer: LineBuffer, prompt: String, continuation: String, width: Int, shown: (Character) -> String = { String($0) }) {
    let width = max(width, 8)
    var drawing = ""
    var row = 0
    var column = 0
    /// The last text ended exactly at the edge and the drawing moved to the next row.
    var wrapped = false
    func place(_ text: String) {
      let columns = DisplayWidth.of(text)
      // Text never straddles the edge: it starts on the next row (as the terminal puts a wide
      // character that does not fit).
      if column + columns > width && column > 0 {
        drawing += "\r\n"
        row += 1
        column = 0
      }
      drawing += text
      column += columns
      wrapped = false
      if column >= width {
        drawing += "\r\n"
        row += 1
        column = 0
        wrapped = true
      }
    }
    place(prompt)
    var cursor: (row: Int, column: Int)?
    for (index, character) in buffer.characters.enumerated() {
      if index == buffer.cursor { cursor = (row, column) }
      if character == "\n" {
        if !wrapped {
          drawing += "\r\n"
          row += 1
          column = 0
        }
        place(continuation)
      } else {
        place(shown(character))
      }
    }
    let end = cursor ?? (row, column)
    self.drawing = drawing
    cursorRow = end.row
    cursorColumn = end.column
    endRow = row
  }
}

/// Columns a terminal gives text: East Asian wide and fullwidth characters and emoji take two,
/// combining marks and zero-width characters none, everything else one.
public enum DisplayWidth {
  public static func of(_ text: String) -> Int { text.reduce(0) { $0 + of($1) } }

  public static func of(_ character: Character) -> Int {
    guard let scalar = character.unicodeScalars.first else { return 0 }
    let value = scalar.value
    if value < 0x300 { return value < 0x20 || value == 0x7F ? 0 : 1 }
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format: return 0
    default: break
    }
    if scalar.properties.isEmojiPresentation { return 2 }
    switch value {
    case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF,
      0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
      return 2
    default: return 1
    }
  }
}
