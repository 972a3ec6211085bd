public import Foundation
public import YoiDiagnostics
public import YoiManifest
public import YoiProfiles
public import YoiStore
import YoiTools

/// The Pod services the commands call: spawning (with delegation), re-resolving and the
/// trust decisions they involve. Commands parse arguments, call one of these and render.
public struct PodService: Sendable {
  public let store: PodStore
  public let secrets: SecretStore
  public let trust: ProjectTrust
  public let versions: PodStore.Versions
  /// Builds the resolver for a workspace (registries seen from it, the model catalog, trust).
  public let makeResolver: @Sendable (_ workspace: String, _ trustPolicy: TrustPolicy) throws(YoiError) -> ProfileResolver
  public let workingDirectory: String

  public init(
    store: PodStore, secrets: SecretStore, trust: ProjectTrust, versions: PodStore.Versions,
    workingDirectory: String = FileManager.default.currentDirectoryPath,
    makeResolver: @escaping @Sendable (_ workspace: String, _ trustPolicy: TrustPolicy) throws(YoiError) -> ProfileResolver
  ) {
    self.store = store
    self.secrets = secrets
    self.trust = trust
    self.versions = versions
    self.workingDirectory = workingDirectory
    self.makeResolver = makeResolver
  }

  // MARK: Spawn

  /// What to spawn: a profile or a manifest file, the runtime inputs, and for a child its
  /// parent and the rules it is granted (`PERMISSION:PATH[:exact]`).
  public struct SpawnRequest: Sendable {
    public var profile: String?
    public var manifestFile: String?
    public var name: String?
    public var workspace: String?
    public var role: LaunchRole
    public var parent: String?
    /// What the child may touch, and what it may delegate in turn.
    public var scope: [RequestedScopeRule]
    public var delegate: [RequestedScopeRule]
    public var trustPolicy: TrustPolicy
    /// The model asked for this child (`spawn_pod`): only a registry entry the user already
    /// trusted may be named, and the child gets no endpoint, credential, feature or web
    /// setting its parent lacks (DESIGN.md §12.7).
    public var requestedByModel: Bool
    /// A catalog model in place of the profile's (`--model`).
    public var model: String?

    public init(
      profile: String? = nil, manifestFile: String? = nil, name: String? = nil, workspace: String? = nil, role: LaunchRole = .normal,
      parent: String? = nil, scope: [RequestedScopeRule] = [], delegate: [RequestedScopeRule] = [], trustPolicy: TrustPolicy = .require,
      requestedByModel: Bool = false, model: String? = nil
    ) {
      self.model = model
      self.requestedByModel = requestedByModel
      self.profile = profile
      self.manifestFile = manifestFile
      self.name = name
      self.workspace = workspace
      self.role = role
      self.parent = parent
      self.scope = scope
      self.delegate = delegate
      self.trustPolicy = trustPolicy
    }
  }

  /// The stored Pod, its snapshot's digest, and findings that did not stop the spawn.
  public struct Spawned: Sendable {
    public var record: PodRecord
    public var digest: String
    public var warnings: [Diagnostic]
  }

