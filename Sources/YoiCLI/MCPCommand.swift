import ArgumentParser
import Foundation
import YoiAgent
import YoiDiagnostics
import YoiManifest
import YoiPods
import YoiProfiles
import YoiStore
import YoiTools

/// `yoi mcp list`: the MCP servers a Pod (or the workspace's default profile) declares, and
/// with `--probe` the tools each offers, found by starting them as a run would.
struct MCPCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mcp", abstract: "List the MCP servers a Pod declares (and, with --probe, their tools).", subcommands: [MCPListCommand.self])
}

struct MCPListCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List a Pod's MCP servers (default: the workspace's default profile's); --probe starts them and lists their tools.")

  @Argument(help: "The Pod.", completion: NameCompletion.pods) var pod: String?
  @Flag(help: "Start the servers (confined, as a run does) and list their tools.") var probe = false
  @Flag(help: "Print JSON for scripts.") var json = false

  func run() async throws {
    let servers: [MCPServer]
    if let pod {
      servers = try Stores.pods().currentManifest(of: pod).sections.mcp?.servers ?? []
    } else {
      let context = ProfileContext(workspace: nil, yes: false)
      let resolved = try context.resolver().resolve(.default, inputs: ResolutionInputs(podName: "mcp-list", workspace: context.workspacePath))
      servers = resolved.manifest.sections.mcp?.servers ?? []
    }
    var tools: [String: [MCPToolInfo]] = [:]
    var failures: [String] = []
    if probe, !servers.isEmpty {
      guard let pod else {
        throw YoiError("--probe starts a Pod's servers inside its scope: name the Pod (yoi mcp list POD --probe)", code: .usage)
      }
      let runs = try Services.runs()
      let runner = try await PodRunner(
        pod: pod, store: runs.store, secrets: runs.secrets, protectedDirectories: runs.protectedDirectories, configDirectory: runs.configDirectory)
      for connection in runner.mcpConnections { tools[connection.server.name] = connection.tools }
      failures = runner.notes.filter { $0.hasPrefix("MCP server") }
      await runner.shutdown()
    }
    if json {
      let rows: [JSONValue] = servers.map { server in
        var object: [(key: String, value: JSONValue)] = [
          ("name", .string(server.name)), ("transport", .string(server.transport.rawValue)), ("summary", .string(server.summary)),
        ]
        if probe {
          object.append(("tools", tools[server.name].map { .array($0.map { .string($0.name) }) } ?? .null))
        }
        return .object(JSONObject(object))
      }
      Terminal.writeExact(CanonicalJSON.pretty(.array(rows)))
    } else if servers.isEmpty {
      Terminal.write("no MCP servers declared\n")
    } else {
      var lines: [String] = []
      for server in servers {
        lines.append(TerminalText.inline(server.summary))
        if probe {
          let offered = tools[server.name]?.map {
            "  \(MCPTool.displayName(server: server.name, tool: $0.name)) — \(TerminalText.inline(String($0.description.prefix(80))))"
          }
          lines += offered ?? ["  (did not start)"]
        }
      }
      Terminal.writeLines(lines)
    }
    if !failures.isEmpty { Terminal.report(failures.map { Diagnostic(.warning, code: .warningMCP, message: $0) }) }
  }
}
