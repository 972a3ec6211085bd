import Foundation
import Testing
import YoiDiagnostics
import YoiTerminal
import YoiTools

@testable import YoiCLI

/// The line editor's parts as values: the buffer's edits, its layout on a narrow terminal, key
/// decoding, slash-command parsing, and the diff an approval shows.
@Suite("Line editing, slash commands, diffs")
struct LineEditingTests {
  @Test("edits: insert at the cursor, word moves and deletes, line-wise kills in a multi-line message")
  func buffer() {
    var buffer = LineBuffer("hello wrld")
    buffer.moveLeft()
    buffer.moveLeft()
    buffer.moveLeft()
    buffer.insert("o")
    #expect(buffer.text == "hello world" && buffer.cursor == 8)
    buffer.moveWordLeft()
    #expect(buffer.cursor == 6)
    buffer.moveWordLeft()
    #expect(buffer.cursor == 0)
    buffer.moveWordRight()
    #expect(buffer.cursor == 5)
    buffer.deleteToLineEnd()
    #expect(buffer.text == "hello")
    buffer.insert(" big  ")
    buffer.deleteWordBackward()
    #expect(buffer.text == "hello ")
    buffer = LineBuffer("first line\nsecond line")
    buffer.moveToLineStart()
    #expect(buffer.cursor == 11)
    buffer.moveRight()
    buffer.deleteToLineStart()
    #expect(buffer.text == "first line\necond line" && buffer.cursor == 11)
    buffer = LineBuffer("see @Sour")
    #expect(buffer.currentWord == "@Sour")
    buffer.replaceCurrentWord(with: "@Sources/")
    #expect(buffer.text == "see @Sources/")
  }

  @Test("layout: a line that wraps, one that exactly fills its row, a newline, a wide character at the edge")
  func layout() {
    // Width 10, prompt "› " (2 columns): 8 characters fill the first row exactly.
    let full = LineLayout(LineBuffer("abcdefgh"), prompt: "› ", continuation: "  ", width: 10)
    #expect(full.endRow == 1 && full.cursorRow == 1 && full.cursorColumn == 0)
    #expect(full.drawing == "› abcdefgh\r\n")
    let wrapped = LineLayout(LineBuffer("abcdefghij"), prompt: "› ", continuation: "  ", width: 10)
    #expect(wrapped.endRow == 1 && wrapped.cursorColumn == 2)
    var middle = LineBuffer("ab\ncd")
    middle.moveLeft()
    let twoLines = LineLayout(middle, prompt: "› ", continuation: "  ", width: 10)
    #expect(twoLines.drawing == "› ab\r\n  cd" && twoLines.cursorRow == 1 && twoLines.cursorColumn == 3)
    // A full row then a newline: one row down, not two.
    let fullThenNewline = LineLayout(LineBuffer("abcdefgh\nx"), prompt: "› ", continuation: "  ", width: 10)
    #expect(fullThenNewline.endRow == 1 && fullThenNewline.cursorColumn == 3)
    // 7 columns used, a wide character does not fit in the last 1: it starts the next row.
    let wide = LineLayout(LineBuffer("abcdefg日"), prompt: "› ", continuation: "  ", width: 10)
    #expect(wide.endRow == 1 && wide.cursorColumn == 2)
    #expect(DisplayWidth.of("日本") == 4 && DisplayWidth.of("e\u{301}") == 1)
  }

  @Test("keys: a bracketed paste is one key, complete only with its end marker; Alt and Ctrl arrows move by words")
  func keys() {
    let paste = Array("\u{1B}[200~one\r\ntwo\u{1B}[201~x".utf8)
    #expect(SessionKey.decode(Array(paste.prefix(12))) == nil)
    let decoded = SessionKey.decode(paste)
    #expect(decoded?.0 == .paste("one\ntwo") && decoded?.1 == paste.count - 1)
    #expect(SessionKey.decode(Array("\u{1B}b".utf8))?.0 == .wordLeft)
    #expect(SessionKey.decode(Array("\u{1B}[1;5C".utf8))?.0 == .wordRight)
    #expect(SessionKey.decode(Array("\u{1B}[3~".utf8))?.0 == .delete)
    #expect(SessionKey.decode(Array("\u{1B}[A".utf8))?.0 == .up)
    #expect(SessionKey.decode([0x17])?.0 == .deleteWord)
    #expect(SessionKey.decode(Array("\u{1B}[1;5".utf8)) == nil)
  }

