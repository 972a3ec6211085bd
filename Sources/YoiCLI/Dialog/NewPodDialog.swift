/// The new-Pod dialog as a state machine: keys in, state out. No terminal, no I/O, so every
/// behaviour is unit-tested; `NewPodDialogView` draws it and `NewCommand` drives it.
struct NewPodDialog {
  /// One profile the user can pick.
  struct Choice: Equatable {
    /// What `pod spawn --profile` takes: `project:coder`, `builtin:default`, or a path.
    var selector: String
    var isDefault: Bool
    var description: String?
  }

  /// What a choice resolves to, filled in by the driver as the selection changes.
  enum Preview: Equatable {
    /// Summary lines (model, instruction, scope, features); `needsTrust` for untrusted project profiles.
    case resolved(lines: [String], needsTrust: Bool)
    /// The diagnostic, rendered: this choice cannot be spawned.
    case failed(String)
  }

  enum Mode: Equatable {
    case editing
    /// Asking whether to trust the selected project profile before spawning.
    case confirmingTrust
  }

  /// What the driver should do after a key.
  enum Action: Equatable {
    case none
    case spawn
    case cancel
  }

  private(set) var name: String
  /// Cursor position in `name`, 0...name.count.
  private(set) var cursor: Int
  let choices: [Choice]
  private(set) var selected: Int
  private(set) var mode: Mode = .editing
  /// A one-line message under the fields ("name is required").
  private(set) var message: String?
  /// Previews by profile, for the selected model (a model change clears them).
  var previews: [Int: Preview] = [:]
  /// The models to pick from: nil (the profile's own) first, then catalog refs.
  let models: [String?]
  private(set) var modelIndex = 0

  /// `models`: catalog refs whose credential is present; `model` the one preselected (added
  /// when it is not among them, so the preview can say what it lacks).
  init(name: String, choices: [Choice], selected: Int, models: [String] = [], model: String? = nil) {
    self.name = String(name.filter(Self.isNameCharacter))
    self.cursor = self.name.count
    self.choices = choices
    self.selected = choices.indices.contains(selected) ? selected : 0
    var offered: [String?] = [nil] + models
    if let model, !models.contains(model) { offered.append(model) }
    self.models = offered
    modelIndex = offered.firstIndex { $0 == model } ?? 0
  }

  /// The catalog model chosen in place of the profile's, or nil for the profile's own.
  var selectedModel: String? { models[modelIndex] }

  static func isNameCharacter(_ character: Character) -> Bool {
    character.isASCII && (character.isLetter || character.isNumber || character == "." || character == "_" || character == "-")
  }

  var selectedChoice: Choice { choices[selected] }
  var selectedPreview: Preview? { previews[selected] }

  mutating func handle(_ key: DialogKey) -> Action {
    if mode == .confirmingTrust { return handleTrustAnswer(key) }
    message = nil
    switch key {
    case .character(let character):
      if Self.isNameCharacter(character) {
        name.insert(character, at: name.index(name.startIndex, offsetBy: cursor))
        cursor += 1
      } else {
        message = "a Pod name uses letters, digits, `.`, `_` and `-`"
      }
    case .left: cursor = max(0, cursor - 1)
    case .right: cursor = min(name.count, cursor + 1)
    case .home: cursor = 0
    case .end: cursor = name.count
    case .backspace:
      if cursor > 0 {
        name.remove(at: name.index(name.startIndex, offsetBy: cursor - 1))
        cursor -= 1
      }
    case .delete:
      if cursor < name.count { name.remove(at: name.index(name.startIndex, offsetBy: cursor)) }
    case .tab, .down: selected = (selected + 1) % choices.count
    case .shiftTab, .up: selected = (selected - 1 + choices.count) % choices.count
    case .nextModel, .previousModel:
      modelIndex = (modelIndex + (key == .nextModel ? 1 : models.count - 1)) % models.count
      previews = [:]
    case .enter: return submit()
    case .escape, .interrupt: return .cancel
    case .unknown: break
    }
    return .none
  }

  private mutating func submit() -> Action {
    if name.isEmpty {
      message = "name is required"
      return .none
    }
    if name == "." || name == ".." {
      message = "a Pod name cannot be `.` or `..`"
      return .none
    }
    switch selectedPreview {
    case .failed?:
      message = "\(selectedChoice.selector) does not resolve; choose another profile or fix it"
      return .none
    case .resolved(_, let needsTrust)? where needsTrust:
      mode = .confirmingTrust
      return .none
    case .resolved?:
      return .spawn
    case nil:
      message = "still resolving \(selectedChoice.selector)"
      return .none
    }
  }

  private mutating func handleTrustAnswer(_ key: DialogKey) -> Action {
    switch key {
    case .character("y"), .character("Y"):
      mode = .editing
      return .spawn
    case .interrupt:
      return .cancel
    default:
      mode = .editing
      message = "not trusted: \(selectedChoice.selector) was not spawned"
      return .none
    }
  }

  /// For the driver: the name with the error shown when a spawn failed.
  mutating func show(_ text: String) {
    message = text
  }
}