  /// Resolves, validates and stores a new Pod with its snapshot (and, for a child, the
  /// parent's narrowed scope) in one transaction.
  /// - Throws: `YoiError` for a missing workspace, an unknown parent, rules outside the
  ///   parent's delegation scope, and every profile and store problem.
  public func spawn(_ request: SpawnRequest) throws(YoiError) -> Spawned {
    var parentRecord: PodRecord?
    var parentManifest: PodManifest?
    if let parent = request.parent {
      parentRecord = try store.pod(named: parent)
      parentManifest = try store.currentManifest(of: parent)
    }
    let workspace = try existingWorkspace(request.workspace ?? parentRecord?.workspace)
    var inputs = ResolutionInputs(podName: request.name, workspace: workspace, role: request.role, model: request.model)
    if request.model != nil, request.manifestFile != nil {
      throw YoiError("--model replaces a profile's model; a manifest file names its model itself", code: .usage)
    }
    var parentAfter: PodManifest?
    if let parent = request.parent, let parentManifest {
      let delegated = try Self.grant(scope: request.scope, delegate: request.delegate, parent: parent, parentManifest: parentManifest, workspace: workspace)
      inputs.delegation = delegated.scopes
      parentAfter = delegated.parentAfter
    }
    // A child's profile comes from its parent's registries, which the user trusted: a child in
    // its own worktree must not read the checked-out copy of `.yoi/` there instead.
    let resolver = try makeResolver(parentRecord?.workspace ?? workspace, request.trustPolicy)
    if request.requestedByModel { try Self.refuseUntrustedSelector(request.profile, manifestFile: request.manifestFile) }
    var source = try resolveSource(profile: request.profile, manifestFile: request.manifestFile, inputs: inputs, resolver: resolver)
    if request.requestedByModel, let parentManifest {
      let narrowed = parentManifest.narrowingChild(source.manifest)
      guard narrowed.problems.isEmpty else {
        throw YoiError(
          narrowed.problems.map {
            .error(
              "the profile \(request.profile ?? "(default)") cannot be a child of \(request.parent ?? ""): \($0)", code: .delegation,
              help: ["spawn the child with profile \"inherit\" (the parent's own configuration), or a profile using the parent's model"])
          })
      }
      source.manifest = narrowed.manifest
    }
    if let chosen = request.model { try checkCredential(of: chosen, in: source.manifest, resolver: resolver) }
    let record = try store.spawn(
      PodStore.Spawn(
        name: source.manifest.podName, workspace: workspace, role: inputs.role.rawValue, origin: source.origin,
        manifest: source.manifest, parent: request.parent.map { ($0, parentAfter) }),
      versions: versions)
    return Spawned(record: record, digest: source.manifest.digest, warnings: PodStartChecks.warnings(for: source.manifest, secrets: secrets))
  }

  /// A model chosen at spawn must be usable: a missing credential stops the spawn with what
  /// provides it, and the catalog models whose credential is present.
  func checkCredential(of chosen: String, in manifest: PodManifest, resolver: ProfileResolver) throws(YoiError) {
    let stored = Set((try? secrets.ids()) ?? [])
    guard case .missing(let fix) = ModelAvailability.credential(for: manifest.sections.model.auth, stored: stored) else { return }
    let ready = ModelAvailability.models(in: resolver.catalog, stored: stored).filter { $0.credential.isPresent }.map(\.ref)
    throw YoiError(
      "the model \(chosen) has no credential here: \(fix)", code: .providerAuth,
      help: [
        "provide it with \(fix), then spawn again",
        ready.isEmpty ? "no catalog model has its credential yet; `yoi models` shows what each needs" : "models ready here: \(ready.joined(separator: ", "))",
      ])
  }

  /// A model may name only `inherit` (handled elsewhere) or a registry entry: a path would
  /// evaluate a file the model may have written itself, with no trust decision.
  /// Before yoi makes anything for a model-requested child (its worktree, a ticket's
  /// assignment): `profile` is not a path and names a registry entry of `parent`'s registries.
  /// Trust and narrowing are checked when the child is spawned, as they need the profile run.
  public func checkChildProfile(_ profile: String, parent: String) throws(YoiError) {
    guard profile != "inherit" else { return }
    try Self.refuseUntrustedSelector(profile, manifestFile: nil)
    _ = try makeResolver(try store.pod(named: parent).workspace, .require).source(for: ProfileSelector.parse(profile))
  }

  static func refuseUntrustedSelector(_ profile: String?, manifestFile: String?) throws(YoiError) {
    if manifestFile != nil {
      throw YoiError("a child Pod requested by the model cannot come from a manifest file", code: .delegation)
    }
    guard let profile else { return }
    if case .path = ProfileSelector.parse(profile) {
      throw YoiError(
        "the profile \(TerminalText.inline(profile)) is a path; a child Pod may name only \"inherit\" or a registry entry the user trusted (builtin:NAME, user:NAME, project:NAME)",
        code: .delegation)
    }
  }

