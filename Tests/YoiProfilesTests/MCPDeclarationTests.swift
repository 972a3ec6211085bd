import Foundation
import Testing
import YoiDiagnostics
import YoiManifest
@testable import YoiProfiles

/// MCP servers declared in profiles (DESIGN.md §12.10, issue 24 item 1): the manifest's
/// `mcp.servers`, secrets only as references, every mistake located.
@Suite("MCP server declarations")
struct MCPDeclarationTests {
  static func resolveText(_ text: String) throws(YoiError) -> PodManifest {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("yoi-mcp-\(UUID().uuidString)").path
    try? FileManager.default.createDirectory(atPath: directory + "/tools", withIntermediateDirectories: true)
    try? text.write(toFile: directory + "/p.lua", atomically: true, encoding: .utf8)
    let resolver = ProfileResolver(workingDirectory: directory)
    return try resolver.resolve(.path("p.lua"), inputs: ResolutionInputs(podName: "pod", workspace: directory)).manifest
  }

  static let model = #"model = { scheme = "openai_chat", model_id = "m", base_url = "http://127.0.0.1:9" },"#

  @Test("stdio and http servers resolve to typed sections with references, a resolved cwd and every default")
  func resolves() throws {
    let manifest = try Self.resolveText(
      """
      local yoi = require("yoi")
      local mcp = require("yoi.mcp")
      return { \(Self.model)
        mcp = { servers = {
          mcp.stdio { name = "calc", command = { "python3", "calc.py" }, cwd = "tools",
            env = { inherit = { "PATH" }, set = { TOKEN = yoi.secret("mcp/calc/token"), MODE = "fast", HOME_KEY = yoi.env("CALC_KEY") } } },
          yoi.mcp.http { name = "tracker", url = "https://tracker.example/mcp", headers = { Authorization = yoi.secret("mcp/tracker/auth") } },
        } },
      }
      """)
    let servers = try #require(manifest.sections.mcp?.servers)
    #expect(servers.map(\.name) == ["calc", "tracker"])
    let calc = servers[0]
    #expect(calc.transport == .stdio && calc.command == ["python3", "calc.py"] && calc.network == false && calc.read == [] && calc.write == [])
    #expect(calc.cwd?.hasSuffix("/tools") == true && calc.cwd?.hasPrefix("/") == true)
    #expect(calc.env?.set["TOKEN"] == .reference(.secretReference("mcp/calc/token")))
    #expect(calc.env?.set["HOME_KEY"] == .reference(.environment("CALC_KEY")))
    #expect(calc.env?.set["MODE"] == .literal("fast"))
    #expect(servers[1].headers?["Authorization"] == .reference(.secretReference("mcp/tracker/auth")))
    #expect(manifest.json["mcp"] != nil)
    // What a person is asked to trust names each server's command or URL.
    let summary = ManifestSummary(manifest)
    #expect(summary.lines.contains { $0.contains("calc (stdio: python3 calc.py; network: no)") && $0.contains("tracker (http: https://tracker.example/mcp)") })
    #expect(summary.secretReferences == ["mcp/calc/token", "mcp/tracker/auth"])
    // A profile without servers writes no `mcp` member (older snapshots keep their bytes).
    let plain = try Self.resolveText("return { \(Self.model) }")
    #expect(plain.json["mcp"] == nil && plain.sections.mcp == nil)
  }

  @Test("bad declarations are located: names, duplicates, transports, required fields, paths, inline credentials")
  func mistakes() {
    do {
      _ = try Self.resolveText(
        """
        local yoi = require("yoi")
        return { \(Self.model)
          mcp = { servers = {
            yoi.mcp.stdio { name = "a", command = { "x" }, read = { "rel/path" } },
            yoi.mcp.http { name = "b", url = "https://x", headers = { Authorization = "Bearer abc123" } },
            { name = "c", transport = "smtp" },
            yoi.mcp.http { name = "d" },
          } },
        }
        """)
      Issue.record("expected errors")
    } catch {
      let found = error.diagnostics.map { "\($0.location?.line ?? 0): \($0.message)" }
      #expect(found.contains { $0.hasPrefix("4: mcp.servers[1].read[1]: expected an absolute or ~/ path") }, "\(found)")
      #expect(found.contains("5: mcp.servers[2].headers.Authorization: a credential is not written into a profile"), "\(found)")
      #expect(found.contains { $0.hasPrefix("6: mcp.servers[3].transport: expected one of \"stdio\", \"http\"") }, "\(found)")
      #expect(found.contains("7: mcp.servers[4].url: `http` needs `url`"), "\(found)")
      #expect(!error.rendered.contains("abc123"))
    }
    do {
      _ = try Self.resolveText(
        """
        local yoi = require("yoi")
        return { \(Self.model)
          mcp = { servers = {
            yoi.mcp.stdio { name = "Calc!", command = {} },
            yoi.mcp.stdio { name = "a", command = { "x" } },
            yoi.mcp.http { name = "a", url = "ftp://x" },
          } },
        }
        """)
      Issue.record("expected errors")
    } catch {
      let found = error.diagnostics.map { "\($0.location?.line ?? 0): \($0.message)" }
      #expect(found.contains { $0.hasPrefix("4: mcp.servers[1].name: `Calc!` is not a server name") }, "\(found)")
      #expect(found.contains("4: mcp.servers[1].command: the command is empty; give the program and its arguments"), "\(found)")
      #expect(found.contains("6: mcp.servers[3].name: a second server named `a`; server names are unique"), "\(found)")
      #expect(found.contains("6: mcp.servers[3].url: `ftp://x` is not an http(s) URL"), "\(found)")
    }
  }
}
