/// The role a Pod is launched in; it decides the concrete scope (DESIGN.md §7).
public enum LaunchRole: String, Sendable, Hashable, CaseIterable {
  case normal
  case orchestrator
  case intake
  case reviewer
  case coder

  /// Parses `--role`; nil or "none"/"normal" is a normal launch.
  public static func parse(_ text: String?) -> LaunchRole? {
    guard let text, text != "none" else { return .normal }
    return LaunchRole(rawValue: text)
  }
}

/// One concrete scope rule on an absolute path.
public struct ScopeRule: Sendable, Hashable, Codable {
  public enum Permission: String, Sendable, Hashable, Comparable, Codable {
    case read
    case write

    public static func < (lhs: Permission, rhs: Permission) -> Bool { lhs == .read && rhs == .write }
  }

  public var target: String
  public var permission: Permission
  public var recursive: Bool

  public init(target: String, permission: Permission, recursive: Bool = true) {
    self.target = target
    self.permission = permission
    self.recursive = recursive
  }

  /// Whether this rule grants everything `other` does (same or ancestor target, recursive
  /// where it must be, equal or higher permission).
  public func covers(_ other: ScopeRule) -> Bool {
    guard permission >= other.permission else { return false }
    if target == other.target { return recursive || !other.recursive }
    return recursive && PathLexer.isInside(other.target, directory: target)
  }
}

/// Allow and deny rules of one scope.
public struct ScopeRules: Sendable, Hashable, Codable {
  public var allow: [ScopeRule]
  public var deny: [ScopeRule]

  public init(allow: [ScopeRule] = [], deny: [ScopeRule] = []) {
    self.allow = allow
    self.deny = deny
  }
}

/// A profile's scope intent: it can only narrow what the launch policy grants.
public struct ScopeIntent: Sendable, Hashable {
  public enum Kind: String, Sendable, Hashable {
    case workspaceRead = "workspace_read"
    case workspaceWrite = "workspace_write"

    var cap: ScopeRule.Permission { self == .workspaceRead ? .read : .write }
  }

  public var kind: Kind
  /// Workspace-relative paths that get a deny-write rule.
  public var denyWrite: [String]

  public init(kind: Kind, denyWrite: [String] = []) {
    self.kind = kind
    self.denyWrite = denyWrite
  }
}

/// Turns a launch role, a workspace and a profile's intents into concrete scopes.
public enum LaunchPolicy {
  /// The policy's rules for `role` in workspace `workspace` (absolute, normalised).
  public static func rules(for role: LaunchRole, workspace: String) -> (scope: ScopeRules, delegation: ScopeRules) {
    let worktree = PathLexer.join(workspace, ".worktree")
    let read = ScopeRule(target: workspace, permission: .read)
    let write = ScopeRule(target: workspace, permission: .write)
    let delegateWorktree = ScopeRules(allow: [read, ScopeRule(target: worktree, permission: .write)])
    switch role {
    case .normal:
      return (ScopeRules(allow: [write], deny: [ScopeRule(target: worktree, permission: .write)]), delegateWorktree)
    case .orchestrator:
      return (ScopeRules(allow: [read]), delegateWorktree)
    case .intake, .reviewer:
      return (ScopeRules(allow: [read]), ScopeRules())
    case .coder:
      return (ScopeRules(allow: [write]), ScopeRules())
    }
  }

  /// Narrows `rules` by `intent`: caps allow permissions, drops covered allow rules, keeps
  /// the policy's denies and adds a deny-write rule per `deny_write` entry.
  public static func narrow(_ rules: ScopeRules, by intent: ScopeIntent?, workspace: String) -> ScopeRules {
    guard let intent else { return rules }
    let capped = rules.allow.map { rule in
      ScopeRule(target: rule.target, permission: min(rule.permission, intent.kind.cap), recursive: rule.recursive)
    }
    var kept: [ScopeRule] = []
    for (index, rule) in capped.enumerated() {
      let coveredByOther = capped.enumerated().contains { other in
        other.offset != index && other.element.covers(rule)
          && (!rule.covers(other.element) || other.offset < index)  // of two equal rules keep the first
      }
      if !coveredByOther { kept.append(rule) }
    }
    var deny = rules.deny
    for entry in intent.denyWrite {
      let rule = ScopeRule(target: PathLexer.join(workspace, entry), permission: .write)
      if !deny.contains(rule) { deny.append(rule) }
    }
    return ScopeRules(allow: kept, deny: deny)
  }
}
