import Foundation
import Testing
import YoiDiagnostics
import YoiLua
@testable import YoiProfiles

/// The user guide cannot drift: every Lua example runs, the field table is the generated one,
/// every diagnostic code is documented, and every API function is described.
@Suite("Docs")
struct DocsTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let docs = root.appendingPathComponent("docs")
  static let pages = ((try? FileManager.default.contentsOfDirectory(atPath: docs.path)) ?? []).filter { $0.hasSuffix(".md") }.sorted()

  static func read(_ page: String) throws -> String {
    try String(contentsOf: docs.appendingPathComponent(page), encoding: .utf8)
  }

  /// Fenced blocks: (info string, body).
  static func blocks(in text: String) -> [(String, String)] {
    var blocks: [(String, String)] = []
    var current: (String, [Substring])?
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix("```") {
        if let open = current {
          blocks.append((open.0, open.1.joined(separator: "\n") + "\n"))
          current = nil
        } else {
          current = (String(line.dropFirst(3)), [])
        }
      } else {
        current?.1.append(line)
      }
    }
    return blocks
  }

  @Test(arguments: pages)
  func luaExamplesRun(page: String) throws {
    let directory = try temporaryDirectory()
    let resolver = ProfileResolver(workingDirectory: directory)
    var checked = 0
    for (index, (info, body)) in Self.blocks(in: try Self.read(page)).enumerated() where info.hasPrefix("lua") {
      if let first = body.split(separator: "\n").first, first.hasPrefix("-- file: ") {
        let path = directory + "/" + first.dropFirst("-- file: ".count)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try body.write(toFile: path, atomically: true, encoding: .utf8)
        continue
      }
      let file = "example\(index).lua"
      try body.write(toFile: "\(directory)/\(file)", atomically: true, encoding: .utf8)
      let inputs = ResolutionInputs(podName: "docs", workspace: directory)
      if info == "lua error" {
        #expect(throws: YoiError.self, "\(page) block \(index) should fail") { try resolver.resolve(.path(file), inputs: inputs) }
      } else {
        do {
          _ = try resolver.resolve(.path(file), inputs: inputs)
        } catch {
          Issue.record("\(page) block \(index) does not resolve:\n\(DiagnosticRenderer(useColor: false).render(error.diagnostics))")
        }
      }
      checked += 1
    }
    if page == "profiles.md" { #expect(checked >= 5) }
  }

  @Test func fieldTableIsTheGeneratedOne() throws {
    #expect(try Self.read("api.md").contains(FieldReference.markdown))
  }

  @Test("every environment variable is read through the one table, and docs/running.md lists each")
  func environmentVariablesHaveOneTable() throws {
    let running = try Self.read("running.md")
    for key in EnvironmentKey.allCases {
      #expect(running.contains("| `\(key.rawValue)` | \(key.summary) |"), "\(key.rawValue) is not in docs/running.md's table")
    }
    let sources = Self.root.appendingPathComponent("Sources")
    for case let file as String in FileManager.default.enumerator(atPath: sources.path) ?? FileManager.DirectoryEnumerator()
    where file.hasSuffix(".swift") && !file.hasSuffix("YoiDiagnostics/Environment.swift") {
      let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
      for reading in ["processInfo.environment", "getenv(", "environment[\""] {
        #expect(!text.contains(reading), "\(file) reads the environment with \(reading) instead of Environment")
      }
    }
  }

  @Test("the code enum and docs/diagnostics.md list the same codes")
  func everyDiagnosticCodeIsDocumented() throws {
    let headings = try Self.read("diagnostics.md").split(separator: "\n").filter { $0.hasPrefix("### ") }
    let documented = Set(headings.flatMap { $0.dropFirst(4).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } })
    #expect(documented == Set(DiagnosticCode.allCases.map(\.rawValue)))
  }

  @Test func everyDiagnosticSectionHasAnExample() throws {
    let sections = try Self.read("diagnostics.md").components(separatedBy: "\n### ").dropFirst()
    #expect(sections.count > 20)
    for section in sections {
      #expect(section.contains("```"), "no example under ### \(section.prefix { $0 != "\n" })")
    }
  }

  @Test func everyAPIFunctionIsDescribed() throws {
    // Ask the live API for its functions, so a new one without docs fails here.
    let listing = try LuaSandbox(preludes: [AuthoringPrelude.prelude.get()]).evaluate(
      .text(
        """
        local names = {}
        local function walk(t, prefix)
          for k, v in pairs(t) do
            if type(v) == "function" then names[#names + 1] = prefix .. k end
            if type(v) == "table" then walk(v, prefix .. k .. ".") end
          end
        end
        walk(yoi, "yoi.")
        return names
        """, chunkName: "list.lua")
    ).value
    guard case .array(let names) = listing else {
      Issue.record("expected a list of names")
      return
    }
    let api = try Self.read("api.md")
    #expect(names.count >= 8)  // yoi.profile itself is a callable table
    for case .string(let name) in names {
      #expect(api.contains("`\(name)("), "\(name) is not described in docs/api.md")
    }
  }
}
