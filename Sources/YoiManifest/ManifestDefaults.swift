/// Filling a configuration's unset fields from `ConfigSchema`: the one walk that applies
/// defaults and resolves relative paths, used by the builder (paths resolved against the
/// profile's directory) and by the snapshot reader (a snapshot from an older yoi gets the
/// defaults of fields added since; its paths are resolved already).
extension ConfigSchema {
  /// Sections of the manifest a profile configures that every manifest has.
  static let requiredSections = ["model", "worker", "session", "feature"]
  /// Sections that are `null` when the profile has none.
  static let optionalSections = ["permissions", "compaction", "memory", "web", "skills", "mcp"]

  /// The fields of section `name` as the manifest has them (a compaction always in counts).
  static func manifestSchema(of name: String) -> ConfigObject {
    if name == "compaction" { return compactionTokens }
    guard case .object(let object)? = profile.field(name)?.type else { preconditionFailure("\(name) is not a section") }
    return object
  }

  /// A stored snapshot's document, with the defaults of fields its yoi did not write (absent
  /// or `null`). A member of the wrong type is left as it is, for the typed decoding to
  /// report with its path: a damaged snapshot is never read as defaults.
  static func completingSnapshot(_ document: JSONObject) -> JSONObject {
    var out = document
    for name in requiredSections + optionalSections {
      let schema = ConfigField(name, .object(manifestSchema(of: name)))
      if optionalSections.contains(name), document[name] == nil || document[name] == .null { continue }
      out[name] = schema.completing(document[name], resolvingAgainst: nil)
    }
    return out
  }
}

extension ConfigObject {
  /// `given` with every field of this object: the given value, else the field's default,
  /// else `null`. Nested objects (and objects in lists) are completed too; relative paths are
  /// joined to `base` (nil: they are resolved already). Keys the schema does not name are
  /// dropped.
  func completing(_ given: JSONObject, resolvingAgainst base: String?) -> JSONObject {
    JSONObject(fields.map { field in (key: field.name, value: field.completing(given[field.name], resolvingAgainst: base)) })
  }
}

extension ConfigField {
  func completing(_ given: JSONValue?, resolvingAgainst base: String?) -> JSONValue {
    let value = given == nil || given == .null ? defaultValue : given
    func resolved(_ path: JSONValue) -> JSONValue {
      guard let base, case .string(let text) = path else { return path }
      return .string(PathLexer.join(base, text))
    }
    switch (type, value) {
    case (.object(let schema), nil):
      return .object(schema.completing(JSONObject(), resolvingAgainst: base))
    case (.object(let schema), .object(let given)?):
      return .object(schema.completing(given, resolvingAgainst: base))
    case (.list(.object(let schema)), .array(let items)?):
      return .array(items.map { item in item.objectValue.map { .object(schema.completing($0, resolvingAgainst: base)) } ?? item })
    case (.list(.variants(let tag, let variants)), .array(let items)?):
      // Each item completed with its own variant's fields (a server's `cwd` is a relative path).
      return .array(
        items.map { item in
          guard case .object(var object) = item, case .string(let name)? = object[tag], let variant = variants.first(where: { $0.name == name })
          else { return item }
          object = variant.fields.completing(object, resolvingAgainst: base)
          object[tag] = .string(name)
          return .object(object)
        })
    case (.list(.relativePath), .array(let items)?):
      return .array(items.map(resolved))
    case (.relativePath, let path?):
      return resolved(path)
    case (.auth, .object(var auth)?):
      // Each kind's fields are typed in `authVariants` (a key file is a relative path).
      if case .string(let kind)? = auth["kind"], let variant = ConfigSchema.authVariants.first(where: { $0.kind == kind }) {
        for field in variant.fields.fields { auth[field.name] = field.completing(auth[field.name], resolvingAgainst: base) }
      }
      return .object(auth)
    default:
      return value ?? .null
    }
  }
}

extension JSONValue {
  /// The members, when this is an object.
  var objectValue: JSONObject? {
    if case .object(let object) = self { return object }
    return nil
  }
}
