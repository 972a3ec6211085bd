import YoiManifest

/// What a Pod is spawned from: the profile identity or manifest file it was resolved from.
public struct PodOrigin: Sendable, Hashable {
  /// The selector as typed (`coder`, `./p.lua`), or nil for `--manifest`.
  public var selector: String?
  /// `project:coder`, or nil for path profiles and manifests.
  public var qualifiedName: String?
  /// The Lua file or TOML manifest (nil for builtins).
  public var sourcePath: String?
  /// sha256 of the source (and its local modules).
  public var sourceDigest: String
  /// Whether the source is a `--manifest` TOML file rather than a profile.
  public var isManifestFile: Bool

  public init(selector: String?, qualifiedName: String?, sourcePath: String?, sourceDigest: String, isManifestFile: Bool = false) {
    self.selector = selector
    self.qualifiedName = qualifiedName
    self.sourcePath = sourcePath
    self.sourceDigest = sourceDigest
    self.isManifestFile = isManifestFile
  }
}

/// A stored Pod.
public struct PodRecord: Sendable, Hashable {
  public var id: Int64
  public var name: String
  public var workspace: String
  public var role: String
  public var origin: PodOrigin
  public var parent: String?
  public var children: [String]
  public var createdAt: String
  public var updatedAt: String
  public var currentSnapshotID: Int64
  /// The sha256 of the current snapshot, as recorded (verified when the manifest is loaded).
  public var currentDigest: String
}

/// One stored manifest snapshot.
public struct SnapshotRecord: Sendable, Hashable {
  public enum Reason: String, Sendable, Hashable {
    case spawn
    case reresolve
    /// The parent's scope after it delegated write access to a child.
    case delegation
  }

  public var id: Int64
  public var digest: String
  public var yoiVersion: String
  public var luaVersion: String
  public var reason: Reason
  public var createdAt: String
  public var isCurrent: Bool
}

/// One stored transcript event: its kind and JSON body, as `YoiAgent` wrote them.
public struct TranscriptRow: Sendable, Hashable {
  public var seq: Int64
  public var kind: String
  public var body: String
  public var createdAt: String

  public init(seq: Int64, kind: String, body: String, createdAt: String) {
    self.seq = seq
    self.kind = kind
    self.body = body
    self.createdAt = createdAt
  }
}
