import Foundation
import Testing
import YoiManifest
import YoiStubProvider

/// The `shell` tool under Landlock, end to end: what a command may and may not touch.
@Suite("Shell tool under Landlock")
struct RuntimeShellTests {
  static func shell(_ command: String, timeout: Int? = nil) -> (name: String, arguments: String) {
    var object = JSONObject([(key: "command", value: .string(command))])
    if let timeout { object["timeout_ms"] = .integer(Int64(timeout)) }
    return (name: "shell", arguments: CanonicalJSON.compact(.object(object)))
  }

  /// Live (not zombie) processes whose command line holds `token`.
  static func processes(holding token: String) -> [String] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.filter { entry in
      guard entry.first?.isNumber == true, let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")"), stat[stat.index(after: close)...].split(separator: " ").first != "Z",
        let commandLine = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline")
      else { return false }
      return String(decoding: commandLine, as: UTF8.self).contains(token)
    }
  }

  @Test("credentials inside the system paths (/etc/shadow, host keys) are hidden from the shell, also when yoi runs as root")
  func systemSecretsAreHidden() throws {
    let shadow = (try? String(contentsOfFile: "/etc/shadow", encoding: .utf8)) ?? ""
    let (results, _) = try RuntimeScopeTests.toolResults([Self.shell("cat /etc/shadow /etc/gshadow; ls /etc/ssl/private; echo end")])
    #expect(results.count == 1)
    #expect(results.first?.contains("end") == true, "\(results)")
    // As the other shell tests, this runs where namespaces work (Landlock alone cannot take a
    // file out of /etc); a test run that cannot read /etc/shadow itself checks nothing here.
    if let firstLine = shadow.split(separator: "\n").first {
      #expect(!(results.first ?? "").contains(firstLine), "\(results)")
    }
  }

  @Test("writes inside succeed; outside, under deny_write, into the shared /tmp and reads outside fail")
  func fileSystem() throws {
    let outside = FileManager.default.temporaryDirectory.appendingPathComponent("yoi-shell-outside-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
    try "secret outside".write(to: outside.appendingPathComponent("private.txt"), atomically: true, encoding: .utf8)
    let sharedTemp = "/tmp/yoi-shell-shared-\(UUID().uuidString)"
    let calls = [
      Self.shell("echo inside > src/ok.txt && mkdir -p src/deeper && echo deeper > src/deeper/x.txt && cat src/ok.txt"),
      Self.shell("echo escape > \(outside.path)/escaped.txt"),
      Self.shell("echo vendored > vendor/lib.txt"),
      Self.shell("echo shared > \(sharedTemp)"),
      Self.shell("cat \(outside.path)/private.txt"),
      Self.shell("echo private > $TMPDIR/scratch && cat $TMPDIR/scratch && echo home=$HOME"),
    ]
    let (results, fixture) = try RuntimeScopeTests.toolResults(calls, profile: #"scope = yoi.scope.workspace_write { deny_write = { "vendor" } },"#) {
      fixture in
      try FileManager.default.createDirectory(at: fixture.workspace.appendingPathComponent("src"), withIntermediateDirectories: true)
      try FileManager.default.createDirectory(at: fixture.workspace.appendingPathComponent("vendor"), withIntermediateDirectories: true)
    }
    #expect(results.count == 6)
    #expect(results[0] == "inside\n[exit status 0]", "\(results[0])")
    #expect(try fixture.home.read("repo/src/deeper/x.txt") == "deeper\n")
    // Outside the scope nothing exists in the view; a deny_write subtree is a read-only mount;
    // /tmp is the call's own.
    for index in [1, 2, 4] {
      #expect(
        ["Directory nonexistent", "No such file", "Read-only file system", "Permission denied"].contains(where: results[index].contains),
        "\(index): \(results[index])")
      #expect(!results[index].hasSuffix("[exit status 0]"), "\(index): \(results[index])")
    }
    #expect(!FileManager.default.fileExists(atPath: outside.appendingPathComponent("escaped.txt").path))
    #expect(!FileManager.default.fileExists(atPath: fixture.workspace.appendingPathComponent("vendor/lib.txt").path))
    #expect(!FileManager.default.fileExists(atPath: sharedTemp))
    #expect(!results[4].contains("secret outside"))
    #expect(results[5].hasPrefix("private\nhome=/tmp\n"), "\(results[5])")
  }

  @Test("system binaries run; TCP to a loopback listener is refused without feature.web; no secret in the environment")
  func programsNetworkEnvironment() throws {
    let listener = try StubProvider(scheme: .openaiChat, turns: [])
    let calls = [
      Self.shell("cat /etc/os-release | head -1 && python3 -c 'print(6 * 7)'"),
      Self.shell("python3 -c \"import socket; socket.create_connection(('127.0.0.1', \(listener.port)), timeout=2); print('connected')\""),
      Self.shell("env"),
    ]
    let (results, fixture) = try RuntimeScopeTests.toolResults(
      calls, environment: ["ANTHROPIC_API_KEY": RuntimeFixture.canary, "OPENAI_API_KEY": RuntimeFixture.canary, "YOI_PROVIDER_TOKEN": RuntimeFixture.canary])
    try #require(results.count == 3)
    #expect(results[0].contains("42\n[exit status 0]"), "\(results[0])")
    #expect(results[1].contains("PermissionError") && !results[1].contains("connected"), "\(results[1])")
    #expect(!results[2].contains(RuntimeFixture.canary) && !results[2].contains("YOI_"), "\(results[2])")
    #expect(listener.requests.isEmpty)
    _ = fixture
  }

  @Test("a command past its timeout is killed with its children; a fork bomb is contained by the timeout")
  func timeouts() throws {
    let token = "61.\(UInt32.random(in: 100_000...999_999))"
    let calls = [
      Self.shell("sleep \(token) & sleep \(token)", timeout: 400),
      Self.shell("bomb() { sleep 0.1; bomb & bomb; }; bomb # \(token)", timeout: 600),
    ]
    let started = Date()
    let (results, _) = try RuntimeScopeTests.toolResults(calls)
    #expect(Date().timeIntervalSince(started) < 10)
    #expect(results[0].contains("[timed out after 400 ms; the command and its children were killed]"))
    #expect(results[1].contains("[timed out after 600 ms"))
    #expect(Self.processes(holding: token).isEmpty)
  }
}
