import Testing
@testable import YoiCLI

@Suite("New-Pod dialog: state machine")
struct NewPodDialogStateTests {
  static let choices = [
    NewPodDialog.Choice(selector: "builtin:default", isDefault: false, description: "General"),
    NewPodDialog.Choice(selector: "project:coder", isDefault: true, description: "Project coding assistant"),
    NewPodDialog.Choice(selector: "user:broken", isDefault: false, description: nil),
  ]

  static func dialog(name: String = "my-app") -> NewPodDialog {
    var dialog = NewPodDialog(name: name, choices: choices, selected: 1)
    dialog.previews = [0: .resolved(lines: ["a"], needsTrust: false), 1: .resolved(lines: ["b"], needsTrust: true), 2: .failed("error: boom")]
    return dialog
  }

  @Test func startsOnTheDefaultWithTheName() {
    let dialog = Self.dialog()
    #expect(dialog.name == "my-app")
    #expect(dialog.cursor == 6)
    #expect(dialog.selectedChoice.selector == "project:coder")
    let view = NewPodDialogView(dialog: dialog, width: 200).render()
    #expect(view.lines.contains("profile: project:coder (default) — Project coding assistant   [2/3]"))
    #expect(view.row == 3 && view.column == "name:    ".count + 7)
  }

  @Test func tabDownShiftTabUpCycleAndWrap() {
    var dialog = Self.dialog()
    for (key, expected) in [(DialogKey.tab, 2), (.tab, 0), (.down, 1), (.shiftTab, 0), (.shiftTab, 2), (.up, 1), (.up, 0), (.up, 2)] {
      _ = dialog.handle(key)
      #expect(dialog.selected == expected, "\(key)")
    }
  }

  @Test func editingKeys() {
    var dialog = Self.dialog(name: "ab")
    _ = dialog.handle(.home)
    _ = dialog.handle(.character("x"))
    #expect(dialog.name == "xab" && dialog.cursor == 1)
    _ = dialog.handle(.end)
    _ = dialog.handle(.backspace)
    #expect(dialog.name == "xa")
    _ = dialog.handle(.left)
    _ = dialog.handle(.delete)
    #expect(dialog.name == "x" && dialog.cursor == 1)
    _ = dialog.handle(.right)
    #expect(dialog.cursor == 1)
    _ = dialog.handle(.character("/"))
    #expect(dialog.name == "x")
    #expect(dialog.message?.contains("letters, digits") == true)
    _ = dialog.handle(.home)
    _ = dialog.handle(.left)
    #expect(dialog.cursor == 0)
  }

  @Test("the model row: the profile's own first, then the ready catalog models; Ctrl-N/P cycle, a change re-resolves the preview")
  func modelRow() {
    var dialog = NewPodDialog(name: "a", choices: Self.choices, selected: 0, models: ["anthropic/claude-sonnet-4-6", "openai/gpt-5.5"])
    dialog.previews = [0: .resolved(lines: ["a"], needsTrust: false)]
    #expect(dialog.selectedModel == nil)
    #expect(NewPodDialogView(dialog: dialog, width: 200).render().lines.contains("model:   the profile's own   [1/3]"))
    _ = dialog.handle(.nextModel)
    #expect(dialog.selectedModel == "anthropic/claude-sonnet-4-6")
    #expect(dialog.previews.isEmpty)
    #expect(
      NewPodDialogView(dialog: dialog, width: 200).render().lines.contains("model:   anthropic/claude-sonnet-4-6 (in place of the profile's)   [2/3]"))
    _ = dialog.handle(.previousModel)
    _ = dialog.handle(.previousModel)
    #expect(dialog.selectedModel == "openai/gpt-5.5")
    #expect(DialogKey.decode([0x0E])?.0 == .nextModel && DialogKey.decode([0x10])?.0 == .previousModel)
    // A model given with --model but without its key is still shown, last, so its preview can say why.
    let given = NewPodDialog(name: "a", choices: Self.choices, selected: 0, models: ["x/ready"], model: "y/keyless")
    #expect(given.models == [nil, "x/ready", "y/keyless"] && given.selectedModel == "y/keyless")
  }

  @Test func initialNameIsFiltered() {
    #expect(NewPodDialog(name: "my project!", choices: Self.choices, selected: 0).name == "myproject")
  }

  @Test func enterNeedsANameAndAResolvableProfile() {
    var dialog = Self.dialog(name: "")
    #expect(dialog.handle(.enter) == .none)
    #expect(dialog.message == "name is required")
    _ = dialog.handle(.character("p"))
    _ = dialog.handle(.tab)  // user:broken
    #expect(dialog.handle(.enter) == .none)
    #expect(dialog.message?.contains("does not resolve") == true)
    _ = dialog.handle(.tab)  // builtin:default
    #expect(dialog.handle(.enter) == .spawn)
  }

  @Test func untrustedProjectProfilesAskFirst() {
    var dialog = Self.dialog()
    #expect(dialog.handle(.enter) == .none)
    #expect(dialog.mode == .confirmingTrust)
    #expect(dialog.handle(.character("n")) == .none)
    #expect(dialog.mode == .editing)
    _ = dialog.handle(.enter)
    #expect(dialog.handle(.character("y")) == .spawn)
  }

  @Test func escapeAndCtrlCCancel() {
    var dialog = Self.dialog()
    #expect(dialog.handle(.escape) == .cancel)
    #expect(dialog.handle(.interrupt) == .cancel)
  }

  @Test func brokenProfileShowsItsDiagnostic() {
    var dialog = Self.dialog()
    _ = dialog.handle(.tab)
    let lines = NewPodDialogView(dialog: dialog, width: 200).render().lines
    #expect(lines.contains("         cannot be spawned:"))
    #expect(lines.contains("         error: boom"))
  }

  @Test func keyDecoding() {
    let cases: [([UInt8], DialogKey, Int)] = [
      ([0x1B, 0x5B, 0x41], .up, 3), ([0x1B, 0x5B, 0x42], .down, 3), ([0x1B, 0x5B, 0x43], .right, 3), ([0x1B, 0x5B, 0x44], .left, 3),
      ([0x1B, 0x5B, 0x5A], .shiftTab, 3), ([0x1B, 0x5B, 0x48], .home, 3), ([0x1B, 0x4F, 0x46], .end, 3),
      ([0x1B, 0x5B, 0x33, 0x7E], .delete, 4), ([0x1B, 0x5B, 0x31, 0x7E], .home, 4), ([0x1B, 0x5B, 0x34, 0x7E], .end, 4),
      ([0x09], .tab, 1), ([0x0D], .enter, 1), ([0x7F], .backspace, 1), ([0x01], .home, 1), ([0x05], .end, 1),
      ([0x03], .interrupt, 1), ([0x61], .character("a"), 1), ([0x1B, 0x61], .escape, 1), ([0xC3, 0xA9], .unknown, 2),
    ]
    for (bytes, key, used) in cases {
      let decoded = DialogKey.decode(bytes)
      #expect(decoded?.0 == key && decoded?.1 == used, "\(bytes)")
    }
    #expect(DialogKey.decode([0x1B]) == nil)  // wait for more (or the Escape timeout)
    #expect(DialogKey.decode([0x1B, 0x5B]) == nil)
    #expect(DialogKey.decode([0x1B, 0x5B, 0x33]) == nil)
  }
}
