public import YoiDiagnostics
import Foundation
internal import GRDB
public import YoiManifest

/// The Pod store: SQLite through GRDB at `<data>/yoi.sqlite`, in WAL mode, with named
/// append-only migrations, foreign keys and CHECK constraints. Every change is one
/// transaction, so a process killed at any point leaves the old state or the new one.
public final class PodStore: Sendable {
  public let path: String
  /// One connection: a CLI process makes a handful of statements, and a pool's reader
  /// connections cost a second open and WAL set-up on every command (measured: ~4 ms cold).
  private let database: DatabaseQueue

  /// Versions recorded with every snapshot.
  public struct Versions: Sendable {
    public var yoi: String
    public var lua: String

    public init(yoi: String, lua: String) {
      self.yoi = yoi
      self.lua = lua
    }
  }

  /// Opens (creating if needed) the store in `dataDirectory`.
  /// - Throws: `YoiError` when the directory cannot be created or the file is not a healthy
  ///   store. A damaged store is never replaced by a fresh one.
  public init(dataDirectory: String) throws(YoiError) {
    path = dataDirectory + "/yoi.sqlite"
    guard FileLock.createPrivateDirectory(dataDirectory) else {
      throw YoiError("cannot create the data directory \(dataDirectory)", code: .store)
    }
    // The database holds snapshots and transcripts: only the user may read it (SQLite gives
    // its -wal and -shm files the same mode). Only a file that does not exist yet is opened
    // here: closing any descriptor of the file drops every POSIX lock this process holds on
    // it, including a live connection's, and another process then takes itself for the last
    // connection and checkpoints and deletes the WAL under it (losing its later commits).
    let descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    if descriptor >= 0 { close(descriptor) }
    var configuration = Configuration()
    configuration.busyMode = .timeout(10)
    configuration.foreignKeysEnabled = true
    // WAL, so one process's long write never blocks another's read; persistent in the file.
    let setupLock = path + ".lock"
    configuration.prepareDatabase { db in
      // Concurrent first opens raced to switch a new file to WAL and one got SQLITE_BUSY:
      // the switch is made under the same lock as the migrations, checked again inside it.
      if try String.fetchOne(db, sql: "PRAGMA journal_mode") != "wal" {
        try FileLock.withExclusiveLock(setupLock) { () throws -> Void in
          if try String.fetchOne(db, sql: "PRAGMA journal_mode") != "wal" { try db.execute(sql: "PRAGMA journal_mode = WAL") }
        }
      }
      // WAL's usual setting: a commit is not fsynced, the checkpoint is. A crashed process
      // loses nothing committed and the file is never damaged; only a power loss can drop
      // the newest commits. Every transcript event is a commit, so this is a turn's
      // latency (measured: several ms per event on this disk).
      try db.execute(sql: "PRAGMA synchronous = NORMAL")
    }
    let path = path
    do {
      let queue = try DatabaseQueue(path: path, configuration: configuration)
      // Every command opens the store: `user_version` counts the migrations that ran, so a
      // current store is one pragma, without the lock or the migrator's own reads.
      let migrator = Self.migrator
      if try queue.read({ try Int.fetchOne($0, sql: "PRAGMA user_version") }) != migrator.migrations.count {
        // Concurrent first opens raced the migrations ("table pod already exists"): migrate
        // under a lock.
        try FileLock.withExclusiveLock(path + ".lock") { () throws -> Void in
          try migrator.migrate(queue)
          try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA user_version = \(migrator.migrations.count)") }
        }
      }
      database = queue
    } catch {
      throw Self.storeError(error, path: path)
    }
  }

  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1-pods-and-snapshots") { db in
      try db.execute(
        sql: """
          CREATE TABLE pod (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE
              CHECK (length(name) BETWEEN 1 AND 255 AND name NOT GLOB '*[^A-Za-z0-9._-]*' AND name NOT IN ('.', '..')),
            workspace TEXT NOT NULL CHECK (substr(workspace, 1, 1) = '/'),
            role TEXT NOT NULL CHECK (role IN ('normal', 'orchestrator', 'intake', 'reviewer', 'coder')),
            selector TEXT,
            qualified_name TEXT,
            source_path TEXT,
            source_digest TEXT NOT NULL CHECK (length(source_digest) = 64),
            is_manifest_file INTEGER NOT NULL DEFAULT 0 CHECK (is_manifest_file IN (0, 1)),
            parent_id INTEGER REFERENCES pod(id) ON DELETE RESTRICT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
          );
          CREATE TABLE snapshot (
            id INTEGER PRIMARY KEY,
            pod_id INTEGER NOT NULL REFERENCES pod(id) ON DELETE CASCADE,
            manifest_json TEXT NOT NULL CHECK (length(manifest_json) > 1),
            sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
            yoi_version TEXT NOT NULL,
            lua_version TEXT NOT NULL,
            reason TEXT NOT NULL CHECK (reason IN ('spawn', 'reresolve', 'delegation')),
            is_current INTEGER NOT NULL CHECK (is_current IN (0, 1)),
            created_at TEXT NOT NULL
          );
          CREATE UNIQUE INDEX snapshot_one_current ON snapshot(pod_id) WHERE is_current = 1;
          CREATE INDEX snapshot_by_pod ON snapshot(pod_id, id);
          """)
    }
    migrator.registerMigration("v2-pod-parent-index") { db in
      try db.execute(sql: "CREATE INDEX pod_by_parent ON pod(parent_id)")
    }
    // The transcript (DESIGN.md §12.3): append-only events, numbered per Pod, removed with it.
    migrator.registerMigration("v3-transcript") { db in
      try db.execute(
        sql: """
          CREATE TABLE transcript_event (
            pod_id INTEGER NOT NULL REFERENCES pod(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL CHECK (seq > 0),
            kind TEXT NOT NULL CHECK (kind IN ('user', 'assistant', 'tool_result', 'usage', 'compaction', 'cancelled', 'error')),
            body TEXT NOT NULL CHECK (json_valid(body)),
            created_at TEXT NOT NULL,
            PRIMARY KEY (pod_id, seq)
          ) WITHOUT ROWID
          """)
    }
    // Run-time features add event kinds (instructions, tasks, skill, memory_*): the column
    // checks the shape of a kind, and the reader refuses one it does not know. SQLite cannot
    // change a CHECK in place, so the table is rebuilt.
    migrator.registerMigration("v4-event-kinds") { db in
      try db.execute(
        sql: """
          CREATE TABLE transcript_event_v4 (
            pod_id INTEGER NOT NULL REFERENCES pod(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL CHECK (seq > 0),
            kind TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 32 AND kind NOT GLOB '*[^a-z_]*'),
            body TEXT NOT NULL CHECK (json_valid(body)),
            created_at TEXT NOT NULL,
            PRIMARY KEY (pod_id, seq)
          ) WITHOUT ROWID;
          INSERT INTO transcript_event_v4 SELECT pod_id, seq, kind, body, created_at FROM transcript_event;
          DROP TABLE transcript_event;
          ALTER TABLE transcript_event_v4 RENAME TO transcript_event;
          """)
    }
    return migrator
  }

  /// A new Pod to store.
  public struct Spawn: Sendable {
    public var name: String
    public var workspace: String
    public var role: String
    public var origin: PodOrigin
    public var manifest: PodManifest
    /// The parent and its manifest after delegating (its direct scope loses write on what it gave).
    public var parent: (name: String, manifestAfterDelegation: PodManifest?)?

    public init(
      name: String, workspace: String, role: String, origin: PodOrigin, manifest: PodManifest,
      parent: (name: String, manifestAfterDelegation: PodManifest?)? = nil
    ) {
      self.name = name
      self.workspace = workspace
      self.role = role
      self.origin = origin
      self.manifest = manifest
      self.parent = parent
    }
  }

  /// Stores a Pod and its first snapshot (and the parent's new snapshot) in one transaction.
  /// - Throws: `YoiError` when the name is taken or the store cannot be written.
  public func spawn(_ spawn: Spawn, versions: Versions) throws(YoiError) -> PodRecord {
    do {
      try database.write { db in
        let now = Self.now()
        var parentID: Int64?
        if let parent = spawn.parent {
          guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM pod WHERE name = ?", arguments: [parent.name]) else {
            throw YoiError("no Pod named \(parent.name)", code: .podNotFound)
          }
          parentID = id
          if let manifest = parent.manifestAfterDelegation {
            try Self.insertSnapshot(db, podID: id, manifest: manifest, reason: .delegation, versions: versions, now: now)
          }
        }
        try db.execute(
          sql: """
            INSERT INTO pod (name, workspace, role, selector, qualified_name, source_path, source_digest, is_manifest_file, parent_id, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
          arguments: [
            spawn.name, spawn.workspace, spawn.role, spawn.origin.selector, spawn.origin.qualifiedName,
            spawn.origin.sourcePath, spawn.origin.sourceDigest, spawn.origin.isManifestFile, parentID, now, now,
          ])
        try Self.insertSnapshot(db, podID: db.lastInsertedRowID, manifest: spawn.manifest, reason: .spawn, versions: versions, now: now)
        try Self.pauseForCrashTests()
      }
    } catch let error as YoiError {
      throw error
    } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT && (error.message ?? "").contains("pod.name") {
      throw YoiError(
        "a Pod named \(spawn.name) already exists", code: .podExists,
        help: ["choose another name with --name, or remove the old Pod with `yoi pod rm \(spawn.name)`"])
    } catch {
      throw Self.storeError(error, path: path)
    }
    return try pod(named: spawn.name)
  }

  /// Makes `manifest` the Pod's current snapshot; the previous one stays in history.
  public func replaceSnapshot(
    of name: String, with manifest: PodManifest, origin: PodOrigin, reason: SnapshotRecord.Reason, versions: Versions
  ) throws(YoiError) {
    do {
      try database.write { db in
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM pod WHERE name = ?", arguments: [name]) else {
          throw YoiError("no Pod named \(name)", code: .podNotFound)
        }
        let now = Self.now()
        try Self.insertSnapshot(db, podID: id, manifest: manifest, reason: reason, versions: versions, now: now)
        try db.execute(
          sql: """
            UPDATE pod SET selector = ?, qualified_name = ?, source_path = ?, source_digest = ?, is_manifest_file = ?, updated_at = ? WHERE id = ?
            """, arguments: [origin.selector, origin.qualifiedName, origin.sourcePath, origin.sourceDigest, origin.isManifestFile, now, id])
        try Self.pauseForCrashTests()
      }
    } catch let error as YoiError {
      throw error
    } catch {
      throw Self.storeError(error, path: path)
    }
  }

  private static func insertSnapshot(_ db: Database, podID: Int64, manifest: PodManifest, reason: SnapshotRecord.Reason, versions: Versions, now: String) throws
  {
    try db.execute(sql: "UPDATE snapshot SET is_current = 0 WHERE pod_id = ? AND is_current = 1", arguments: [podID])
    try db.execute(
      sql: """
        INSERT INTO snapshot (pod_id, manifest_json, sha256, yoi_version, lua_version, reason, is_current, created_at)
        VALUES (?, ?, ?, ?, ?, ?, 1, ?)
        """, arguments: [podID, manifest.canonicalJSON, manifest.digest, versions.yoi, versions.lua, reason.rawValue, now])
  }

  /// Every Pod, by name.
  public func pods() throws(YoiError) -> [PodRecord] {
    try read { db in
      var children: [Int64: [String]] = [:]
      for row in try Row.fetchAll(db, sql: "SELECT parent_id, name FROM pod WHERE parent_id IS NOT NULL ORDER BY name") {
        children[row["parent_id"], default: []].append(row["name"])
      }
      // A cursor decodes straight from the statement, without copying each row first.
      var records: [PodRecord] = []
      let rows = try Row.fetchCursor(db, sql: Self.podQuery + " ORDER BY p.name")
      while let row = try rows.next() { records.append(Self.record(row, children: children[row[0]] ?? [])) }
      return records
    }
  }

  /// Whether a Pod called `name` exists.
  /// - Throws: `YoiError` when the store cannot be read (never read as "no such Pod").
  public func podExists(named name: String) throws(YoiError) -> Bool {
    try read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM pod WHERE name = ?)", arguments: [name]) ?? false }
  }

  /// The Pod called `name`.
  /// - Throws: `YoiError` when there is none.
  public func pod(named name: String) throws(YoiError) -> PodRecord {
    let found = try read { db in
      try Row.fetchOne(db, sql: Self.podQuery + " WHERE p.name = ?", arguments: [name]).map { row in
        Self.record(row, children: try String.fetchAll(db, sql: "SELECT name FROM pod WHERE parent_id = ? ORDER BY name", arguments: [row[0] as Int64]))
      }
    }
    guard let found else {
      // A typo'd name gets the closest one.
      let names = (try? read { db in try String.fetchAll(db, sql: "SELECT name FROM pod") }) ?? []
      throw YoiError(
        "no Pod named \(name)", code: .podNotFound, help: (Suggestion.didYouMean(name, in: names).map { [$0] } ?? []) + ["see `yoi pod list`"])
    }
    return found
  }

  /// What a Pod's transcript says of its use: when it last recorded an event, how many it
  /// holds, and the tokens its usage events count.
  public struct Activity: Sendable, Hashable {
    public var lastEventAt: String?
    public var events: Int
    public var inputTokens: Int64
    public var outputTokens: Int64
    /// `model.ref`, else `scheme model_id`, of the current snapshot.
    public var model: String
  }

  /// The activity of every Pod, by name, in one query.
  public func activity() throws(YoiError) -> [String: Activity] {
    try read { db in
      let rows = try Row.fetchAll(
        db,
        sql: """
          SELECT p.name, e.last, coalesce(e.events, 0), coalesce(e.input, 0), coalesce(e.output, 0),
                 coalesce(json_extract(s.manifest_json, '$.model.ref'),
                          json_extract(s.manifest_json, '$.model.scheme') || ' ' || json_extract(s.manifest_json, '$.model.model_id'), '?')
          FROM pod p
          LEFT JOIN snapshot s ON s.pod_id = p.id AND s.is_current = 1
          LEFT JOIN (SELECT pod_id, max(created_at) AS last, count(*) AS events,
                            sum(CASE WHEN kind = 'usage' THEN json_extract(body, '$.input_tokens') ELSE 0 END) AS input,
                            sum(CASE WHEN kind = 'usage' THEN json_extract(body, '$.output_tokens') ELSE 0 END) AS output
                     FROM transcript_event GROUP BY pod_id) e ON e.pod_id = p.id
          """)
      var activity: [String: Activity] = [:]
      for row in rows {
        activity[row[0]] = Activity(lastEventAt: row[1], events: row[2], inputTokens: row[3], outputTokens: row[4], model: row[5])
      }
      return activity
    }
  }

  /// The Pod's current manifest, verbatim from its snapshot, checked against its digest.
  /// - Throws: `YoiError` for a missing Pod or a snapshot that is unreadable or altered.
  public func currentManifest(of name: String) throws(YoiError) -> PodManifest {
    let row = try read { db in
      try Row.fetchOne(
        db,
        sql: """
          SELECT s.manifest_json, s.sha256 FROM snapshot s JOIN pod p ON p.id = s.pod_id WHERE p.name = ? AND s.is_current = 1
          """, arguments: [name])
    }
    guard let row else {
      _ = try pod(named: name)
      throw YoiError("Pod \(name) has no current snapshot; the store is inconsistent", code: .snapshot)
    }
    let text: String = row["manifest_json"]
    let digest: String = row["sha256"]
    do {
      return try PodManifest(snapshot: text, digest: digest)
    } catch {
      throw YoiError(
        "the stored snapshot of Pod \(name) cannot be used: \(error.description)", code: .snapshot,
        help: ["yoi never re-resolves silently; inspect it with `yoi pod show \(name) --history`, then `yoi pod reresolve \(name)` to replace it explicitly"])
    }
  }

  /// The Pod's snapshots, oldest first.
  public func history(of name: String) throws(YoiError) -> [SnapshotRecord] {
    let pod = try pod(named: name)
    return try read { db in
      try Row.fetchAll(
        db, sql: "SELECT id, sha256, yoi_version, lua_version, reason, is_current, created_at FROM snapshot WHERE pod_id = ? ORDER BY id", arguments: [pod.id]
      ).map { row in
        SnapshotRecord(
          id: row["id"], digest: row["sha256"], yoiVersion: row["yoi_version"], luaVersion: row["lua_version"],
          reason: SnapshotRecord.Reason(rawValue: row["reason"]) ?? .spawn, createdAt: row["created_at"], isCurrent: row["is_current"])
      }
    }
  }

  /// Removes a Pod and its snapshots.
  /// - Throws: `YoiError` when it does not exist or still has children.
  public func remove(named name: String) throws(YoiError) {
    let pod = try pod(named: name)
    guard pod.children.isEmpty else {
      throw YoiError(
        "Pod \(name) has child Pods: \(pod.children.joined(separator: ", "))", code: .podChildren,
        help: ["remove the children first"])
    }
    do {
      try database.write { db in try db.execute(sql: "DELETE FROM pod WHERE id = ?", arguments: [pod.id]) }
    } catch {
      throw Self.storeError(error, path: path)
    }
  }

  /// Appends one transcript event (its `kind` and JSON `body`) and returns its sequence number.
  /// - Throws: `YoiError` for a missing Pod or a failed write (the event is then not stored).
  public func appendEvent(to name: String, kind: String, body: String) throws(YoiError) -> Int64 {
    do {
      return try database.write { db in
        guard let podID = try Int64.fetchOne(db, sql: "SELECT id FROM pod WHERE name = ?", arguments: [name]) else {
          throw YoiError("no Pod named \(name)", code: .podNotFound, help: ["see `yoi pod list`"])
        }
        let seq = (try Int64.fetchOne(db, sql: "SELECT max(seq) FROM transcript_event WHERE pod_id = ?", arguments: [podID]) ?? 0) + 1
        let now = Self.now()
        try db.execute(
          sql: "INSERT INTO transcript_event (pod_id, seq, kind, body, created_at) VALUES (?, ?, ?, ?, ?)",
          arguments: [podID, seq, kind, body, now])
        // `updated_at` is the Pod's last activity, as `pod list` shows it.
        try db.execute(sql: "UPDATE pod SET updated_at = ? WHERE id = ?", arguments: [now, podID])
        return seq
      }
    } catch {
      throw Self.storeError(error, path: path)
    }
  }

  /// The Pod's transcript in order; with `tail`, only the last `tail` events.
  public func transcript(of name: String, tail: Int? = nil) throws(YoiError) -> [TranscriptRow] {
    let pod = try pod(named: name)
    return try read { db in
      let rows: [Row]
      if let tail {
        rows = try Row.fetchAll(
          db, sql: "SELECT * FROM (SELECT seq, kind, body, created_at FROM transcript_event WHERE pod_id = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq",
          arguments: [pod.id, max(0, tail)])
      } else {
        rows = try Row.fetchAll(db, sql: "SELECT seq, kind, body, created_at FROM transcript_event WHERE pod_id = ? ORDER BY seq", arguments: [pod.id])
      }
      return rows.map { TranscriptRow(seq: $0[0], kind: $0[1], body: $0[2], createdAt: $0[3]) }
    }
  }

  /// The Pod's events from `seq` on, and, before it, those of `kinds`, in order: what a run
  /// needs of a long transcript (`AgentLoop`), without reading and decoding the older rest.
  /// With no `seq`, only the events of `kinds`.
  public func transcript(of name: String, from seq: Int64?, orKinds kinds: [String]) throws(YoiError) -> [TranscriptRow] {
    let pod = try pod(named: name)
    return try read { db in
      let marks = Array(repeating: "?", count: kinds.count).joined(separator: ", ")
      var arguments: [any DatabaseValueConvertible] = [pod.id, seq ?? Int64.max]
      arguments += kinds
      return try Row.fetchAll(
        db, sql: "SELECT seq, kind, body, created_at FROM transcript_event WHERE pod_id = ? AND (seq >= ? OR kind IN (\(marks))) ORDER BY seq",
        arguments: StatementArguments(arguments)
      ).map { TranscriptRow(seq: $0[0], kind: $0[1], body: $0[2], createdAt: $0[3]) }
    }
  }

  /// The latest event of `kind` (the task list, the last extraction), without reading the
  /// whole transcript.
  public func lastEvent(of name: String, kind: String) throws(YoiError) -> TranscriptRow? {
    try lastEvents(of: name, kind: kind, limit: 1).first
  }

  /// The latest `limit` events of `kind`, newest first (the input line's history).
  public func lastEvents(of name: String, kind: String, limit: Int) throws(YoiError) -> [TranscriptRow] {
    let pod = try pod(named: name)
    return try read { db in
      try Row.fetchAll(
        db, sql: "SELECT seq, kind, body, created_at FROM transcript_event WHERE pod_id = ? AND kind = ? ORDER BY seq DESC LIMIT ?",
        arguments: [pod.id, kind, max(0, limit)]
      ).map { TranscriptRow(seq: $0[0], kind: $0[1], body: $0[2], createdAt: $0[3]) }
    }
  }

  /// `PRAGMA integrity_check` and the one-current-snapshot invariant, for tests and `doctor`-style checks.
  public func isConsistent() throws(YoiError) -> Bool {
    try read { db in
      let integrity = try String.fetchOne(db, sql: "PRAGMA integrity_check")
      let orphans =
        try Int.fetchOne(db, sql: "SELECT count(*) FROM pod p WHERE NOT EXISTS (SELECT 1 FROM snapshot s WHERE s.pod_id = p.id AND s.is_current = 1)") ?? 0
      return integrity == "ok" && orphans == 0
    }
  }

  /// Runs raw SQL: a seam for tests that damage the store on purpose.
  package func executeForTesting(_ sql: String) throws {
    try database.write { db in try db.execute(sql: sql) }
  }

  // MARK: Helpers

  /// Columns by position (reading by name costs a case-insensitive lookup per value).
  private static let podQuery = """
    SELECT p.id, p.name, p.workspace, p.role, p.selector, p.qualified_name, p.source_path, p.source_digest,
           p.is_manifest_file, parent.name, p.created_at, p.updated_at, s.id, s.sha256
    FROM pod p LEFT JOIN pod parent ON parent.id = p.parent_id
    LEFT JOIN snapshot s ON s.pod_id = p.id AND s.is_current = 1
    """

  private static func record(_ row: Row, children: [String]) -> PodRecord {
    PodRecord(
      id: row[0], name: row[1], workspace: row[2], role: row[3],
      origin: PodOrigin(selector: row[4], qualifiedName: row[5], sourcePath: row[6], sourceDigest: row[7], isManifestFile: row[8]),
      parent: row[9], children: children, createdAt: row[10], updatedAt: row[11], currentSnapshotID: row[12] ?? 0,
      currentDigest: row[13] ?? "")
  }

  private func read<T>(_ body: (Database) throws -> T) throws(YoiError) -> T {
    do {
      return try database.read(body)
    } catch let error as YoiError {
      throw error
    } catch {
      throw Self.storeError(error, path: path)
    }
  }

  static func storeError(_ error: any Error, path: String) -> YoiError {
    if let error = error as? YoiError { return error }
    if let error = error as? DatabaseError {
      switch error.resultCode {
      case .SQLITE_NOTADB, .SQLITE_CORRUPT:
        return YoiError(
          "the Pod store at \(path) is damaged (\(error.message ?? "not a database"))", code: .storeCorrupt,
          help: ["yoi left it untouched; move it aside to start an empty store, or restore it from a backup"])
      case .SQLITE_BUSY, .SQLITE_LOCKED:
        return YoiError("the Pod store at \(path) is busy (another yoi is writing); try again", code: .storeBusy)
      default:
        return YoiError("the Pod store at \(path) failed: \(error.message ?? "\(error.resultCode)")", code: .store)
      }
    }
    return YoiError("the Pod store at \(path) failed: \(error)", code: .store)
  }

  static func now() -> String {
    Date().formatted(.iso8601)
  }

  /// Test hook for crash safety: with YOI_TEST_PAUSE_IN_TRANSACTION=FILE, a write creates
  /// FILE inside its transaction and waits there, so a test can SIGKILL it mid-transaction.
  /// Compiled into debug builds only (the tests' build), never into the release binary.
  private static func pauseForCrashTests() throws {
    #if DEBUG
    guard let marker = Environment.process[.yoiTestPauseInTransaction], !marker.isEmpty else { return }
    _ = FileManager.default.createFile(atPath: marker, contents: Data())
    Thread.sleep(forTimeInterval: 30)
    #endif
  }
}
