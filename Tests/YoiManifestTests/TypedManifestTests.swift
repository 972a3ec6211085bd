import Foundation
import Testing
@testable import YoiManifest

/// The typed manifest: defaults declared once (in `ConfigSchema`), every path field
/// resolved, the canonical JSON made from the typed value, old snapshots still readable.
@Suite("Typed manifest")
struct TypedManifestTests {
  static let inputs = ManifestInputs(podName: "p", workspace: "/work/ws", role: .normal, baseDirectory: "/home/u/profiles", provenance: nil)
  static let inlineModel: JSONValue = ["scheme": "openai_chat", "model_id": "m", "base_url": "http://127.0.0.1:1/v1"]

  static func build(_ config: JSONValue) throws -> PodManifest {
    switch PodManifestBuilder().build(PodManifestConfig(validated: config.objectValue ?? JSONObject()), inputs: inputs) {
    case .success(let manifest): return manifest
    case .failure(let problems): throw ManifestFailure(problems: problems.problems.map(\.text))
    }
  }

  struct ManifestFailure: Error { var problems: [String] }

  /// Every field the schema declares, with the manifest's value: a field with a default has
  /// it, one without is null, and nothing else is there.
  static func expectDefaults(_ schema: ConfigObject, in value: JSONValue?, path: String, sourceLocation: SourceLocation = #_sourceLocation) {
    guard case .object(let object)? = value else {
      Issue.record("\(path) is not an object in the manifest", sourceLocation: sourceLocation)
      return
    }
    #expect(Set(object.map(\.key)) == Set(schema.names), "\(path): the manifest's fields are not the schema's", sourceLocation: sourceLocation)
    for field in schema.fields {
      let fieldPath = path + "." + field.name
      if case .object(let inner) = field.type {
        expectDefaults(inner, in: object[field.name], path: fieldPath, sourceLocation: sourceLocation)
      } else {
        #expect(object[field.name] == (field.defaultValue ?? .null), "\(fieldPath)", sourceLocation: sourceLocation)
      }
    }
  }

