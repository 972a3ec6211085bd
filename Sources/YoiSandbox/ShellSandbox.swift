import Foundation
import Glibc
import YoiCSandbox
import YoiManifest

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

  /// Where a command may reach: each path with read, write or device access.
  public struct Policy: Sendable, Equatable {
    public enum Access: Int32, Sendable { case read = 0, write = 1, device = 2 }
    public var paths: [(String, Access)]
    public var allowNetwork: Bool

    public static func == (lhs: Policy, rhs: Policy) -> Bool {
      lhs.allowNetwork == rhs.allowNetwork && lhs.paths.map(\.0) == rhs.paths.map(\.0) && lhs.paths.map(\.1) == rhs.paths.map(\.1)
    }
  }

  /// System locations programs need, read and execute only.
  static let systemPaths = [
    "/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32", "/etc", "/opt", "/dev/zero", "/dev/urandom", "/dev/random", "/proc/self",
  ]

  /// The policy for a Pod's scope: read under its readable scope, write under its writable
  /// scope and `temporaryDirectory`, the system paths read-only, `/dev/null` read-write.
  ///
  /// Landlock can only add rights down a directory tree, never take them away below a rule, so
  /// a deny rule cannot be expressed as such. Instead the allowed set is built with the denied
  /// subtrees left out: an allowed directory that contains a denied subtree is not granted
  /// itself; each of its entries is, recursively, except the denied one (`expand`). The cost:
  /// inside such a directory, existing files can be read and written but new entries cannot be
  /// created or removed directly in it (its subdirectories are unaffected).
  public static func policy(scope: ScopeRules, temporaryDirectory: String, allowNetwork: Bool) -> Policy {
    var paths: [(String, Policy.Access)] = systemPaths.map { ($0, .read) }
    paths.append(("/dev/null", .device))
    let canonical = { (path: String) in canonicalPath(path) ?? path }
    let denyRead = scope.deny.filter { $0.permission == .read }.map { canonical($0.target) }
    let denyAny = scope.deny.map { canonical($0.target) }
    for rule in scope.allow {
      let target = canonical(rule.target)
      paths += expand(target, recursive: rule.recursive, excluding: denyRead).map { ($0, .read) }
      if rule.permission == .write {
        paths += expand(target, recursive: rule.recursive, excluding: denyAny).map { ($0, .write) }
      }
    }
    paths.append((temporaryDirectory, .write))
    return Policy(paths: paths, allowNetwork: allowNetwork)
  }

  /// `target` if no excluded path is at or below it; else its entries, recursively, minus the
  /// excluded ones. A non-recursive rule grants the regular files directly in its target.
  static func expand(_ target: String, recursive: Bool, excluding excluded: [String]) -> [String] {
    if excluded.contains(where: { $0 == target || PathLexer.isInside(target, directory: $0) }) { return [] }
    guard recursive else {
      return entries(target).compactMap { name in
        let child = target + "/" + name
        return kind(child) == S_IFREG ? child : nil
      }
    }
    let below = excluded.filter { PathLexer.isInside($0, directory: target) }
    if below.isEmpty { return [target] }
    var result: [String] = []
    for name in entries(target) {
      let child = target == "/" ? "/" + name : target + "/" + name
      // A symlink would grant its target: never a rule on one.
      guard kind(child) != S_IFLNK else { continue }
      result += expand(child, recursive: true, excluding: below)
    }
    return result
  }

  static func entries(_ directory: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
  }

  static func kind(_ path: String) -> mode_t {
    var info = stat()
    return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : 0
  }

  static func canonicalPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
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
        accesses.append(argument == "--read" ? 0 : argument == "--write" ? 1 : 2)
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
    let result = withCStrings(paths) { pointers in
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

  private static func withCStrings<T>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
    let duplicates = strings.map { strdup($0) }
    defer { duplicates.forEach { free($0) } }
    let pointers = duplicates.map { UnsafePointer($0) } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
  }
}
