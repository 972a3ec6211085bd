import Foundation
import Glibc
import YoiManifest
import YoiProviders
import YoiSandbox

/// `shell {command, timeout_ms?}`: `/bin/sh -c` in the workspace, confined by the kernel
/// (DESIGN.md §12.5) through the `yoi-sandbox` helper. The environment holds no secrets (it is
/// built from scratch), `HOME` and `TMPDIR` are a private directory removed afterwards, and
/// every process the command starts ends with the call.
struct ShellTool: FileTool {
  static let name = "shell"
  static let definition = ToolDefinition(
    name: name,
    description: """
      Run a command with /bin/sh -c in the workspace, sandboxed by the kernel to this Pod's scope (writes only where the Pod may write; \
      no network without web access; background processes end with the call). stdout and stderr come back interleaved, with the exit \
      status. Default timeout 120000 ms, at most 600000.
      """,
    parameters: schema([("command", "string", "the shell command"), ("timeout_ms", "integer", "timeout in milliseconds")], required: ["command"]))

  static let defaultTimeout = 120_000
  static let maximumTimeout = 600_000

  struct Arguments: Decodable {
    var command: String
    var timeout_ms: Int?
  }

  /// The `yoi-sandbox` helper.
  let helper: String
  let mode: ShellMode
  let allowNetwork: Bool
  /// The user's `PATH` entries (filtered per call to what the command can see).
  let searchPath: [String]
  /// Bytes kept of the output (the tool cap applies again on top).
  let outputLimit: Int

  func subject(_ arguments: String) throws(ToolFailure) -> String { try decode(Arguments.self, arguments).command }
  var subjectIsPath: Bool { false }

  func run(_ arguments: String, _ context: ToolContext) async throws(ToolFailure) -> ToolRun {
    let arguments = try decode(Arguments.self, arguments)
    let timeout = min(max(arguments.timeout_ms ?? Self.defaultTimeout, 1), Self.maximumTimeout)
    var namespaces = mode.current == .namespaces
    var (result, planted) = try await execute(arguments.command, context, timeout: timeout, namespaces: namespaces)
    var preface = ""
    // The kernel's switches promised namespaces but something else (a container's seccomp
    // profile, say) refuses them: this call and every later one run under Landlock alone, and
    // the model and the person watching are told.
    if namespaces, result.end == .exited(126), let line = String(decoding: result.output, as: UTF8.self).split(separator: "\n").first,
      line.hasPrefix(ShellSandbox.namespacesRefused)
    {
      let reason = String(line.dropFirst("yoi sandbox: ".count))
      mode.fallBack(reason: reason)
      preface = "[\(reason); this and later commands run under Landlock alone, with weaker guarantees]\n"
      namespaces = false
      (result, planted) = try await execute(arguments.command, context, timeout: timeout, namespaces: namespaces)
    }
    var text = preface + String(decoding: result.output, as: UTF8.self)
    if !planted.isEmpty {
      text +=
        "\n[yoi removed what the command wrote to \(planted.joined(separator: ", ")): git would take its configuration and hooks from there, outside the sandbox, the next time a person used it]"
    }
    if result.droppedBytes > 0 { text += "\n[\(result.droppedBytes) more bytes of output dropped]" }
    let status: String
    switch result.end {
    case .exited(let code): status = "exit status \(code)"
    case .signalled(let signal): status = "killed by signal \(signal)"
    case .timedOut: status = "timed out after \(timeout) ms; the command and its children were killed"
    case .cancelled: status = "cancelled; the command and its children were killed"
    }
    return ToolRun(
      text: (text.isEmpty ? "" : text + (text.hasSuffix("\n") ? "" : "\n")) + "[\(status)]",
      note: preface.isEmpty ? status : status + " (namespaces refused: Landlock alone from now on)")
  }

