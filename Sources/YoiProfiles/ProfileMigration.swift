import Foundation
public import YoiDiagnostics
import YoiManifest

/// `yoi profile migrate OLD.nix`: turns a profile of the earlier Nix format (an
/// `insomnia.nix-profile.v1` artifact from `mkProfile`/`mkManifest`, or a raw manifest) into a
/// Lua profile that imports `builtin:default` and assigns what the old one set. Nix is only
/// run here, never to resolve: `nix eval --json --file OLD.nix`, with a timeout.
public struct ProfileMigration {
  /// The `nix` to run (`YOI_NIX` overrides, for tests and unusual installs).
  public var nix: String
  public var timeoutSeconds: Double = 10

  public init(environment: Environment = .process) {
    nix = environment[.yoiNix] ?? "nix"
  }

  /// The migrated Lua text, with the notes it carries as comments.
  public struct Result {
    public var lua: String
    public var notes: [String]
  }

  /// Evaluates `path` with nix and writes the equivalent Lua profile's text.
  /// - Throws: `YoiError` when nix is missing, fails or times out, or the artifact is not a profile.
  public func migrate(_ path: String) throws(YoiError) -> Result {
    let json = try evaluate(path)
    let artifact: JSONValue
    do {
      artifact = try JSONParser.parse(json)
    } catch {
      throw YoiError("nix printed something that is not JSON: \(error.description)", code: .migrate)
    }
    return try translate(artifact, sourceName: PathLexer.basename(path))
  }

