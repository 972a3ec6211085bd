import YoiProfiles
import Foundation
import YoiAgent
import YoiDiagnostics
public import YoiManifest
import YoiProviders
import YoiStore
public import YoiTools

/// Runs `spawn_pod` children in this process (DESIGN.md §12.7): each child is created through
/// the delegation rules (child ⊆ parent), run to the end with its own transcript, and its lent
/// write given back to the parent afterwards, each change recorded as a parent snapshot.
public final class ChildPods: ChildPodLauncher, @unchecked Sendable {
  public static let maximumDepth = 3
  public static let maximumRunning = 4

  /// How children run (and the service they are spawned through).
  private let runs: PodRuns
  private var store: PodStore { runs.store }
  /// Made on first use: most runs spawn no child, and the service resolves profiles.
  private var madeService: PodService?
  /// Spawning and giving back both rewrite the parent's snapshot: one at a time.
  private let lock = NSLock()
  private var running: [String: (parent: String, granted: [ScopeRule])] = [:]
  /// The parent's scope before it lent anything to a child of this process.
  private var originalScopes: [String: ScopeRules] = [:]

  public init(runs: PodRuns) {
    self.runs = runs
  }

  public func checkDelegation(parent: String, scope: [RequestedScopeRule], workspace: String, profile: String?) throws {
    _ = try PodService.grant(scope: scope, delegate: [], parent: parent, parentManifest: store.currentManifest(of: parent), workspace: workspace)
    if let profile { try lock.withLock { try service() }.checkChildProfile(profile, parent: parent) }
  }

  public func runChild(
    parent: String, name: String, task: String, scope: [RequestedScopeRule], profile: String?, workspace: String?, checkout: Worktree.Checkout?,
    parentScopeChanged: @escaping @Sendable (ScopeRules) -> Void
  ) async throws -> String {
    let depth = try depth(of: parent) + 1
    guard depth <= Self.maximumDepth else {
      throw YoiError(
        "\(name) would be at delegation depth \(depth); at most \(Self.maximumDepth) levels of child Pods are allowed", code: .delegation)
    }
    let child = try lock.withLock { () throws -> (record: PodRecord, granted: [ScopeRule]) in
      guard running.count < Self.maximumRunning else {
        throw YoiError(
          "\(Self.maximumRunning) child Pods are already running; wait for one to finish before spawning \(name)", code: .delegation)
      }
      if originalScopes[parent] == nil { originalScopes[parent] = try store.currentManifest(of: parent).sections.scope }
      let service = try self.service()
      let selector = try profile ?? Self.registryEntry(of: store.pod(named: parent)) ?? "inherit"
      let record =
        selector == "inherit"
        ? try service.spawnInheriting(parent: parent, name: name, scope: scope, workspace: workspace)
        : try service.spawn(
          PodService.SpawnRequest(
            profile: selector, name: name, workspace: workspace, parent: parent, scope: scope, trustPolicy: .require, requestedByModel: true)
        )
        .record
      let granted = try store.currentManifest(of: record.name).sections.scope.allow
      running[record.name] = (parent, granted)
      return (record, granted)
    }
    let outcome: Result<String, any Error>
    do {
      parentScopeChanged(try store.currentManifest(of: parent).sections.scope)
      outcome = .success(try await runToEnd(child.record.name, task: task, checkout: checkout))
    } catch {
      outcome = .failure(error)
    }
    // The lent write comes back however the child ended. If the store refuses, the parent
    // stays narrower than it should be (never wider), and the model is told so.
    do {
      parentScopeChanged(try giveBack(child: child.record.name, parent: parent, granted: child.granted))
    } catch {
      let problem = (error as? YoiError)?.diagnostics.map(\.message).joined(separator: "; ") ?? "\(error)"
      let finished = (try? outcome.get()).map { "\(name) finished (\($0.isEmpty ? "without an answer" : $0)), but " } ?? ""
      throw YoiError(
        "\(finished)the write lent to \(name) could not be given back to \(parent) (\(problem)); \(parent) cannot write there until it is",
        code: .delegation)
    }
    return try outcome.get()
  }

  /// Runs `task` in the child until it answers; its own children share this launcher. Its
  /// worktree's `checkout` runs beside it, and is waited for however the child ends: no git
  /// outlives the call, and a worktree is never left half checked out by a child's failure.
  private func runToEnd(_ child: String, task: String, checkout: Worktree.Checkout?) async throws -> String {
    let gate = checkout.map { _ in WorkspaceGate() }
    async let filled: Void = { if let checkout, let gate { await gate.fill(by: checkout) } }()
    let outcome: Result<RunOutcome, any Error>
    do {
      outcome = .success(try await runs.run(pod: PodName(child), task: task, observer: SilentObserver(), children: self, workspaceGate: gate))
    } catch {
      outcome = .failure(error)
    }
    await filled
    if let failure = await gate?.wait() {
      throw YoiError("the checkout of \(child)'s worktree failed (\(failure)); it ran without all of its files", code: .delegation)
    }
    switch try outcome.get() {
    case .finished(let answer): return answer
    case .cancelled: throw CancellationError()
    }
  }

  /// The service, made once (callers hold `lock`).
  private func service() throws -> PodService {
    if let madeService { return madeService }
    let made = try runs.makeService()
    madeService = made
    return made
  }

  /// How many ancestors `name` has.
  private func depth(of name: String) throws -> Int {
    var depth = 0
    var current = try store.pod(named: name)
    while let parent = current.parent {
      depth += 1
      current = try store.pod(named: parent)
    }
    return depth
  }

  /// The selector a child gets by default: its parent's registry entry (trust is checked
  /// again). A parent spawned from a path has none: that file may have changed since, possibly
  /// by the model itself, so the child inherits the parent's snapshot instead.
  static func registryEntry(of record: PodRecord) -> String? {
    record.origin.qualifiedName
  }

  private func giveBack(child: String, parent: String, granted: [ScopeRule]) throws -> ScopeRules {
    try lock.withLock {
      running[child] = nil
      let stillLent = running.values.filter { $0.parent == parent }.flatMap(\.granted)
      let original = originalScopes[parent] ?? ScopeRules()
      if !running.values.contains(where: { $0.parent == parent }) { originalScopes[parent] = nil }
      return try service().returnDelegation(to: parent, granted: granted, stillLent: stillLent, original: original)
    }
  }
}

/// A child's run is not shown; its answer is the tool result and its transcript its own.
struct SilentObserver: RunObserver {
  func textDelta(_ text: String) {}
  func toolStarted(_ call: ToolCall) {}
  func toolFinished(_ call: ToolCall, _ outcome: ToolOutcome) {}
  func recorded(_ event: TranscriptEvent, seq: Int64) {}
}
