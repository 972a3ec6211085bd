import Foundation
public import YoiManifest

/// What a path may be used for.
public enum Access: Int, Sendable, Comparable {
  case none, read, write

  public static func < (lhs: Access, rhs: Access) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The run-time reading of a manifest's `scope` (DESIGN.md §12.5): a path's access is the
/// highest permission of the allow rules matching it, then capped by the deny rules matching
/// it (deny read → none, deny write → read). Paths are canonicalised first, so a symlink
/// grants nothing its target does not already have.
public struct ScopeChecker: Sendable {
  public let workspace: String
  /// Directories no rule can open (yoi's data and config): denied as if by `deny read`.
  public let unreachable: [String]
  /// Directories only yoi's own tools write (the memory directory): read-only to the file
  /// tools and the shell, whatever the rules say.
  public let readOnly: [String]
  /// Directories inside an unreachable one that were opened for reading (a loaded user skill).
  public let opened: [String]
  private let allow: [ScopeRule]
  private let deny: [ScopeRule]
  /// Denied files the shell cannot hold with a placeholder while they are missing (git
  /// would read it): a command is checked afterwards instead (`GitDirectory.undoPlanted`).
  let unreservable: [String]

  /// `unreachable` directories are subtracted whatever the rules say; in a git repository
  /// what `GitDirectory.protected` lists (`.git/hooks`, `.git/config`, …) is never writable
  /// (code there runs unconfined the next time a person uses git), while the rest of `.git`
  /// follows the rules (§12.5).
  public init(rules: ScopeRules, workspace: String, unreachable: [String] = [], readOnly: [String] = [], opened: [String] = []) {
    let resolvedWorkspace = Self.canonicalize(workspace)
    let canonicalWorkspace = resolvedWorkspace ?? workspace
    self.workspace = canonicalWorkspace
    self.unreachable = unreachable.map { Self.canonicalize($0) ?? $0 }
    self.readOnly = readOnly.map { Self.canonicalize($0) ?? $0 }
    self.opened = opened
    // Targets are canonicalised like paths, so a workspace under a symlinked directory
    // matches; inside the workspace a target that passes through a symlink (made, say, by the
    // model's shell after the rule was written) grants nothing, while a deny still covers both
    // spellings.
    let lexicalWorkspace = PathLexer.normalize(workspace)
    allow = rules.allow.compactMap { rule in
      Self.canonicalTarget(rule.target, lexicalWorkspace: lexicalWorkspace, canonicalWorkspace: resolvedWorkspace).map {
        ScopeRule(target: $0, permission: rule.permission, recursive: rule.recursive)
      }
    }
    var deny: [ScopeRule] = []
    for rule in rules.deny {
      let lexical = PathLexer.normalize(rule.target)
      let targets = [
        Self.rebased(lexical, lexicalWorkspace: lexicalWorkspace, canonicalWorkspace: canonicalWorkspace), Self.canonicalize(lexical) ?? lexical,
      ]
      for target in targets.compactMap({ $0 }) {
        deny.append(ScopeRule(target: target, permission: rule.permission, recursive: rule.recursive))
      }
    }
    for directory in self.unreachable {
      deny.append(ScopeRule(target: directory, permission: .read, recursive: true))
    }
    for directory in self.readOnly {
      deny.append(ScopeRule(target: directory, permission: .write, recursive: true))
    }
    let git = canonicalWorkspace + "/.git"
    var unreservable: [String] = []
    if FileSystem.kind(git) == .directory {
      for protected in GitDirectory.protected(git) {
        deny.append(ScopeRule(target: protected.path, permission: .write, recursive: protected.recursive))
        if !protected.reservable { unreservable.append(protected.path) }
      }
    }
    self.unreservable = unreservable
    var unique: [ScopeRule] = []
    for rule in deny where !unique.contains(rule) { unique.append(rule) }
    self.deny = unique
  }

  /// A rule's target as rules are matched: inside the workspace, the canonical workspace with
  /// the target's lexical rest, or nil when the target is or passes through a symlink (or climbs
  /// with `..` through a missing directory); outside it, the target with symlinks resolved.
  public static func canonicalTarget(_ target: String, workspace: String) -> String? {
    let lexicalWorkspace = PathLexer.normalize(workspace)
    return canonicalTarget(target, lexicalWorkspace: lexicalWorkspace, canonicalWorkspace: canonicalize(lexicalWorkspace))
  }

