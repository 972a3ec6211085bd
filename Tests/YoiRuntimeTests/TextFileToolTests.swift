import Foundation
import Testing
import YoiDiagnostics
import YoiManifest
import YoiProviders
import YoiTools

/// The file tools on text as repositories hold it: CRLF line endings (Swift's `String` makes
/// `\r\n` one character, so splitting on `"\n"` saw such a file as one line) and bytes that
/// are not UTF-8 (decoding replaces them, and writing the text back would lose them).
@Suite("File tools on CRLF and non-UTF-8 text")
struct TextFileToolTests {
  static func toolBox() throws -> (ToolBox, String) {
    let workspace = NSTemporaryDirectory() + "yoi-text-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
    let scope = ScopeChecker(rules: ScopeRules(allow: [ScopeRule(target: workspace, permission: .write)]), workspace: workspace)
    let tools = ToolBox(
      scope: scope, permissions: PermissionPolicy(nil), limits: WorkerSection.ToolOutputLimits(defaultMaxBytes: 1 << 20, perTool: [:]),
      approval: HeadlessApproval())
    return (tools, workspace)
  }

  static func call(_ tools: ToolBox, _ name: String, _ arguments: JSONValue) async -> ToolOutcome {
    await tools.run(ToolCall(id: "c1", name: name, arguments: CanonicalJSON.compact(arguments)))
  }

  @Test("lines end at \\n, a \\r before it belongs to the ending, and a lone \\r or a combining mark stays in its line")
  func textLines() {
    #expect(TextLines.split("a\r\nb\nc\r\n").map(String.init) == ["a", "b", "c", ""])
    #expect(TextLines.split("").map(String.init) == [""])
    #expect(TextLines.split("x\ry\n\u{301}z").map(String.init) == ["x\ry", "\u{301}z"])
    #expect(TextLines.split("\r\n\r\n").map(String.init) == ["", "", ""])
  }

  @Test("read_file numbers a CRLF file's lines and shows them without the \\r; offset and limit count those lines")
  func readCRLF() async throws {
    let (tools, workspace) = try Self.toolBox()
    try Data("first\r\nsecond\r\nthird\r\n".utf8).write(to: URL(fileURLWithPath: workspace + "/win.txt"))
    let whole = await Self.call(tools, "read_file", ["path": "win.txt"])
    #expect(whole.content == "1\tfirst\n2\tsecond\n3\tthird\n", "\(whole.content.debugDescription)")
    let part = await Self.call(tools, "read_file", ["path": "win.txt", "offset": 2, "limit": 1])
    #expect(part.content.hasPrefix("2\tsecond\n"), "\(part.content.debugDescription)")
  }

  @Test("grep reports a CRLF file's matching line by its number, not the whole file as line 1")
  func grepCRLF() async throws {
    let (tools, workspace) = try Self.toolBox()
    try Data("alpha\r\nneedle here\r\nomega\r\n".utf8).write(to: URL(fileURLWithPath: workspace + "/win.txt"))
    let found = await Self.call(tools, "grep", ["pattern": "needle"])
    #expect(found.content == "win.txt:2: needle here", "\(found.content.debugDescription)")
  }

  @Test("edit_file on a CRLF file matches old_string written with \\n and keeps the file's CRLF endings")
  func editCRLF() async throws {
    let (tools, workspace) = try Self.toolBox()
    let path = workspace + "/win.txt"
    try Data("one\r\ntwo\r\nthree\r\n".utf8).write(to: URL(fileURLWithPath: path))
    let edited = await Self.call(tools, "edit_file", ["path": "win.txt", "old_string": "one\ntwo", "new_string": "one\nTWO\nmore"])
    #expect(!edited.isError, "\(edited.content)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data("one\r\nTWO\r\nmore\r\nthree\r\n".utf8))
  }

  @Test("edit_file refuses a file that is not UTF-8 instead of writing U+FFFD over its other bytes")
  func editLatin1() async throws {
    let (tools, workspace) = try Self.toolBox()
    let path = workspace + "/latin1.txt"
    let original = Data([0x63, 0x61, 0x66, 0xE9, 0x0A, 0x6F, 0x6C, 0x64, 0x0A])  // "café\nold\n" in Latin-1
    try original.write(to: URL(fileURLWithPath: path))
    let edited = await Self.call(tools, "edit_file", ["path": "latin1.txt", "old_string": "old", "new_string": "new"])
    #expect(edited.isError && edited.content.contains("not UTF-8"), "\(edited.content)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == original)
  }
}
