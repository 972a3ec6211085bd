import Foundation
import Testing
import YoiDiagnostics
@testable import YoiProfiles

/// Every file in Hostile/ is a profile written to escape the sandbox, exhaust it, bomb a
/// pattern, leak a secret, play path tricks or return a monster value. Each must end in a
/// diagnostic within twice the deadline, never echo a secret or a control character, and touch
/// no file. (`SecurityRegressionTests` in YoiCLITests runs each through the binary under a
/// memory cap.)
@Suite("Hostile profiles")
struct HostileCorpusTests {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Hostile").path
  static let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".lua") }.sorted()

  static func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }

  @Test func theCorpusIsLarge() {
    #expect(Self.files.count >= 40)
  }

  @Test(arguments: files)
  func endsInADiagnostic(file: String) throws {
    let workspace = try temporaryDirectory()
    try FileManager.default.copyItem(atPath: "\(Self.directory)/\(file)", toPath: "\(workspace)/\(file)")
    let before = try FileManager.default.contentsOfDirectory(atPath: workspace)
    let resolver = ProfileResolver(workingDirectory: workspace)
    let clock = ContinuousClock()
    var failure: YoiError?
    let cpuBefore = Self.threadCPUSeconds()
    let elapsed = clock.measure {
      do {
        _ = try resolver.resolve(.path("./\(file)"), inputs: ResolutionInputs(podName: "hostile", workspace: workspace))
      } catch let error as YoiError {
        failure = error
      } catch {
        Issue.record("unexpected error type: \(error)")
      }
    }
    let error = try #require(failure, "\(file) resolved without a diagnostic")
    // Each file pins the diagnostic it must end in on its first line: `-- expect: CODE`.
    let text = try String(contentsOfFile: "\(Self.directory)/\(file)", encoding: .utf8)
    let expected = try #require(text.split(separator: "\n").first.flatMap { $0.hasPrefix("-- expect: ") ? $0.dropFirst(11) : nil }, "\(file) pins no code")
    #expect(error.diagnostics.first?.code?.rawValue == String(expected), "\(file): \(error.diagnostics.first?.code?.rawValue ?? "none")")
    // Within twice the 1 s deadline in work done (this thread's CPU time, which parallel tests
    // on 2 cores do not inflate); the wall clock only has to show it never hung.
    let cpu = Self.threadCPUSeconds() - cpuBefore
    #expect(cpu < 2, "\(file) worked \(cpu) s")
    #expect(elapsed < .seconds(6), "\(file) took \(elapsed)")
    let rendered = DiagnosticRenderer(useColor: false).render(error.diagnostics)
    #expect(!rendered.isEmpty)
    #expect(
      !rendered.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" || (0x7F...0x9F).contains($0.value) },
      "\(file) put a control character in its diagnostic")
    #expect(!rendered.contains("CANARY"), "\(file) leaked its secret:\n\(rendered)")
    #expect(rendered.utf8.count < 20_000)
    #expect(try FileManager.default.contentsOfDirectory(atPath: workspace) == before)
    for marker in ["os", "io", "popen", "lib", "req", "scan"] {
      #expect(!FileManager.default.fileExists(atPath: "/tmp/yoi-hostile-\(marker)"))
    }
  }
}
