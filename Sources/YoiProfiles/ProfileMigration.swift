import Foundation
import YoiDiagnostics
import YoiManifest

/// `yoi profile migrate OLD.nix`: turns a profile of the earlier Nix format (an
/// `insomnia.nix-profile.v1` artifact from `mkProfile`/`mkManifest`, or a raw manifest) into a
/// Lua profile that imports `builtin:default` and assigns what the old one set. Nix is only
/// run here, never to resolve: `nix eval --json --file OLD.nix`, with a timeout.
public struct ProfileMigration {
  /// The `nix` to run (`YOI_NIX` overrides, for tests and unusual installs).
  public var nix: String
  public var timeoutSeconds: Double = 10

  public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
    nix = environment["YOI_NIX"] ?? "nix"
  }

  /// The migrated Lua text, with the notes it carries as comments.
  public struct Result {
    public var lua: String
    public var notes: [String]
  }

  /// Evaluates `path` with nix and writes the equivalent Lua profile's text.
  /// - Throws: `ProfileError` when nix is missing, fails or times out, or the artifact is not a profile.
  public func migrate(_ path: String) throws(ProfileError) -> Result {
    let json = try evaluate(path)
    let artifact: JSONValue
    do {
      artifact = try JSONParser.parse(json)
    } catch {
      throw .single("nix printed something that is not JSON: \(error.description)", code: "E-MIGRATE")
    }
    return try translate(artifact, sourceName: PathLexer.basename(path))
  }

  func evaluate(_ path: String) throws(ProfileError) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [nix, "--extra-experimental-features", "nix-command", "eval", "--json", "--file", path]
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("yoi-migrate-\(UUID().uuidString)")
    FileManager.default.createFile(atPath: output.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: output) }
    let errors = Pipe()
    do {
      process.standardOutput = try FileHandle(forWritingTo: output)
      process.standardError = errors
      process.standardInput = FileHandle.nullDevice
      try process.run()
    } catch {
      throw Self.nixMissing
    }
    let deadline = Date().addingTimeInterval(timeoutSeconds)
    while process.isRunning && Date() < deadline { usleep(10_000) }
    if process.isRunning {
      process.terminate()
      process.waitUntilExit()
      throw .single("nix eval of \(path) took longer than \(Int(timeoutSeconds)) s and was stopped", code: "E-MIGRATE")
    }
    let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    if process.terminationStatus == 127 { throw Self.nixMissing }
    guard process.terminationStatus == 0 else {
      throw .single("nix eval of \(path) failed:\n" + String(stderr.prefix(4000)), code: "E-MIGRATE",
                    help: ["a profile that imports a library (profile-lib.nix) needs that file beside it, as it had before"])
    }
    return (try? String(contentsOf: output, encoding: .utf8)) ?? ""
  }

  static let nixMissing = ProfileError.single(
    "migrating a Nix profile needs `nix`, which is not installed", code: "E-MIGRATE-NO-NIX",
    help: ["install it (Debian: `apt-get install nix-bin`) and run `yoi profile migrate` again",
           "or port it by hand: `yoi profile new NAME` writes a starter Lua profile"])

  /// The artifact as Lua. Sections the Lua schema knows are assigned; the rest become notes.
  func translate(_ artifact: JSONValue, sourceName: String) throws(ProfileError) -> Result {
    guard case .object(let root) = artifact else {
      throw .single("\(sourceName) does not evaluate to an attribute set", code: "E-MIGRATE")
    }
    var notes: [String] = []
    let meta = root["profile"].flatMap { value -> JSONObject? in if case .object(let object) = value { object } else { nil } }
    var manifest = root
    if case .object(let inner)? = root["manifest"] ?? root["config"] { manifest = inner }
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
      let provider: String = switch model["scheme"] {
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
      return "{\n" + object.members.map { member in
        let key = member.key.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) } && !(member.key.first?.isNumber ?? true)
          ? member.key : "[\(luaString(member.key))]"
        return "\(pad)\(key) = \(lua(member.value, indent: indent + 1)),\n"
      }.joined() + closing + "}"
    }
  }
}
