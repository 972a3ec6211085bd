import Foundation
import Glibc
import YoiCSandbox

/// The kernel sandbox of the `shell` tool (DESIGN.md §12.5): Linux Landlock, applied by a fresh
/// `yoi __sandbox-exec` process to itself just before it execs `/bin/sh`, so no Swift code runs
/// between fork and exec and the restriction covers everything the command starts.
public enum ShellSandbox {
  /// The hidden entry point's name (`yoi __sandbox-exec ...`).
  public static let helperCommand = "__sandbox-exec"

  /// The kernel's Landlock ABI, or nil without Landlock.
  public static var abi: Int? {
    let abi = yoi_landlock_abi()
    return abi >= 1 ? Int(abi) : nil
  }

  /// Where a command may reach: each path with read, write or device access (built from a
  /// Pod's scope by the shell tool).
  public struct Policy: Sendable {
    public enum Access: Int32, Sendable { case read = 0, write = 1, device = 2 }
    public var paths: [(String, Access)]
    public var allowNetwork: Bool

    public init(paths: [(String, Access)], allowNetwork: Bool) {
      self.paths = paths
      self.allowNetwork = allowNetwork
    }
  }

  /// The helper's arguments for `policy` and `command`.
  public static func helperArguments(_ policy: Policy, command: String) -> [String] {
    var arguments = [helperCommand]
    for (path, access) in policy.paths {
      switch access {
      case .read: arguments += ["--read", path]
      case .write: arguments += ["--write", path]
      case .device: arguments += ["--device", path]
      }
    }
    if policy.allowNetwork { arguments.append("--network") }
    return arguments + ["--", command]
  }

  /// `yoi __sandbox-exec [--read P | --write P | --device P | --network]... -- COMMAND`:
  /// restricts this process with Landlock, then execs `/bin/sh -c COMMAND`. It never runs the
  /// command unconfined: any failure exits 126 with a message.
  public static func runHelper(_ arguments: [String]) -> Never {
    var paths: [String] = []
    var accesses: [Int32] = []
    var network = false
    var index = 0
    var command: String?
    while index < arguments.count {
      let argument = arguments[index]
      switch argument {
      case "--read", "--write", "--device":
        guard index + 1 < arguments.count else { fail("missing path after \(argument)") }
        paths.append(arguments[index + 1])
        let access: Policy.Access = argument == "--read" ? .read : argument == "--write" ? .write : .device
        accesses.append(access.rawValue)
        index += 2
      case "--network":
        network = true
        index += 1
      case "--":
        command = index + 1 < arguments.count ? arguments[index + 1] : nil
        index = arguments.count
      default:
        fail("unknown argument \(argument)")
      }
    }
    guard let command else { fail("no command") }
    let result = withCStringArray(paths) { pointers in
      accesses.withUnsafeBufferPointer { yoi_landlock_restrict(pointers, $0.baseAddress, paths.count, network ? 1 : 0) }
    }
    guard result == 0 else { fail("Landlock refused the sandbox: \(String(cString: strerror(result)))") }
    let error = yoi_exec_shell(command)
    fail("cannot exec /bin/sh: \(String(cString: strerror(error)))")
  }

  private static func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("yoi sandbox: \(message)\n".utf8))
    exit(126)
  }
}

/// `strings` as a NULL-terminated C array (argv, envp, path lists), alive during `body`.
public func withCStringArray<T>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> T) -> T {
  let duplicates = strings.map { strdup($0) }
  defer { duplicates.forEach { free($0) } }
  return (duplicates + [nil]).withUnsafeBufferPointer { body($0.baseAddress!) }
}
