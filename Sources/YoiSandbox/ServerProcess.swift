import Foundation
import Glibc
import YoiCSandbox

/// A long-lived confined program spoken to over its stdin and stdout (an MCP server, DESIGN.md
/// §12.10): started in its own process group through the sandbox helper, its output read line
/// by line on a dedicated thread, stopped by closing stdin, then SIGTERM, then SIGKILL to the
/// whole group, `grace` apart.
public final class ServerProcess: @unchecked Sendable {
  public struct Failure: Error, Sendable {
    public var message: String
  }

  public let pid: Int32
  private let input: Int32
  private let output: Int32
  private let lock = NSLock()
  private var inputOpen = true
  /// Lines from stdout, until it closes.
  public let lines: AsyncStream<[UInt8]>

  private init(pid: pid_t, input: Int32, output: Int32) {
    self.pid = pid
    self.input = input
    self.output = output
    var continuation: AsyncStream<[UInt8]>.Continuation!
    lines = AsyncStream(bufferingPolicy: .bufferingNewest(4096)) { continuation = $0 }
    let sink = continuation!
    let thread = Thread {
      var buffer = [UInt8](repeating: 0, count: 65536)
      var pending: [UInt8] = []
      while true {
        let count = buffer.withUnsafeMutableBytes { Glibc.read(output, $0.baseAddress!, $0.count) }
        if count < 0, errno == EINTR { continue }
        if count <= 0 { break }
        pending += buffer[0..<count]
        while let newline = pending.firstIndex(of: 0x0A) {
          sink.yield(Array(pending[..<newline]))
          pending.removeSubrange(...newline)
        }
        // A line longer than 16 MiB is not a protocol message: the stream ends.
        if pending.count > 16 << 20 { break }
      }
      sink.finish()
      close(output)
    }
    thread.stackSize = 256 << 10
    thread.start()
  }

  /// Starts `executable` with `arguments` (argv[0] is added).
  public static func start(_ executable: String, _ arguments: [String], environment: [String], directory: String) throws(Failure) -> ServerProcess {
    var pid: pid_t = 0
    var writeEnd: Int32 = -1
    var readEnd: Int32 = -1
    let spawned = withCStringArray([executable] + arguments) { argv in
      withCStringArray(environment) { envp in yoi_spawn_piped(executable, argv, envp, directory, &writeEnd, &readEnd, &pid) }
    }
    guard spawned == 0 else { throw Failure(message: "cannot start \(executable): \(String(cString: strerror(spawned)))") }
    return ServerProcess(pid: pid, input: writeEnd, output: readEnd)
  }

  /// Writes `line` and a newline; false when the process no longer reads.
  @discardableResult
  public func send(_ line: [UInt8]) -> Bool {
    lock.withLock {
      guard inputOpen else { return false }
      let bytes = line + [0x0A]
      var written = 0
      while written < bytes.count {
        // MSG_NOSIGNAL is for sockets; SIGPIPE is ignored by yoi, so a closed pipe is EPIPE.
        let count = bytes.withUnsafeBytes { Glibc.write(input, $0.baseAddress! + written, $0.count - written) }
        if count < 0, errno == EINTR { continue }
        if count <= 0 { return false }
        written += count
      }
      return true
    }
  }

  /// Stops the server: stdin closed, then SIGTERM and SIGKILL to its process group, `grace`
  /// apart, until it has exited (it is reaped here).
  public func stop(grace: Duration = .seconds(2)) async {
    lock.withLock {
      if inputOpen {
        close(input)
        inputOpen = false
      }
    }
    for signal in [0, SIGTERM, SIGKILL] {
      if signal != 0 {
        kill(-pid, signal)
        kill(pid, signal)
      }
      if await exited(within: signal == SIGKILL ? .seconds(5) : grace) { return }
    }
  }

  /// Whether the process has exited (and is reaped) within `limit`.
  private func exited(within limit: Duration) async -> Bool {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
      var status: Int32 = 0
      let reaped = waitpid(pid, &status, WNOHANG)
      if reaped == pid || (reaped < 0 && errno == ECHILD) { return true }
      try? await Task.sleep(for: .milliseconds(20))
    }
    return false
  }
}
