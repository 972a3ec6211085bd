import YoiTerminal
import ArgumentParser
import Foundation
import YoiDiagnostics
import YoiManifest
import YoiProfiles
import YoiPods
import YoiStore

/// `yoi new` (and plain `yoi` on a terminal): the new-Pod dialog.
struct NewCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "new", abstract: "Create a Pod in a small terminal dialog, then attach to it (--no-attach: only create it).",
    discussion: """
      `yoi` alone on a terminal first offers this workspace's Pods (most recent first) to attach \
      to, and "new Pod". `yoi new NAME` with the name of an existing Pod offers to attach to it.
      """)

  @Argument(help: "The Pod's name (as --profile-pod-name).") var podName: String?
  @Option(help: "Preselect this profile.", completion: NameCompletion.profiles) var profile: String?
  @Option(help: "The Pod name (default: the workspace directory's name).") var profilePodName: String?
  @Option(help: "The workspace directory (default: the nearest directory holding .yoi/ or .git, else the current one).") var workspace: String?
  @Option(help: "A catalog model in place of the profile's (see `yoi models`).") var model: String?
  @Flag(help: "With --profile and --profile-pod-name: spawn without waiting for input (and trust a project profile).") var yes = false
  @Flag(help: "Only create the Pod; do not attach to it afterwards.") var noAttach = false

  func validate() throws {
    if podName != nil && profilePodName != nil { throw ValidationError("give the Pod name once: NAME or --profile-pod-name") }
  }

  func run() async throws {
    let profilePodName = podName ?? self.profilePodName
    if yes, let profile, let profilePodName {
      _ = try SpawnRendering.spawn(
        PodService.SpawnRequest(profile: profile, name: profilePodName, workspace: workspace, trustPolicy: .grant, model: model))
      return
    }
    guard isatty(0) != 0, isatty(1) != 0 else {
      throw YoiError([
        .error(
          "yoi new is an interactive dialog and needs a terminal", code: .noTty,
          help: ["in scripts, use `yoi pod spawn --profile SELECTOR --name NAME`"])
      ])
    }
    let context = ProfileContext(workspace: workspace, yes: false)
    let store = try Stores.pods()
    // A name that is taken: the Pod is there to be worked with.
    if let podName, try store.podExists(named: podName) {
      guard Prompt.confirm("A Pod named \(podName) exists. Attach to it?") else {
        throw YoiError("no Pod was created: \(podName) exists", code: .usage, help: ["attach with `yoi pod attach \(podName)`, or choose another name"])
      }
      try await AttachSession.run(pod: PodName(podName))
      return
    }
    // `yoi` alone: this workspace's Pods first.
    if Self.invokedBare, podName == nil, profile == nil, profilePodName == nil {
      let entries = try PodPicker.entries(store: store, workspace: context.workspacePath)
      if !entries.isEmpty, let chosen = try PodPicker.choose(entries: entries, workspace: context.workspacePath) {
        try await AttachSession.run(pod: PodName(chosen))
        return
      }
    }
    let resolver = try context.resolver()
    guard let registry = resolver.registry else {  // context.resolver() always discovers one
      throw YoiError(.error("no profile registry was found", code: .registry))
    }
    var choices = registry.entries.map { entry in
      NewPodDialog.Choice(selector: entry.qualifiedName, isDefault: entry == registry.defaultEntry, description: entry.description)
    }
    var selected = choices.firstIndex { $0.isDefault } ?? 0
    if let profile {
      if let index = preselection(profile, registry: registry, choices: choices) {
        selected = index
      } else {
        choices.append(NewPodDialog.Choice(selector: profile, isDefault: false, description: "given with --profile"))
        selected = choices.count - 1
      }
    }
    let name = profilePodName ?? ResolutionInputs.defaultPodName(forWorkspace: context.workspacePath)
    // Offered models: the catalog's whose credential is here, so a pick can run at once.
    let ready = ModelAvailability.models(in: resolver.catalog, stored: Set(try Stores.secrets().ids())).filter(\.credential.isPresent).map(\.ref)
    var dialog = NewPodDialog(name: name, choices: choices, selected: selected, models: ready, model: model)

    let terminal = try RawTerminal()
    defer { terminal.restore() }
    var trusted = false
    while true {
      if dialog.selectedPreview == nil {
        dialog.previews[dialog.selected] = preview(
          dialog.selectedChoice.selector, model: dialog.selectedModel, resolver: resolver, workspace: context.workspacePath)
      }
      let view = NewPodDialogView(dialog: dialog, width: terminal.width).render()
      terminal.draw(view.lines, cursorRow: view.row, cursorColumn: view.column)
      let wasConfirming = dialog.mode == .confirmingTrust
      switch dialog.handle(terminal.readKey()) {
      case .none:
        continue
      case .cancel:
        terminal.restore()
        Terminal.writeError("cancelled: no Pod was created\n")
        throw ExitCode(130)
      case .spawn:
        trusted = wasConfirming
        if try store.podExists(named: dialog.name) {
          dialog.show("a Pod named \(dialog.name) already exists; choose another name")
          continue
        }
      }
      break
    }
    terminal.restore()
    let spawned = try SpawnRendering.spawn(
      PodService.SpawnRequest(
        profile: dialog.selectedChoice.selector, name: dialog.name, workspace: context.workspacePath,
        trustPolicy: trusted ? .grant : ProfileContext.trustPolicy(yes: false), model: dialog.selectedModel))
    // The Pod was made to be worked with: go straight into it.
    if !noAttach { try await AttachSession.run(pod: PodName(spawned.record.name)) }
  }

  /// Whether the command line was `yoi` alone (the picker's case), set before parsing.
  nonisolated(unsafe) static var invokedBare = false

  private func preselection(_ text: String, registry: ProfileRegistry, choices: [NewPodDialog.Choice]) -> Int? {
    let selector = ProfileSelector.parse(text)
    if case .path = selector { return choices.firstIndex { $0.selector == text } }
    guard let entry = try? registry.entry(for: selector) else { return nil }
    return choices.firstIndex { $0.selector == entry.qualifiedName }
  }

  /// What a choice resolves to, computed in-process; a failure keeps its diagnostic.
  private func preview(_ selector: String, model: String?, resolver: ProfileResolver, workspace: String) -> NewPodDialog.Preview {
    do {
      let (resolved, trust) = try resolver.preview(
        ProfileSelector.parse(selector), inputs: ResolutionInputs(podName: "preview", workspace: workspace, model: model))
      if let model,
        case .missing(let fix) = ModelAvailability.credential(for: resolved.manifest.sections.model.auth, stored: Set(try Stores.secrets().ids()))
      {
        return .failed("the model \(model) has no credential here: \(fix)")
      }
      let summary = ManifestSummary(resolved.manifest)
      let lines = [
        "model \(summary.model) · instruction \(summary.instruction)",
        "scope \(summary.rules("scope"))",
        "features \(summary.features.isEmpty ? "none" : summary.features.joined(separator: ", "))",
      ]
      return .resolved(lines: lines, needsTrust: trust != nil)
    } catch {
      return .failed(DiagnosticRenderer(useColor: false).render(error.diagnostics))
    }
  }
}
