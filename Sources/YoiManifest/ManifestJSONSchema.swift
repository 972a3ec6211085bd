/// The JSON Schema (draft 2020-12) of a resolved `PodManifest`, generated from `ConfigSchema`
/// so that it cannot drift from what the decoder accepts and the builder fills in: a field
/// with a default is always present (and says its default); one without is `null` when unset.
public enum ManifestJSONSchema {
  public static var schema: JSONValue {
    let rule: JSONValue = object([
      "target": ["type": "string", "pattern": "^/"],
      "permission": ["enum": ["read", "write"]],
      "recursive": ["type": "boolean"],
    ])
    let rules: JSONValue = object(["allow": ["type": "array", "items": rule], "deny": ["type": "array", "items": rule]])
    var sections: [(String, JSONValue)] = [
      (
        "pod",
        object([
          "name": ["type": "string", "pattern": "^[A-Za-z0-9._-]+$"], "parent": nullable(["type": "string"]),
          "prompt_pack": nullable(["type": "string"]),
        ])
      ),
      ("scope", rules),
      ("delegation_scope", rules),
      (
        "profile",
        nullable(
          object(
            [
              ("source", nullable(["type": "object"])), ("name", ["type": "string"]), ("description", nullable(["type": "string"])),
              // Written only when `--model` chose the model.
              ("model_override", ["type": "string", "pattern": "^[^/]+/.+$"]),
            ], optional: ["model_override"]))
      ),
    ]
    for name in ConfigSchema.requiredSections {
      sections.append((name, type(.object(ConfigSchema.manifestSchema(of: name)))))
    }
    for name in ConfigSchema.optionalSections {
      sections.append((name, nullable(type(.object(ConfigSchema.manifestSchema(of: name))))))
    }
    sections.sort { $0.0 < $1.0 }
    var root = JSONObject()
    root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    root["title"] = "yoi PodManifest"
    root["type"] = "object"
    root["additionalProperties"] = false
    // `mcp` is written only when a profile declares servers.
    root["required"] = .array(sections.map(\.0).filter { $0 != "mcp" }.map(JSONValue.string))
    root["properties"] = .object(JSONObject(sections.map { (key: $0.0, value: $0.1) }))
    return .object(root)
  }

  static func object(_ properties: KeyValuePairs<String, JSONValue>) -> JSONValue {
    object(properties.map { ($0.key, $0.value) })
  }

  static func object(_ properties: [(String, JSONValue)], optional: Set<String> = []) -> JSONValue {
    [
      "type": "object", "additionalProperties": false,
      "required": .array(properties.map(\.0).filter { !optional.contains($0) }.map(JSONValue.string)),
      "properties": .object(JSONObject(properties.map { (key: $0.0, value: $0.1) })),
    ]
  }

  /// One kind of `auth`: `kind` and its required fields, optional ones allowed.
  static func variantObject(_ kind: String, _ fields: ConfigObject, required: [String]) -> JSONValue {
    let properties = [("kind", JSONValue.object(JSONObject([(key: "const", value: .string(kind))])))] + fields.fields.map { ($0.name, type($0.type)) }
    return [
      "type": "object", "additionalProperties": false,
      "required": .array((["kind"] + required).map(JSONValue.string)),
      "properties": .object(JSONObject(properties.map { (key: $0.0, value: $0.1) })),
    ]
  }

  static func nullable(_ schema: JSONValue) -> JSONValue {
    ["anyOf": [schema, ["type": "null"]]]
  }

  /// A field as the manifest has it: its type with its default, or nullable without one
  /// (nested objects are always present).
  static func field(_ field: ConfigField) -> JSONValue {
    let schema = type(field.type)
    if case .object = field.type { return schema }
    guard let defaultValue = field.defaultValue, case .object(var object) = schema else { return nullable(schema) }
    object["default"] = defaultValue
    return .object(object)
  }

  static func type(_ type: ConfigType) -> JSONValue {
    switch type {
    case .string: return ["type": "string"]
    case .integer(let minimum): return ["type": "integer", "minimum": .integer(minimum)]
    case .number(let range): return ["type": "number", "minimum": .number(range.lowerBound), "maximum": .number(range.upperBound)]
    case .boolean: return ["type": "boolean"]
    case .enumeration(let choices): return ["enum": .array(choices.map(JSONValue.string))]
    case .list(let element): return ["type": "array", "items": Self.type(element)]
    case .dictionary(let element): return ["type": "object", "additionalProperties": Self.type(element)]
    case .object(let object): return Self.object(object.fields.map { ($0.name, field($0)) })
    case .relativePath: return ["type": "string", "pattern": "^/"]
    case .workspacePath: return ["type": "string", "pattern": "^[^/~]"]
    case .secretID: return ["type": "string", "pattern": "^[A-Za-z0-9._/-]{1,128}$"]
    case .modelRef: return ["type": "string", "pattern": "^[^/]+/.+$"]
    case .environmentVariable: return ["type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]{0,127}$"]
    case .reasoning: return ["anyOf": [["enum": .array(ConfigSchema.reasoningEfforts.map(JSONValue.string))], ["type": "integer", "minimum": 1]]]
    case .auth:
      return [
        "oneOf": .array(
          ConfigSchema.authVariants.map { variant in
            variantObject(variant.kind, variant.fields, required: variant.required)
          })
      ]
    case .compaction: return Self.type(.object(ConfigSchema.compactionTokens))
    case .scopeIntent: return ["type": "object"]
    case .variants(let tag, let variants):
      return [
        "oneOf": .array(
          variants.map { variant in
            let properties =
              [(tag, JSONValue.object(JSONObject([(key: "const", value: .string(variant.name))])))] + variant.fields.fields.map { ($0.name, field($0)) }
            return [
              "type": "object", "additionalProperties": false, "required": .array(([tag] + variant.required).map(JSONValue.string)),
              "properties": .object(JSONObject(properties.map { (key: $0.0, value: $0.1) })),
            ]
          })
      ]
    case .credentialValue:
      let references = ConfigSchema.authVariants.filter { $0.kind == "secret_ref" || $0.kind == "env" }
      return ["anyOf": .array([["type": "string"]] + references.map { variantObject($0.kind, $0.fields, required: $0.required) })]
    case .hostPath: return ["type": "string", "pattern": "^(/|~/)"]
    }
  }
}
