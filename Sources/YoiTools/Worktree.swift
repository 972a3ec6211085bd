import Foundation
public import YoiManifest
import YoiSandbox

/// A child's own checkout (DESIGN.md §12.11): `W/.worktree/<name>`, a git worktree on a new
/// branch `yoi/<name>` from the current HEAD when W is a git repository, else a plain
/// directory. It stays after the child ends, for review and merge.
///
/// git runs inside the shell's sandbox, never as yoi itself: a repository's hooks, filters and
/// `core.fsmonitor` are the workspace's to set (the model may have written them), and under
/// the sandbox they can do only what the Pod's own shell could. Its view: the workspace to read,
/// `.git` and the new directory to write, no network.
public enum Worktree {
  public struct Failure: Error, Sendable {
    public var message: String
  }

  /// For a child `name` of `parent` (`spawn_pod {worktree: true}`, `ticket_assign`): its
  /// worktree in `workspace`, made only once the parent's delegation scope allows lending it,
  /// and `rules` with that write added. A refusal is the tool error `refusal: …`.
  static func prepare(
    child name: String, of parent: String, in workspace: String, rules: [RequestedScopeRule], profile: String?, launcher: any ChildPodLauncher,
    shell: ToolBox.ShellSettings?, refusal: String
  ) async throws(ToolFailure) -> (made: Made, rules: [RequestedScopeRule]) {
    let path = Self.path(workspace: workspace, name: name)
    let rules = rules + [RequestedScopeRule(target: path, permission: .write, recursive: true)]
    do {
      try launcher.checkDelegation(parent: parent, scope: rules, workspace: path, profile: profile)
    } catch let error as any CustomStringConvertible {
      throw ToolFailure("\(refusal): \(error.description)")
    } catch {
      throw ToolFailure(refusal)
    }
    do {
      return (try await create(workspace: workspace, name: name, shell: shell), rules)
    } catch {
      throw ToolFailure(error.message)
    }
  }

  /// Where `name`'s worktree goes in `workspace`.
  public static func path(workspace: String, name: String) -> String { workspace + "/.worktree/" + name }

  /// A worktree as `create` leaves it: the directory, and in git the rest of its checkout,
  /// still to run.
  public struct Made: Sendable {
    public var path: String
    /// nil outside git (a plain directory is complete at once).
    public var checkout: Checkout?
  }

  /// The files a child reads as it starts (DESIGN.md §12.9: `AGENTS.md`; `.yoi`'s skills and
  /// memory), checked out before it starts; the rest follows while it does.
  static let readAtStart = [ProjectInstructions.fileName, ".yoi"]

  /// The rest of a worktree's checkout. Writing thousands of files takes git most of a second
  /// (nearly all of it the kernel's file creation), so the child starts first: its tools wait
  /// at its `WorkspaceGate` until this has run.
  public struct Checkout: Sendable {
    let workspace: String
    let path: String
    let shell: ToolBox.ShellSettings

    /// Checks out every file of HEAD; nil when done, else what went wrong.
    public func run() async -> String? {
      do throws(Failure) {
        try await Worktree.git(
          #"cd "$1" && exec nice -n 10 git -c core.hooksPath=/dev/null reset -q --hard HEAD"#, [path], in: workspace, writing: path, shell: shell)
        return nil
      } catch {
        return error.message
      }
    }
  }

  /// Creates the worktree for `name` (a valid Pod name): in git, the branch, the worktree and
  /// the files read at start (`readAtStart`), with the rest of the checkout to run.
  public static func create(workspace: String, name: String, shell: ToolBox.ShellSettings?) async throws(Failure) -> Made {
    guard PodName.isValid(name), !name.hasPrefix("-"), !name.hasSuffix(".lock"), !name.contains("..") else {
      throw Failure(message: "`\(name)` cannot name a worktree and its branch; use letters, digits, '_' and '-'")
    }
    let path = Self.path(workspace: workspace, name: name)
    guard FileSystem.kind(path) == nil else {
      throw Failure(message: ".worktree/\(name) already exists (an earlier child's work, kept for review); choose another name, or remove it first")
    }
    guard FileSystem.createDirectories(path) else { throw Failure(message: "cannot create .worktree/\(name)") }
    guard FileSystem.kind(workspace + "/.git") == .directory else { return Made(path: path) }
    guard let shell else {
      rmdir(path)
      throw Failure(message: "creating a git worktree needs the shell's sandbox, which this machine does not offer")
    }
    // `ls-tree` names only the start files HEAD has (checkout refuses a path it does not).
    let script = #"""
      git -c core.hooksPath=/dev/null worktree add -q --no-checkout -b "yoi/$1" "$2" HEAD || exit
      cd "$2" && shift 2 || exit
      first=$(git ls-tree --name-only HEAD -- "$@") || exit
      [ -z "$first" ] || exec git -c core.hooksPath=/dev/null checkout -q HEAD -- $first
      """#
    do {
      try await git(script, [name, path] + readAtStart, in: workspace, writing: path, shell: shell)
    } catch {
      // Only the empty directory yoi made goes; a half-made worktree is git's to report.
      rmdir(path)
      throw Failure(message: "git could not create the worktree: \(error.message)")
    }
    return Made(path: path, checkout: Checkout(workspace: workspace, path: path, shell: shell))
  }

  /// Runs `script` (`sh -c`, with `arguments` as $1…) in `workspace` under the shell's
  /// sandbox: the workspace to read, its `.git` and `directory` to write, no network.
  private static func git(
    _ script: String, _ arguments: [String], in workspace: String, writing directory: String, shell: ToolBox.ShellSettings
  )
    async throws(Failure)
  {
    let rules = ScopeRules(allow: [
      ScopeRule(target: workspace, permission: .read, recursive: true), ScopeRule(target: workspace + "/.git", permission: .write, recursive: true),
      ScopeRule(target: directory, permission: .write, recursive: true),
    ])
    let scope = ScopeChecker(rules: rules, workspace: workspace)
    var template = Array("/tmp/yoi-git-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw Failure(message: "cannot create a private temporary directory") }
    let temporary = String(cString: made)
    defer { try? FileManager.default.removeItem(atPath: temporary) }
    let namespaces = shell.mode.current == .namespaces
    let (layout, reservations) = ShellPolicy.layout(scope: scope, temporaryDirectory: temporary, allowNetwork: false, namespaces: namespaces)
    let reserved = Reservations.shared.reserve(reservations)
    defer { Reservations.shared.release(reserved) }
    let home = namespaces ? "/tmp" : temporary
    let result: SandboxedProcess.Result
    do {
      result = try await SandboxedProcess.run(
        shell.helper, layout.helperArguments(program: ["/bin/sh", "-c", script, "git"] + arguments, directory: workspace),
        environment: ["PATH=/usr/local/bin:/usr/bin:/bin", "HOME=\(home)", "TMPDIR=\(home)", "LANG=C.UTF-8", "GIT_CONFIG_NOSYSTEM=1", "GIT_TERMINAL_PROMPT=0"],
        directory: workspace, timeout: .seconds(300), outputLimit: 16 << 10)
    } catch {
      throw Failure(message: "cannot start git: \(error.message)")
    }
    guard case .exited(0) = result.end else {
      let output = String(decoding: result.output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
      throw Failure(message: output.isEmpty ? "\(result.end)" : String(output.suffix(600)))
    }
  }
}
