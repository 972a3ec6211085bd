import Foundation

/// A child's workspace still being filled: its worktree's checkout runs while the child starts
/// (`Worktree.Checkout`), and the child's tools, and its MCP servers, wait here until it is done.
/// The start itself reads only what was checked out before it (`Worktree.readAtStart`).
public final class WorkspaceGate: @unchecked Sendable {
  private enum State {
    case filling([CheckedContinuation<String?, Never>])
    case open(failure: String?)
  }

  private let lock = NSLock()
  private var state = State.filling([])

  public init() {}

  /// Runs `checkout` and opens the gate with its outcome; every waiter is woken, whether the
  /// checkout succeeded, failed or was cancelled.
  public func fill(by checkout: Worktree.Checkout) async {
    open(failure: await checkout.run())
  }

  func open(failure: String?) {
    let waiting: [CheckedContinuation<String?, Never>] = lock.withLock {
      guard case .filling(let waiting) = state else { return [] }
      state = .open(failure: failure)
      return waiting
    }
    for waiter in waiting { waiter.resume(returning: failure) }
  }

  /// Waits until the workspace is complete; nil then, else why it never will be.
  public func wait() async -> String? {
    await withCheckedContinuation { continuation in
      let ready: String?? = lock.withLock {
        switch state {
        case .filling(let waiting):
          state = .filling(waiting + [continuation])
          return .none
        case .open(let failure): return .some(failure)
        }
      }
      if let ready { continuation.resume(returning: ready) }
    }
  }
}
