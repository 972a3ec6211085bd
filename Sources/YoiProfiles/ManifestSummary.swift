import YoiDiagnostics
public import YoiManifest

/// A readable summary of a manifest: model, instruction, features, compaction, scope,
/// secret references. Used by `profile show`, trust confirmations and the new-Pod dialog.
public struct ManifestSummary: Sendable {
  public let manifest: PodManifest
  private let sections: ManifestSections

  public init(_ manifest: PodManifest) {
    self.manifest = manifest
    sections = manifest.sections
  }

  /// The catalog ref, or for an inline model its id and scheme.
  public var model: String {
    sections.model.ref ?? sections.model.modelID.map { "\($0) (\(sections.model.scheme?.rawValue ?? "?"))" } ?? "?"
  }

  public var instruction: String { sections.worker.instruction }

  /// Enabled features, in manifest order.
  public var features: [String] {
    Feature.allCases.filter(sections.feature.isEnabled).map(\.rawValue).sorted()
  }

  /// Every secret reference (model auth and the web search key), never a value.
  public var secretReferences: [String] {
    var found: [String] = []
    if case .secretReference(let id, _) = sections.model.auth { found.append(id) }
    if let id = sections.web?.search.apiKeySecret { found.append(id) }
    for server in sections.mcp?.servers ?? [] { found += server.secretReferences }
    return found
  }

  /// One line per aspect. Values a user must judge before trusting a profile (the endpoint
  /// that receives the key, the secret references, the instruction) are quoted and escaped:
  /// a profile's string cannot break the line and pass for another field.
  public var lines: [String] {
    let endpoint = sections.model.baseURL.map(TerminalText.quoted) ?? "no endpoint"
    var lines = [
      "model:       \(TerminalText.quoted(model)) at \(endpoint)"
        + (sections.profile?.modelOverride != nil ? " (chosen with --model, in place of the profile's)" : ""),
      "instruction: \(TerminalText.quoted(instruction))",
      "features:    \(features.isEmpty ? "none" : features.joined(separator: ", "))",
      "scope:       \(Self.describe(sections.scope))",
      "delegation:  \(Self.describe(sections.delegationScope))",
      "secrets:     \(secretReferences.isEmpty ? "none" : secretReferences.map(TerminalText.quoted).joined(separator: ", "))",
    ]
    if let servers = sections.mcp?.servers, !servers.isEmpty {
      // Each server's command or URL is what a person trusts: quoted like other profile text.
      lines.append("mcp:         " + servers.map { TerminalText.inline($0.summary) }.joined(separator: "; "))
    }
    if let compaction = sections.compaction {
      let threshold = compaction.threshold.map(String.init) ?? "-"
      let request = compaction.requestThreshold.map(String.init) ?? "-"
      lines.append("compaction:  threshold \(threshold), request \(request) tokens")
    } else {
      lines.append("compaction:  off")
    }
    return lines
  }

  /// `write /w, deny write /w/.git` style, for `scope` or `delegation_scope`.
  public func rules(_ section: String) -> String {
    Self.describe(section == "delegation_scope" ? sections.delegationScope : sections.scope)
  }

  static func describe(_ rules: ScopeRules) -> String {
    let parts =
      rules.allow.map { "\($0.permission.rawValue) \(TerminalText.inline($0.target))" }
      + rules.deny.map { "deny \($0.permission.rawValue) \(TerminalText.inline($0.target))" }
    return parts.isEmpty ? "none" : parts.joined(separator: ", ")
  }
}