  @Test("a manifest built from an empty profile has exactly the schema's defaults (a default written anywhere else fails here)")
  func defaultsComeFromTheSchemaAlone() throws {
    let empty = JSONValue.object(JSONObject())
    let manifest = try Self.build([
      "model": Self.inlineModel, "permissions": ["default_action": "ask"], "compaction": empty, "memory": empty, "web": empty, "skills": empty,
      "mcp": empty,
    ])
    for name in ConfigSchema.requiredSections + ConfigSchema.optionalSections where name != "model" {
      var schema = ConfigSchema.manifestSchema(of: name)
      if name == "permissions" { schema.fields.removeAll { $0.name == "default_action" } }
      var section = manifest.json[name]
      if name == "permissions", case .object(var object)? = section {
        object["default_action"] = nil
        section = .object(object)
      }
      Self.expectDefaults(schema, in: section, path: name)
    }
    #expect(manifest.json["model"]?.objectValue?["auth"] == ConfigSchema.model.field("auth")?.defaultValue)
    #expect(manifest.json["model"]?.objectValue?["capability"] == ConfigSchema.model.field("capability")?.defaultValue)
    // The typed value read the same numbers: nothing in between substituted its own.
    #expect(
      manifest.sections.worker.toolOutput.defaultMaxBytes == ConfigSchema.worker.field("tool_output").flatMap(Self.nested("default_max_bytes"))?.integerValue)
    #expect(manifest.sections.web?.fetch.maxResponseBytes == ConfigSchema.web.field("fetch").flatMap(Self.nested("max_response_bytes"))?.integerValue)
  }

  static func nested(_ name: String) -> (ConfigField) -> JSONValue? {
    { field in
      guard case .object(let object) = field.type else { return nil }
      return object.field(name)?.defaultValue
    }
  }

  /// Every relative-path field of the schema, as (section path, config value to set it).
  static func pathFields(_ schema: ConfigObject, at path: [String]) -> [[String]] {
    schema.fields.flatMap { field -> [[String]] in
      switch field.type {
      case .relativePath, .list(.relativePath): [path + [field.name]]
      case .object(let inner): pathFields(inner, at: path + [field.name])
      case .auth: ConfigSchema.authVariants.flatMap { pathFields($0.fields, at: path + [field.name]) }
      default: []
      }
    }
  }

  static func setting(_ value: JSONValue, at path: ArraySlice<String>, in object: JSONObject) -> JSONObject {
    var object = object
    guard let key = path.first else { return object }
    if path.count == 1 {
      object[key] = value
    } else {
      object[key] = .object(setting(value, at: path.dropFirst(), in: object[key]?.objectValue ?? JSONObject()))
    }
    return object
  }

  @Test("every relative path field the schema declares is resolved against the profile's directory, model.auth.file included")
  func everyPathFieldIsResolved() throws {
    let fields = Self.pathFields(ConfigSchema.profile, at: [])
    #expect(fields.contains(["model", "auth", "file"]) && fields.contains(["memory", "workspace_root"]) && fields.contains(["skills", "directories"]))
    var config = JSONObject([(key: "model", value: Self.inlineModel)])
    for field in fields {
      let relative = "rel/" + field.joined(separator: "_")
      let isList = field == ["skills", "directories"]
      config = Self.setting(isList ? [.string(relative)] : .string(relative), at: field[...], in: config)
      if field.suffix(2) == ["auth", "file"] { config = Self.setting("api_key", at: (field.dropLast() + ["kind"])[...], in: config) }
    }
    let manifest = try Self.build(.object(config))
    for field in fields {
      var value: JSONValue? = .object(manifest.json)
      for key in field { value = value?.objectValue?[key] }
      let expected: JSONValue = .string("/home/u/profiles/rel/" + field.joined(separator: "_"))
      #expect(value == expected || value == [expected], "\(field.joined(separator: ".")) is \(String(describing: value))")
    }
    #expect(manifest.sections.model.auth == .apiKeyFile("/home/u/profiles/rel/model_auth_file"))
  }

  @Test("the canonical JSON is the typed value encoded: decoding it gives the same sections, and a stored snapshot verifies")
  func canonicalJSONRoundTrips() throws {
    let config: JSONValue = ["model": Self.inlineModel, "worker": ["temperature": 0.5, "reasoning": 2048], "web": ["fetch": ["enabled": true]]]
    let manifest = try Self.build(config)
    let stored = try PodManifest(snapshot: manifest.canonicalJSON, digest: manifest.digest)
    #expect(stored == manifest)
    #expect(stored.sections.worker.reasoning == .budget(2048))
    #expect(manifest.canonicalJSON.contains(#""max_response_bytes":5242880"#))
  }

  @Test("a snapshot an older yoi wrote (web fetch limits null, max_turns null, a rule without pattern) verifies and reads with today's defaults")
  func olderSnapshotsStayReadable() throws {
    let config: JSONValue = [
      "model": Self.inlineModel, "web": ["fetch": ["enabled": true]],
      "permissions": ["default_action": "ask", "rule": [["tool": "shell", "action": "deny", "pattern": "*"]]],
    ]
    let manifest = try Self.build(config)
    var document = manifest.json
    var web = document["web"]!.objectValue!
    var fetch = web["fetch"]!.objectValue!
    for key in ["timeout_secs", "redirect_limit", "max_response_bytes", "max_output_bytes"] { fetch[key] = JSONValue.null }
    web["fetch"] = JSONValue.object(fetch)
    document["web"] = JSONValue.object(web)
    var worker = document["worker"]!.objectValue!
    worker["max_turns"] = JSONValue.null
    document["worker"] = JSONValue.object(worker)
    document["permissions"] = ["default_action": "ask", "rule": [["tool": "shell", "action": "deny"]]]
    let text = CanonicalJSON.compact(.object(document))
    let old = try PodManifest(snapshot: text, digest: SHA256.hex(text.utf8))
    #expect(old.canonicalJSON == text)
    #expect(old.sections.web?.fetch.timeoutSeconds == 30)
    #expect(old.sections.worker.maxTurns == 50)
    #expect(old.sections.permissions?.rules.first?.pattern == "*")
  }

  @Test(
    "a stored snapshot with a member of the wrong type is refused with its path, not read as a default",
    arguments: [
      (#""max_turns":50"#, #""max_turns":"many""#, "worker.max_turns: expected an integer, found a string"),
      (#""session":{"record_event_trace":false}"#, #""session":5"#, "session: expected an object, found a number"),
      (#""stop_sequences":[]"#, #""stop_sequences":{}"#, "worker.stop_sequences: expected an array, found an object"),
    ])
  func aWrongTypeInASnapshotIsNamed(original: String, damaged: String, problem: String) throws {
    let manifest = try Self.build(["model": Self.inlineModel])
    #expect(manifest.canonicalJSON.contains(original))
    let text = manifest.canonicalJSON.replacingOccurrences(of: original, with: damaged)
    do {
      _ = try PodManifest(snapshot: text, digest: SHA256.hex(text.utf8))
      Issue.record("a damaged snapshot was read")
    } catch {
      #expect(error.description.contains(problem), "\(error)")
    }
  }
}
