import Foundation
import Testing

/// Every command of the README's "Using it" block, run as written (in a throwaway home, with
/// the `yoi` under test first on PATH). A README example that fails is a bug.
@Suite("README commands (end to end)")
struct ReadmeCommandTests {
  static func usingItCommands() throws -> [String] {
    let readme = try String(contentsOf: YoiBinary.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
    guard let section = readme.range(of: "## Using it"), let block = readme[section.upperBound...].range(of: "```sh\n"),
      let end = readme[block.upperBound...].range(of: "```")
    else { return [] }
    return readme[block.upperBound..<end.lowerBound].split(separator: "\n").map(String.init).filter { $0.contains("yoi ") }
  }

  @Test func everyCommandRunsAsWritten() throws {
    let commands = try Self.usingItCommands()
    #expect(commands.count >= 15)
    let home = try YoiHome()
    try home.write("repo/old/coder.nix", try String(contentsOf: YoiBinary.fixtures.appendingPathComponent("nix/coder.nix"), encoding: .utf8))
    let binDirectory = URL(fileURLWithPath: YoiBinary.path).deletingLastPathComponent().path
    let environment = ["PATH": "\(binDirectory):/usr/bin:/bin", "KEY": "sk-readme-example-key"]
    for command in commands {
      let outcome = try home.run(["-c", command], environment: environment, executable: "/bin/sh")
      if command.hasPrefix("yoi pod secrets") {
        // It lists what is present and what is missing; a missing secret is exit 1 by design.
        #expect(outcome.stdout.contains("SECRET"), "\(command):\n\(outcome.stderr)")
      } else {
        #expect(outcome.status == 0, "\(command):\n\(outcome.stderr)")
      }
    }
  }
}
