import YoiDiagnostics

/// Draws the dialog's state as terminal lines (plain text; the terminal handles no colour here
/// so captures in tests read exactly what a user sees).
struct NewPodDialogView {
  let dialog: NewPodDialog
  let width: Int

  static let keys = "Tab/↓ next profile · Shift-Tab/↑ previous · Ctrl-N/P model · Enter spawn · Esc cancel"

  /// The lines, and where the cursor goes (1-based row and column).
  func render() -> (lines: [String], row: Int, column: Int) {
    var lines = ["New Pod   (\(Self.keys))", ""]
    lines.append("name:    \(dialog.name)")
    let choice = dialog.selectedChoice
    var profile = "profile: \(choice.selector)"
    if choice.isDefault { profile += " (default)" }
    if let description = choice.description { profile += " — \(description)" }
    profile += "   [\(dialog.selected + 1)/\(dialog.choices.count)]"
    lines.append(profile)
    let model = dialog.selectedModel.map { "\($0) (in place of the profile's)" } ?? "the profile's own"
    lines.append("model:   \(model)   [\(dialog.modelIndex + 1)/\(dialog.models.count)]")
    switch dialog.selectedPreview {
    case .resolved(let summary, let needsTrust)?:
      lines += summary.map { "         \($0)" }
      if needsTrust { lines.append("         (a project profile you have not trusted yet: Enter asks first)") }
    case .failed(let diagnostic)?:
      lines.append("         cannot be spawned:")
      lines += diagnostic.split(separator: "\n", omittingEmptySubsequences: false).prefix(12).map { "         \($0)" }
    case nil:
      lines.append("         resolving…")
    }
    if dialog.mode == .confirmingTrust {
      lines.append("")
      lines.append("\(choice.selector) is a project profile you have not trusted yet.")
      lines.append("Trust it at its current content and spawn? [y/N]")
    }
    if let message = dialog.message {
      lines.append("")
      lines.append("! \(message)")
    }
    // Descriptions, summaries and diagnostics come from profiles: each line is shown escaped.
    let clipped = lines.map { TerminalText.inline($0) }.map { $0.count > width ? String($0.prefix(max(1, width - 1))) + "…" : $0 }
    return (clipped, 3, "name:    ".count + dialog.cursor + 1)
  }
}
