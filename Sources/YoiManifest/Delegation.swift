/// A rule a child is asked to get (`--scope`, `--delegate`, or `spawn_pod`'s `scope`), its
/// target as given: absolute, or relative to the workspace. Granting checks it (§7).
public struct RequestedScopeRule: Sendable, Hashable, CustomStringConvertible {
  public var target: String
  public var permission: ScopeRule.Permission
  public var recursive: Bool

  public init(target: String, permission: ScopeRule.Permission, recursive: Bool = true) {
    self.target = target
    self.permission = permission
    self.recursive = recursive
  }

  /// Parses `PERMISSION:PATH` (recursive) or `PERMISSION:PATH:exact` (that path only).
  public init?(parsing text: String) {
    var parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    var recursive = true
    if parts.count == 3, parts[2] == "exact" {
      recursive = false
      parts.removeLast()
    }
    guard parts.count == 2, let permission = ScopeRule.Permission(rawValue: parts[0]), !parts[1].isEmpty else { return nil }
    self.init(target: parts[1], permission: permission, recursive: recursive)
  }

  /// The rule with its target made absolute against `workspace`.
  public func resolved(in workspace: String) -> ScopeRule {
    ScopeRule(target: PathLexer.join(workspace, target), permission: permission, recursive: recursive)
  }

  /// `PERMISSION:PATH[:exact]`.
  public var description: String { "\(permission.rawValue):\(target)\(recursive ? "" : ":exact")" }
}

/// Delegation (DESIGN.md §7): a Pod may hand a child only rules inside its own
/// `delegation_scope`; what it hands out for writing, it stops writing itself.
public enum Delegation {
  /// Why `rule` cannot be delegated from `parent`, or nil when it can: it must be covered by
  /// one of the parent's delegation allow rules and must not overlap a delegation deny rule.
  public static func problem(delegating rule: ScopeRule, from parent: ScopeRules) -> String? {
    guard parent.allow.contains(where: { $0.covers(rule) }) else {
      let granted = parent.allow.map { "\($0.permission.rawValue) \($0.target)\($0.recursive ? "" : " (exact)")" }
      return "\(describe(rule)) is outside the parent's delegation scope (\(granted.isEmpty ? "it may delegate nothing" : granted.joined(separator: ", ")))"
    }
    if let deny = parent.deny.first(where: { overlaps(rule, deny: $0) }) {
      return "\(describe(rule)) overlaps the parent's delegation deny rule (deny \(deny.permission.rawValue) \(deny.target))"
    }
    return nil
  }

  /// Whether granting `rule` would give something `deny` forbids.
  public static func overlaps(_ rule: ScopeRule, deny: ScopeRule) -> Bool {
    guard rule.permission >= deny.permission else { return false }
    let ruleInsideDeny = deny.recursive ? PathLexer.isInside(rule.target, directory: deny.target) : rule.target == deny.target
    let denyInsideRule = rule.recursive ? PathLexer.isInside(deny.target, directory: rule.target) : rule.target == deny.target
    return ruleInsideDeny || denyInsideRule
  }

  /// The child's scope: exactly what was granted (the parent's delegation denies carry over).
  public static func childScope(granted: [ScopeRule], parent: ScopeRules) -> ScopeRules {
    ScopeRules(allow: granted, deny: parent.deny)
  }

  /// The parent's direct scope after delegating: a deny-write rule for each write it gave away.
  public static func parentScopeAfterDelegating(_ granted: [ScopeRule], scope: ScopeRules) -> ScopeRules {
    var result = scope
    for rule in granted where rule.permission == .write {
      let deny = ScopeRule(target: rule.target, permission: .write, recursive: rule.recursive)
      if !result.deny.contains(deny) { result.deny.append(deny) }
    }
    return result
  }

  /// The parent's direct scope once a child gives back what it was lent: the deny-write rules
  /// added for `granted` are removed, except those still covering a write lent to another
  /// running child (`stillLent`) or present before any lending (`original`).
  public static func parentScopeAfterReturning(_ granted: [ScopeRule], scope: ScopeRules, stillLent: [ScopeRule], original: ScopeRules) -> ScopeRules {
    var result = scope
    for rule in granted where rule.permission == .write {
      let deny = ScopeRule(target: rule.target, permission: .write, recursive: rule.recursive)
      let keep = original.deny.contains(deny) || stillLent.contains { $0.permission == .write && $0.target == rule.target && $0.recursive == rule.recursive }
      if !keep { result.deny.removeAll { $0 == deny } }
    }
    return result
  }

  static func describe(_ rule: ScopeRule) -> String {
    "\(rule.permission.rawValue) \(rule.target)\(rule.recursive ? "" : " (exact)")"
  }
}

extension PodManifest {
  /// The manifest of a child configured as its parent (`spawn_pod` with `inherit`): this one
  /// renamed, with the granted `scope`, no delegation of its own and `feature.pods` off.
  public func inheritedByChild(named name: String, parent: String, scope: ScopeRules) -> PodManifest {
    var sections = self.sections
    sections.pod.name = name
    sections.pod.parent = parent
    sections.scope = scope
    sections.delegationScope = ScopeRules()
    sections.feature.enabled.remove(.pods)
    return PodManifest(sections: sections)
  }

  /// This manifest with its direct scope replaced.
  public func withScope(_ scope: ScopeRules) -> PodManifest {
    var sections = self.sections
    sections.scope = scope
    return PodManifest(sections: sections)
  }

  /// The manifest a child the model asked for may run with (DESIGN.md §12.7): the same model
  /// endpoint and credential reference as this parent (else a problem naming the difference),
  /// only features the parent has, and web settings no wider than the parent's (never
  /// `allow_private_addresses`, search only with the parent's key and endpoint).
  public func narrowingChild(_ child: PodManifest) -> (manifest: PodManifest, problems: [String]) {
    let parentModel = sections.model
    let childModel = child.sections.model
    var problems: [String] = []
    if childModel.scheme != parentModel.scheme || childModel.baseURL != parentModel.baseURL {
      problems.append(
        "its model endpoint (\(childModel.scheme?.rawValue ?? "?") at \(childModel.baseURL ?? "?")) is not the parent's (\(parentModel.scheme?.rawValue ?? "?") at \(parentModel.baseURL ?? "?"))"
      )
    } else if childModel.auth != parentModel.auth {
      problems.append("its model credential (\(childModel.auth.reference)) is not the parent's (\(parentModel.auth.reference))")
    }
    var narrowed = child.sections
    narrowed.feature.enabled.formIntersection(sections.feature.enabled)
    if sections.feature.ticketAccess == .readOnly { narrowed.feature.ticketAccess = .readOnly }
    if var web = narrowed.web {
      let parentWeb = sections.web
      let parentMayReachPrivate = parentWeb.map { $0.allowPrivateAddresses || $0.fetch.allowPrivateAddresses } ?? false
      if !(parentWeb?.allowPrivateAddresses ?? false) { web.allowPrivateAddresses = false }
      if !parentMayReachPrivate { web.fetch.allowPrivateAddresses = false }
      if !(parentWeb?.fetch.enabled ?? false) { web.fetch.enabled = false }
      if parentWeb?.search.enabled != true || web.search.apiKeySecret != parentWeb?.search.apiKeySecret || web.search.baseURL != parentWeb?.search.baseURL {
        web.search.enabled = false
      }
      if !(parentWeb?.enabled ?? false) { web.enabled = false }
      narrowed.web = web
    }
    return (PodManifest(sections: narrowed), problems)
  }
}
