import Foundation
import Glibc
import YoiManifest
import YoiProviders
import YoiCSandbox
import YoiSandbox

/// `shell {command, timeout_ms?}`: `/bin/sh -c` in the workspace under Landlock (DESIGN.md
/// §12.5), through the `yoi __sandbox-exec` helper. The environment holds no secrets (it is
/// built from scratch), `HOME` and `TMPDIR` are a private directory removed afterwards, and the
/// whole process group is killed at the timeout or when the command's shell exits.
struct ShellTool: FileTool {
  static let name = "shell"
  static let definition = ToolDefinition(
    name: name,
    description: """
      Run a command with /bin/sh -c in the workspace, sandboxed by the kernel to this Pod's scope (writes only where the Pod may write; \
      TCP only with web access). stdout and stderr come back interleaved, with the exit status. Default timeout 120000 ms, at most 600000.
      """,
    parameters: schema([("command", "string", "the shell command"), ("timeout_ms", "integer", "timeout in milliseconds")], required: ["command"]))

  static let defaultTimeout = 120_000
  static let maximumTimeout = 600_000

  struct Arguments: Decodable {
    var command: String
    var timeout_ms: Int?
  }

  /// The `yoi` binary that holds the helper entry point.
  let helper: String
  let allowNetwork: Bool
  /// Bytes kept of the output (the tool cap applies again on top).
  let outputLimit: Int

  func subject(_ arguments: String) throws(ToolFailure) -> String { try decode(Arguments.self, arguments).command }
  var subjectIsPath: Bool { false }

  func run(_ arguments: String, _ context: ToolContext) throws(ToolFailure) -> ToolRun {
    let arguments = try decode(Arguments.self, arguments)
    let timeout = min(max(arguments.timeout_ms ?? Self.defaultTimeout, 1), Self.maximumTimeout)
    var template = Array("/tmp/yoi-shell-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw ToolFailure("cannot create a private temporary directory") }
    let temporary = String(cString: made)
    defer { try? FileManager.default.removeItem(atPath: temporary) }
    // The scope as it stands now: write lent to a running child is not the shell's either.
    let policy = ShellPolicy.policy(scope: context.scope, temporaryDirectory: temporary, allowNetwork: allowNetwork)
    let environment = [
      "PATH=/usr/local/bin:/usr/bin:/bin", "HOME=\(temporary)", "TMPDIR=\(temporary)", "LANG=C.UTF-8", "TERM=dumb", "PWD=\(context.scope.workspace)",
    ]
    let result = try ProcessGroup.run(
      helper, ShellSandbox.helperArguments(policy, command: arguments.command), environment: environment, directory: context.scope.workspace,
      timeoutMilliseconds: timeout, outputLimit: outputLimit)
    var text = String(decoding: result.output, as: UTF8.self)
    if result.droppedBytes > 0 { text += "\n[\(result.droppedBytes) more bytes of output dropped]" }
    let status: String
    switch result.end {
    case .exited(let code): status = "exit status \(code)"
    case .signalled(let signal): status = "killed by signal \(signal)"
    case .timedOut: status = "timed out after \(timeout) ms; the command and its children were killed"
    case .cancelled: status = "cancelled; the command and its children were killed"
    }
    return ToolRun(text: (text.isEmpty ? "" : text + (text.hasSuffix("\n") ? "" : "\n")) + "[\(status)]", note: status)
  }
}

/// Runs a program in a new process group with stdout and stderr on one pipe; kills the group
/// when the program ends, times out, or the calling task is cancelled.
enum ProcessGroup {
  enum End: Equatable {
    case exited(Int32)
    case signalled(Int32)
    case timedOut
    case cancelled
  }

  struct Result {
    var output: [UInt8]
    var droppedBytes: Int
    var end: End
  }

  static func run(
    _ executable: String, _ arguments: [String], environment: [String], directory: String, timeoutMilliseconds: Int, outputLimit: Int
  ) throws(ToolFailure) -> Result {
    var pid: pid_t = 0
    var readEnd: Int32 = -1
    let argv = [executable] + arguments
    let spawned = withCStringArray(argv) { argvPointer in
      withCStringArray(environment) { environmentPointer in
        yoi_spawn_in_group(executable, argvPointer, environmentPointer, directory, &readEnd, &pid)
      }
    }
    guard spawned == 0 else { throw ToolFailure("cannot start the sandboxed shell: \(String(cString: strerror(spawned)))") }
    defer { close(readEnd) }

    var output: [UInt8] = []
    var dropped = 0
    var buffer = [UInt8](repeating: 0, count: 65536)
    let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeoutMilliseconds) * 1_000_000
    var end: End?
    var status: Int32 = 0
    var exited = false
    var pipeOpen = true
    while pipeOpen {
      var poller = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
      let ready = poll(&poller, 1, 50)
      if ready > 0 {
        let count = read(readEnd, &buffer, buffer.count)
        if count <= 0 {
          pipeOpen = false
        } else if output.count < outputLimit {
          let keep = min(count, outputLimit - output.count)
          output += buffer[0..<keep]
          dropped += count - keep
        } else {
          dropped += count
        }
      }
      if !exited && waitpid(pid, &status, WNOHANG) == pid {
        exited = true
        // The command is done: what it left running in the background goes with it.
        killGroup(pid)
      }
      if !exited && end == nil {
        if DispatchTime.now().uptimeNanoseconds >= deadline {
          end = .timedOut
          killGroup(pid)
        } else if Task.isCancelled {
          end = .cancelled
          killGroup(pid)
        }
      }
    }
    // The output closed before the shell exited: end the group, reap the shell. (When the
    // shell exited, its group was killed then.)
    if !exited {
      killGroup(pid)
      waitpid(pid, &status, 0)
    }
    if end == nil {
      let signal = status & 0x7f
      end = signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
    }
    return Result(output: output, droppedBytes: dropped, end: end!)
  }

  /// SIGKILL to the whole group, repeated until no live member is left (a process forking
  /// while the group is killed cannot leave a survivor behind).
  static func killGroup(_ group: pid_t) {
    for _ in 0..<1000 {
      if kill(-group, SIGKILL) != 0 && errno == ESRCH { return }
      if !hasLiveMember(group) { return }
      usleep(1000)
    }
  }

  /// Whether a process of `group` is alive (zombies waiting to be reaped do not count).
  static func hasLiveMember(_ group: pid_t) -> Bool {
    guard let directory = opendir("/proc") else { return false }
    defer { closedir(directory) }
    while let entry = readdir(directory) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
      guard let first = name.utf8.first, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9"),
        let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")")
      else { continue }
      // "pid (comm) STATE PPID PGRP ..."
      let fields = stat[stat.index(after: close)...].split(separator: " ")
      if fields.count > 2, fields[0] != "Z", fields[0] != "X", Int32(fields[2]) == group { return true }
    }
    return false
  }
}
