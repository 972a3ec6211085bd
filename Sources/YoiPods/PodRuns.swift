import Foundation
public import YoiAgent
import YoiDiagnostics
public import YoiManifest
public import YoiStore
public import YoiTools

/// Running Pods: the one place that takes a Pod's run lock, builds its runner from the stored
/// snapshot, and shuts the runner down and releases the lock however the run ends. `pod run`,
/// `pod attach` and child Pods (`spawn_pod`) all run through it.
public struct PodRuns: Sendable {
  public let store: PodStore
  public let secrets: SecretStore
  /// yoi's data directory (run locks live under it).
  public let dataDirectory: String
  /// yoi's data and config directories: out of every tool's reach.
  public let protectedDirectories: [String]
  /// Where user skills live (`<config>/skills`).
  public let configDirectory: String
  /// The service children are spawned through; made on first use, as most runs spawn none.
  let makeService: @Sendable () throws -> PodService

  public init(
    store: PodStore, secrets: SecretStore, dataDirectory: String, configDirectory: String, service: @escaping @Sendable () throws -> PodService
  ) {
    self.store = store
    self.secrets = secrets
    self.dataDirectory = dataDirectory
    self.protectedDirectories = [dataDirectory, configDirectory]
    self.configDirectory = configDirectory
    self.makeService = service
  }

  /// Opens `pod` for running (checks it exists, takes its run lock, builds its runner),
  /// calls `body`, then shuts the runner down and releases the lock, also when `body` throws
  /// or is cancelled.
  /// - Parameter children: the launcher of `spawn_pod`, shared by a session and the children
  ///   it starts (nil: a new one for this session).
  public func withSession<T: Sendable>(
    pod: PodName, approval: any ApprovalHandler = HeadlessApproval(), children: ChildPods? = nil, workspaceGate: WorkspaceGate? = nil,
    _ body: (PodRunner) async throws -> T
  ) async throws -> T {
    _ = try store.pod(named: pod.rawValue)
    let lock = try RunLock(dataDirectory: dataDirectory, pod: pod)
    let runner = try await PodRunner(
      pod: pod.rawValue, store: store, secrets: secrets, approval: approval, children: children ?? ChildPods(runs: self),
      protectedDirectories: protectedDirectories, configDirectory: configDirectory, workspaceGate: workspaceGate)
    let result: Result<T, any Error>
    do {
      result = .success(try await body(runner))
    } catch {
      result = .failure(error)
    }
    await runner.shutdown()
    withExtendedLifetime(lock) {}
    return try result.get()
  }

  /// Runs one task in `pod` to its end.
  public func run(
    pod: PodName, task: String, observer: any RunObserver, approval: any ApprovalHandler = HeadlessApproval(), children: ChildPods? = nil,
    workspaceGate: WorkspaceGate? = nil
  ) async throws -> RunOutcome {
    try await withSession(pod: pod, approval: approval, children: children, workspaceGate: workspaceGate) { runner in
      try await runner.run(prompt: task, observer: observer)
    }
  }
}
