import Foundation
import Testing

@Suite("yoi profile migrate (end to end)")
struct MigrateCommandTests {
  @Test func migratesAnOldNixProfileAndChecksIt() throws {
    let home = try YoiHome()
    try home.write("repo/coder.nix", try String(contentsOf: YoiBinary.fixtures.appendingPathComponent("nix/coder.nix"), encoding: .utf8))
    let outcome = try home.run(["profile", "migrate", "coder.nix"])
    #expect(outcome.status == 0, "\(outcome.stderr)")
    #expect(outcome.stdout.contains("note: pod.name \"coder\" dropped"))
    #expect(outcome.stdout.contains("became the intent workspace_write"))
    #expect(outcome.stdout.contains("checked: it resolves"))
    let lua = try home.read("repo/coder.lua")
    #expect(lua.contains("local p = yoi.profile.import(\"builtin:default\")"))
    #expect(lua.contains("p.scope = yoi.scope.workspace_write { deny_write = {"))
    #expect(!lua.contains("p.pod"))
    let resolved = try home.run(["profile", "resolve", "./coder.lua", "--pod-name", "m"])
    #expect(resolved.stdout.contains("\"ref\": \"llm.anthropic.default\""))  // the secret reference survives
    #expect(resolved.stdout.contains("\"reasoning\": \"medium\""))
    // The migrated file is not overwritten by accident.
    let again = try home.run(["profile", "migrate", "coder.nix"])
    #expect(again.status == 1)
    #expect(again.stderr.contains("already exists"))
  }

  @Test func withoutNixSaysHowToInstallIt() throws {
    let home = try YoiHome()
    try home.write("repo/old.nix", "{ }\n")
    let outcome = try home.run(["profile", "migrate", "old.nix"], environment: ["YOI_NIX": "/nonexistent/nix"])
    #expect(outcome.status == 1)
    #expect(outcome.stderr.contains("needs `nix`, which is not installed"))
    #expect(outcome.stderr.contains("apt-get install nix-bin"))
  }

  @Test func brokenNixIsReported() throws {
    let home = try YoiHome()
    try home.write("repo/broken.nix", "{ a = ; }\n")
    let outcome = try home.run(["profile", "migrate", "broken.nix"])
    #expect(outcome.status == 1)
    #expect(outcome.stderr.contains("nix eval of"))
  }
}
