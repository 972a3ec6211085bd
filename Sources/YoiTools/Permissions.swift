import YoiManifest

/// The manifest's `permissions` (DESIGN.md §12.6): the first rule whose tool and pattern
/// match the call decides, else `default_action`; no section allows everything (scope still
/// applies).
public struct PermissionPolicy: Sendable {
  private let section: PermissionsSection?

  public init(_ section: PermissionsSection?) { self.section = section }

  public struct Decision: Sendable, Hashable {
    public var action: PermissionAction
    /// Which rule decided, as the user wrote it (`rule 2: shell "git *" ask`), or the default.
    public var reason: String
  }

  /// The decision for a call on `subjects` (a path is matched as written relative to the
  /// workspace and as an absolute path; a rule matching either applies).
  public func decide(tool: String, subjects: [String]) -> Decision {
    guard let section else { return Decision(action: .allow, reason: "no permissions section") }
    for (index, rule) in section.rules.enumerated() where rule.tool == "*" || rule.tool == tool {
      let glob = Glob(rule.pattern, segmented: false)
      if subjects.contains(where: glob.matches) {
        return Decision(action: rule.action, reason: "permissions.rule[\(index + 1)] (\(rule.tool) \"\(rule.pattern)\" → \(rule.action.rawValue))")
      }
    }
    return Decision(action: section.defaultAction, reason: "permissions.default_action (\(section.defaultAction.rawValue))")
  }
}

/// Answers `ask` decisions: a terminal session asks the user; a headless run refuses.
public protocol ApprovalHandler: Sendable {
  /// Whether `tool` may run on `subject` (the handler remembers "always" answers itself).
  func approve(tool: String, subject: String, reason: String) async -> Bool
}

/// `yoi pod run`: nobody to ask, so `ask` fails closed.
public struct HeadlessApproval: ApprovalHandler {
  public init() {}
  public func approve(tool: String, subject: String, reason: String) async -> Bool { false }
}
