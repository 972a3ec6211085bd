import Foundation
import Testing
@testable import YoiProfiles

/// Diagnostics compared to files in Snapshots/. Set YOI_UPDATE_SNAPSHOTS=1 to rewrite them.
@Suite("Diagnostic snapshots")
struct SnapshotTests {
  @Test(arguments: ["refused", "types", "secrets", "extend", "require_cycle"])
  func diagnosticsMatchSnapshot(name: String) throws {
    let error = try #require(failure("\(name).lua"))
    let path = "\(snapshots)/\(name).txt"
    if ProcessInfo.processInfo.environment["YOI_UPDATE_SNAPSHOTS"] == "1" {
      try error.rendered.write(toFile: path, atomically: true, encoding: .utf8)
    }
    let expected = try String(contentsOfFile: path, encoding: .utf8)
    #expect(error.rendered == expected)
  }
}
