import Foundation
import Glibc
import Testing
import YoiManifest
import YoiStubProvider

/// MCP servers at run time (DESIGN.md §12.10), against real servers built with the official
/// MCP Python SDK (`mcp` 2.x, MCPServer) and started by yoi inside the shell's sandbox.
@Suite("MCP servers (end to end)", .serialized)
struct RuntimeMCPTests {
  static let python = YoiBinary.packageRoot.appendingPathComponent(".build/python-sdks/bin/python3").path
  /// Where the venv's interpreter really lives (the server's sandbox must see it).
  static let basePrefix: String = {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = ["-c", "import sys; print(sys.base_prefix)"]
    let pipe = Pipe()
    process.standardOutput = pipe
    try? process.run()
    process.waitUntilExit()
    return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }()

  static func server(_ script: String, name: String = "calc", token: Bool = true) -> String {
    let venv = YoiBinary.packageRoot.appendingPathComponent(".build/python-sdks").path
    return """
      mcp = { servers = { yoi.mcp.stdio { name = "\(name)", command = { "\(python)", "\(script)" },
        \(token ? #"env = { set = { CALC_TOKEN = yoi.secret("mcp/calc/token") } },"# : "") read = { "\(venv)", "\(basePrefix)" } } } },
      """
  }

  static func calls(_ names: [(String, String)]) -> [(name: String, arguments: String)] { names.map { (name: $0.0, arguments: $0.1) } }

