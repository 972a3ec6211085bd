import Foundation
import YoiDiagnostics

/// Reads the text files yoi takes from users and repositories (profiles, modules, registries,
/// `models.toml`, `--manifest`) with a size cap. They arrive with cloned repositories: a 3 GB
/// sparse module once went resident whole, and a FIFO would block `open`. Only regular files
/// are read, never more than the cap plus one byte.
public enum BoundedFile {
  /// The cap for Lua sources (profiles, modules, `yoi eval`).
  public static let luaLimit = 1 << 20
  /// The cap for TOML files (registries, `models.toml`, `--manifest`).
  public static let tomlLimit = 256 << 10

  /// Why a file could not be read.
  public enum Failure: Error, Sendable, Equatable {
    case missing
    case notRegularFile
    case tooLarge(limit: Int)
    case unreadable(String)
    case notUTF8

    /// A sentence fragment for a diagnostic: "<path> <reason>".
    public var reason: String {
      switch self {
      case .missing: "does not exist"
      case .notRegularFile: "is not a regular file"
      case .tooLarge(let limit): "is larger than \(limit >= 1 << 20 ? "\(limit >> 20) MiB" : "\(limit >> 10) KiB"), the most yoi reads for such a file"
      case .unreadable(let why): "cannot be read (\(why))"
      case .notUTF8: "is not valid UTF-8 text"
      }
    }
  }

  /// The UTF-8 text of the regular file at `path`, at most `limit` bytes.
  public static func readText(_ path: String, limit: Int) -> Result<String, Failure> {
    // O_NONBLOCK: opening a FIFO planted where a profile should be must not wait for a writer.
    let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
    guard descriptor >= 0 else {
      return .failure(errno == ENOENT || errno == ENOTDIR ? .missing : .unreadable(String(cString: strerror(errno))))
    }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { return .failure(.unreadable(String(cString: strerror(errno)))) }
    guard (status.st_mode & S_IFMT) == S_IFREG else { return .failure(.notRegularFile) }
    if Int(status.st_size) > limit { return .failure(.tooLarge(limit: limit)) }
    // The size can lie (files in /proc report 0): read until the end or limit + 1 bytes.
    var bytes = [UInt8](repeating: 0, count: min(limit + 1, max(Int(status.st_size) + 1, 4096)))
    var count = 0
    while count <= limit {
      if count == bytes.count { bytes += [UInt8](repeating: 0, count: min(bytes.count, limit + 1 - bytes.count)) }
      let read = bytes.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress! + count, $0.count - count) }
      if read < 0 {
        if errno == EINTR { continue }
        return .failure(.unreadable(String(cString: strerror(errno))))
      }
      if read == 0 { break }
      count += read
    }
    if count > limit { return .failure(.tooLarge(limit: limit)) }
    guard let text = String(validating: bytes[..<count], as: UTF8.self) else { return .failure(.notUTF8) }
    return .success(text)
  }
}
