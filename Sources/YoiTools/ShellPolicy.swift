import YoiManifest
import YoiSandbox

/// The Landlock paths of a `shell` call, from the Pod's scope as it stands (DESIGN.md §12.5):
/// read under its readable scope, write under its writable scope and the call's private
/// temporary directory, the system paths read-only, `/dev/null` read-write.
enum ShellPolicy {
  /// System locations programs need, read and execute only.
  static let systemPaths = [
    "/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32", "/etc", "/opt", "/dev/zero", "/dev/urandom", "/dev/random", "/proc/self",
  ]

  /// Landlock can only add rights down a directory tree, never take them away below a rule, so
  /// a deny rule cannot be expressed as such. Instead the allowed set is built with the denied
  /// subtrees left out: an allowed directory that contains a denied subtree is not granted
  /// itself; each of its entries is, recursively, except the denied one (`expand`). The cost:
  /// inside such a directory, existing files can be read and written but new entries cannot be
  /// created or removed directly in it (its subdirectories are unaffected). The scope checker's
  /// rules are already canonical.
  static func policy(scope: ScopeChecker, temporaryDirectory: String, allowNetwork: Bool) -> ShellSandbox.Policy {
    let rules = scope.rules
    var paths: [(String, ShellSandbox.Policy.Access)] = systemPaths.map { ($0, .read) }
    paths.append(("/dev/null", .device))
    let denyRead = rules.deny.filter { $0.permission == .read }.map(\.target)
    let denyAny = rules.deny.map(\.target)
    for rule in rules.allow {
      paths += expand(rule.target, recursive: rule.recursive, excluding: denyRead).map { ($0, .read) }
      if rule.permission == .write {
        paths += expand(rule.target, recursive: rule.recursive, excluding: denyAny).map { ($0, .write) }
      }
    }
    paths.append((temporaryDirectory, .write))
    return ShellSandbox.Policy(paths: paths, allowNetwork: allowNetwork)
  }

  /// `target` if no excluded path is at or below it; else its entries, recursively, minus the
  /// excluded ones. A non-recursive rule grants the regular files directly in its target.
  static func expand(_ target: String, recursive: Bool, excluding excluded: [String]) -> [String] {
    if excluded.contains(where: { $0 == target || PathLexer.isInside(target, directory: $0) }) { return [] }
    guard recursive else {
      return (FileSystem.entries(target) ?? []).compactMap { name in
        let child = target + "/" + name
        return FileSystem.kind(child) == .file ? child : nil
      }
    }
    let below = excluded.filter { PathLexer.isInside($0, directory: target) }
    if below.isEmpty { return [target] }
    var result: [String] = []
    for name in FileSystem.entries(target) ?? [] {
      let child = target == "/" ? "/" + name : target + "/" + name
      // A symlink would grant its target: never a rule on one.
      guard FileSystem.kind(child) != .symlink else { continue }
      result += expand(child, recursive: true, excluding: below)
    }
    return result
  }
}
