import Foundation

/// A throwaway yoi installation for one test: config and data directories (through
/// YOI_CONFIG_DIR / YOI_DATA_DIR) and a project tree, all under one temp directory.
struct YoiHome {
  let root: URL
  var config: URL { root.appendingPathComponent("config") }
  var data: URL { root.appendingPathComponent("data") }
  var project: URL { root.appendingPathComponent("repo") }

  init() throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("yoi-home-\(UUID().uuidString)")
    for directory in [config, data, project] {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }
  }

  var environment: [String: String] {
    ["YOI_CONFIG_DIR": config.path, "YOI_DATA_DIR": data.path, "YOI_TRUST_PROJECT": ""]
  }

  /// Writes `text` at `path` below the root, creating directories.
  func write(_ path: String, _ text: String) throws {
    let url = root.appendingPathComponent(path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try text.write(to: url, atomically: true, encoding: .utf8)
  }

  func read(_ path: String) throws -> String {
    try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
  }

  /// Runs yoi in `directory` (below the root; the project by default).
  func run(
    _ arguments: [String], in directory: String = "repo", environment extra: [String: String] = [:], stdin: String? = nil,
    executable: String? = nil
  ) throws -> YoiBinary.Outcome {
    try YoiBinary.run(
      arguments, in: root.appendingPathComponent(directory), environment: environment.merging(extra) { $1 }, stdin: stdin,
      executable: executable)
  }

  /// A project registry with one `coder` profile, and a user registry with `mine`.
  func standardRegistries() throws {
    try write(
      "repo/.yoi/profiles.toml",
      """
      default = "coder"
      [profile]
      coder = "profiles/coder.lua"
      [profile.reviewer]
      path = "profiles/reviewer.lua"
      description = "Project reviewer"
      """)
    try write(
      "repo/.yoi/profiles/coder.lua",
      """
      local yoi = require("yoi")
      local p = yoi.profile.import("builtin:coder")
      p.description = "Project coding assistant"
      p.worker.reasoning = "medium"
      return p
      """)
    try write("repo/.yoi/profiles/reviewer.lua", "return require('yoi').profile.import('builtin:reviewer')\n")
    try write("config/profiles.toml", "[profile]\nmine = \"mine.lua\"\n")
    try write("config/mine.lua", "local p = yoi.profile.import('default') p.slug = 'mine' p.worker.reasoning = 'low' return p\n")
  }
}
