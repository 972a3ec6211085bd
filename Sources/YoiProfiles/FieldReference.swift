import YoiDiagnostics
import YoiManifest

/// The table of every field a profile may set, generated from `ConfigSchema` (docs/api.md
/// embeds it and a test checks the copy, so the reference cannot drift from the decoder).
public enum FieldReference {
  public static var markdown: String {
    var rows = ["| field | type | default | what it is |", "|---|---|---|---|"]
    func walk(_ object: ConfigObject, prefix: String, suffix: String = "") {
      for field in object.fields {
        let path = KeyPath.join(prefix, field.name)
        let defaultValue = field.defaultValue.map { "`\(CanonicalJSON.compact($0))`" } ?? ""
        rows.append("| `\(path)`\(suffix) | \(describe(field.type)) | \(defaultValue) | \(field.summary) |")
        switch field.type {
        case .object(let inner): walk(inner, prefix: path)
        case .list(.object(let inner)): walk(inner, prefix: path + "[]")
        case .auth:
          for variant in ConfigSchema.authVariants { walk(variant.fields, prefix: path, suffix: " (\(variant.kind))") }
        case .list(.variants(_, let variants)):
          for variant in variants { walk(variant.fields, prefix: path + "[]", suffix: " (\(variant.name))") }
        case .compaction:
          walk(ConfigSchema.compactionTokens, prefix: path, suffix: " (tokens)")
          walk(ConfigSchema.compactionRatio, prefix: path, suffix: " (ratio)")
        default: break
        }
      }
    }
    walk(ConfigSchema.profile, prefix: "")
    return rows.joined(separator: "\n") + "\n"
  }

  static func describe(_ type: ConfigType) -> String {
    switch type {
    case .string: "string"
    case .integer(let minimum): minimum >= 1 ? "positive integer" : "integer ≥ \(minimum)"
    case .number(let range): "number \(CanonicalJSON.compact(.number(range.lowerBound)))–\(CanonicalJSON.compact(.number(range.upperBound)))"
    case .boolean: "boolean"
    case .enumeration(let choices): choices.map { "`\"\($0)\"`" }.joined(separator: ", ")
    case .list(let element): "list of \(describe(element))"
    case .dictionary(let element): "table of \(describe(element))"
    case .object: "table"
    case .relativePath: "relative path"
    case .workspacePath: "workspace-relative path"
    case .secretID: "secret id"
    case .environmentVariable: "environment variable name"
    case .modelRef: "`\"provider/model_id\"`"
    case .reasoning: "effort name or positive integer"
    case .auth: "`{ kind = ... }` (none, api_key + file, codex_oauth, secret_ref + ref (+ env), env + name)"
    case .compaction: "`yoi.compact.tokens{...}` or `yoi.compact.ratio{...}`"
    case .scopeIntent: "`yoi.scope.workspace_read{...}` or `workspace_write{...}`"
    case .variants(let tag, let variants): "table with `\(tag)` = " + variants.map { "`\"\($0.name)\"`" }.joined(separator: " or ")
    case .credentialValue: "string, `yoi.secret(...)` or `yoi.env(...)`"
    case .hostPath: "absolute or `~/` path"
    }
  }
}
