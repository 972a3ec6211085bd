import YoiDiagnostics
import Foundation
import Testing
import YoiManifest
@testable import YoiStore

@Suite("Pod store")
struct PodStoreTests {
  static func manifest(_ name: String, reasoning: String = "high") -> PodManifest {
    let config = PodManifestConfigFixture.config(reasoning: reasoning)
    guard
      case .success(let manifest) = PodManifestBuilder().build(
        config,
        inputs: ManifestInputs(
          podName: name, workspace: "/w", role: .normal, baseDirectory: "/w", provenance: nil))
    else {
      fatalError("fixture manifest must build")
    }
    return manifest
  }

  static func temporaryDirectory() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("yoi-store-\(UUID().uuidString)").path
  }

  let versions = PodStore.Versions(yoi: "test", lua: "Lua 5.4.4")
  let origin = PodOrigin(selector: "builtin:coder", qualifiedName: "builtin:coder", sourcePath: nil, sourceDigest: String(repeating: "a", count: 64))

  @Test func spawnReadReplaceRemove() throws {
    let store = try PodStore(dataDirectory: Self.temporaryDirectory())
    let first = Self.manifest("one")
    _ = try store.spawn(.init(name: "one", workspace: "/w", role: "normal", origin: origin, manifest: first), versions: versions)
    #expect(try store.currentManifest(of: "one") == first)
    let second = Self.manifest("one", reasoning: "low")
    try store.replaceSnapshot(of: "one", with: second, origin: origin, reason: .reresolve, versions: versions)
    #expect(try store.currentManifest(of: "one") == second)
    let history = try store.history(of: "one")
    #expect(history.map(\.reason) == [.spawn, .reresolve])
    #expect(history.map(\.isCurrent) == [false, true])
    #expect(try store.isConsistent())
    try store.remove(named: "one")
    #expect(try store.pods().isEmpty)
  }

  @Test("a run's part of the transcript: every event from a seq on, and before it only the marker kinds, in order")
  func transcriptFromASegment() throws {
    let store = try PodStore(dataDirectory: Self.temporaryDirectory())
    _ = try store.spawn(.init(name: "long", workspace: "/w", role: "normal", origin: origin, manifest: Self.manifest("long")), versions: versions)
    let kinds = ["user", "compaction", "assistant", "tasks", "user", "clear", "user", "assistant"]
    for kind in kinds { _ = try store.appendEvent(to: "long", kind: kind, body: "{}") }
    let markers = ["compaction", "clear", "tasks"]
    #expect(try store.transcript(of: "long", from: 6, orKinds: markers).map(\.seq) == [2, 4, 6, 7, 8])
    #expect(try store.transcript(of: "long", from: nil, orKinds: markers).map(\.seq) == [2, 4, 6])
    #expect(try store.transcript(of: "long", from: 0, orKinds: markers).map(\.seq) == Array(1...8))
    #expect(try store.transcript(of: "long", from: 9, orKinds: []).isEmpty)
  }

  @Test func takenNamesAreRefused() throws {
    let store = try PodStore(dataDirectory: Self.temporaryDirectory())
    _ = try store.spawn(.init(name: "dup", workspace: "/w", role: "normal", origin: origin, manifest: Self.manifest("dup")), versions: versions)
    #expect {
      try store.spawn(.init(name: "dup", workspace: "/w", role: "normal", origin: origin, manifest: Self.manifest("dup")), versions: versions)
    } throws: { error in
      (error as? YoiError)?.diagnostics.first?.message == "a Pod named dup already exists"
    }
  }

  @Test func checkConstraintsGuardTheSchema() throws {
    let store = try PodStore(dataDirectory: Self.temporaryDirectory())
    // The CHECK constraint refuses each row, not some other error (a typo in the SQL would
    // pass an "any error" test).
    func expectCheckViolation(_ sql: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
      #expect(sourceLocation: sourceLocation) {
        try store.executeForTesting(sql)
      } throws: { error in
        String(describing: error).contains("CHECK constraint failed")
      }
    }
    let digest = String(repeating: "a", count: 64)
    expectCheckViolation("INSERT INTO pod (name, workspace, role, source_digest, created_at, updated_at) VALUES ('a/b', '/w', 'normal', '\(digest)', 'x', 'x')")
    expectCheckViolation(
      "INSERT INTO pod (name, workspace, role, source_digest, created_at, updated_at) VALUES ('ok', 'relative', 'normal', '\(digest)', 'x', 'x')")
    // The same row with a valid name and workspace is accepted: the statement itself is sound.
    try store.executeForTesting(
      "INSERT INTO pod (name, workspace, role, source_digest, created_at, updated_at) VALUES ('ok', '/w', 'normal', '\(digest)', 'x', 'x')")
  }

  @Test("a store from before the transcript migration is brought up to date; a current one opens without migrating")
  func olderStoresAreMigrated() throws {
    let directory = Self.temporaryDirectory()
    let store = try PodStore(dataDirectory: directory)
    _ = try store.spawn(.init(name: "old", workspace: "/w", role: "normal", origin: origin, manifest: Self.manifest("old")), versions: versions)
    // What an earlier yoi left: no transcript table, no v3 record, no user_version.
    try store.executeForTesting("DROP TABLE transcript_event")
    try store.executeForTesting("DELETE FROM grdb_migrations WHERE identifier IN ('v3-transcript', 'v4-event-kinds')")
    try store.executeForTesting("PRAGMA user_version = 0")
    let reopened = try PodStore(dataDirectory: directory)
    #expect(try reopened.appendEvent(to: "old", kind: "user", body: #"{"text":"hi"}"#) == 1)
    #expect(try PodStore(dataDirectory: directory).transcript(of: "old").map(\.seq) == [1])
  }

  @Test("the event-kinds migration keeps every stored event and then takes the run-time features' kinds, refusing malformed ones")
  func eventKindsMigrationKeepsEvents() throws {
    let directory = Self.temporaryDirectory()
    let store = try PodStore(dataDirectory: directory)
    _ = try store.spawn(.init(name: "old", workspace: "/w", role: "normal", origin: origin, manifest: Self.manifest("old")), versions: versions)
    #expect(try store.appendEvent(to: "old", kind: "user", body: #"{"text":"hi"}"#) == 1)
    #expect(try store.appendEvent(to: "old", kind: "error", body: #"{"code":"E","message":"m"}"#) == 2)
    // Back to the v3 table, as the previous yoi left it.
    try store.executeForTesting("DROP TABLE transcript_event")
    try store.executeForTesting(
      "CREATE TABLE transcript_event (pod_id INTEGER NOT NULL REFERENCES pod(id) ON DELETE CASCADE, seq INTEGER NOT NULL CHECK (seq > 0), kind TEXT NOT NULL CHECK (kind IN ('user', 'assistant', 'tool_result', 'usage', 'compaction', 'cancelled', 'error')), body TEXT NOT NULL CHECK (json_valid(body)), created_at TEXT NOT NULL, PRIMARY KEY (pod_id, seq)) WITHOUT ROWID"
    )
    try store.executeForTesting(
      "INSERT INTO transcript_event SELECT id, 1, 'user', '{\"text\":\"kept\"}', 'x' FROM pod WHERE name = 'old'")
    try store.executeForTesting("DELETE FROM grdb_migrations WHERE identifier = 'v4-event-kinds'")
    try store.executeForTesting("PRAGMA user_version = 0")
    let migrated = try PodStore(dataDirectory: directory)
    #expect(try migrated.transcript(of: "old").map(\.body) == [#"{"text":"kept"}"#])
    #expect(try migrated.appendEvent(to: "old", kind: "tasks", body: #"{"items":[],"last_id":0}"#) == 2)
    #expect(throws: YoiError.self) { try migrated.appendEvent(to: "old", kind: "Bad Kind", body: "{}") }
  }

  @Test func tamperedSnapshotsAreErrors() throws {
    let store = try PodStore(dataDirectory: Self.temporaryDirectory())
    _ = try store.spawn(.init(name: "t", workspace: "/w", role: "normal", origin: origin, manifest: Self.manifest("t")), versions: versions)
    try store.executeForTesting("UPDATE snapshot SET manifest_json = replace(manifest_json, '\"high\"', '\"low\"')")
    #expect {
      try store.currentManifest(of: "t")
    } throws: { error in
      let message = (error as? YoiError)?.diagnostics.first?.message ?? ""
      return message.contains("the snapshot was altered")
    }
  }

  @Test func corruptDatabaseIsAClearError() throws {
    let directory = Self.temporaryDirectory()
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try Data(repeating: 0x42, count: 8192).write(to: URL(fileURLWithPath: directory + "/yoi.sqlite"))
    #expect {
      _ = try PodStore(dataDirectory: directory)
    } throws: { error in
      (error as? YoiError)?.diagnostics.first?.code == .storeCorrupt
    }
    // Left untouched.
    #expect(try Data(contentsOf: URL(fileURLWithPath: directory + "/yoi.sqlite")) == Data(repeating: 0x42, count: 8192))
  }
}

