import Foundation
public import YoiManifest
import YoiProviders

/// Starts child Pods for `spawn_pod` (implemented by the service layer, which may resolve the
/// child's profile: creating a Pod is explicit, unlike resuming one).
public protocol ChildPodLauncher: Sendable {
  /// Creates `name` as a child of `parent` with `scope` (delegated under §7), runs `task` in it to the end, and returns its final answer.
  /// `workspace` is the child's own (its worktree), else the parent's; `checkout`, the rest of
  /// that worktree's files, to run while the child starts (its tools wait for it).
  /// `parentScopeChanged` is called with the parent's direct scope after lending and again
  /// after the lent write comes back. Throws a diagnostic the model will read.
  func runChild(
    parent: String, name: String, task: String, scope: [RequestedScopeRule], profile: String?, workspace: String?, checkout: Worktree.Checkout?,
    parentScopeChanged: @escaping @Sendable (ScopeRules) -> Void
  ) async throws -> String

  /// Throws when `scope` (relative targets in `workspace`) may not be delegated to a child of
  /// `parent`, or `profile` (nil: the parent's default) cannot be one the model names: checked
  /// before yoi makes anything for the child, such as its worktree.
  func checkDelegation(parent: String, scope: [RequestedScopeRule], workspace: String, profile: String?) throws
}

/// `spawn_pod {name, task, scope, profile?}` (with `feature.pods`).
struct SpawnPodTool: FileTool {
  static let name = "spawn_pod"
  static let definition = ToolDefinition(
    name: name,
    description: """
      Create a child Pod and run a task in it; returns the child's final answer. scope lists what the child may touch, each \
      {target, permission: "read"|"write", recursive?}; targets must lie inside your delegation scope (usually under .worktree/). \
      While the child runs you cannot write what you lent it. profile: a profile selector, or "inherit" for your own configuration. \
      worktree: true gives the child its own checkout, .worktree/<name> (a git worktree on branch yoi/<name> from HEAD, or a plain \
      directory outside git), as its workspace with write there; it stays afterwards for you to review (git diff) and merge.
      """,
    parameters: [
      "type": "object",
      "properties": [
        "name": ["type": "string", "description": "the child Pod's name"],
        "task": ["type": "string", "description": "what the child should do, self-contained"],
        "scope": [
          "type": "array",
          "items": [
            "type": "object",
            "properties": [
              "target": ["type": "string", "description": "absolute or workspace-relative path"],
              "permission": ["type": "string", "enum": ["read", "write"]],
              "recursive": ["type": "boolean"],
            ],
            "required": ["target", "permission"],
          ],
        ],
        "profile": ["type": "string", "description": "a profile selector, or inherit"],
        "worktree": ["type": "boolean", "description": "give the child its own checkout in .worktree/<name>"],
      ],
      "required": ["name", "task", "scope"],
    ])

  struct Arguments: Decodable {
    struct Rule: Decodable {
      var target: String
      var permission: ScopeRule.Permission
      var recursive: Bool?
    }
    var name: String
    var task: String
    var scope: [Rule]
    var profile: String?
    var worktree: Bool?
  }

  let parent: String
  let launcher: any ChildPodLauncher
  /// `compaction.worker_context_max_tokens`: the most context a task may hand a child.
  let taskTokenLimit: Int64?
  let scopeHolder: ScopeHolder
  /// Where git runs for a worktree (nil: no sandbox here, so no git worktree).
  let shell: ToolBox.ShellSettings?

  var subjectIsPath: Bool { false }
  func subject(_ arguments: String) throws(ToolFailure) -> String { try decode(Arguments.self, arguments).name }

  func run(_ arguments: String, _ context: ToolContext) async throws(ToolFailure) -> ToolRun {
    let arguments = try decode(Arguments.self, arguments)
    let inWorktree = arguments.worktree == true
    guard !arguments.scope.isEmpty || inWorktree else { throw ToolFailure("scope is empty: a child needs at least one rule") }
    if let taskTokenLimit, Int64((arguments.task.utf8.count + 3) / 4) > taskTokenLimit {
      throw ToolFailure("the task is longer than compaction.worker_context_max_tokens (\(taskTokenLimit) tokens); hand the child a shorter brief")
    }
    var rules = arguments.scope.map { RequestedScopeRule(target: $0.target, permission: $0.permission, recursive: $0.recursive ?? true) }
    let holder = scopeHolder
    var worktree: Worktree.Made?
    if inWorktree {
      (worktree, rules) = try await Worktree.prepare(
        child: arguments.name, of: parent, in: context.scope.workspace, rules: rules, profile: arguments.profile, launcher: launcher,
        shell: shell, refusal: "the child \(arguments.name) cannot have a worktree")
    }
    do {
      let answer = try await launcher.runChild(
        parent: parent, name: arguments.name, task: arguments.task, scope: rules, profile: arguments.profile, workspace: worktree?.path,
        checkout: worktree?.checkout, parentScopeChanged: { holder.update($0) })
      return ToolRun(text: answer.isEmpty ? "(the child finished without an answer)" : answer, note: "child \(arguments.name) finished")
    } catch is CancellationError {
      throw ToolFailure("the child \(arguments.name) was cancelled")
    } catch let error as any CustomStringConvertible {
      throw ToolFailure("the child \(arguments.name) failed: \(error.description)")
    } catch {
      throw ToolFailure("the child \(arguments.name) failed")
    }
  }
}

/// The Pod's direct scope as it stands: narrowed while children hold lent write.
public final class ScopeHolder: @unchecked Sendable {
  private let lock = NSLock()
  private var checker: ScopeChecker

  init(_ checker: ScopeChecker) { self.checker = checker }

  var current: ScopeChecker { lock.withLock { checker } }

  func update(_ rules: ScopeRules) {
    lock.withLock { checker = checker.with(rules) }
  }

  /// Adds read access to `directory` for the rest of the run (a loaded skill's files).
  func grantRead(_ directory: String) {
    lock.withLock { checker = checker.opening(directory) }
  }
}
