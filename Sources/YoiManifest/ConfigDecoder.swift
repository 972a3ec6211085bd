import YoiDiagnostics

/// Checks a configuration tree against `ConfigSchema`, strictly: unknown keys, wrong types,
/// out-of-range numbers and plaintext secrets are problems naming the key path. Every problem
/// is collected; the result keeps only valid values, with integral floats made integers.
public struct ConfigDecoder {
  /// Refuses a key before the schema is consulted (e.g. `pod` or `scope.allow` in a
  /// profile) with a targeted message. Arguments: parent path, key.
  public var refuse: (String, String) -> ConfigProblem?
  public private(set) var problems: [ConfigProblem] = []

  /// A decoder; `refuse` adds the caller's targeted refusals.
  public init(refuse: @escaping (String, String) -> ConfigProblem? = { _, _ in nil }) {
    self.refuse = refuse
  }

  /// Decodes the top level of a profile.
  public mutating func decodeProfile(_ value: JSONValue) -> PodManifestConfig {
    guard case .object(let object) = value else {
      problems.append(
        ConfigProblem(
          path: "", message: "a profile must return a table, got \(Self.describe(value))",
          help: ["end the file with `return yoi.profile { ... }`"]))
      return PodManifestConfig(validated: JSONObject())
    }
    return PodManifestConfig(validated: decodeObject(object, ConfigSchema.profile, path: ""))
  }

