import YoiAgent
public import YoiDiagnostics
public import YoiManifest
import YoiProfiles
public import YoiStore

/// What would stop a Pod at start but is only a warning at spawn (the user may fix it in
/// between): a referenced secret that is not stored, an instruction reference that names no
/// shipped prompt, a model ref the catalog does not know.
public enum PodStartChecks {
  /// The instruction references shipped in the binary (owned by the runtime's prompts).
  public static var promptReferences: [String] { Prompts.references }

  public static func warnings(for manifest: PodManifest, secrets: SecretStore?, catalog: ModelCatalog = .builtin) -> [Diagnostic] {
    var warnings: [Diagnostic] = []
    if let secrets {
      // One decryption of the store for all references, not one per reference.
      let stored = Set((try? secrets.ids()) ?? [])
      for reference in ManifestSummary(manifest).secretReferences where !stored.contains(reference) {
        warnings.append(
          Diagnostic(
            .warning, code: .warningSecretMissing, message: "secret `\(reference)` is not in the secret store yet",
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
    if let ref = sections.model.ref, catalog.contextWindows[ref] == nil,
      catalog.providers[ModelCatalog.provider(of: ref)] != nil
    {
      let known = catalog.contextWindows.keys.filter { ModelCatalog.provider(of: $0) == ModelCatalog.provider(of: ref) }
      var help = Suggestion.didYouMean(ref, in: known).map { [$0] } ?? []
      help.append("known \(ModelCatalog.provider(of: ref)) models: \(known.sorted().joined(separator: ", "))")
      warnings.append(Diagnostic(.warning, code: .warningModelUnknown, message: "model `\(TerminalText.inline(ref))` is not in the model catalog", help: help))
    }
    return warnings
  }
}
