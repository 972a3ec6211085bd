public import YoiDiagnostics
import YoiManifest

/// Answers "where does this field's value come from?" by following the profile's source and
/// its chain of builtin imports: the last assignment or constructor field that sets the path
/// (or a table containing it) wins; fields no profile sets come from the launch policy, the
/// runtime inputs, the model catalog or the manifest's defaults.
public struct ProfileExplainer {
  public let resolved: ResolvedProfile

  public init(resolved: ResolvedProfile) {
    self.resolved = resolved
  }

  /// `model.ref = "codex-oauth/gpt-5.5"  (builtin:default.lua:7, via import of builtin:default at line 3)`.
  /// - Throws: `YoiError` for a field the manifest does not have.
  public func explain(_ field: String) throws(YoiError) -> String {
    guard let value = resolved.manifest[path: field] else {
      let top = resolved.manifest.json.map(\.key)
      var help = Suggestion.didYouMean(String(field.split(separator: ".").first ?? ""), in: top).map { [$0] } ?? []
      help.append("fields are dotted manifest paths, e.g. model.ref, worker.reasoning, compaction.threshold")
      throw YoiError("the manifest has no field `\(field)`", code: .explain, help: help)
    }
    let shown = "\(field) = \(CanonicalJSON.compact(value))"
    return "\(shown)  (\(origin(of: field)))"
  }

  private func origin(of field: String) -> String {
    let keys = field.split(separator: ".").map(String.init)
    switch keys.first {
    case "pod": return "runtime input: the Pod name from the command line or dialog"
    case "scope", "delegation_scope":
      let intent = find(keys.prefix(1).map { $0 }, in: resolved.source, via: []).map { ", narrowed by the profile's intent at \($0)" } ?? ""
      return "launch policy for the workspace and role\(intent)"
    case "profile": return "provenance recorded by the resolver"
    default: break
    }
    if let found = find(keys, in: resolved.source, via: []) { return found }
    if keys.first == "model" { return "derived from model.ref and the model catalog" }
    return "default value; the profile does not set it"
  }

  /// The innermost assignment for `keys` (or a containing table) in `source`, following imports.
  private func find(_ keys: [String], in source: ProfileSource, via chain: [String]) -> String? {
    let index = ProfileSourceIndex(source: source.text)
    for length in stride(from: keys.count, through: 1, by: -1) {
      let prefix = Array(keys.prefix(length))
      if let entry = index.entries.last(where: { $0.rooted && $0.path == prefix }) {
        return "\(source.displayPath):\(entry.line)" + chain.joined()
      }
    }
    guard let (name, line) = Self.builtinImport(in: source.text), let imported = ProfileSource.builtin(name), chain.count < ProfileEvaluator.maximumImportDepth
    else {
      return nil
    }
    return find(keys, in: imported, via: [", via import of builtin:\(name) at \(source.displayPath):\(line)"] + chain)
  }

  /// The first `yoi.profile.import("builtin:NAME")` (or `import "NAME"`) and its line.
  static func builtinImport(in text: String) -> (String, Int)? {
    for (offset, line) in TextLines.split(text).enumerated() {
      guard let range = line.firstRange(of: "import") else { continue }
      let rest = line[range.upperBound...].drop { $0 == "(" || $0 == " " }
      guard let quote = rest.first, quote == "\"" || quote == "'" else { continue }
      var name = rest.dropFirst().prefix { $0 != quote }
      if name.hasPrefix("builtin:") { name = name.dropFirst("builtin:".count) }
      return (String(name), offset + 1)
    }
    return nil
  }
}