  /// A child configured as its parent (`spawn_pod` with `profile = "inherit"`): the parent's
  /// snapshot with the granted scope, no delegation of its own and `feature.pods` off.
  public func spawnInheriting(parent: String, name: String, scope: [RequestedScopeRule], workspace: String? = nil) throws(YoiError) -> PodRecord {
    let parentRecord = try store.pod(named: parent)
    let parentManifest = try store.currentManifest(of: parent)
    guard PodName.isValid(name) else {
      throw YoiError("\(TerminalText.inline(name)) is not a valid Pod name", code: .podName, help: ["use letters, digits, '.', '_' and '-'"])
    }
    let workspace = workspace ?? parentRecord.workspace
    let delegated = try Self.grant(scope: scope, delegate: [], parent: parent, parentManifest: parentManifest, workspace: workspace)
    let manifest = parentManifest.inheritedByChild(named: name, parent: parent, scope: delegated.scopes.scope)
    let origin = PodOrigin(
      selector: "inherit", qualifiedName: parentRecord.origin.qualifiedName, sourcePath: parentRecord.origin.sourcePath, sourceDigest: parentManifest.digest)
    return try store.spawn(
      PodStore.Spawn(
        name: name, workspace: workspace, role: parentRecord.role, origin: origin, manifest: manifest,
        parent: (parent, delegated.parentAfter)), versions: versions)
  }

  /// Gives a finished child's lent write back to its parent (a `delegation` snapshot).
  public func returnDelegation(to parent: String, granted: [ScopeRule], stillLent: [ScopeRule], original: ScopeRules) throws(YoiError) -> ScopeRules {
    let record = try store.pod(named: parent)
    let manifest = try store.currentManifest(of: parent)
    let scope = Delegation.parentScopeAfterReturning(granted, scope: manifest.sections.scope, stillLent: stillLent, original: original)
    guard scope != manifest.sections.scope else { return scope }
    try store.replaceSnapshot(of: parent, with: manifest.withScope(scope), origin: record.origin, reason: .delegation, versions: versions)
    return scope
  }

