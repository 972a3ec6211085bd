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

  /// A stand-in for nix: a script that writes `stderrBytes` of noise, then prints `json`.
  func fakeNix(_ home: YoiHome, json: String, stderrBytes: Int = 0, status: Int = 0) throws -> String {
    try home.write(
      "bin/nix",
      """
      #!/bin/sh
      head -c \(stderrBytes) /dev/zero | tr '\\0' 'e' >&2
      cat <<'JSON'
      \(json)
      JSON
      exit \(status)
      """)
    let path = home.root.path + "/bin/nix"
    chmod(path, 0o755)
    return path
  }

  @Test func aPlaintextKeyIsNeverWritten() throws {
    let home = try YoiHome()
    try home.write("repo/old.nix", "{ }\n")
    let canary = "sk-CANARY-migrate-41d2"
    let nix = try fakeNix(
      home,
      json:
        #"{"model": {"ref": "anthropic/claude-sonnet-4-6", "auth": {"kind": "api_key", "api_key": "\#(canary)"}}, "web": {"search": {"token": "\#(canary)"}}}"#)
    let outcome = try home.run(["profile", "migrate", "old.nix"], environment: ["YOI_NIX": nix])
    let lua = (try? home.read("repo/old.lua")) ?? ""
    #expect(!lua.contains(canary))
    #expect(!outcome.stdout.contains(canary) && !outcome.stderr.contains(canary))
    #expect(lua.contains("providers/anthropic/default"))
    #expect(outcome.stdout.contains("model.auth.api_key held a plaintext secret, which was not copied"))
  }

  @Test func aChattyNixIsNotATimeout() throws {
    // More than a pipe holds on stderr: read only after exit, the child blocked until the
    // timeout and the migration "timed out".
    let home = try YoiHome()
    try home.write("repo/old.nix", "{ }\n")
    let nix = try fakeNix(home, json: #"{"worker": {"reasoning": "low"}}"#, stderrBytes: 200_000)
    let outcome = try home.run(["profile", "migrate", "old.nix"], environment: ["YOI_NIX": nix])
    #expect(outcome.status == 0, "\(outcome.stderr)")
    #expect(try home.read("repo/old.lua").contains("p.worker = "))
  }

  @Test func failuresAreNotAllMissingNix() throws {
    let home = try YoiHome()
    try home.write("repo/old.nix", "{ }\n")
    let failing = try fakeNix(home, json: "", stderrBytes: 10, status: 3)
    var outcome = try home.run(["profile", "migrate", "old.nix"], environment: ["YOI_NIX": failing])
    #expect(outcome.stderr.contains("nix eval of") && !outcome.stderr.contains("not installed"))
    let notJSON = try fakeNix(home, json: "this is not json")
    outcome = try home.run(["profile", "migrate", "old.nix"], environment: ["YOI_NIX": notJSON])
    #expect(outcome.stderr.contains("not JSON"))
  }
}
