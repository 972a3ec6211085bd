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

  /// A Pod whose profile declares the eventful `lively` server (Fixtures/mcp/lively.py).
  static func lively(_ turns: [StubProvider.Turn], script: String = "lively.py") throws -> RuntimeFixture {
    let fixture = try RuntimeFixture(scheme: .openaiChat, turns: turns, profile: Self.server(script, name: "lively", token: false))
    try fixture.home.write("repo/\(script)", try String(contentsOf: YoiBinary.fixtures.appendingPathComponent("mcp/lively.py"), encoding: .utf8))
    return fixture
  }

  static func toolResults(_ fixture: RuntimeFixture) throws -> [String] {
    try fixture.log().split(separator: "\n").filter { $0.contains(#""type":"tool_result""#) }.map(String.init)
  }

  @Test("notifications/tools/list_changed: the next turn offers the server's new tool, and it works")
  func listChanged() throws {
    guard FileManager.default.isExecutableFile(atPath: Self.python) else { return }
    let fixture = try Self.lively([
      .reply(text: "", toolCalls: Self.calls([("mcp__lively__grow", "{}")])),
      .reply(text: "", toolCalls: Self.calls([("mcp__lively__double", #"{"value": 21}"#)])), .reply(text: "done"),
    ])
    let run = try fixture.run("grow")
    #expect(run.status == 0, "\(run.stderr)")
    let requests = fixture.provider.requests.map(\.body)
    try #require(requests.count == 3)
    #expect(!requests[0].contains("mcp__lively__double") && requests[1].contains("mcp__lively__double"))
    let results = try Self.toolResults(fixture)
    #expect(results.count == 2 && results[1].contains("doubled=42"), "\(results)")
  }

  @Test("progress keeps a long call alive past the idle limit; a call silent for the limit is cancelled with a tool error")
  func progressAndIdleLimit() throws {
    guard FileManager.default.isExecutableFile(atPath: Self.python) else { return }
    let fixture = try Self.lively([
      .reply(
        text: "",
        toolCalls: Self.calls([
          ("mcp__lively__crawl", #"{"seconds": 2.4, "progress": true}"#), ("mcp__lively__crawl", #"{"seconds": 4, "progress": false}"#),
          ("mcp__lively__count", "{}"),
        ])),
      .reply(text: "done"),
    ])
    let run = try fixture.home.run(["pod", "run", fixture.pod, "crawl"], environment: ["YOI_MCP_CALL_IDLE_SECONDS": "1"])
    #expect(run.status == 0, "\(run.stderr)")
    let results = try Self.toolResults(fixture)
    try #require(results.count == 3, "\(run.stderr)")
    #expect(results[0].contains("crawled 2.4") && !results[0].contains(#""is_error":true"#), "\(results[0])")
    #expect(results[1].contains("neither answered crawl nor reported progress for 1.0 seconds") && results[1].contains(#""is_error":true"#), "\(results[1])")
    // The server was told the call was cancelled and still answers.
    #expect(results[2].contains("calls=1"), "\(results[2])")
  }

  @Test("a server that exits mid-call is reported and restarted once (a fresh process); the second exit leaves its tools failing by name")
  func exitMidRun() throws {
    guard FileManager.default.isExecutableFile(atPath: Self.python) else { return }
    let fixture = try Self.lively([
      .reply(
        text: "",
        toolCalls: Self.calls([
          ("mcp__lively__count", "{}"), ("mcp__lively__count", "{}"), ("mcp__lively__die", "{}"), ("mcp__lively__count", "{}"), ("mcp__lively__die", "{}"),
          ("mcp__lively__count", "{}"),
        ])),
      .reply(text: "done"),
    ])
    let run = try fixture.run("live and die")
    #expect(run.status == 0, "\(run.stderr)")
    let results = try Self.toolResults(fixture)
    try #require(results.count == 6, "\(run.stderr)")
    #expect(results[1].contains("calls=2"), "\(results[1])")
    #expect(results[2].contains("MCP server `lively` exited during the call to die; it was restarted"), "\(results[2])")
    #expect(results[3].contains("calls=1"), "\(results[3])")
    #expect(results[4].contains("already restarted once this run"), "\(results[4])")
    #expect(results[5].contains("MCP server `lively`") && results[5].contains(#""is_error":true"#), "\(results[5])")
    #expect(run.stderr.contains("mcp__lively__die"), "\(run.stderr)")
    #expect(Self.processes(holding: "lively.py").filter { !$0.isEmpty }.isEmpty)
  }

  @Test("SIGINT mid-call ends the turn, and the server's process is gone after the run (by pid)")
  func interruptMidCall() throws {
    guard FileManager.default.isExecutableFile(atPath: Self.python) else { return }
    let script = "lively-\(UUID().uuidString).py"
    let fixture = try Self.lively(
      [.reply(text: "", toolCalls: Self.calls([("mcp__lively__wait", #"{"marker": "server.pid"}"#)])), .reply(text: "never")], script: script)
    let (process, _, _) = try RuntimeProcessTests.start(fixture, prompt: "wait")
    // The marker says the call is under way (the pid in it is the server's namespace's own).
    let marker = fixture.workspace.appendingPathComponent("server.pid").path
    var waited = 0
    while !FileManager.default.fileExists(atPath: marker) && waited < 200 {
      usleep(50_000)
      waited += 1
    }
    let pids = Self.processes(holding: script).compactMap { Int32($0) }
    try #require(!pids.isEmpty, "the server is not running")
    let started = Date()
    kill(process.processIdentifier, SIGINT)
    process.waitUntilExit()
    #expect(Date().timeIntervalSince(started) < 2.5)
    #expect(process.terminationStatus == 130)
    for pid in pids { #expect(kill(pid, 0) != 0 && errno == ESRCH, "the server (pid \(pid)) outlived the run") }
    #expect(try fixture.log().contains(#""type":"cancelled""#))
  }

  @Test("a hostile server whose tools/list pages never end after a list change cannot hang the run between turns")
  func endlessPages() throws {
    guard FileManager.default.isExecutableFile(atPath: Self.python) else { return }
    let fixture = try RuntimeFixture(
      scheme: .openaiChat, turns: [.reply(text: "", toolCalls: Self.calls([("mcp__hostile__trap", "{}")])), .reply(text: "went on")],
      profile: Self.server("hostile.py", name: "hostile", token: false))
    try fixture.home.write("repo/hostile.py", try String(contentsOf: YoiBinary.fixtures.appendingPathComponent("mcp/hostile.py"), encoding: .utf8))
    let started = Date()
    let run = try fixture.run("spring it")
    #expect(run.status == 0 && run.stdout.contains("went on"), "\(run.stderr)")
    #expect(Date().timeIntervalSince(started) < 10)
  }
}