  /// Processes whose command line holds `marker` (a server left running after the run).
  static func processes(holding marker: String) -> [String] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.filter { $0.allSatisfy(\.isNumber) }.filter { pid in
      guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
      return String(decoding: data, as: UTF8.self).contains(marker)
    }
  }

  @Test(
    "a stdio server's tools reach the model; state persists in one process; a secret reaches its environment and nothing else; the kernel refuses writes outside and the network; isError is a tool error; nothing is left running"
  )
  func stdioServer() throws {
    guard FileManager.default.isExecutableFile(atPath: Self.python) else { return }
    // Not under /tmp: the server's /tmp is its own.
    let outside = "/var/tmp/yoi-mcp-outside-\(UUID().uuidString)"
    let listener = try StubProvider(scheme: .openaiChat, turns: [])
    let calls = Self.calls([
      ("mcp__calc__add", #"{"value": 2}"#), ("mcp__calc__add", #"{"value": 3}"#), ("mcp__calc__token", "{}"),
      ("mcp__calc__escape", #"{"path": "\#(outside)"}"#), ("mcp__calc__connect", #"{"port": \#(listener.port)}"#), ("mcp__calc__fail", "{}"),
    ])
    let marker = "calc-\(UUID().uuidString).py"
    let fixture = try RuntimeFixture(
      scheme: .openaiChat, turns: [.reply(text: "", toolCalls: calls), .reply(text: "done")], profile: Self.server(marker))
    try fixture.home.write("repo/\(marker)", try String(contentsOf: YoiBinary.fixtures.appendingPathComponent("mcp/calc.py"), encoding: .utf8))
    #expect(try fixture.home.run(["secret", "set", "mcp/calc/token"], stdin: RuntimeFixture.canary + "-mcp\n").status == 0)
    let run = try fixture.run("calculate")
    #expect(run.status == 0, "\(run.stderr)")
    let results = try fixture.log().split(separator: "\n").filter { $0.contains(#""type":"tool_result""#) }.map(String.init)
    #expect(results.count == 6, "\(run.stderr)")
    guard results.count == 6 else { return }
    #expect(results[0].contains("total=2") && results[1].contains("total=5"), "\(results)")
    #expect(results[2].contains("token-set"), "\(results[2])")
    #expect(results[3].contains("refused") && !FileManager.default.fileExists(atPath: outside), "\(results[3])")
    #expect(results[4].contains("refused"), "\(results[4])")
    #expect(results[5].contains(#""is_error":true"#), "\(results[5])")
    #expect(fixture.provider.requests.first?.body.contains("[from MCP server calc]") == true)
    let everything = [run.stdout, run.stderr, try fixture.log(), try fixture.home.run(["pod", "show", fixture.pod]).stdout].joined()
    #expect(!everything.contains(RuntimeFixture.canary + "-mcp"))
    for (path, data) in try fixture.dataFiles() where !path.hasSuffix("secrets.json") {
      #expect(data.range(of: Data((RuntimeFixture.canary + "-mcp").utf8)) == nil, "\(path)")
    }
    #expect(Self.processes(holding: marker).isEmpty, "a server process outlived the run")
  }

  @Test("a server that hangs at initialise is skipped after the timeout and the run goes on; permissions deny mcp__calc__* refuses")
  func hangAndDeny() throws {
    guard FileManager.default.isExecutableFile(atPath: Self.python) else { return }
    let hang = try RuntimeFixture(
      scheme: .openaiChat, turns: [.reply(text: "went on")], profile: Self.server("hang.py", name: "stuck", token: false))
    try hang.home.write("repo/hang.py", try String(contentsOf: YoiBinary.fixtures.appendingPathComponent("mcp/hang.py"), encoding: .utf8))
    let started = Date()
    let run = try hang.home.run(["pod", "run", hang.pod, "hello"], environment: ["YOI_MCP_START_SECONDS": "1"])
    #expect(run.status == 0 && run.stdout.contains("went on"), "\(run.stderr)")
    #expect(run.stderr.contains("MCP server `stuck` did not initialise within"), "\(run.stderr)")
    #expect(Date().timeIntervalSince(started) < 15)
    #expect(Self.processes(holding: "hang.py").isEmpty)

    let denied = try RuntimeFixture(
      scheme: .openaiChat, turns: [.reply(text: "", toolCalls: Self.calls([("mcp__calc__add", #"{"value": 1}"#)])), .reply(text: "ok")],
      profile: Self.server("calc.py")
        + #"permissions = { default_action = "allow", rule = { { tool = "mcp__calc__*", pattern = "*", action = "deny" } } },"#)
    try denied.home.write("repo/calc.py", try String(contentsOf: YoiBinary.fixtures.appendingPathComponent("mcp/calc.py"), encoding: .utf8))
    #expect(try denied.home.run(["secret", "set", "mcp/calc/token"], stdin: "x\n").status == 0)
    #expect(try denied.run("add").status == 0)
    let result = try denied.log().split(separator: "\n").first { $0.contains(#""type":"tool_result""#) }.map(String.init) ?? ""
    #expect(result.contains(#"refused by permissions.rule[1] (mcp__calc__* \"*\" → deny)"#), "\(result)")
  }

  @Test("a Streamable HTTP server (official SDK) gets its Authorization header from a yoi.secret, and its tool's result reaches the model")
  func httpServer() throws {
    guard FileManager.default.isExecutableFile(atPath: Self.python) else { return }
    let probe = try StubProvider(scheme: .openaiChat, turns: [])
    let port = probe.port
    probe.stop()
    let token = "tracker-canary-\(UUID().uuidString.prefix(8))"
    let tracker = Process()
    tracker.executableURL = URL(fileURLWithPath: Self.python)
    tracker.arguments = [YoiBinary.fixtures.appendingPathComponent("mcp/tracker.py").path, "\(port)", token]
    tracker.standardOutput = FileHandle.nullDevice
    tracker.standardError = FileHandle.nullDevice
    try tracker.run()
    defer {
      // uvicorn waits for open connections on SIGTERM; the test is done with it.
      kill(tracker.processIdentifier, SIGKILL)
      tracker.waitUntilExit()
    }
    // Ready when it accepts connections.
    for _ in 0..<100 {
      let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      var address = sockaddr_in()
      address.sin_family = sa_family_t(AF_INET)
      address.sin_port = in_port_t(UInt16(port).bigEndian)
      address.sin_addr.s_addr = inet_addr("127.0.0.1")
      let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
      }
      close(socket)
      if connected == 0 { break }
      usleep(100_000)
    }
    let fixture = try RuntimeFixture(
      scheme: .openaiChat,
      turns: [.reply(text: "", toolCalls: Self.calls([("mcp__tracker__file_issue", #"{"title": "the parser drops comments"}"#)])), .reply(text: "filed")],
      profile: """
        mcp = { servers = { yoi.mcp.http { name = "tracker", url = "http://127.0.0.1:\(port)/mcp", headers = { Authorization = yoi.secret("mcp/tracker/auth") } } } },
        """)
    #expect(try fixture.home.run(["secret", "set", "mcp/tracker/auth"], stdin: "Bearer \(token)\n").status == 0)
    let run = try fixture.run("file it")
    #expect(run.status == 0, "\(run.stderr)")
    let result = try fixture.log().split(separator: "\n").first { $0.contains(#""type":"tool_result""#) }.map(String.init) ?? ""
    #expect(result.contains("issue #1: the parser drops comments") && !result.contains(#""is_error":true"#), "\(result)\n\(run.stderr)")
    for text in [run.stdout, run.stderr, try fixture.log()] { #expect(!text.contains(token)) }
  }
}
