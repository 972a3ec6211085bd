import Foundation
public import YoiManifest

/// `AGENTS.md` files (DESIGN.md §12.9): what a repository tells any agent about how it works,
/// from the repository root down to the workspace, outermost first.
///
/// The files are workspace content, so untrusted: a symlinked `AGENTS.md` is skipped (it could
/// point at a key file and send it to the provider), and the sizes are capped.
public struct ProjectInstructions: Sendable, Hashable {
  public struct File: Sendable, Hashable, Codable {
    public var path: String
    /// Of the whole file, even when the prompt holds a cut.
    public var sha256: String
    /// What the prompt holds (cut with a marker past the caps).
    public var text: String

    enum CodingKeys: String, CodingKey { case path, sha256 }

    public init(path: String, sha256: String, text: String) {
      self.path = path
      self.sha256 = sha256
      self.text = text
    }

    public init(from decoder: any Decoder) throws {
      let container = try decoder.container(keyedBy: CodingKeys.self)
      path = try container.decode(String.self, forKey: .path)
      sha256 = try container.decode(String.self, forKey: .sha256)
      text = ""
    }
  }

  public static let fileName = "AGENTS.md"
  public static let maximumFileBytes = 32 << 10
  public static let maximumTotalBytes = 64 << 10

  public var files: [File]

  /// The files for `workspace`: its own and each ancestor's up to the nearest one holding
  /// `.git` (none: the workspace alone).
  public static func load(workspace: String) -> ProjectInstructions {
    var directories = [workspace]
    var current = workspace
    var foundRoot = FileSystem.kind(workspace + "/.git") != nil
    while !foundRoot, current != "/" {
      current = PathLexer.dirname(current)
      directories.append(current)
      foundRoot = FileSystem.kind(current + "/.git") != nil
    }
    if !foundRoot { directories = [workspace] }
    var files: [File] = []
    var total = 0
    for directory in directories.reversed() {
      let path = (directory == "/" ? "" : directory) + "/" + fileName
      guard FileSystem.kind(path) == .file, let read = try? FileSystem.read(path, limit: 4 << 20) else { continue }
      let room = min(maximumFileBytes, maximumTotalBytes - total)
      guard room > 0 else { break }
      let text = String(decoding: read.bytes, as: UTF8.self)
      var kept = text
      if read.bytes.count > room {
        kept = Self.prefix(read.bytes, bytes: room)
        kept += "\n[… \(fileName) cut here: \(kept.utf8.count) of \(read.size) bytes kept; yoi reads at most 32 KiB a file, 64 KiB in all]"
      }
      total += min(read.bytes.count, room)
      files.append(File(path: path, sha256: SHA256.hex(read.bytes), text: kept))
    }
    return ProjectInstructions(files: files)
  }

  /// The first `bytes` bytes, cut back to a character boundary.
  static func prefix(_ data: [UInt8], bytes: Int) -> String {
    var end = min(bytes, data.count)
    while end > 0, end < data.count, data[end] & 0xC0 == 0x80 { end -= 1 }
    return String(decoding: data[..<end], as: UTF8.self)
  }

  /// The system prompt's section, or nil when there is no file.
  public var promptSection: String? {
    guard !files.isEmpty else { return nil }
    let parts = files.map { "## \($0.path)\n\n\($0.text)" }
    return "# Project instructions (AGENTS.md)\nThe project's own notes for agents, outermost first; the nearer file wins where they differ.\n\n"
      + parts.joined(separator: "\n\n")
  }
}