  /// The workspace as an absolute path; it must exist and be a directory.
  func existingWorkspace(_ workspace: String?) throws(YoiError) -> String {
    let path = PathLexer.join(workingDirectory, workspace ?? WorkspaceRoot.nearest(from: workingDirectory))
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw YoiError(
        "the workspace \(TerminalText.inline(path)) does not exist or is not a directory", code: .workspace,
        help: ["create it first, or pass --workspace with an existing directory"])
    }
    return path
  }

  /// Validates the requested rules against the parent's delegation scope: the child's scopes,
  /// and the parent's manifest after lending the written parts (nil when nothing changes).
  static func grant(
    scope: [RequestedScopeRule], delegate: [RequestedScopeRule], parent: String, parentManifest: PodManifest, workspace: String
  ) throws(YoiError)
    -> (scopes: DelegatedScopes, parentAfter: PodManifest?)
  {
    let parentDelegation = parentManifest.sections.delegationScope
    var problems: [Diagnostic] = []
    func check(_ requested: [RequestedScopeRule], _ kind: String) -> [ScopeRule] {
      requested.compactMap { request in
        let text = "\(kind) \(TerminalText.inline(request.description))"
        let rule = request.resolved(in: workspace)
        // Checked on the path the scope checker would use: a target that is or passes through
        // a symlink would grant whatever the link points at (§12.7).
        let canonical = ScopeChecker.canonicalTarget(rule.target, workspace: workspace)
        if canonical == nil || (!PathLexer.isInside(rule.target, directory: workspace) && canonical != rule.target) {
          problems.append(
            .error(
              "\(text): \(TerminalText.inline(rule.target)) is or passes through a symlink (or climbs with `..` through a missing directory); delegate the real directory",
              code: .delegation))
          return nil
        }
        if let problem = Delegation.problem(delegating: rule, from: parentDelegation) {
          problems.append(
            .error(
              "\(text): \(problem)", code: .delegation,
              help: ["a child can only get what \(parent) may delegate; see `yoi pod show \(parent)`"]))
          return nil
        }
        return rule
      }
    }
    let granted = check(scope, "scope")
    let delegated = check(delegate, "delegation")
    if !problems.isEmpty { throw YoiError(problems) }
    let scopes = DelegatedScopes(
      parent: parent, scope: Delegation.childScope(granted: granted, parent: parentDelegation),
      delegation: ScopeRules(allow: delegated, deny: parentDelegation.deny))
    let parentScope = parentManifest.sections.scope
    let after = Delegation.parentScopeAfterDelegating(granted, scope: parentScope)
    return (scopes, after == parentScope ? nil : parentManifest.withScope(after))
  }

  // MARK: Re-resolve

  /// A re-resolution waiting for the user's word: what would change, and the trust that
  /// accepting it would record. Nothing is stored until `apply`.
  public struct ReresolvePlan: Sendable {
    public var name: String
    public var current: PodManifest
    public var source: PodSource
    public var diff: ManifestDiff
    /// The changed fields that change what the Pod may do or reach.
    public var authorityChanges: Set<String>
    public var pendingTrust: TrustRequest? { source.pendingTrust }
  }

  /// Changes to these fields change what the Pod may do or reach; they are highlighted.
  public static let authorityPaths = [
    "scope", "delegation_scope", "model.ref", "model.base_url", "model.scheme", "model.auth", "feature", "web.search.api_key_secret",
    "web.allow_private_addresses", "web.fetch.allow_private_addresses", "permissions",
  ]

  /// Evaluates the Pod's profile (or `profile`) again and diffs it against the snapshot. A
  /// child keeps exactly what it was granted; a parent keeps lending what its live children
  /// write (their write stays denied to it). Trust is not asked here: the plan carries it.
  /// - Throws: `YoiError` for an unknown Pod and every profile problem.
  /// `model` replaces the model chosen at spawn (a session's `/model`).
  public func planReresolve(of name: String, profile: String? = nil, model: String? = nil) throws(YoiError) -> ReresolvePlan {
    let pod = try store.pod(named: name)
    let current = try store.currentManifest(of: name)
    guard let role = LaunchRole(rawValue: pod.role) else {
      throw YoiError("\(name) records the launch role `\(pod.role)`, which this yoi does not know", code: .store)
    }
    // A model chosen at spawn is an input like the name: re-resolving keeps it.
    var inputs = ResolutionInputs(podName: pod.name, workspace: pod.workspace, role: role, model: model ?? current.sections.profile?.modelOverride)
    if let parent = pod.parent {
      inputs.delegation = DelegatedScopes(
        parent: parent, scope: current.sections.scope, delegation: current.sections.delegationScope)
    }
    let resolver = try makeResolver(pod.workspace, .require)
    let manifestFile = profile == nil && pod.origin.isManifestFile ? pod.origin.sourcePath : nil
    var source = try resolveSource(
      profile: profile ?? pod.origin.selector, manifestFile: manifestFile, inputs: inputs, resolver: resolver, deferringTrust: true)
    source.manifest = try lendingToLiveChildren(source.manifest, children: pod.children)
    let diff = ManifestDiff(from: current, to: source.manifest)
    return ReresolvePlan(
      name: name, current: current, source: source, diff: diff, authorityChanges: Set(diff.touches(Self.authorityPaths).map(\.path)))
  }

  /// Stores the planned snapshot (the old one stays in history) and, only now, the trust the
  /// plan needed.
  /// - Throws: `YoiError` when the trust record or the store cannot be written.
  public func apply(_ plan: ReresolvePlan) throws(YoiError) {
    if let pending = plan.pendingTrust, let path = pending.entry.path {
      try trust.trust(path: path, digest: pending.digest)
    }
    try store.replaceSnapshot(of: plan.name, with: plan.source.manifest, origin: plan.source.origin, reason: .reresolve, versions: versions)
  }

  /// `manifest` with a deny-write rule for everything its children were granted to write:
  /// re-resolving a parent must not hand back authority it lent to a live child.
  func lendingToLiveChildren(_ manifest: PodManifest, children: [String]) throws(YoiError) -> PodManifest {
    var lent: [ScopeRule] = []
    for child in children {
      let childManifest = try store.currentManifest(of: child)
      lent += childManifest.sections.scope.allow.filter { $0.permission == .write }
    }
    guard !lent.isEmpty else { return manifest }
    let scope = manifest.sections.scope
    return manifest.withScope(Delegation.parentScopeAfterDelegating(lent, scope: scope))
  }

}
