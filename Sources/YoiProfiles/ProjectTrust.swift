import Foundation
import YoiDiagnostics
import YoiManifest

/// Which project profiles the user has trusted, pinned by content digest, stored in
/// `<data>/trusted-profiles` (one `<sha256> <absolute path>` line each). A project registry
/// arrives with whatever repository was cloned: resolving one of its profiles the first
/// time, or after its content changed, needs the user's say-so.
public struct ProjectTrust: Sendable {
  public let file: String

  public init(dataDirectory: String) {
    file = dataDirectory + "/trusted-profiles"
  }

  /// The digest recorded for `path`, if any.
  public func trustedDigest(for path: String) -> String? {
    records()[path]
  }

  /// Records `digest` as trusted for `path`, replacing an older digest. Written atomically.
  /// - Throws: `ProfileError` when the data directory cannot be written.
  public func trust(path: String, digest: String) throws(ProfileError) {
    var all = records()
    all[path] = digest
    let text = all.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)\n" }.joined()
    do {
      try FileManager.default.createDirectory(atPath: PathLexer.dirname(file), withIntermediateDirectories: true)
      try Data(text.utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
    } catch {
      throw .single("cannot record trust in \(file): \(error.localizedDescription)", code: "E-TRUST")
    }
  }

  private func records() -> [String: String] {
    guard let data = FileManager.default.contents(atPath: file) else { return [:] }
    var records: [String: String] = [:]
    for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
      let parts = line.split(separator: " ", maxSplits: 1)
      if parts.count == 2, parts[0].count == 64 { records[String(parts[1])] = String(parts[0]) }
    }
    return records
  }
}