  /// The command's `PATH`: the user's entries that are system directories or readable scope
  /// (a directory the command cannot see is no use, and an entry from the environment is not
  /// authority), then the usual ones.
  func path(for scope: ScopeChecker) -> String {
    var entries: [String] = []
    for entry in searchPath + ["/usr/local/bin", "/usr/bin", "/bin"] where entry.hasPrefix("/") && !entries.contains(entry) {
      let visible = ShellPolicy.systemPaths.contains { PathLexer.isInside(entry, directory: $0) } || (scope.resolve(entry)?.access ?? .none) >= .read
      if visible { entries.append(entry) }
    }
    return entries.joined(separator: ":")
  }

  /// One run of `command` in a fresh sandbox with a private temporary directory, and what
  /// it planted in `.git` that yoi then removed (`GitDirectory.undoPlanted`).
  private func execute(
    _ command: String, _ context: ToolContext, timeout: Int, namespaces: Bool
  ) async throws(ToolFailure) -> (
    SandboxedProcess.Result, planted: [String]
  ) {
    var template = Array("/tmp/yoi-shell-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw ToolFailure("cannot create a private temporary directory") }
    let temporary = String(cString: made)
    defer {
      // Usually empty: one rmdir, the recursive removal only when the command left files.
      if rmdir(temporary) != 0 { try? FileManager.default.removeItem(atPath: temporary) }
    }
    // A writable target that does not exist yet (a child lent `.worktree/NAME`) is made, so
    // the view can show it: the Pod may create it anyway.
    for rule in context.scope.rules.allow where rule.permission == .write && FileSystem.kind(rule.target) == nil {
      if context.scope.access(rule.target) == .write { _ = FileSystem.createDirectories(rule.target) }
    }
    // The scope as it stands now: write lent to a running child is not the shell's either.
    let (layout, reservations) = ShellPolicy.layout(
      scope: context.scope, temporaryDirectory: temporary, allowNetwork: allowNetwork, namespaces: namespaces)
    let reserved = Reservations.shared.reserve(reservations)
    defer { Reservations.shared.release(reserved) }
    let home = namespaces ? "/tmp" : temporary
    let environment = [
      "PATH=\(path(for: context.scope))", "HOME=\(home)", "TMPDIR=\(home)", "LANG=C.UTF-8", "TERM=dumb", "PWD=\(context.scope.workspace)",
    ]
    let git = context.scope.workspace + "/.git"
    let guarded = Set(GitDirectory.fileGuarded(git).filter { FileSystem.kind($0) != nil })
    let result: SandboxedProcess.Result
    do {
      result = try await SandboxedProcess.run(
        helper, layout.helperArguments(program: ["/bin/sh", "-c", command], directory: context.scope.workspace),
        environment: environment, directory: context.scope.workspace, timeout: .milliseconds(timeout), outputLimit: outputLimit)
    } catch {
      throw ToolFailure("cannot start the sandboxed shell: \(error.message)")
    }
    return (result, GitDirectory.undoPlanted(git, existedBefore: guarded))
  }
}

/// Protected paths that do not exist yet, created as empty directories while a call needs
/// them reserved (a read-only mount covers each in the call's view) and removed when the last
/// call of this process using one ends, if it is still an empty directory yoi made.
final class Reservations: @unchecked Sendable {
  static let shared = Reservations()
  private let lock = NSLock()
  private var users: [String: Int] = [:]

  /// Creates the missing `paths`; returns those this call holds.
  func reserve(_ paths: [String]) -> [String] {
    lock.withLock {
      var held: [String] = []
      for path in paths {
        if let count = users[path] {
          users[path] = count + 1
          held.append(path)
        } else if mkdir(path, 0o755) == 0 {
          users[path] = 1
          held.append(path)
        }
      }
      return held
    }
  }

  func release(_ paths: [String]) {
    lock.withLock {
      for path in paths {
        let count = (users[path] ?? 1) - 1
        if count > 0 {
          users[path] = count
        } else {
          users[path] = nil
          rmdir(path)
        }
      }
    }
  }
}
