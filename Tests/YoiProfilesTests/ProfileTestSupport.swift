import Foundation
import Testing
import YoiDiagnostics
import YoiManifest
@testable import YoiProfiles

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
let snapshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots").path
let workspace = "/work/ws"

func resolve(_ selector: String, role: LaunchRole = .normal, podName: String? = "pod") throws(YoiError) -> PodManifest {
  let resolver = ProfileResolver(workingDirectory: fixtures)
  return try resolver.resolve(ProfileSelector.parse(selector), inputs: ResolutionInputs(podName: podName, workspace: workspace, role: role)).manifest
}

func failure(_ selector: String, role: LaunchRole = .normal, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> YoiError? {
  do {
    _ = try resolve(selector, role: role)
    Issue.record("expected \(selector) to fail", sourceLocation: sourceLocation)
    return nil
  } catch {
    return error
  }
}

extension YoiError {
  var rendered: String { DiagnosticRenderer(useColor: false).render(diagnostics) }
  var messages: [String] { diagnostics.map(\.message) }
}

extension PodManifest {
  func int(_ path: String) -> Int64? {
    if case .integer(let value)? = self[path: path] { return value }
    return nil
  }

  func string(_ path: String) -> String? {
    if case .string(let value)? = self[path: path] { return value }
    return nil
  }

  func bool(_ path: String) -> Bool? {
    if case .bool(let value)? = self[path: path] { return value }
    return nil
  }

  func rules(_ path: String) -> [String] {
    guard case .array(let items)? = self[path: path] else { return [] }
    return items.map { item in
      guard case .object(let rule) = item, case .string(let target)? = rule["target"], case .string(let permission)? = rule["permission"]
      else { return "?" }
      return "\(permission) \(target)"
    }
  }
}
