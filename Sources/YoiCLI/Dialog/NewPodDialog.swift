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
  var previews: [Int: Preview] = [:]

  init(name: String, choices: [Choice], selected: Int) {
    self.name = String(name.filter(Self.isNameCharacter))
    self.cursor = self.name.count
    self.choices = choices
    self.selected = choices.indices.contains(selected) ? selected : 0
  }

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
