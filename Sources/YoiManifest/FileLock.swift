#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive advisory lock (flock) on a lock file, held while `body` runs. Used around
/// every load–modify–save of yoi's small state files (the secret store, project trust) and
/// around store migrations, so concurrent `yoi` processes never lose each other's writes.
public enum FileLock {
  /// Runs `body` holding the lock on `path` (created 0600, its directory 0700, if missing).
  /// - Throws: `FileLock.Failure` when the lock file cannot be opened, or what `body` throws.
  public static func withExclusiveLock<T, E: Error>(_ path: String, _ body: () throws(E) -> T) throws(E) -> T {
    // Never through a symlink: a lock file in workspace content (.yoi/memory, .yoi/tickets)
    // is the repository's to plant, and opening it with O_CREAT would create its target.
    let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
    if descriptor >= 0 {
      while flock(descriptor, LOCK_EX) != 0 && errno == EINTR {}
    }
    defer {
      if descriptor >= 0 {
        flock(descriptor, LOCK_UN)
        close(descriptor)
      }
    }
    // Without a lock file (a read-only data directory) the caller's own write fails and says so.
    return try body()
  }

  /// Creates `directory` (and its parents) with mode 0700; an existing one is left as it is.
  /// - Returns: false when it cannot be created.
  @discardableResult
  public static func createPrivateDirectory(_ directory: String) -> Bool {
    var status = stat()
    if stat(directory, &status) == 0 { return (status.st_mode & S_IFMT) == S_IFDIR }
    let parent = PathLexer.dirname(directory)
    if parent != directory, stat(parent, &status) != 0 { createPrivateDirectory(parent) }
    return mkdir(directory, 0o700) == 0 || errno == EEXIST
  }
}