  @Test("slash commands: known, unknown with a suggestion, paths and // are messages")
  func slashCommands() {
    #expect(SlashCommand.parse("/help") == .command(.help))
    #expect(SlashCommand.parse("  /model anthropic/claude-sonnet-4-6 ") == .command(.model("anthropic/claude-sonnet-4-6")))
    #expect(SlashCommand.parse("/model") == .command(.model(nil)))
    #expect(SlashCommand.parse("/hepl") == .unknown("hepl", suggestion: "help"))
    #expect(SlashCommand.parse("/usr/bin is where it lives") == .message("/usr/bin is where it lives"))
    #expect(SlashCommand.parse("//help me") == .message("/help me"))
  }

  @Test("diff: a changed line with context, a new file, a long file's far-apart changes in two hunks")
  func diff() {
    let edit = UnifiedDiff(from: "first\nalpha\nlast\n", to: "first\nbeta\nlast\n")
    #expect(edit.rendered() == ["@@ -1,3 +1,3 @@", " first", "-alpha", "+beta", " last"])
    #expect(edit.stat == "+1 -1")
    let new = UnifiedDiff(from: "", to: "a\nb\n")
    #expect(new.rendered() == ["@@ -0,0 +1,2 @@", "+a", "+b"])
    let lines = (1...40).map { "line \($0)" }
    var changed = lines
    changed[2] = "changed 3"
    changed[35] = "changed 36"
    let far = UnifiedDiff(from: lines.joined(separator: "\n"), to: changed.joined(separator: "\n"))
    #expect(far.rendered().filter { $0.hasPrefix("@@") } == ["@@ -1,6 +1,6 @@", "@@ -33,7 +33,7 @@"])
    #expect(far.rendered(limit: 3).last == "… 14 more diff lines")
    #expect(UnifiedDiff(from: "same\n", to: "same\n").isEmpty)
  }

  /// `text` with the escape sequences taken out.
  static func visible(_ text: String) -> String {
    text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*[A-Za-z]", with: "", options: .regularExpression)
  }

  @Test(
    "markdown: a streamed line shows as it comes, then is replaced by its rendered form; a line taller than the screen stays as it came; without colour nothing changes"
  )
  func markdownStream() {
    var stream = MarkdownStream(styled: true, width: { 10 }, height: { 5 })
    #expect(stream.feed("**bo") == "**bo")
    #expect(!stream.isAtLineStart)
    let line = stream.feed("ld** x\n")
    #expect(line.hasPrefix("\r\u{1B}[J") && Self.visible(line) == "\rbold x\r\n", "\(line.debugDescription)")
    // 25 columns on a 10-column screen: 3 rows, so two up before rewriting.
    _ = stream.feed(String(repeating: "a", count: 25))
    #expect(stream.feed("\n").hasPrefix("\u{1B}[2A\r\u{1B}[J"))
    // 60 columns: 6 rows on a 5-row screen, out of reach: left as it came.
    _ = stream.feed(String(repeating: "b", count: 60))
    #expect(stream.feed("\n") == "\r\n")
    var table = MarkdownStream(styled: true, width: { 80 })
    let rendered = Self.visible(table.feed("| A | Bee |\n|---|---|\n| long cell | 1 |\n"))
    #expect(rendered.contains("A   │ Bee") && rendered.contains("───┼─") && rendered.contains("long cell │ 1  "), "\(rendered)")
    var plain = MarkdownStream(styled: false, width: { 80 })
    #expect(plain.feed("**x**\n\u{1B}]0;title\u{07}") == TerminalText.neutralise("**x**\n\u{1B}]0;title\u{07}"))
  }
}
