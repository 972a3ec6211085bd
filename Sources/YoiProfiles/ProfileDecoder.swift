import YoiDiagnostics
public import YoiLua
public import YoiManifest

/// Decodes the table a profile returned into a validated configuration, with the refusals
/// of DESIGN.md §3 and every problem located in the profile's source.
struct ProfileDecoder {
  let source: ProfileSource

  static let runtimeKeys: Set<String> = ["socket", "session_id", "pid", "runtime", "state", "workspace", "created_at"]

  func decode(_ value: LuaValue) throws(YoiError) -> PodManifestConfig {
    var decoder = ConfigDecoder(refuse: Self.refusal)
    let config = decoder.decodeProfile(JSONValue(value))
    if !decoder.problems.isEmpty { throw YoiError(diagnostics(for: decoder.problems)) }
    return config
  }

  static func refusal(parent: String, key: String) -> ConfigProblem? {
    // Asked for every key of a profile: the path is only rendered for a refusal.
    var path: String { KeyPath.join(parent, key) }
    switch (parent, key) {
    case ("", "pod"):
      return ConfigProblem(
        path: path, message: "`pod` is runtime-bound: a profile cannot name the Pod",
        help: ["the Pod name comes from the command line (--pod-name / --profile-pod-name) or the new-Pod dialog"])
    case ("", "manifest"), ("", "config"):
      return ConfigProblem(
        path: path, message: "a complete manifest is not a reusable profile",
        help: ["return the profile's fields at the top level, or pass a manifest file with --manifest FILE.toml"])
    case ("scope", "allow"), ("scope", "deny"), ("delegation_scope", "allow"), ("delegation_scope", "deny"):
      return ConfigProblem(
        path: path, message: "`\(path)` is concrete authority, which a profile cannot grant",
        help: ["state an intent with yoi.scope.workspace_read() or yoi.scope.workspace_write { deny_write = { ... } }; the launch policy turns it into rules"])
    case ("", let key) where runtimeKeys.contains(key):
      return ConfigProblem(
        path: path, message: "`\(key)` is runtime state, not configuration",
        help: ["remove it; yoi sets runtime values when the Pod starts"])
    default:
      return nil
    }
  }

  /// Locates each problem at its field's line and column in the profile's source.
  func diagnostics(for problems: [ConfigProblem]) -> [Diagnostic] {
    let index = ProfileSourceIndex(source: source.text)
    let entries = problems.map { $0.path.isEmpty ? nil : index.location(of: $0.path) }
    // Any line holding a plaintext secret is masked in every diagnostic that shows it.
    let secretLines = Set(zip(problems, entries).compactMap { $0.isSecret ? $1?.line : nil })
    let located = zip(problems, entries).map { problem, entry in
      // `pod.name` comes from the command line, not the file (a profile cannot set `pod`).
      let isCommandLineInput = KeyPath.keys(problem.path) == ["pod", "name"]
      let entry = isCommandLineInput ? nil : entry
      var line = entry.flatMap { index.line($0.line) }
      if let number = entry?.line, secretLines.contains(number), let text = line { line = SecretRedaction.redactLiterals(text) }
      return Diagnostic(
        code: problem.isSecret ? .profileSecret : .profileField,
        message: problem.text,
        location: isCommandLineInput ? nil : SourceLocation(file: source.displayPath, line: entry?.line, column: entry?.column),
        sourceLine: line,
        highlightLength: entry?.length ?? 1,
        help: problem.help)
    }
    // In source order, as a compiler reports them; unlocated problems last.
    return located.enumerated().sorted { a, b in
      let (la, lb) = (a.element.location?.line ?? .max, b.element.location?.line ?? .max)
      return la != lb ? la < lb : a.offset < b.offset
    }.map(\.element)
  }
}

extension JSONValue {
  /// A Lua value as JSON (empty tables stay empty objects; a schema decides if they are lists).
  public init(_ value: LuaValue) {
    switch value {
    case .nil: self = .null
    case .boolean(let flag): self = .bool(flag)
    case .integer(let number): self = .integer(number)
    case .number(let number): self = .number(number)
    case .string(let text): self = .string(text)
    case .array(let items): self = .array(items.map(JSONValue.init))
    case .table(let table): self = .object(JSONObject(presorted: table.map { (key: $0.key, value: JSONValue($0.value)) }))
    }
  }
}