@Suite("Secret store")
struct SecretStoreTests {
  static let canary = "CANARY-3f9c2-do-not-leak"

  @Test func setListRemoveDereference() throws {
    let directory = PodStoreTests.temporaryDirectory()
    let store = SecretStore(dataDirectory: directory, environment: [:])
    try store.set("providers/anthropic/default", value: Self.canary)
    try store.set("web/brave/default", value: "other")
    #expect(try store.ids() == ["providers/anthropic/default", "web/brave/default"])
    #expect(try store.dereference("providers/anthropic/default").plaintext == Self.canary)
    #expect("\(try store.dereference("providers/anthropic/default"))" == "SecretValue(redacted)")
    try store.remove("web/brave/default")
    #expect(try store.ids() == ["providers/anthropic/default"])
    #expect(throws: YoiError.self) { try store.dereference("missing/id") }
    // Encrypted at rest, key kept apart with 0600.
    for file in try FileManager.default.contentsOfDirectory(atPath: directory) {
      let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + file))
      #expect(data.range(of: Data(Self.canary.utf8)) == nil, "\(file) holds the plaintext")
    }
    let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/secret.key")
    #expect((attributes[.posixPermissions] as? Int) == 0o600)
  }

  @Test func invalidIDsAndAlteredFilesAreRefused() throws {
    let directory = PodStoreTests.temporaryDirectory()
    let store = SecretStore(dataDirectory: directory, environment: [:])
    #expect(throws: YoiError.self) { try store.set("../escape", value: "x") }
    try store.set("a/b", value: "x")
    var sealed = try Data(contentsOf: URL(fileURLWithPath: directory + "/secrets.sealed"))
    sealed[sealed.count - 1] ^= 0xFF
    try sealed.write(to: URL(fileURLWithPath: directory + "/secrets.sealed"))
    #expect {
      try store.ids()
    } throws: { error in
      (error as? YoiError)?.diagnostics.first?.code == .secretIntegrity
    }
  }

  @Test func keyFromTheEnvironment() throws {
    let directory = PodStoreTests.temporaryDirectory()
    let key = Data(repeating: 7, count: 32).base64EncodedString()
    let store = SecretStore(dataDirectory: directory, environment: ["YOI_SECRET_KEY": key])
    try store.set("x", value: "y")
    #expect(!FileManager.default.fileExists(atPath: directory + "/secret.key"))
    #expect(try SecretStore(dataDirectory: directory, environment: ["YOI_SECRET_KEY": key]).dereference("x").plaintext == "y")
    let wrong = SecretStore(dataDirectory: directory, environment: ["YOI_SECRET_KEY": Data(repeating: 8, count: 32).base64EncodedString()])
    #expect(throws: YoiError.self) { try wrong.ids() }
    #expect(throws: YoiError.self) { try SecretStore(dataDirectory: directory, environment: ["YOI_SECRET_KEY": "short"]).ids() }
  }
}
