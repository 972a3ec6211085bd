import Foundation
import Testing

/// Defects found by trying yoi as a new user (issue 12), each through the built binary.
@Suite("Pod services: fixes (end to end)")
struct ServiceFixTests {
  @Test func reresolvingAParentKeepsWhatItLent() throws {
    let home = try YoiHome()
    try home.write("repo/boss.lua", "local p = yoi.profile.import('builtin:default') p.worker.reasoning = 'high' return p\n")
    #expect(try home.run(["pod", "spawn", "--profile", "./boss.lua", "--name", "boss"]).status == 0)
    #expect(try home.run(["pod", "spawn", "--profile", "builtin:coder", "--parent", "boss", "--name", "t1", "--scope", "write:.worktree/t1"]).status == 0)
    let lent = "\"target\": \"\(home.project.path)/.worktree/t1\""
    #expect(try home.run(["pod", "show", "boss", "--snapshot"]).stdout.contains(lent))
    try home.write("repo/boss.lua", "local p = yoi.profile.import('builtin:default') p.worker.reasoning = 'low' return p\n")
    let outcome = try home.run(["pod", "reresolve", "boss", "--yes"])
    #expect(outcome.status == 0, "\(outcome.stderr)")
    let after = try home.run(["pod", "show", "boss", "--snapshot"]).stdout
    #expect(after.contains("\"reasoning\": \"low\""))
    #expect(after.contains(lent), "the parent regained write on what its live child holds")
  }

  @Test func reresolveShowsWhatChangedBeforeTrustAndRecordsTrustOnlyOnAcceptance() throws {
    let home = try YoiHome()
    try home.standardRegistries()
    #expect(try home.run(["pod", "spawn", "--profile", "project:coder", "--name", "p", "--yes"]).status == 0)
    let trustFile = home.data.path + "/trusted-profiles.json"
    let trustedBefore = try String(contentsOfFile: trustFile, encoding: .utf8)
    try home.write(
      "repo/.yoi/profiles/coder.lua",
      """
      local p = require('yoi').profile.import('builtin:coder')
      p.worker.reasoning = 'low'
      return p
      """)
    // Not interactive and not --yes: refused, saying what would change, and trust untouched.
    let refused = try home.run(["pod", "reresolve", "p"])
    #expect(refused.status == 1)
    #expect(refused.stdout.contains("worker.reasoning"), "\(refused.stdout)")
    #expect(
      refused.stderr.contains("E-TRUST") && refused.stderr.contains("what would change") && refused.stderr.contains("worker.reasoning"), "\(refused.stderr)")
    #expect(try String(contentsOfFile: trustFile, encoding: .utf8) == trustedBefore)
    // Accepted: the snapshot and the trust are recorded together.
    let accepted = try home.run(["pod", "reresolve", "p", "--yes"])
    #expect(accepted.status == 0, "\(accepted.stderr)")
    #expect(try String(contentsOfFile: trustFile, encoding: .utf8) != trustedBefore)
    #expect(try home.run(["profile", "resolve", "project:coder", "--digest"]).status == 0)
  }

  @Test func profileNamesFollowTheRegistryRule() throws {
    let home = try YoiHome()
    let outcome = try home.run(["profile", "new", "9lives"])
    #expect(outcome.status == 1)
    #expect(outcome.stderr.contains("a letter or `_` first"))
    #expect(try home.run(["profile", "list"]).status == 0)
  }

  @Test func projectProfilesGoToTheNearestRegistryAndTheWorkspaceIsTheProject() throws {
    let home = try YoiHome()
    try home.write("repo/.yoi/profiles.toml", "[profile]\n")
    try home.write("repo/.git/HEAD", "ref: refs/heads/main\n")
    try home.write("repo/src/deep/x.txt", "")
    var outcome = try home.run(["profile", "new", "mine", "--project"], in: "repo/src/deep")
    #expect(outcome.status == 0, "\(outcome.stderr)")
    #expect(!FileManager.default.fileExists(atPath: home.project.path + "/src/deep/.yoi"))
    #expect(try home.read("repo/.yoi/profiles.toml").contains("[profile.mine]"))
    // From a subdirectory the workspace is the project: deny_write ".git" means its .git.
    try home.write(
      "repo/.yoi/profiles/guarded.lua",
      """
      local p = yoi.profile.import('builtin:coder')
      p.scope = yoi.scope.workspace_write { deny_write = { '.git' } }
      return p
      """)
    try home.write("repo/.yoi/profiles.toml", "[profile]\nguarded = \"profiles/guarded.lua\"\n")
    outcome = try home.run(["pod", "spawn", "--profile", "project:guarded", "--name", "g", "--yes"], in: "repo/src/deep")
    #expect(outcome.status == 0, "\(outcome.stderr)")
    let snapshot = try home.run(["pod", "show", "g", "--snapshot"]).stdout
    #expect(snapshot.contains("\"target\": \"\(home.project.path)/.git\""), "\(snapshot)")
  }

  @Test func spawnRefusesAMissingWorkspaceAndWarnsAboutWhatWouldStopThePod() throws {
    let home = try YoiHome()
    var outcome = try home.run(["pod", "spawn", "--workspace", "no/such/dir", "--name", "x"])
    #expect(outcome.status == 1)
    #expect(outcome.stderr.contains("E-WORKSPACE"))
    #expect(!(try home.run(["pod", "list"]).stdout.contains("x ")))
    try home.write(
      "repo/p.lua",
      """
      local p = yoi.profile.import('builtin:default')
      p.model = { ref = 'anthropic/claude-sonet-4-6', auth = yoi.secret('providers/anthropic/work') }
      p.compaction = nil
      p.worker.instruction = '$yoi/role/codr'
      return p
      """)
    outcome = try home.run(["pod", "spawn", "--profile", "./p.lua", "--name", "w"])
    #expect(outcome.status == 0, "\(outcome.stderr)")
    #expect(outcome.stderr.contains("W-SECRET-MISSING") && outcome.stderr.contains("providers/anthropic/work"))
    #expect(outcome.stderr.contains("W-INSTRUCTION") && outcome.stderr.contains("did you mean `$yoi/role/coder`?"))
    #expect(outcome.stderr.contains("W-MODEL-UNKNOWN") && outcome.stderr.contains("anthropic/claude-sonnet-4-6"))
  }
}