  /// Runs `nix eval --json --file path`. stdout and stderr are drained while nix runs (a
  /// child writing more than a pipe holds must not look like a timeout), and the wait is
  /// bounded by `timeoutSeconds`.
  func evaluate(_ path: String) throws(YoiError) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [nix, "--extra-experimental-features", "nix-command", "eval", "--json", "--file", path]
    let output = Pipe(), errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = FileHandle.nullDevice
    let exited = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in exited.signal() }
    do {
      try process.run()
    } catch {
      throw YoiError("cannot start nix through /usr/bin/env: \(error.localizedDescription)", code: .migrate)
    }
    let drained = DispatchGroup()
    nonisolated(unsafe) var stdout = Data(), stderr = Data()
    for (handle, isOutput) in [(output.fileHandleForReading, true), (errors.fileHandleForReading, false)] {
      drained.enter()
      DispatchQueue.global().async {
        let data = handle.readDataToEndOfFile()
        if isOutput { stdout = data } else { stderr = data }
        drained.leave()
      }
    }
    if exited.wait(timeout: .now() + timeoutSeconds) == .timedOut {
      process.terminate()
      exited.wait()
      drained.wait()
      throw YoiError("nix eval of \(path) took longer than \(Int(timeoutSeconds)) s and was stopped", code: .migrate)
    }
    drained.wait()
    let message = String(decoding: stderr.prefix(4000), as: UTF8.self)
    // /usr/bin/env exits 127 when it cannot find the program.
    if process.terminationStatus == 127 { throw Self.nixMissing }
    guard process.terminationStatus == 0 else {
      throw YoiError(
        "nix eval of \(path) failed:\n" + message, code: .migrate,
        help: ["a profile that imports a library (profile-lib.nix) needs that file beside it, as it had before"])
    }
    guard let text = String(data: stdout, encoding: .utf8) else {
      throw YoiError("nix printed output that is not UTF-8 text", code: .migrate)
    }
    return text
  }

  static let nixMissing = YoiError(
    "migrating a Nix profile needs `nix`, which is not installed", code: .migrateNoNix,
    help: [
      "install it (Debian: `apt-get install nix-bin`) and run `yoi profile migrate` again",
      "or port it by hand: `yoi profile new NAME` writes a starter Lua profile",
    ])

  /// The artifact as Lua. Sections the Lua schema knows are assigned; the rest become notes.
  func translate(_ artifact: JSONValue, sourceName: String) throws(YoiError) -> Result {
    guard case .object(let root) = artifact else {
      throw YoiError("\(sourceName) does not evaluate to an attribute set", code: .migrate)
    }
    var notes: [String] = []
    let meta = root["profile"].flatMap { value -> JSONObject? in if case .object(let object) = value { object } else { nil } }
    var manifest = root
    if case .object(let inner)? = root["manifest"] ?? root["config"] { manifest = inner }
    // A plaintext secret is never written to the Lua file (not even to be refused later).
    let provider: String? =
      if case .object(let model)? = manifest["model"], case .string(let ref)? = model["ref"] { ModelCatalog.provider(of: ref) } else { nil }
    if case .object(let scrubbed) = Self.withoutPlaintextSecrets(.object(manifest), path: "", provider: provider, notes: &notes) { manifest = scrubbed }
    var lines = ["local yoi = require(\"yoi\")", "local p = yoi.profile.import(\"builtin:default\")", ""]
    if case .string(let name)? = meta?["name"] { lines.append("p.slug = \(Self.lua(.string(name)))") }
    if case .string(let description)? = meta?["description"] { lines.append("p.description = \(Self.lua(.string(description)))") }
    for member in manifest {
      switch member.key {
      case "profile":
        continue
      case "pod":
        if case .object(let pod) = member.value, let name = pod["name"] {
          notes.append("pod.name \(CanonicalJSON.compact(name)) dropped: the Pod name is a runtime input (--name, or the new-Pod dialog)")
        }
      case "scope", "delegation_scope":
        lines.append("p.\(member.key) = \(scopeIntent(member.value, field: member.key, notes: &notes))")
      case "model":
        lines.append("p.model = \(Self.lua(.object(model(member.value, notes: &notes)), indent: 0))")
      case let key where ConfigSchema.profile.field(key) != nil:
        lines.append("p.\(key) = \(Self.lua(member.value, indent: 0))")
      default:
        notes.append("`\(member.key)` has no place in a Lua profile and was left out")
      }
    }
    lines.append("")
    lines.append("return p")
    var header = ["-- Migrated from \(sourceName) by `yoi profile migrate`. Review it, then `yoi profile check` it."]
    header += notes.map { "-- note: \($0)" }
    return Result(lua: (header + [""] + lines).joined(separator: "\n") + "\n", notes: notes)
  }

  /// `value` with every plaintext secret removed, each named in a note. Model auth that held
  /// one becomes a reference to the provider's default secret id, to be stored with
  /// `yoi secret set`.
  static func withoutPlaintextSecrets(_ value: JSONValue, path: String, provider: String?, notes: inout [String]) -> JSONValue {
    switch value {
    case .object(let object):
      var kept = JSONObject()
      for member in object {
        let memberPath = KeyPath.join(path, member.key)
        if case .string(let text) = member.value, SecretHeuristics.isPlaintextSecret(key: member.key, value: text) {
          notes.append(
            "\(memberPath) held a plaintext secret, which was not copied: store it with `yoi secret set ID` and reference it with yoi.secret(\"ID\")")
          continue
        }
        kept[member.key] = withoutPlaintextSecrets(member.value, path: memberPath, provider: provider, notes: &notes)
      }
      if path == "model.auth", kept.count < object.count {
        let id = "providers/\(provider ?? "model")/default"
        notes.append("model.auth now references the secret \(id)")
        return ["kind": "secret_ref", "ref": .string(id)]
      }
      return .object(kept)
    case .array(let items):
      return .array(
        items.enumerated().map { withoutPlaintextSecrets($0.element, path: KeyPath.index(path, Int64($0.offset + 1)), provider: provider, notes: &notes) })
    case .string(let text) where SecretHeuristics.hasSecretPrefix(text):
      notes.append("\(path) held a plaintext secret, which was not copied")
      return .null
    default:
      return value
    }
  }

  /// Concrete rules become an intent: any write allow means workspace_write; relative
  /// deny-write targets become `deny_write`; the launch policy decides the actual rules.
  private func scopeIntent(_ value: JSONValue, field: String, notes: inout [String]) -> String {
    guard case .object(let scope) = value else { return "yoi.scope.workspace_read()" }
    func rules(_ key: String) -> [JSONObject] {
      guard case .array(let items)? = scope[key] else { return [] }
      return items.compactMap { if case .object(let rule) = $0 { rule } else { nil } }
    }
    let write = rules("allow").contains { $0["permission"] == .string("write") }
    var denyWrite: [String] = []
    for rule in rules("deny") {
      if case .string(let target)? = rule["target"], !target.hasPrefix("/"), rule["permission"] != .string("read") {
        denyWrite.append(target.hasPrefix("./") ? String(target.dropFirst(2)) : target)
      }
    }
    let targets = rules("allow").compactMap { rule -> String? in if case .string(let t)? = rule["target"] { t } else { nil } }
    notes.append("\(field).allow \(targets) became the intent \(write ? "workspace_write" : "workspace_read"); the launch role decides the concrete rules")
    let options = denyWrite.isEmpty ? "()" : " { deny_write = \(Self.lua(.array(denyWrite.map(JSONValue.string)), indent: 0)) }"
    return "yoi.scope.\(write ? "workspace_write" : "workspace_read")\(options)"
  }

  /// Old models name a scheme and model_id; a Lua profile names `provider/model_id`.
  private func model(_ value: JSONValue, notes: inout [String]) -> JSONObject {
    guard case .object(var model) = value else { return JSONObject() }
    if model["ref"] == nil, case .string(let id)? = model["model_id"] {
      let provider: String =
        switch model["scheme"] {
        case .string("anthropic")?: "anthropic"
        case .string(let scheme)?: scheme
        default: "anthropic"
        }
      model["ref"] = .string("\(provider)/\(id)")
      notes.append("model.ref \"\(provider)/\(id)\" derived from scheme and model_id")
    }
    return model
  }

  /// A Lua string literal: printable UTF-8 as is, control bytes as decimal escapes.
  static func luaString(_ text: String) -> String {
    var out: [UInt8] = [UInt8(ascii: "\"")]
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), byte]
      case UInt8(ascii: "\n"): out += Array("\\n".utf8)
      case 0..<0x20, 0x7F: out += Array("\\\(byte)".utf8)
      default: out.append(byte)
      }
    }
    out.append(UInt8(ascii: "\""))
    return String(decoding: out, as: UTF8.self)
  }

  /// A JSON value as a Lua literal (keys sorted, as the JSON was).
  static func lua(_ value: JSONValue, indent: Int = 0) -> String {
    let pad = String(repeating: "  ", count: indent + 1)
    let closing = String(repeating: "  ", count: indent)
    switch value {
    case .null: return "nil"
    case .bool(let flag): return flag ? "true" : "false"
    case .integer(let number): return String(number)
    case .number(let number): return CanonicalJSON.compact(.number(number))
    case .string(let text): return luaString(text)
    case .array(let items):
      if items.isEmpty { return "{}" }
      return "{\n" + items.map { pad + lua($0, indent: indent + 1) + ",\n" }.joined() + closing + "}"
    case .object(let object):
      if object.isEmpty { return "{}" }
      return "{\n"
        + object.members.map { member in
          let key =
            member.key.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) } && !(member.key.first?.isNumber ?? true)
            ? member.key : "[\(luaString(member.key))]"
          return "\(pad)\(key) = \(lua(member.value, indent: indent + 1)),\n"
        }.joined() + closing + "}"
    }
  }
}
