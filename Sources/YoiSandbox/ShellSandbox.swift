import Foundation
import Glibc
import YoiCSandbox

/// The kernel sandbox of the `shell` tool (DESIGN.md §12.5), set up by the small `yoi-sandbox`
/// helper that sits beside the `yoi` binary: a fresh root view in private user, mount, PID and
/// (without web access) network namespaces, with Landlock on top; or, where the kernel or the
/// user refuses namespaces, Landlock alone.
public enum ShellSandbox {
  /// The helper's file name, beside `yoi`.
  public static let helperName = "yoi-sandbox"

  /// The kernel's Landlock ABI, or nil without Landlock.
  public static var abi: Int? {
    let abi = yoi_landlock_abi()
    return abi >= 1 ? Int(abi) : nil
  }

  /// How a call is confined.
  public enum Mode: Sendable, Equatable {
    /// Namespaces and a fresh root view, Landlock on top.
    case namespaces
    /// Landlock alone (the weaker layout), with the reason namespaces are not used.
    case landlockOnly(reason: String)
  }

  /// The mode this machine gives, found once per process by asking the helper to create the
  /// namespaces (the only reliable test: sysctls, AppArmor and seccomp can each refuse them).
  /// `YOI_SANDBOX=landlock` (passed in as `forceLandlock`) chooses Landlock alone.
  public static func mode(helper: String, forceLandlock: Bool) -> Mode {
    if forceLandlock { return .landlockOnly(reason: "YOI_SANDBOX=landlock is set") }
    return probed(helper)
  }

  private static let probeCache = Mutex<[String: Mode]>([:])

  private static func probed(_ helper: String) -> Mode {
    if let known = probeCache.withLock({ $0[helper] }) { return known }
    var pid: pid_t = 0
    let spawned = withCStringArray([helper, "--probe"]) { argv in
      withCStringArray([]) { environment in posix_spawn(&pid, helper, nil, nil, argv, environment) }
    }
    var status: Int32 = 0
    let mode: Mode
    if spawned != 0 {
      mode = .landlockOnly(reason: "the helper \(helper) cannot start: \(String(cString: strerror(spawned)))")
    } else if waitpid(pid, &status, 0) == pid && status == 0 {
      mode = .namespaces
    } else {
      mode = .landlockOnly(reason: "this system refuses unprivileged user namespaces")
    }
    probeCache.withLock { $0[helper] = mode }
    return mode
  }

  /// What one call may see and touch, computed by the shell tool from the Pod's scope.
  public struct Layout: Sendable, Equatable {
    public enum Mount: Sendable, Equatable {
      case readOnly(String)
      case readWrite(String)
      /// Covered by something empty and read-only.
      case hidden(String)
    }

    public enum Access: Sendable, Equatable { case read, write, device }

    public var namespaces: Bool
    /// The views's binds, in order (namespaces only).
    public var mounts: [Mount]
    /// The Landlock rules (paths as the command sees them).
    public var rules: [(path: String, access: Access)]
    public var allowNetwork: Bool
    /// The host directory that is the command's `/tmp` (namespaces) or `TMPDIR`.
    public var temporaryDirectory: String

    public init(namespaces: Bool, mounts: [Mount], rules: [(path: String, access: Access)], allowNetwork: Bool, temporaryDirectory: String) {
      self.namespaces = namespaces
      self.mounts = mounts
      self.rules = rules
      self.allowNetwork = allowNetwork
      self.temporaryDirectory = temporaryDirectory
    }

    public static func == (lhs: Layout, rhs: Layout) -> Bool {
      lhs.namespaces == rhs.namespaces && lhs.mounts == rhs.mounts && lhs.allowNetwork == rhs.allowNetwork
        && lhs.temporaryDirectory == rhs.temporaryDirectory && lhs.rules.map(\.path) == rhs.rules.map(\.path)
        && lhs.rules.map(\.access) == rhs.rules.map(\.access)
    }

    /// The helper's arguments to run `program` in `directory` under this layout.
    public func helperArguments(program: [String], directory: String) -> [String] {
      var arguments: [String] = []
      if namespaces { arguments += ["--namespaces", "--tmp", temporaryDirectory] }
      if allowNetwork { arguments.append("--network") }
      for mount in mounts {
        switch mount {
        case .readOnly(let path): arguments += ["--ro", path]
        case .readWrite(let path): arguments += ["--rw", path]
        case .hidden(let path): arguments += ["--hide", path]
        }
      }
      for (path, access) in rules {
        switch access {
        case .read: arguments += ["--read", path]
        case .write: arguments += ["--write", path]
        case .device: arguments += ["--device", path]
        }
      }
      return arguments + ["--chdir", directory, "--"] + program
    }
  }
}

/// `strings` as a NULL-terminated C array (argv, envp, path lists), alive during `body`.
public func withCStringArray<T>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> T) -> T {
  let duplicates = strings.map { strdup($0) }
  defer { duplicates.forEach { free($0) } }
  return (duplicates + [nil]).withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// A value behind a lock (Synchronization's Mutex needs a newer deployment target on macOS).
final class Mutex<Value>: @unchecked Sendable {
  private let lock = NSLock()
  private var value: Value
  init(_ value: Value) { self.value = value }
  func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
    lock.lock()
    defer { lock.unlock() }
    return try body(&value)
  }
}
