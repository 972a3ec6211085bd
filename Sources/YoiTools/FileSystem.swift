import Foundation

/// The few file-system operations the tools need, written against the C library so that
/// symlinks are never followed where they must not be.
enum FileSystem {
  enum Kind { case file, directory, symlink, other }

  static func kind(_ path: String) -> Kind? {
    var info = stat()
    guard lstat(path, &info) == 0 else { return nil }
    switch info.st_mode & S_IFMT {
    case S_IFREG: return .file
    case S_IFDIR: return .directory
    case S_IFLNK: return .symlink
    default: return .other
    }
  }

  /// Reads at most `limit` bytes of a regular file, never through a final symlink.
  static func read(_ path: String, limit: Int) throws(ToolFailure) -> (bytes: [UInt8], size: Int) {
    let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
    guard descriptor >= 0 else { throw ToolFailure("cannot open \(path): \(String(cString: strerror(errno)))") }
    defer { close(descriptor) }
    var info = stat()
    guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { throw ToolFailure("\(path) is not a regular file") }
    let size = Int(info.st_size)
    var bytes = [UInt8](repeating: 0, count: min(size, limit))
    var filled = 0
    while filled < bytes.count {
      let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + filled, $0.count - filled, off_t(filled)) }
      if count <= 0 { break }
      filled += count
    }
    return (Array(bytes.prefix(filled)), size)
  }

  /// Replaces `path` with `bytes` atomically: a temporary file in the same directory, then a
  /// rename, which replaces a final symlink instead of writing through it. `directory` must
  /// be canonical (the caller checked it holds no symlink).
  static func writeAtomically(_ bytes: [UInt8], directory: String, name: String) throws(ToolFailure) {
    let target = directory + "/" + name
    var mode: mode_t = 0o644
    var existing = stat()
    if lstat(target, &existing) == 0 {
      if existing.st_mode & S_IFMT == S_IFDIR { throw ToolFailure("\(target) is a directory") }
      if existing.st_mode & S_IFMT == S_IFREG { mode = existing.st_mode & 0o7777 }
    }
    let temporary = directory + "/.\(name).yoi-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
    guard descriptor >= 0 else { throw ToolFailure("cannot write in \(directory): \(String(cString: strerror(errno)))") }
    var written = 0
    while written < bytes.count {
      let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, $0.count - written) }
      if count <= 0 {
        let reason = String(cString: strerror(errno))
        close(descriptor)
        unlink(temporary)
        throw ToolFailure("cannot write \(target): \(reason)")
      }
      written += count
    }
    fchmod(descriptor, mode)
    close(descriptor)
    guard rename(temporary, target) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temporary)
      throw ToolFailure("cannot write \(target): \(reason)")
    }
  }

  /// Creates `directory` and its missing parents (mode 0755).
  static func createDirectories(_ directory: String) -> Bool {
    if kind(directory) == .directory { return true }
    let parent = (directory as NSString).deletingLastPathComponent
    guard parent != directory, createDirectories(parent) else { return false }
    return mkdir(directory, 0o755) == 0 || errno == EEXIST
  }

  /// Entries of a directory (not `.`/`..`), sorted by name.
  static func entries(_ directory: String) -> [String]? {
    guard let handle = opendir(directory) else { return nil }
    defer { closedir(handle) }
    var names: [String] = []
    while let entry = readdir(handle) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in String(cString: raw.bindMemory(to: CChar.self).baseAddress!) }
      if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted()
  }
}

/// A tool call that could not be done; its message is what the model reads.
struct ToolFailure: Error {
  var message: String
  init(_ message: String) { self.message = message }
}
