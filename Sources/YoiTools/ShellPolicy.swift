import YoiManifest
import YoiSandbox

/// The sandbox layout of a `shell` call, from the Pod's scope as it stands (DESIGN.md §12.5).
enum ShellPolicy {
  /// System locations programs need, read and execute only.
  static let systemPaths = ["/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32", "/etc", "/opt"]
  /// Credentials inside the system paths, readable when yoi runs as root (in a container, say):
  /// hidden in the namespaced view (Landlock alone cannot take a file out of a readable tree;
  /// file permissions cover them for everyone else).
  static let systemSecrets = [
    "/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-", "/etc/sudoers", "/etc/sudoers.d", "/etc/ssl/private",
    "/etc/ssh/ssh_host_rsa_key", "/etc/ssh/ssh_host_ecdsa_key", "/etc/ssh/ssh_host_ed25519_key", "/etc/ssh/ssh_host_dsa_key",
  ]
  /// Devices read (and `/dev/null` read and written) by ordinary programs.
  static let readableDevices = ["/dev/zero", "/dev/urandom", "/dev/random", "/dev/full"]

  /// With namespaces: the view holds the system directories read-only, each allow target
  /// bound with its effective access (shallowest first, so deeper binds refine it), each
  /// deny-write subtree inside writable scope bound read-only over it and each deny-read subtree
  /// hidden; a protected path that does not exist is listed in `reservations` (the caller
  /// creates it as an empty directory for the call, and removes it afterwards). Landlock then
  /// grants the allow targets whole — the workspace root stays writable — because the mounts
  /// already take the denied subtrees away.
  static func layout(
    scope: ScopeChecker, temporaryDirectory: String, allowNetwork: Bool, namespaces: Bool
  ) -> (
    layout: ShellSandbox.Layout, reservations: [String]
  ) {
    guard namespaces else {
      return (landlockOnly(scope: scope, temporaryDirectory: temporaryDirectory, allowNetwork: allowNetwork), [])
    }
    let rules = scope.rules
    var mounts: [ShellSandbox.Layout.Mount] = systemPaths.map { .readOnly($0) }
    var reservations: [String] = []
    // With the network, name resolution must work: on systems where /etc/resolv.conf links into
    // /run (systemd-resolved), the directory it points into is shown too, read-only.
    let resolver = allowNetwork ? ScopeChecker.realPath("/etc/resolv.conf").map(PathLexer.dirname) : nil
    let extraSystem = resolver.map { directory in systemPaths.contains { PathLexer.isInside(directory, directory: $0) } ? [] : [directory] } ?? []
    mounts += extraSystem.map { .readOnly($0) }
    mounts += systemSecrets.filter { FileSystem.kind($0) != nil }.map { .hidden($0) }
    let allows = rules.allow.sorted { depth($0.target) < depth($1.target) }
    var bound: [(target: String, access: Access)] = []
    for rule in allows {
      let access = scope.access(rule.target)
      guard access > .none else { continue }
      // Already bound with this access by an ancestor: nothing to add.
      if let covering = bound.last(where: { $0.target == rule.target || PathLexer.isInside(rule.target, directory: $0.target) }),
        covering.access == access
      {
        continue
      }
      bound.append((rule.target, access))
      mounts.append(access == .write ? .readWrite(rule.target) : .readOnly(rule.target))
    }
    let hiddenTargets = rules.deny.filter { $0.permission == .read }.map(\.target)
    for rule in rules.deny.sorted(by: { depth($0.target) < depth($1.target) }) {
      // Inside a hidden subtree there is nothing to refine.
      if hiddenTargets.contains(where: { $0 != rule.target && PathLexer.isInside(rule.target, directory: $0) }) { continue }
      let inside = bound.last { $0.target == rule.target || PathLexer.isInside(rule.target, directory: $0.target) }
      guard let inside else { continue }
      if rule.permission == .write && inside.access != .write { continue }
      if FileSystem.kind(rule.target) == nil {
        // Missing and read by git as a file: checked after the command instead.
        if scope.unreservable.contains(rule.target) { continue }
        // Missing: reserved, so the command cannot create it (only where it could write).
        guard inside.access == .write, FileSystem.kind(PathLexer.dirname(rule.target)) == .directory else { continue }
        reservations.append(rule.target)
      }
      mounts.append(rule.permission == .read ? .hidden(rule.target) : .readOnly(rule.target))
    }
    var landlock: [(path: String, access: ShellSandbox.Layout.Access)] = (systemPaths + extraSystem + readableDevices + ["/proc"]).map {
      ($0, .read)
    }
    landlock.append(("/dev/null", .device))
    for rule in rules.allow {
      let access = scope.access(rule.target)
      guard access > .none else { continue }
      let paths = rule.recursive ? [rule.target] : directFiles(rule.target)
      landlock += paths.map { ($0, access == .write ? .write : .read) }
    }
    landlock.append(("/tmp", .write))
    let layout = ShellSandbox.Layout(
      namespaces: true, mounts: mounts, rules: landlock, allowNetwork: allowNetwork, temporaryDirectory: temporaryDirectory)
    return (layout, reservations)
  }

  /// Without namespaces Landlock is the only wall, and it can only add rights down a tree,
  /// never take them away below a rule, so the allowed set is built with the denied subtrees
  /// left out: an allowed directory that contains a denied subtree is not granted itself; each
  /// of its entries is, recursively, except the denied one (`expand`). The cost: inside such a
  /// directory, existing files can be read and written but new entries cannot be created or
  /// removed directly in it (its subdirectories are unaffected).
  static func landlockOnly(scope: ScopeChecker, temporaryDirectory: String, allowNetwork: Bool) -> ShellSandbox.Layout {
    let rules = scope.rules
    var paths: [(path: String, access: ShellSandbox.Layout.Access)] = (systemPaths + readableDevices + ["/proc/self"]).map { ($0, .read) }
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
    return ShellSandbox.Layout(namespaces: false, mounts: [], rules: paths, allowNetwork: allowNetwork, temporaryDirectory: temporaryDirectory)
  }

  static func depth(_ path: String) -> Int { path.utf8.count(where: { $0 == UInt8(ascii: "/") }) }

  /// A non-recursive rule grants the regular files directly in its target.
  static func directFiles(_ target: String) -> [String] {
    (FileSystem.entries(target) ?? []).compactMap { name in
      let child = target + "/" + name
      return FileSystem.kind(child) == .file ? child : nil
    }
  }

  /// `target` if no excluded path is at or below it; else its entries, recursively, minus the
  /// excluded ones.
  static func expand(_ target: String, recursive: Bool, excluding excluded: [String]) -> [String] {
    if excluded.contains(where: { $0 == target || PathLexer.isInside(target, directory: $0) }) { return [] }
    guard recursive else { return directFiles(target) }
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
