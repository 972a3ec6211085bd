import Foundation
public import YoiDiagnostics
import YoiManifest

/// Which project profiles the user has trusted, pinned by content digest, stored in
/// `<data>/trusted-profiles.json` (a JSON object from absolute profile path to digest,
/// written 0600 under a lock). A project registry arrives with whatever repository was
/// cloned: resolving one of its profiles the first time, or after its content changed, needs
/// the user's say-so. The records are structured: a path holding a newline cannot add a
/// record of its own (the earlier line-based file could be made to trust another project).
public struct ProjectTrust: Sendable {
  public let file: String
  private var lockFile: String { file + ".lock" }

  public init(dataDirectory: String) {
    file = dataDirectory + "/trusted-profiles.json"
  }

  /// The digest recorded for `path`, if any.
  public func trustedDigest(for path: String) -> String? {
    records()[path]
  }

  /// Records `digest` as trusted for `path`, replacing an older digest. Written atomically.
  /// - Throws: `YoiError` when the data directory cannot be written.
  public func trust(path: String, digest: String) throws(YoiError) {
    guard FileLock.createPrivateDirectory(PathLexer.dirname(file)) else {
      throw YoiError("cannot create the data directory \(PathLexer.dirname(file))", code: .trust)
    }
    try FileLock.withExclusiveLock(lockFile) { () throws(YoiError) in
      var all = records()
      all[path] = digest
      let document = CanonicalJSON.pretty(.object(JSONObject(all.map { (key: $0.key, value: JSONValue.string($0.value)) })))
      let temporary = file + ".tmp-\(getpid())"
      let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
      let bytes = Array(document.utf8)
      let written = descriptor >= 0 ? bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) } : -1
      if descriptor >= 0 { close(descriptor) }
      guard written == bytes.count, rename(temporary, file) == 0 else {
        unlink(temporary)
        throw YoiError("cannot record trust in \(file): \(String(cString: strerror(errno)))", code: .trust)
      }
    }
  }

  private func records() -> [String: String] {
    guard case .success(let text) = BoundedFile.readText(file, limit: 16 << 20),
      case .object(let object)? = try? JSONParser.parse(text)
    else { return [:] }
    var records: [String: String] = [:]
    for member in object {
      if case .string(let digest) = member.value, digest.utf8.count == 64 { records[member.key] = digest }
    }
    return records
  }
}
