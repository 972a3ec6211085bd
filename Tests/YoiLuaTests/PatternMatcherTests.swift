import Foundation
import Testing
@testable import YoiLua

/// The bounded matcher must give exactly stock Lua's results: the fixture runs in the sandbox
/// and in the `lua5.4` interpreter, and the outputs are compared line by line.
@Suite("Sandbox: bounded pattern matcher")
struct PatternMatcherTests {
  static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/patterns.lua").path

  @Test func matchesStockLua() throws {
    let source = try String(contentsOfFile: Self.fixture, encoding: .utf8)
    guard case .string(let ours) = try LuaSandbox().evaluate(.text(source, chunkName: "patterns.lua")).value else {
      Issue.record("the fixture must return a string")
      return
    }
    let stock = try Self.runStockLua()
    let ourLines = ours.split(separator: "\n", omittingEmptySubsequences: false)
    let stockLines = stock.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(ourLines.count == stockLines.count)
    #expect(ourLines.count > 300)
    for (index, (mine, theirs)) in zip(ourLines, stockLines).enumerated() where mine != theirs {
      Issue.record("line \(index + 1): sandbox \(mine) != lua5.4 \(theirs)")
    }
  }

  static func runStockLua() throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    // `lua5.4 -e ... file`: run the file, whose chunk result is written by the -e statement.
    process.arguments = ["lua5.4", "-e", "io.write(dofile('\(fixture)'))"]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    try #require(process.terminationStatus == 0, "lua5.4 must be installed (apt-get install lua5.4)")
    return String(decoding: data, as: UTF8.self)
  }
}
