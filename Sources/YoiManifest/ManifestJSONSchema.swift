/// The JSON Schema (draft 2020-12) of a resolved `PodManifest`, generated from `ConfigSchema`
/// so that it cannot drift from what the decoder accepts. Optional settings the builder
/// leaves unset are `null`.
public enum ManifestJSONSchema {
  public static var schema: JSONValue {
    let rule: JSONValue = object([
      "target": ["type": "string", "pattern": "^/"],
      "permission": ["enum": ["read", "write"]],
      "recursive": ["type": "boolean"],
    ])
    let rules: JSONValue = object(["allow": ["type": "array", "items": rule], "deny": ["type": "array", "items": rule]])
    let tokens = JSONValue.object(
      JSONObject(
        ConfigSchema.compactionTokenDefaults.map { ($0.0, nullable(["type": "integer", "minimum": 0])) }
          + [("model", nullable(type(.modelRef)))]))
    var compaction = tokens
    if case .object(var object) = compaction {
      object["type"] = "object"
      compaction = .object(object)
    }
    var sections: [(String, JSONValue)] = [
      (
        "pod",
        object([
          "name": ["type": "string", "pattern": "^[A-Za-z0-9._-]+$"], "parent": nullable(["type": "string"]),
          "prompt_pack": nullable(["type": "string"]),
        ])
      ),
      (
        "model",
        object(
          ConfigSchema.model.fields.map { field in
            (field.name, ["auth", "capability"].contains(field.name) ? type(field.type) : nullable(type(field.type)))
          })
      ),
      (
        "worker",
        object(
          ConfigSchema.worker.fields.map { field in
            (field.name, ["instruction", "stop_sequences", "tool_output", "file_upload"].contains(field.name) ? type(field.type) : nullable(type(field.type)))
          })
      ),
      ("scope", rules),
      ("delegation_scope", rules),
      ("session", type(ConfigSchema.profile.field("session")!.type)),
      ("permissions", nullable(type(.object(ConfigSchema.permissions)))),
      ("feature", type(.object(ConfigSchema.feature))),
      (
        "compaction",
        nullable(
          object(ConfigSchema.compactionTokenDefaults.map { ($0.0, nullable(["type": "integer", "minimum": 0])) } + [("model", nullable(type(.modelRef)))]))
      ),
      ("memory", nullable(object(ConfigSchema.memory.fields.map { ($0.name, nullable(type($0.type))) }))),
      ("web", nullable(type(.object(ConfigSchema.web), nullableLeaves: true))),
      ("skills", nullable(object(["directories": ["type": "array", "items": ["type": "string", "pattern": "^/"]]]))),
      (
        "profile",
        nullable(
          object([
            "source": ["type": "object"],
            "name": ["type": "string"],
            "description": nullable(["type": "string"]),
          ]))
      ),
    ]
    sections.sort { $0.0 < $1.0 }
    var root = JSONObject(sections.isEmpty ? [] : [])
    root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    root["title"] = "yoi PodManifest"
    root["type"] = "object"
    root["additionalProperties"] = false
    root["required"] = .array(sections.map { .string($0.0) })
    root["properties"] = .object(JSONObject(sections.map { (key: $0.0, value: $0.1) }))
    return .object(root)
  }

  static func object(_ properties: KeyValuePairs<String, JSONValue>) -> JSONValue {
    object(properties.map { ($0.key, $0.value) })
  }

  static func object(_ properties: [(String, JSONValue)]) -> JSONValue {
    [
      "type": "object", "additionalProperties": false,
      "required": .array(properties.map { .string($0.0) }),
      "properties": .object(JSONObject(properties.map { (key: $0.0, value: $0.1) })),
    ]
  }

  static func nullable(_ schema: JSONValue) -> JSONValue {
    ["anyOf": [schema, ["type": "null"]]]
  }

  static func type(_ type: ConfigType, nullableLeaves: Bool = false) -> JSONValue {
    switch type {
    case .string: return ["type": "string"]
    case .integer(let minimum): return ["type": "integer", "minimum": .integer(minimum)]
    case .number(let range): return ["type": "number", "minimum": .number(range.lowerBound), "maximum": .number(range.upperBound)]
    case .boolean: return ["type": "boolean"]
    case .enumeration(let choices): return ["enum": .array(choices.map(JSONValue.string))]
    case .list(let element): return ["type": "array", "items": Self.type(element)]
    case .dictionary(let element): return ["type": "object", "additionalProperties": Self.type(element)]
    case .object(let object):
      return Self.object(
        object.fields.map { field in
          let inner = Self.type(field.type, nullableLeaves: nullableLeaves)
          let isLeaf: Bool = if case .object = field.type { false } else { true }
          return (field.name, nullableLeaves && isLeaf ? nullable(inner) : inner)
        })
    case .relativePath: return ["type": "string", "pattern": "^/"]
    case .workspacePath: return ["type": "string", "pattern": "^[^/~]"]
    case .secretID: return ["type": "string", "pattern": "^[A-Za-z0-9._/-]{1,128}$"]
    case .modelRef: return ["type": "string", "pattern": "^[^/]+/.+$"]
    case .reasoning: return ["anyOf": [["enum": .array(ConfigSchema.reasoningEfforts.map(JSONValue.string))], ["type": "integer", "minimum": 1]]]
    case .auth:
      return [
        "oneOf": [
          Self.object(["kind": ["const": "none"]]), Self.object(["kind": ["const": "codex_oauth"]]),
          Self.object(["kind": ["const": "api_key"], "file": ["type": "string", "pattern": "^/"]]),
          Self.object(["kind": ["const": "secret_ref"], "ref": Self.type(.secretID)]),
        ]
      ]
    case .compaction, .scopeIntent: return ["type": "object"]
    }
  }
}
