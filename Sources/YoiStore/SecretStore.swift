internal import Crypto
public import YoiDiagnostics
import Foundation
public import YoiManifest

/// A secret's plaintext, as handed to a consumer (provider client, web search). Its
/// descriptions never show the value.
public struct SecretValue: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
  /// The plaintext; read it only at the consumer boundary.
  public let plaintext: String

  public var description: String { "SecretValue(redacted)" }
  public var debugDescription: String { description }
}

/// The encrypted secret store: `<data>/secrets.sealed`, a ChaCha20-Poly1305 sealed box of
/// every id and value, whose authentication tag is the integrity check. The 256-bit key comes
/// from `YOI_SECRET_KEY` (base64 or hex) or from `<data>/secret.key` (created 0600 on first
/// use), kept apart from the sealed file. Writes are atomic (temporary file, then rename).
public struct SecretStore: Sendable {
  public let sealedPath: String
  public let keyPath: String
  private let environmentKey: String?

  /// The store in `dataDirectory`; `environment` supplies `YOI_SECRET_KEY`.
  public init(dataDirectory: String, environment: Environment = .process) {
    sealedPath = dataDirectory + "/secrets.sealed"
    keyPath = dataDirectory + "/secret.key"
    environmentKey = environment[.yoiSecretKey]
  }

  /// The ids of every stored secret, sorted.
  public func ids() throws(YoiError) -> [String] {
    try load(creatingKey: false).keys.sorted()
  }

  /// Whether `id` is stored.
  public func contains(_ id: String) throws(YoiError) -> Bool {
    try load(creatingKey: false)[id] != nil
  }

  /// Stores `value` under `id`, replacing an older value.
  /// - Throws: `YoiError` for an invalid id or an unreadable store.
  public func set(_ id: String, value: String) throws(YoiError) {
    guard SecretHeuristics.isValidSecretID(id) else {
      throw YoiError(
        "invalid secret id `\(id)`", code: .secretId,
        help: ["1–128 characters of A-Z a-z 0-9 . _ / -, without empty, `.` or `..` parts, e.g. providers/anthropic/default"])
    }
    guard !value.isEmpty else { throw YoiError("the secret value is empty", code: .secretEmpty) }
    try locked { () throws(YoiError) in
      var all = try load(creatingKey: true)
      all[id] = value
      try save(all)
    }
  }

  /// Removes `id`.
  /// - Throws: `YoiError` when it is not stored.
  public func remove(_ id: String) throws(YoiError) {
    try locked { () throws(YoiError) in
      var all = try load(creatingKey: false)
      guard all.removeValue(forKey: id) != nil else {
        throw YoiError("no secret with id `\(id)`", code: .secretMissing, help: ["see `yoi secret list`"])
      }
      try save(all)
    }
  }

  /// Runs a load–modify–save under the store's lock, so concurrent `yoi secret set`s each
  /// keep their id (without it, 24 concurrent sets kept 9).
  private func locked(_ body: () throws(YoiError) -> Void) throws(YoiError) {
    let directory = (sealedPath as NSString).deletingLastPathComponent
    guard FileLock.createPrivateDirectory(directory) else {
      throw YoiError("cannot create the data directory \(directory)", code: .secretStore)
    }
    try FileLock.withExclusiveLock(sealedPath + ".lock", body)
  }

  /// The value of a `secret_ref`, for a consumer.
  /// - Throws: `YoiError` naming the id when it is missing.
  public func dereference(_ id: String) throws(YoiError) -> SecretValue {
    guard let value = try load(creatingKey: false)[id] else {
      throw YoiError(
        "secret `\(id)` is not in the secret store", code: .secretMissing,
        help: ["store it with `yoi secret set \(id)` (the value is read from stdin or a hidden prompt)"])
    }
    return SecretValue(plaintext: value)
  }

  // MARK: Sealing

  private static let associatedData = Data("yoi-secrets-v1".utf8)