  private static func canonicalTarget(_ target: String, lexicalWorkspace: String, canonicalWorkspace: String?) -> String? {
    let lexical = PathLexer.normalize(target)
    guard let resolved = canonicalize(lexical) else { return nil }
    guard let expected = rebased(lexical, lexicalWorkspace: lexicalWorkspace, canonicalWorkspace: canonicalWorkspace) else { return resolved }
    return resolved == expected ? expected : nil
  }

  /// `lexical` (a normalised path) moved from the workspace as written to its canonical path,
  /// or nil when it is not inside the workspace.
  private static func rebased(_ lexical: String, lexicalWorkspace: String, canonicalWorkspace: String?) -> String? {
    guard let canonicalWorkspace, PathLexer.isInside(lexical, directory: lexicalWorkspace) else { return nil }
    return canonicalWorkspace + String(lexical.dropFirst(lexicalWorkspace.count))
  }

  /// The same workspace and unreachable directories with other rules (a lend or give-back).
  public func with(_ rules: ScopeRules) -> ScopeChecker {
    ScopeChecker(rules: rules, workspace: workspace, unreachable: unreachable, readOnly: readOnly, opened: opened)
  }

  /// The same scope with `directory` readable (it may lie inside an unreachable directory:
  /// a user skill under yoi's config).
  public func opening(_ directory: String) -> ScopeChecker {
    let canonical = Self.canonicalize(directory) ?? directory
    var rules = self.rules
    rules.allow.append(ScopeRule(target: canonical, permission: .read, recursive: true))
    return ScopeChecker(rules: rules, workspace: workspace, unreachable: unreachable, readOnly: readOnly, opened: opened + [canonical])
  }

  /// The rules, canonicalised (what the shell sandbox is built from).
  public var rules: ScopeRules { ScopeRules(allow: allow, deny: deny) }

  /// Whether any rule grants write (the write tools exist only then).
  public var grantsWrite: Bool { allow.contains { $0.permission == .write } }

  /// A path the model named, canonicalised, with its access.
  public struct Resolved: Sendable {
    public var path: String
    public var access: Access
  }

  /// Resolves `path` (absolute, or relative to the workspace).
  public func resolve(_ path: String) -> Resolved? {
    let absolute = path.hasPrefix("/") ? path : workspace + "/" + path
    guard let canonical = Self.canonicalize(absolute) else { return nil }
    return Resolved(path: canonical, access: access(canonical))
  }

  /// The access of an already canonical path.
  public func access(_ canonical: String) -> Access {
    var level = Access.none
    for rule in allow where Self.matches(rule, canonical) {
      level = max(level, rule.permission == .write ? .write : .read)
    }
    let inOpened = opened.contains { canonical == $0 || PathLexer.isInside(canonical, directory: $0) }
    for rule in deny where Self.matches(rule, canonical) {
      // An opened directory is exempt from the unreachable directory around it, not from the
      // profile's own denials.
      if inOpened, rule.permission == .read, unreachable.contains(rule.target) { continue }
      level = min(level, rule.permission == .read ? .none : .read)
    }
    if level == .write, GitDirectory.isGuardedFile(canonical, git: workspace + "/.git") { level = .read }
    return level
  }

  /// A recursive rule matches its target and every descendant; a non-recursive one its target
  /// and its direct children.
  static func matches(_ rule: ScopeRule, _ path: String) -> Bool {
    if path == rule.target { return true }
    if rule.recursive { return PathLexer.isInside(path, directory: rule.target) }
    return PathLexer.dirname(path) == rule.target
  }

  /// The nearest existing ancestor resolved (symlinks and `..` included), the missing tail
  /// appended; nil when the missing tail holds `..` (its meaning depends on directories that
  /// do not exist yet, so it gets no access).
  public static func canonicalize(_ absolute: String) -> String? {
    var components = absolute.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    var tail: [String] = []
    while true {
      let prefix = "/" + components.joined(separator: "/")
      if let real = realPath(prefix) {
        if tail.contains("..") { return nil }
        let rest = tail.reversed().filter { $0 != "." }
        if rest.isEmpty { return real }
        return (real == "/" ? "" : real) + "/" + rest.joined(separator: "/")
      }
      guard let last = components.popLast() else { return nil }
      tail.append(last)
    }
  }

  static func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }
}
