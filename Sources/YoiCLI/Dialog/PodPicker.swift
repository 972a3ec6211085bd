import ArgumentParser
import Foundation
import YoiManifest
import YoiDiagnostics
import YoiPods
import YoiProfiles
import YoiStore

/// `yoi` with no arguments on a terminal (DESIGN.md §12.8): this workspace's Pods, most recent
/// first, with their last activity, model and the first line of their last task, and "new Pod".
/// A workspace with no Pods goes straight to the new-Pod dialog.
struct PodPicker: Equatable {
  struct Entry: Equatable {
    var name: String
    var lastActive: String
    var model: String
    var lastTask: String
  }

  enum Outcome: Equatable { case none, attach(String), new, cancel }

  var entries: [Entry]
  /// 0..<entries.count a Pod; entries.count "new Pod".
  var selected = 0

  mutating func handle(_ key: DialogKey) -> Outcome {
    switch key {
    case .down, .tab: selected = (selected + 1) % (entries.count + 1)
    case .up, .shiftTab: selected = (selected + entries.count) % (entries.count + 1)
    case .character("n"), .character("N"): return .new
    case .enter: return selected == entries.count ? .new : .attach(entries[selected].name)
    case .escape, .interrupt, .character("q"): return .cancel
    default: break
    }
    return .none
  }

  /// The lines to draw, and the row the cursor rests on (1-based).
  func render(workspace: String, width: Int) -> (lines: [String], row: Int) {
    var lines = ["Pods in \(workspace)   (↑/↓ choose · Enter attach · n new Pod · Esc cancel)", ""]
    let nameWidth = min(24, entries.map(\.name.count).max() ?? 4)
    let modelWidth = min(32, entries.map(\.model.count).max() ?? 5)
    for (index, entry) in entries.enumerated() {
      let marker = index == selected ? "›" : " "
      let task = entry.lastTask.isEmpty ? "" : "  \u{201C}\(entry.lastTask)\u{201D}"
      lines.append(
        "\(marker) \(entry.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0))  \(entry.lastActive.padding(toLength: 9, withPad: " ", startingAt: 0))  \(entry.model.padding(toLength: modelWidth, withPad: " ", startingAt: 0))\(task)"
      )
    }
    lines.append("\(selected == entries.count ? "›" : " ") + new Pod")
    // Names are checked, but tasks and models come from the store: shown escaped, clipped.
    let clipped = lines.map { TerminalText.inline($0) }.map { $0.count > width ? String($0.prefix(max(1, width - 1))) + "…" : $0 }
    return (clipped, 3 + selected)
  }

  /// This workspace's Pods, most recent first.
  static func entries(store: PodStore, workspace: String) throws -> [Entry] {
    let activity = try store.activity()
    let pods = try store.pods().filter { $0.workspace == workspace && $0.parent == nil }
    return try pods.sorted { ($0.updatedAt, $0.name) > ($1.updatedAt, $1.name) }.map { pod in
      let use = activity[pod.name]
      var task = ""
      if let row = try store.lastEvent(of: pod.name, kind: "user"), case .object(let body)? = try? JSONParser.parse(row.body),
        case .string(let text)? = body["text"]
      {
        task = String(text.split(separator: "\n").first ?? "").trimmingCharacters(in: .whitespaces)
        if task.count > 60 { task = String(task.prefix(59)) + "…" }
      }
      return Entry(name: pod.name, lastActive: use?.lastEventAt.map { PodListCommand.ago($0) } ?? "never", model: use?.model ?? "?", lastTask: task)
    }
  }

  /// Shows the picker; the Pod to attach to, nil for a new one. Throws `ExitCode(130)` when
  /// cancelled.
  static func choose(entries: [Entry], workspace: String) throws -> String? {
    var picker = PodPicker(entries: entries)
    let terminal = try RawTerminal()
    defer { terminal.restore() }
    while true {
      let view = picker.render(workspace: workspace, width: terminal.width)
      terminal.draw(view.lines, cursorRow: view.row, cursorColumn: 1)
      switch picker.handle(terminal.readKey()) {
      case .none: continue
      case .attach(let name): return name
      case .new: return nil
      case .cancel:
        terminal.restore()
        Terminal.writeError("cancelled\n")
        throw ExitCode(130)
      }
    }
  }
}
