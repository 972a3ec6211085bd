/// Delegation (DESIGN.md §7): a Pod may hand a child only rules inside its own
/// `delegation_scope`; what it hands out for writing, it stops writing itself.
public enum Delegation {
  /// Parses `PERMISSION:PATH` (recursive) or `PERMISSION:PATH:exact` (that path only), with
  /// PATH absolute or relative to `workspace`.
  public static func parseRule(_ text: String, workspace: String) -> ScopeRule? {
    var parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    var recursive = true
    if parts.count == 3, parts[2] == "exact" {
      recursive = false
      parts.removeLast()
    }
    guard parts.count == 2, let permission = ScopeRule.Permission(rawValue: parts[0]), !parts[1].isEmpty else { return nil }
    return ScopeRule(target: PathLexer.join(workspace, parts[1]), permission: permission, recursive: recursive)
  }

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

  static func describe(_ rule: ScopeRule) -> String {
    "\(rule.permission.rawValue) \(rule.target)\(rule.recursive ? "" : " (exact)")"
  }
}

extension PodManifest {
  /// This manifest with its direct scope replaced.
  public func withScope(_ scope: ScopeRules) -> PodManifest {
    var json = self.json
    json["scope"] = scope.json
    return replacing(json)
  }
}
