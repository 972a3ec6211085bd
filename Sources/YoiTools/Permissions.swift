public import YoiManifest

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
    // A rule's tool is a name or a glob over names (`mcp__docs__*`).
    for (index, rule) in section.rules.enumerated() where rule.tool == tool || Glob(rule.tool, segmented: false).matches(tool) {
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
  /// Whether a person is there to ask (false: every `ask` is refused, fail closed).
  var canAsk: Bool { get }
  /// Whether `tool` may run on `subject` (the handler remembers "always" answers itself);
  /// `change` is the file change it would make, shown as a diff.
  func approve(tool: String, subject: String, reason: String, change: FileChange?) async -> Bool
}

/// `yoi pod run`: nobody to ask, so `ask` fails closed.
public struct HeadlessApproval: ApprovalHandler {
  public init() {}
  public var canAsk: Bool { false }
  public func approve(tool: String, subject: String, reason: String, change: FileChange?) async -> Bool { false }
}

extension PermissionPolicy {
  /// Which autonomy preset (`yoi.autonomy.*`) a `permissions` section is, for people: `edits`,
  /// `ask + 2 rules` (a preset with `opts.rules` before it), `custom`, or `none` (no section).
  public static func presetName(_ section: PermissionsSection?) -> String {
    guard let section else { return "none (every tool runs, within scope)" }
    let reading = ["read_file", "list_dir", "glob", "grep"]
    let presets: [(String, [String], PermissionAction)] = [
      ("ask", reading, .ask), ("edits", reading + ["write_file", "edit_file"], .ask), ("full", [], .allow),
    ]
    for (name, tools, defaultAction) in presets where section.defaultAction == defaultAction && section.rules.count >= tools.count {
      let tail = section.rules.suffix(tools.count)
      guard tail.map(\.tool) == tools, tail.allSatisfy({ $0.pattern == "*" && $0.action == .allow }) else { continue }
      let extra = section.rules.count - tools.count
      return extra == 0 ? name : "\(name) + \(extra) rule\(extra == 1 ? "" : "s")"
    }
    return "custom (default \(section.defaultAction.rawValue), \(section.rules.count) rules)"
  }
}
