import Foundation
import Glibc
import YoiCSandbox

/// One confined program, run to its end (DESIGN.md §12.5): started in its own process group
/// with stdout and stderr on one pipe, waited for on a dedicated thread that sleeps in `poll`
/// on the pipe, a pidfd and a cancellation eventfd (no periodic wake-ups), so neither the
/// cooperative pool nor a caller's task is blocked.
///
/// At the timeout or on cancellation the helper gets SIGTERM and kills the whole call (the PID
/// namespace, or every descendant it reaped); if it has not exited 500 ms later, its process
/// group and the helper itself get SIGKILL. Output that a survivor keeps open is read for at
/// most a second after the helper exits, so nothing can hold the call open.
public enum SandboxedProcess {
  public enum End: Sendable, Equatable {
    case exited(Int32)
    case signalled(Int32)
    case timedOut
    case cancelled
  }

  public struct Result: Sendable {
    public var output: [UInt8]
    public var droppedBytes: Int
    public var end: End
  }

  public struct Failure: Error, Sendable {
    public var message: String
  }

  /// Runs `executable` with `arguments` (argv[0] is added), keeping at most `outputLimit` bytes.
  public static func run(
    _ executable: String, _ arguments: [String], environment: [String], directory: String, timeout: Duration, outputLimit: Int
  ) async throws(Failure) -> Result {
    var pid: pid_t = 0
    var readEnd: Int32 = -1
    let spawned = withCStringArray([executable] + arguments) { argv in
      withCStringArray(environment) { envp in yoi_spawn_in_group(executable, argv, envp, directory, &readEnd, &pid) }
    }
    guard spawned == 0 else { throw Failure(message: "cannot start \(executable): \(String(cString: strerror(spawned)))") }
    let waiter = Waiter(pid: pid, output: readEnd, timeout: timeout, outputLimit: outputLimit)
    return await withTaskCancellationHandler {
      await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: waiter.wait()) }
        thread.stackSize = 256 << 10
        thread.start()
      }
    } onCancel: {
      waiter.cancel()
    }
  }

  /// The state of one wait; the descriptors close when both the thread and the cancellation
  /// handler are done with it.
  final class Waiter: @unchecked Sendable {
    let pid: pid_t
    let output: Int32
    let processDescriptor: Int32
    let cancelDescriptor: Int32
    let timeout: Duration
    let outputLimit: Int

    init(pid: pid_t, output: Int32, timeout: Duration, outputLimit: Int) {
      self.pid = pid
      self.output = output
      self.timeout = timeout
      self.outputLimit = outputLimit
      processDescriptor = yoi_pidfd_open(pid)
      cancelDescriptor = yoi_event_open()
    }

    deinit {
      close(output)
      if processDescriptor >= 0 { close(processDescriptor) }
      if cancelDescriptor >= 0 { close(cancelDescriptor) }
    }

    func cancel() { yoi_event_signal(cancelDescriptor) }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    func wait() -> Result {
      var collected: [UInt8] = []
      var dropped = 0
      var buffer = [UInt8](repeating: 0, count: 65536)
      let components = timeout.components
      let timeoutNanoseconds = UInt64(max(0, components.seconds)) * 1_000_000_000 + UInt64(max(0, components.attoseconds) / 1_000_000_000)
      var deadline = Self.now() + timeoutNanoseconds
      var end: End?
      var status: Int32 = 0
      var exited = false
      var pipeOpen = true
      var escalation: UInt64?
      var outputGrace: UInt64?

      func terminate(_ reason: End) {
        // Once reaped, the pid may belong to another process: never signal it then.
        guard end == nil, !exited else { return }
        end = reason
        kill(pid, SIGTERM)
        escalation = Self.now() + 500_000_000
      }

      while pipeOpen || !exited {
        var descriptors: [pollfd] = []
        if pipeOpen { descriptors.append(pollfd(fd: output, events: Int16(POLLIN), revents: 0)) }
        if !exited { descriptors.append(pollfd(fd: processDescriptor, events: Int16(POLLIN), revents: 0)) }
        descriptors.append(pollfd(fd: cancelDescriptor, events: Int16(POLLIN), revents: 0))
        let wake = [end == nil ? deadline : nil, escalation, outputGrace].compactMap { $0 }.min() ?? deadline
        let now = Self.now()
        let waitMilliseconds = wake > now ? Int32(min((wake - now) / 1_000_000 + 1, 60_000)) : 0
        // Without a pidfd (a kernel before 5.3) the exit is noticed on a short tick instead.
        let ready = poll(&descriptors, nfds_t(descriptors.count), processDescriptor >= 0 ? waitMilliseconds : min(waitMilliseconds, 20))
        if ready < 0 && errno != EINTR { break }
        for descriptor in descriptors where descriptor.revents != 0 {
          if descriptor.fd == output {
            let count = read(output, &buffer, buffer.count)
            if count <= 0 {
              pipeOpen = false
            } else if collected.count < outputLimit {
              let keep = min(count, outputLimit - collected.count)
              collected += buffer[0..<keep]
              dropped += count - keep
            } else {
              dropped += count
            }
          } else if descriptor.fd == cancelDescriptor {
            yoi_event_clear(cancelDescriptor)
            terminate(.cancelled)
          }
        }
        if !exited && waitpid(pid, &status, WNOHANG) == pid {
          exited = true
          escalation = nil
          outputGrace = Self.now() + 1_000_000_000
        }
        let time = Self.now()
        if end == nil && !exited && time >= deadline { terminate(.timedOut) }
        if let due = escalation, time >= due, !exited {
          kill(-pid, SIGKILL)
          kill(pid, SIGKILL)
          escalation = nil
        }
        if let due = outputGrace, time >= due { pipeOpen = false }
        if end != nil && exited { deadline = time }
      }
      let signal = status & 0x7f
      return Result(output: collected, droppedBytes: dropped, end: end ?? (signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)))
    }
  }
}