  private func load(creatingKey: Bool) throws(YoiError) -> [String: String] {
    guard FileManager.default.fileExists(atPath: sealedPath) else {
      if creatingKey { _ = try key(create: true) }
      return [:]
    }
    let key = try key(create: false)
    guard let sealed = FileManager.default.contents(atPath: sealedPath) else {
      throw YoiError("cannot read the secret store \(sealedPath)", code: .secretStore)
    }
    let plaintext: Data
    do {
      plaintext = try ChaChaPoly.open(ChaChaPoly.SealedBox(combined: sealed), using: key, authenticating: Self.associatedData)
    } catch {
      throw YoiError(
        "the secret store \(sealedPath) failed its integrity check (wrong key, or the file was altered)", code: .secretIntegrity,
        help: ["check YOI_SECRET_KEY or \(keyPath); yoi does not overwrite a store it cannot open"])
    }
    guard case .object(let object)? = try? JSONParser.parse(String(decoding: plaintext, as: UTF8.self)) else {
      throw YoiError("the secret store \(sealedPath) is not in the expected format", code: .secretStore)
    }
    var values: [String: String] = [:]
    for member in object { if case .string(let value) = member.value { values[member.key] = value } }
    return values
  }

  private func save(_ values: [String: String]) throws(YoiError) {
    let key = try key(create: true)
    let document = CanonicalJSON.compact(.object(JSONObject(values.map { (key: $0.key, value: JSONValue.string($0.value)) })))
    do {
      let sealed = try ChaChaPoly.seal(Data(document.utf8), using: key, authenticating: Self.associatedData).combined
      try Self.writeAtomically(sealed, to: sealedPath)
    } catch let error as YoiError {
      throw error
    } catch {
      throw YoiError("cannot write the secret store \(sealedPath): \(error.localizedDescription)", code: .secretStore)
    }
  }

  private func key(create: Bool) throws(YoiError) -> SymmetricKey {
    if let environmentKey {
      guard let bytes = Data(base64Encoded: environmentKey) ?? Self.hexBytes(environmentKey), bytes.count == 32 else {
        throw YoiError(
          "YOI_SECRET_KEY must be 32 bytes, written as base64 or 64 hex digits", code: .secretKey,
          help: ["generate one with `head -c 32 /dev/urandom | base64`"])
      }
      return SymmetricKey(data: bytes)
    }
    if let bytes = FileManager.default.contents(atPath: keyPath) {
      guard bytes.count == 32 else { throw YoiError("the key file \(keyPath) is damaged (expected 32 bytes)", code: .secretKey) }
      return SymmetricKey(data: bytes)
    }
    guard create else {
      throw YoiError(
        "the secret key \(keyPath) is missing, so the secret store cannot be opened", code: .secretKey,
        help: ["restore the key file, or set YOI_SECRET_KEY"])
    }
    // Created exactly once: a fully written temporary file is hard-linked into place, which
    // fails if another process got there first; then that process's key is the key. (Replacing
    // a key made the store permanently unreadable under concurrent first sets.)
    let key = SymmetricKey(size: .bits256)
    let temporary = keyPath + ".new-\(getpid())"
    do {
      try Self.writeAtomically(key.withUnsafeBytes { Data($0) }, to: temporary)
    } catch {
      throw YoiError("cannot create the secret key \(keyPath)", code: .secretKey)
    }
    defer { unlink(temporary) }
    if link(temporary, keyPath) == 0 { return key }
    guard errno == EEXIST else {
      throw YoiError("cannot create the secret key \(keyPath): \(String(cString: strerror(errno)))", code: .secretKey)
    }
    return try self.key(create: false)
  }

  /// Writes a 0600 temporary file beside `path`, syncs it, and renames it over `path`.
  static func writeAtomically(_ data: Data, to path: String) throws {
    FileLock.createPrivateDirectory((path as NSString).deletingLastPathComponent)
    let temporary = path + ".tmp-\(getpid())"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard descriptor >= 0 else { throw YoiError("cannot write \(temporary)", code: .secretStore) }
    let written = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    let synced = fsync(descriptor)
    close(descriptor)
    guard written == data.count, synced == 0, rename(temporary, path) == 0 else {
      unlink(temporary)
      throw YoiError("cannot write \(path)", code: .secretStore)
    }
  }

  static func hexBytes(_ text: String) -> Data? {
    guard text.count == 64 else { return nil }
    var bytes = Data()
    var index = text.startIndex
    while index < text.endIndex {
      let next = text.index(index, offsetBy: 2)
      guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
      bytes.append(byte)
      index = next
    }
    return bytes
  }
}

/// The store hands values to provider clients and tools, and only through this.
extension SecretStore: SecretSource {
  public func secretPlaintext(_ id: String) throws -> String { try dereference(id).plaintext }
  public func isStored(_ id: String) -> Bool { (try? contains(id)) ?? false }
}
