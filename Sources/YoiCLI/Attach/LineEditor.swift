import Foundation
import YoiDiagnostics
import YoiTerminal

// A line editor of its own rather than a library (libedit, readline, or a Swift port): the
// input line shares the terminal with a streaming answer, an approval prompt and a working
// indicator, all fed by one key reader, and its history lives in the Pod's transcript rather
// than a file. The editing itself is LineBuffer (YoiTerminal), tested as values.

/// The input line (DESIGN.md §12.8): a prompt and the text typed so far, edited as in a shell
/// (arrows, Home/End, Ctrl-A/E/B/F, Alt-B/F, Ctrl-U/K/W, Ctrl-L), Up/Down through this Pod's
/// earlier messages, a bracketed paste inserted whole, Tab completing slash commands and
/// `@paths`. Redrawn whole after each key, so wrapping and multi-line text stay right.
struct LineEditor {
  /// Earlier messages, oldest first (from the store, then this session's).
  private(set) var history: [String]
  /// What Tab offers for the word before the cursor.
  private let complete: @Sendable (String, Bool) -> [String]
  private var buffer = LineBuffer()
  /// Where in `history` Up/Down is (nil: the message being written).
  private var historyIndex: Int?
  /// The message being written, kept while Up/Down browse.
  private var draft = LineBuffer()
  /// The row of the cursor in the last drawing, counted from the prompt's row.
  private var cursorRow = 0

  static let prompt = "› "
  static let continuation = "  "

  init(history: [String], complete: @escaping @Sendable (String, Bool) -> [String]) {
    self.history = history
    self.complete = complete
  }

  /// The next message, or nil when the user leaves (Ctrl-D on an empty line, end of input).
  mutating func read(router: KeyRouter, screen: SessionScreen) async -> String? {
    buffer = LineBuffer()
    historyIndex = nil
    cursorRow = 0
    redraw(screen)
    while true {
      let key = await router.nextEditorKey()
      switch key {
      case .character(let character): buffer.insert(String(character))
      case .paste(let text): buffer.insert(text)
      case .newline: buffer.insert("\n")
      case .backspace: buffer.deleteBackward()
      case .delete: buffer.deleteForward()
      case .left: buffer.moveLeft()
      case .right: buffer.moveRight()
      case .home: buffer.moveToLineStart()
      case .end: buffer.moveToLineEnd()
      case .wordLeft: buffer.moveWordLeft()
      case .wordRight: buffer.moveWordRight()
      case .deleteToLineStart: buffer.deleteToLineStart()
      case .deleteToLineEnd: buffer.deleteToLineEnd()
      case .deleteWord: buffer.deleteWordBackward()
      case .up: browse(by: -1)
      case .down: browse(by: 1)
      case .tab: completeWord(screen)
      case .clearScreen:
        screen.write("\u{1B}[H\u{1B}[2J", raw: true)
        cursorRow = 0
      case .enter:
        let text = buffer.text
        while buffer.cursor < buffer.characters.count { buffer.moveRight() }
        redraw(screen)
        screen.write("\r\n", raw: true)
        if !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, history.last != text { history.append(text) }
        return text
      case .interrupt:
        if buffer.isEmpty {
          above("(nothing is running; Ctrl-D or /exit leaves)", screen)
        }
        buffer = LineBuffer()
        historyIndex = nil
      case .endOfInput:
        if buffer.isEmpty {
          screen.write("\r\n", raw: true)
          return nil
        }
        buffer.deleteForward()
      case .ignored: continue
      }
      redraw(screen)
    }
  }

  /// Up (-1) or Down (+1) through the history; past the newest is the draft again.
  private mutating func browse(by step: Int) {
    guard !history.isEmpty else { return }
    if historyIndex == nil {
      guard step < 0 else { return }
      draft = buffer
      historyIndex = history.count - 1
    } else if let index = historyIndex {
      let next = index + step
      if next >= history.count {
        historyIndex = nil
        buffer = draft
        return
      }
      historyIndex = max(0, next)
    }
    buffer = LineBuffer(history[historyIndex!])
  }

  /// Tab: one candidate completes the word; several complete their common prefix and are
  /// listed above the input line.
  private mutating func completeWord(_ screen: SessionScreen) {
    let word = buffer.currentWord
    let atStart = buffer.text.prefix(buffer.cursor).trimmingCharacters(in: .whitespaces) == word
    let candidates = complete(word, atStart)
    guard !candidates.isEmpty else { return }
    if candidates.count == 1 {
      let only = candidates[0]
      buffer.replaceCurrentWord(with: only.hasSuffix("/") ? only : only + " ")
      return
    }
    var common = candidates[0]
    for candidate in candidates.dropFirst() {
      while !candidate.hasPrefix(common) { common.removeLast() }
    }
    if common.count > word.count { buffer.replaceCurrentWord(with: common) }
    let shown = candidates.prefix(40).joined(separator: "  ")
    above(candidates.count > 40 ? shown + "  … \(candidates.count - 40) more" : shown, screen)
  }

  /// Writes a dim note where the input area is, and the input area again below it.
  private mutating func above(_ note: String, _ screen: SessionScreen) {
    screen.write((cursorRow > 0 ? "\u{1B}[\(cursorRow)A" : "") + "\r\u{1B}[J", raw: true)
    screen.note(note)
    cursorRow = 0
  }

  private mutating func redraw(_ screen: SessionScreen) {
    let layout = LineLayout(
      buffer, prompt: Self.prompt, continuation: Self.continuation, width: TerminalControl.columns,
      shown: { $0 == "\t" ? "    " : TerminalText.inline(String($0)) })
    var drawing = (cursorRow > 0 ? "\u{1B}[\(cursorRow)A" : "") + "\r\u{1B}[J" + layout.drawing
    let up = layout.endRow - layout.cursorRow
    if up > 0 { drawing += "\u{1B}[\(up)A" }
    drawing += "\r" + (layout.cursorColumn > 0 ? "\u{1B}[\(layout.cursorColumn)C" : "")
    screen.write(drawing, raw: true)
    cursorRow = layout.cursorRow
  }
}
