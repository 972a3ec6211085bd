import Foundation
import Glibc
import YoiManifest
import YoiSandbox

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

  /// Why an open failed, for the model: a symlink met on the way means the path changed after
  /// the scope check (the check was on a path without symlinks).
  static func reason(_ path: String) -> String {
    errno == ELOOP ? "\(path) changed while being opened (a symlink in the way?); refused" : "cannot open \(path): \(String(cString: strerror(errno)))"
  }

  /// Reads at most `limit` bytes of a regular file at canonical `path`, following no symlink in
  /// any component; FIFOs, sockets and devices are refused (opened non-blocking, so a FIFO
  /// cannot hang the call).
  static func read(_ path: String, limit: Int) throws(ToolFailure) -> (bytes: [UInt8], size: Int) {
    let descriptor = NoSymlinkOpen.open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY)
    guard descriptor >= 0 else { throw ToolFailure(reason(path)) }
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

  /// Calls `body` with the bytes (at most `limit`) of each regular file `names` in canonical
  /// `directory`: the directory is opened once without following symlinks, and each file
  /// relative to it with O_NOFOLLOW (a search over thousands of notes would otherwise walk
  /// every path component again for every file).
  static func readEach(in directory: String, _ names: [String], limit: Int, _ body: (String, UnsafeMutableBufferPointer<UInt8>) -> Void) {
    let parent = NoSymlinkOpen.open(directory, O_RDONLY | O_DIRECTORY)
    guard parent >= 0 else { return }
    defer { close(parent) }
    var buffer = [UInt8](repeating: 0, count: limit)
    for name in names {
      // A relative path (`skill/SKILL.md`) is walked a component at a time, none a symlink.
      var directory = parent
      let components = name.split(separator: "/").map(String.init)
      for component in components.dropLast() {
        let next = openat(directory, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        if directory != parent { close(directory) }
        directory = next
        if next < 0 { break }
      }
      guard directory >= 0, let last = components.last else { continue }
      let descriptor = openat(directory, last, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
      if directory != parent { close(directory) }
      guard descriptor >= 0 else { continue }
      var info = stat()
      guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
        close(descriptor)
        continue
      }
      var filled = 0
      while filled < limit {
        let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + filled, limit - filled) }
        if count <= 0 { break }
        filled += count
      }
      close(descriptor)
      buffer.withUnsafeMutableBufferPointer { body(name, UnsafeMutableBufferPointer(rebasing: $0[..<filled])) }
    }
  }

  /// Replaces `name` in canonical `directory` with `bytes` atomically, through a descriptor of
  /// the directory opened without following symlinks: a temporary file beside it, then a
  /// rename, which replaces a final symlink instead of writing through it.
  static func writeAtomically(_ bytes: [UInt8], directory: String, name: String) throws(ToolFailure) {
    let target = directory + "/" + name
    let parent = NoSymlinkOpen.open(directory, O_RDONLY | O_DIRECTORY)
    guard parent >= 0 else { throw ToolFailure(reason(directory)) }
    defer { close(parent) }
    var mode: mode_t = 0o644
    var existing = stat()
    if fstatat(parent, name, &existing, AT_SYMLINK_NOFOLLOW) == 0 {
      if existing.st_mode & S_IFMT == S_IFDIR { throw ToolFailure("\(target) is a directory") }
      if existing.st_mode & S_IFMT == S_IFREG { mode = existing.st_mode & 0o7777 }
    }
    let temporary = ".\(name).yoi-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let descriptor = openat(parent, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
    guard descriptor >= 0 else { throw ToolFailure("cannot write in \(directory): \(String(cString: strerror(errno)))") }
    var written = 0
    while written < bytes.count {
      let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, $0.count - written) }
      if count <= 0 {
        let reason = String(cString: strerror(errno))
        close(descriptor)
        unlinkat(parent, temporary, 0)
        throw ToolFailure("cannot write \(target): \(reason)")
      }
      written += count
    }
    fchmod(descriptor, mode)
    close(descriptor)
    guard renameat(parent, temporary, parent, name) == 0 else {
      let reason = String(cString: strerror(errno))
      unlinkat(parent, temporary, 0)
      throw ToolFailure("cannot write \(target): \(reason)")
    }
  }

  /// Creates canonical `directory` and its missing parents (mode 0755), each inside a parent
  /// opened without following symlinks.
  static func createDirectories(_ directory: String) -> Bool {
    let existing = NoSymlinkOpen.open(directory, O_RDONLY | O_DIRECTORY)
    if existing >= 0 {
      close(existing)
      return true
    }
    guard errno == ENOENT else { return false }
    let parent = PathLexer.dirname(directory)
    guard parent != directory, createDirectories(parent) else { return false }
    let descriptor = NoSymlinkOpen.open(parent, O_RDONLY | O_DIRECTORY)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    return mkdirat(descriptor, PathLexer.basename(directory), 0o755) == 0 || errno == EEXIST
  }

  /// Entries of a directory (not `.`/`..`), sorted by name; nil if `directory` is not one or
  /// is reached through a symlink.
  static func entries(_ directory: String) -> [String]? {
    let descriptor = NoSymlinkOpen.open(directory, O_RDONLY | O_DIRECTORY | O_NONBLOCK)
    guard descriptor >= 0 else { return nil }
    guard let handle = fdopendir(descriptor) else {
      close(descriptor)
      return nil
    }
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