  /// Decodes `value` as `type` at `path` (`key` is the last key, for secret detection).
  public mutating func decode(_ value: JSONValue, as type: ConfigType, path: String, key: String) -> JSONValue? {
    if case .string(let text) = value, SecretHeuristics.isPlaintextSecret(key: key, value: text),
      !isSecretIDField(type)
    {
      problems.append(
        ConfigProblem(
          path: path, message: "a plaintext secret is not allowed in a profile",
          help: ["store it with `yoi secret set <id>` and write `{ kind = \"secret_ref\", ref = \"<id>\" }` (or yoi.secret(\"<id>\"))"],
          isSecret: true))
      return nil
    }
    switch type {
    case .string:
      guard case .string = value else { return mismatch(path, "a string", value) }
      return value
    case .integer(let minimum):
      guard let number = Self.integer(value) else { return mismatch(path, minimum >= 1 ? "a positive integer" : "an integer", value) }
      guard number >= minimum else {
        return fail(path, "expected \(minimum >= 1 ? "a positive integer" : "an integer ≥ \(minimum)"), got \(number)")
      }
      guard number <= ConfigType.integerMaximum else {
        return fail(path, "expected at most \(ConfigType.integerMaximum) (no setting needs more), got \(number)")
      }
      return .integer(number)
    case .number(let range):
      guard let number = Self.double(value) else { return mismatch(path, "a number", value) }
      guard range.contains(number) else {
        return fail(path, "expected a number from \(Self.format(range.lowerBound)) to \(Self.format(range.upperBound)), got \(Self.format(number))")
      }
      return .number(number)
    case .boolean:
      guard case .bool = value else { return mismatch(path, "true or false", value) }
      return value
    case .enumeration(let choices):
      guard case .string(let text) = value else { return mismatch(path, "one of \(Self.list(choices))", value) }
      guard choices.contains(text) else {
        var help: [String] = []
        if let suggestion = Suggestion.didYouMean(text, in: choices) { help.append(suggestion) }
        problems.append(ConfigProblem(path: path, message: "expected one of \(Self.list(choices)), got \"\(text)\"", help: help))
        return nil
      }
      return value
    case .list(let element):
      switch value {
      case .object(let object) where object.isEmpty: return .array([])
      case .array(let items):
        return .array(items.enumerated().compactMap { decode($1, as: element, path: KeyPath.index(path, Int64($0 + 1)), key: key) })
      default: return mismatch(path, "a list", value)
      }
    case .dictionary(let element):
      guard case .object(let object) = value else { return mismatch(path, "a table of named values", value) }
      return .object(
        JSONObject(
          object.compactMap { member in
            decode(member.value, as: element, path: KeyPath.join(path, member.key), key: member.key).map { (member.key, $0) }
          }))
    case .object(let schema):
      guard case .object(let object) = value else { return mismatch(path, "a table", value) }
      return .object(decodeObject(object, schema, path: path))
    case .relativePath:
      guard case .string(let text) = value, !text.isEmpty else { return mismatch(path, "a relative path", value) }
      guard !text.hasPrefix("/") && !text.hasPrefix("~") else {
        return fail(path, "absolute paths are resolved values; write the path relative to the profile", help: ["e.g. \"skills\" or \"../shared/skills\""])
      }
      return value
    case .workspacePath:
      guard case .string(let text) = value, !text.isEmpty else { return mismatch(path, "a path inside the workspace", value) }
      guard !text.hasPrefix("/") && !text.hasPrefix("~") else {
        return fail(path, "write the path relative to the workspace, not absolute", help: ["e.g. \".git\" or \"secrets/prod\""])
      }
      guard !text.split(separator: "/").contains("..") else {
        return fail(path, "deny_write entries are inside the workspace; `..` is not allowed")
      }
      return value
    case .secretID:
      guard case .string(let text) = value else { return mismatch(path, "a secret id", value) }
      guard SecretHeuristics.isValidSecretID(text) else {
        return fail(path, "not a valid secret id (1–128 characters of A-Z a-z 0-9 . _ / -, no empty, `.` or `..` parts)")
      }
      if SecretHeuristics.hasSecretPrefix(text) {
        problems.append(
          ConfigProblem(
            path: path, message: "this looks like a plaintext secret, not a secret id", help: ["store it with `yoi secret set <id>` and put the id here"],
            isSecret: true))
        return nil
      }
      return value
    case .environmentVariable:
      guard case .string(let text) = value else { return mismatch(path, "an environment variable name", value) }
      guard Self.isVariableName(text) else {
        return fail(path, "expected an environment variable name (letters, digits and `_`, not starting with a digit), got \"\(text)\"")
      }
      return value
    case .modelRef:
      guard case .string(let text) = value else { return mismatch(path, "a model reference \"provider/model_id\"", value) }
      let parts = text.split(separator: "/", maxSplits: 1)
      guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
        return fail(path, "expected \"provider/model_id\", got \"\(text)\"", help: ["e.g. \"anthropic/claude-sonnet-4-6\""])
      }
      return value
    case .reasoning:
      if case .string(let text) = value {
        return decode(.string(text), as: .enumeration(ConfigSchema.reasoningEfforts), path: path, key: key)
      }
      if Self.integer(value) != nil { return decode(value, as: .positive, path: path, key: key) }
      return mismatch(path, "an effort (\(ConfigSchema.reasoningEfforts.joined(separator: ", "))) or a token budget", value)
    case .auth:
      return decodeAuth(value, path: path)
    case .compaction:
      return decodeCompaction(value, path: path)
    case .scopeIntent:
      return decodeScopeIntent(value, path: path)
    case .variants(let tag, let variants):
      return decodeVariant(value, tag: tag, variants: variants, path: path)
    case .credentialValue:
      // A literal (the plaintext check above has run; a credential header is one whatever
      // its value), or a reference to one.
      if case .string(let text) = value {
        let credentialHeaders: Set<String> = ["authorization", "proxy-authorization", "x-api-key", "api-key", "cookie"]
        if credentialHeaders.contains(key.lowercased()) || text.hasPrefix("Bearer ") || text.hasPrefix("Basic ") {
          problems.append(
            ConfigProblem(
              path: path, message: "a credential is not written into a profile",
              help: ["store it with `yoi secret set <id>` and write \(key) = yoi.secret(\"<id>\") (or yoi.env(\"NAME\"))"], isSecret: true))
          return nil
        }
        return value
      }
      guard case .object(let object) = value, case .string(let kind)? = object["kind"], kind == "secret_ref" || kind == "env" else {
        return mismatch(path, "a string, yoi.secret(\"id\") or yoi.env(\"NAME\")", value)
      }
      return decodeAuth(value, path: path)
    case .hostPath:
      guard case .string(let text) = value else { return mismatch(path, "a path", value) }
      guard text.hasPrefix("/") || text.hasPrefix("~/"), !text.split(separator: "/").contains("..") else {
        return fail(path, "expected an absolute or ~/ path without `..`, got \"\(text)\"")
      }
      return value
    }
  }

  /// A table of one of `variants`, told apart by its `tag` member.
  private mutating func decodeVariant(_ value: JSONValue, tag: String, variants: [ConfigVariant], path: String) -> JSONValue? {
    let names = variants.map(\.name)
    guard case .object(let object) = value else { return mismatch(path, "a table with \(tag) = \(Self.list(names))", value) }
    guard case .string(let name)? = object[tag], let variant = variants.first(where: { $0.name == name }) else {
      let given: String = if case .string(let text)? = object[tag] { "\"\(text)\"" } else { "nothing" }
      return fail(KeyPath.join(path, tag), "expected one of \(Self.list(names)), got \(given)")
    }
    let fields = [ConfigField(tag, .string)] + variant.fields.fields
    let decoded = decodeObject(object, ConfigObject(fields), path: path)
    for field in variant.fields.fields where variant.required.contains(field.name) && object[field.name] == nil {
      problems.append(ConfigProblem(path: KeyPath.join(path, field.name), message: "`\(name)` needs `\(field.name)`"))
    }
    return .object(decoded)
  }

  mutating func decodeObject(_ object: JSONObject, _ schema: ConfigObject, path: String) -> JSONObject {
    var members: [(key: String, value: JSONValue)] = []
    for member in object {
      let memberPath = KeyPath.join(path, member.key)
      if let refusal = refuse(path, member.key) {
        problems.append(refusal)
        continue
      }
      guard let field = schema.field(member.key) else {
        if case .string(let text) = member.value, SecretHeuristics.isPlaintextSecret(key: member.key, value: text) {
          _ = decode(member.value, as: .string, path: memberPath, key: member.key)
          continue
        }
        var help: [String] = []
        if let suggestion = Suggestion.didYouMean(member.key, in: schema.names + schema.aliases) { help.append(suggestion) }
        let aliases = schema.aliases.isEmpty ? "" : " (also \(schema.aliases.joined(separator: ", ")))"
        help.append("allowed here: \(schema.names.joined(separator: ", "))\(aliases)")
        problems.append(ConfigProblem(path: memberPath, message: "unknown field `\(member.key)`", help: help))
        continue
      }
      if let decoded = decode(member.value, as: field.type, path: memberPath, key: member.key) {
        members.append((member.key, decoded))
      }
    }
    return JSONObject(presorted: members)  // input order is key order
  }

  private mutating func decodeAuth(_ value: JSONValue, path: String) -> JSONValue? {
    guard case .object(let object) = value else {
      if case .string = value {
        problems.append(
          ConfigProblem(
            path: path, message: "an inline credential is not allowed in `auth`",
            help: ["write auth = { kind = \"secret_ref\", ref = \"providers/<name>/default\" } and store the key with `yoi secret set`"],
            isSecret: true))
        return nil
      }
      return mismatch(path, "a table like { kind = \"secret_ref\", ref = \"...\" }", value)
    }
    guard case .string(let kind)? = object["kind"], ConfigSchema.authKinds.contains(kind) else {
      let given: String = if case .string(let text)? = object["kind"] { "\"\(text)\"" } else { "nothing" }
      return fail(KeyPath.join(path, "kind"), "expected one of \(Self.list(ConfigSchema.authKinds)), got \(given)")
    }
    let variant = ConfigSchema.authVariants.first { $0.kind == kind }
    let fields = [ConfigField("kind", .string)] + (variant?.fields.fields ?? [])
    let decoded = decodeObject(object, ConfigObject(fields), path: path)
    for field in fields where variant?.required.contains(field.name) == true && decoded[field.name] == nil && object[field.name] == nil {
      problems.append(ConfigProblem(path: KeyPath.join(path, field.name), message: "`\(kind)` auth needs `\(field.name)`"))
    }
    return .object(decoded)
  }

  private mutating func decodeCompaction(_ value: JSONValue, path: String) -> JSONValue? {
    guard case .object(var object) = value else { return mismatch(path, "a table (use yoi.compact.tokens or yoi.compact.ratio)", value) }
    let kind: String
    switch object["kind"] {
    case nil: kind = "tokens"
    case .string(let text) where text == "tokens" || text == "ratio": kind = text
    default:
      return fail(KeyPath.join(path, "kind"), "expected \"tokens\" or \"ratio\"", help: ["use yoi.compact.tokens { ... } or yoi.compact.ratio { ... }"])
    }
    object["kind"] = nil
    let schema: ConfigObject
    // Aliases yoi.compact.ratio accepts, renamed here only. Both spellings at once would
    // leave one value silently unused, so that is an error.
    let ratioAliases = zip(ConfigSchema.compactionRatio.aliases, ["request_threshold", "worker_context_max_tokens"])
    if kind == "ratio" {
      for (alias, name) in ratioAliases where object[alias] != nil {
        if object[name] == nil {
          object[name] = object[alias]
        } else {
          _ = fail(
            KeyPath.join(path, alias), "`\(alias)` and `\(name)` are two spellings of the same field, and both are given",
            help: ["keep one of them"])
          object[name] = nil
        }
        object[alias] = nil
      }
      schema = ConfigSchema.compactionRatio
      // A fraction out of range says what the fraction is of (the schema's range would print
      // the smallest Double); bad values are dropped here, so decodeObject sees only good ones.
      for name in schema.names {
        guard let given = object[name], let number = Self.double(given), !(number > 0 && number <= 1) else { continue }
        _ = fail(KeyPath.join(path, name), "expected a fraction in (0, 1] of the model's context window, got \(Self.format(number))")
        object[name] = nil
      }
    } else {
      schema = ConfigSchema.compactionTokens
    }
    var decoded = decodeObject(object, schema, path: path)
    decoded["kind"] = .string(kind)
    return .object(decoded)
  }

  private mutating func decodeScopeIntent(_ value: JSONValue, path: String) -> JSONValue? {
    guard case .object(let object) = value else {
      return mismatch(path, "an intent such as yoi.scope.workspace_read()", value)
    }
    let schema = ConfigObject([
      ConfigField("intent", .enumeration(ConfigSchema.scopeIntents)),
      ConfigField("deny_write", .list(.workspacePath)),
    ])
    let decoded = decodeObject(object, schema, path: path)
    if object["intent"] == nil {
      problems.append(
        ConfigProblem(
          path: KeyPath.join(path, "intent"), message: "a scope needs an intent", help: ["use yoi.scope.workspace_read() or yoi.scope.workspace_write()"]))
    }
    return .object(decoded)
  }

  private func isSecretIDField(_ type: ConfigType) -> Bool {
    switch type {
    case .secretID, .environmentVariable: true
    default: false
    }
  }

  /// `[A-Za-z_][A-Za-z0-9_]*`, at most 128 bytes.
  static func isVariableName(_ text: String) -> Bool {
    guard let first = text.utf8.first, (1...128).contains(text.utf8.count), !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
      return false
    }
    return text.utf8.allSatisfy { byte in
      (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
        || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
    }
  }

  private mutating func mismatch(_ path: String, _ expected: String, _ value: JSONValue) -> JSONValue? {
    fail(path, "expected \(expected), got \(Self.describe(value))")
  }

  private mutating func fail(_ path: String, _ message: String, help: [String] = []) -> JSONValue? {
    problems.append(ConfigProblem(path: path, message: message, help: help))
    return nil
  }

  /// A value for a message. Strings are never quoted back: a mistyped field may hold a secret.
  static func describe(_ value: JSONValue) -> String {
    switch value {
    case .null: "nil"
    case .bool(let flag): "\(flag)"
    case .integer(let number): "\(number)"
    case .number(let number): format(number)
    case .string: "a string"
    case .array: "a list"
    case .object(let object): object.isEmpty ? "an empty table" : "a table"
    }
  }

  static func integer(_ value: JSONValue) -> Int64? {
    switch value {
    case .integer(let number): number
    case .number(let number) where number.rounded() == number && abs(number) < 9.0e15: Int64(number)
    default: nil
    }
  }

  static func double(_ value: JSONValue) -> Double? {
    switch value {
    case .integer(let number): Double(number)
    case .number(let number): number
    default: nil
    }
  }

  static func format(_ number: Double) -> String {
    number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
  }

  static func list(_ choices: [String]) -> String {
    choices.map { "\"\($0)\"" }.joined(separator: ", ")
  }
}
