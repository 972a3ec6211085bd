import YoiAgent
public import YoiDiagnostics
public import YoiManifest
import YoiProfiles
public import YoiStore

/// What would stop a Pod at start but is only a warning at spawn (the user may fix it in
/// between): a referenced secret that is not stored, an instruction reference that names no
/// shipped prompt, a model ref the catalog does not know.
public enum PodStartChecks {
  /// What the Pod's configuration asks for but will not have, for `pod show`: today the web
  /// search tool without its key.
  public static func unavailable(for manifest: PodManifest, secrets: any SecretSource) -> [String] {
    guard manifest.sections.feature.isEnabled(.web), let search = manifest.sections.web?.search, search.enabled else { return [] }
    guard let id = search.apiKeySecret else { return ["web_search: web.search.api_key_secret is not set"] }
    return secrets.isStored(id) ? [] : ["web_search: its key is not stored (`yoi secret set \(id)`)"]
  }

  /// The instruction references shipped in the binary (owned by the runtime's prompts).
  public static var promptReferences: [String] { Prompts.references }

  public static func warnings(
    for manifest: PodManifest, secrets: SecretStore?, catalog: ModelCatalog = .builtin, environment: Environment = .process
  ) -> [Diagnostic] {
    var warnings: [Diagnostic] = []
    // The model's key only: a web search key the user never set up keeps the search tool
    // from being offered (`unavailable`), which is no reason to warn.
    if let secrets, case .secretReference(let reference, let variable) = manifest.sections.model.auth, !secrets.isStored(reference),
      // A key the run will find in its variable is not missing (checked in this process's
      // environment, which a run from the same shell shares).
      variable.flatMap(environment.credentialVariable) == nil
    {
      warnings.append(
        Diagnostic(
          .warning, code: .warningSecretMissing,
          message: "secret `\(reference)` is not in the secret store yet\(variable.map { ", and \($0) is not set" } ?? "")",
          help: ["store it before running the Pod: `yoi secret set \(reference)`\(variable.map { ", or export \($0)" } ?? "")"]))
    }
    // An MCP server's secrets: a server the user declared would not start without them.
    for server in manifest.sections.mcp?.servers ?? [] {
      for reference in server.secretReferences where !(secrets?.isStored(reference) ?? true) {
        warnings.append(
          Diagnostic(
            .warning, code: .warningSecretMissing, message: "secret `\(reference)` of MCP server `\(server.name)` is not in the secret store yet",
            help: ["store it before running the Pod: `yoi secret set \(reference)`"]))
      }
    }
    let sections = manifest.sections
    let instruction = sections.worker.instruction
    if instruction.hasPrefix("$yoi/"), !promptReferences.contains(instruction) {
      var help = Suggestion.didYouMean(instruction, in: promptReferences).map { [$0] } ?? []
      help.append("shipped prompts: \(promptReferences.joined(separator: ", ")); any other text is used as the instruction itself")
      warnings.append(
        Diagnostic(
          .warning, code: .warningInstruction,
          message: "worker.instruction `\(TerminalText.inline(instruction))` names no prompt shipped with yoi; the Pod will not start", help: help))
    }
    if let ref = sections.model.ref, catalog.models[ref] == nil,
      catalog.providers[ModelCatalog.provider(of: ref)] != nil
    {
      let known = catalog.models.keys.filter { ModelCatalog.provider(of: $0) == ModelCatalog.provider(of: ref) }
      var help = Suggestion.didYouMean(ref, in: known).map { [$0] } ?? []
      help.append("known \(ModelCatalog.provider(of: ref)) models: \(known.sorted().joined(separator: ", "))")
      warnings.append(Diagnostic(.warning, code: .warningModelUnknown, message: "model `\(TerminalText.inline(ref))` is not in the model catalog", help: help))
    }
    return warnings
  }
}
