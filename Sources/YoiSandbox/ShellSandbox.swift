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

  /// The mode this machine should give, read from the kernel's switches without starting a
  /// process (a run must not wait for a probe before its first request): user namespaces
  /// limited to none, Debian's `unprivileged_userns_clone` off or Ubuntu's AppArmor restriction
  /// on (for a user other than root) mean Landlock alone. Anything else that refuses them is
  /// found by the first call, which then falls back (`ShellMode.fallBack`).
  /// `YOI_SANDBOX=landlock` (passed in as `forceLandlock`) chooses Landlock alone.
  public static func expectedMode(forceLandlock: Bool) -> Mode {
    if forceLandlock { return .landlockOnly(reason: "YOI_SANDBOX=landlock is set") }
    func number(_ path: String) -> Int? {
      guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
      return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    if number("/proc/sys/user/max_user_namespaces") == 0 { return .landlockOnly(reason: "user.max_user_namespaces is 0") }
    if geteuid() != 0 {
      if number("/proc/sys/kernel/unprivileged_userns_clone") == 0 {
        return .landlockOnly(reason: "kernel.unprivileged_userns_clone is 0")
      }
      if number("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == 1 {
        return .landlockOnly(reason: "AppArmor restricts unprivileged user namespaces")
      }
    }
    return .namespaces
  }

  /// What the helper prints when the kernel refuses the namespaces.
  public static let namespacesRefused = "yoi sandbox: cannot create namespaces"

  /// What one call may see and touch, computed by the shell tool from the Pod's scope.
  public struct Layout: Sendable {
    public enum Mount: Sendable, Equatable {
      case readOnly(String)
      case readWrite(String)
      /// Covered by something empty and read-only.
      case hidden(String)
    }

    public enum Access: Sendable, Equatable { case read, write, device }

    public var namespaces: Bool
    /// The view's binds, in order (namespaces only).
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

/// The sandbox mode of one run's shell calls: what the kernel's switches promised, until a
/// call finds the namespaces refused and every later call falls back to Landlock alone.
public final class ShellMode: @unchecked Sendable {
  private let lock = NSLock()
  private var mode: ShellSandbox.Mode

  public init(_ mode: ShellSandbox.Mode) { self.mode = mode }

  public var current: ShellSandbox.Mode { lock.withLock { mode } }

  /// Records that namespaces are refused (`reason`, from the helper).
  public func fallBack(reason: String) {
    lock.withLock { mode = .landlockOnly(reason: reason) }
  }
}
