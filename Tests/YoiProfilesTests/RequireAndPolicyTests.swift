import YoiDiagnostics
import Foundation
import Testing
import YoiManifest
@testable import YoiProfiles

@Suite("require")
struct RequireTests {
  @Test func localModulesAreCachedPerEvaluation() throws {
    let m = try resolve("requires.lua")
    #expect(m.string("profile.description") == "built from a shared module")
    #expect(m.int("worker.max_turns") == 2)  // loaded once: 1 + 1
    #expect(try resolve("requires.lua").int("worker.max_turns") == 2)  // a fresh cache each time
  }

  @Test func cyclesShowTheChain() throws {
    let error = try #require(failure("require_cycle.lua"))
    #expect(error.messages.first == "require cycle: lib.cycle_a -> lib.cycle_b -> lib.cycle_a")
    // `return require(...)` is a tail call: the innermost frame left is the profile's line 1.
    #expect(error.diagnostics.first?.location == .init(file: "require_cycle.lua", line: 1))
  }

  @Test func aRetriedFailedRequireReportsTheRealCause() throws {
    let error = try #require(failure("require_retry.lua"))
    let message = try #require(error.messages.first)
    #expect(message.contains("module 'lib.broken' failed to load earlier"))
    #expect(message.contains("attempt to index a nil value"))
  }

  @Test func badNamesAreRefused() throws {
    let dotdot = try #require(failure("require_dotdot.lua"))
    #expect(dotdot.messages.first?.contains("invalid module name") == true)
    let absolute = try #require(failure("require_absolute.lua"))
    #expect(absolute.messages.first?.contains("invalid module name") == true)
  }

  @Test func unknownHostModules() throws {
    let error = try #require(failure("require_host.lua"))
    #expect(error.messages.first?.hasPrefix("unknown host module 'yoi.fs'") == true)
  }

  @Test func missingModulesSayWhereTheyLooked() throws {
    let error = try #require(failure("require_missing.lua"))
    #expect(error.messages.first == "require(\"lib.nothing_here\"): module not found (looked for lib/nothing_here.lua)")
  }

  @Test func symlinkEscapesAreRefused() throws {
    let directory = try temporaryDirectory()
    let outside = try temporaryDirectory()
    try "return { leaked = true }".write(toFile: outside + "/secret.lua", atomically: true, encoding: .utf8)
    try FileManager.default.createDirectory(atPath: directory + "/lib", withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: directory + "/lib/outside.lua", withDestinationPath: outside + "/secret.lua")
    try "return require('lib.outside')".write(toFile: directory + "/p.lua", atomically: true, encoding: .utf8)
    let error = try #require(failure(directory + "/p.lua"))
    #expect(error.messages.first?.contains("symlink escape refused") == true)
  }

  @Test func builtinsHaveNoLocalModules() throws {
    let directory = try temporaryDirectory()
    try "return require('yoi').profile.import('builtin:default/../x')".write(toFile: directory + "/p.lua", atomically: true, encoding: .utf8)
    let error = try #require(failure(directory + "/p.lua"))
    #expect(error.messages.first?.contains("only imports builtin profiles") == true)
  }
}

@Suite("Launch policy")
struct LaunchPolicyTests {
  @Test func normalLaunch() throws {
    let m = try resolve("builtin:default")
    #expect(m.rules("scope.allow") == ["write /work/ws"])
    #expect(m.rules("scope.deny") == ["write /work/ws/.worktree"])
    #expect(m.rules("delegation_scope.allow") == ["read /work/ws", "write /work/ws/.worktree"])
  }

  @Test func orchestratorRole() throws {
    let m = try resolve("builtin:orchestrator", role: .orchestrator)
    #expect(m.rules("scope.allow") == ["read /work/ws"])
    #expect(m.rules("delegation_scope.allow") == ["read /work/ws", "write /work/ws/.worktree"])
  }

  @Test(arguments: [LaunchRole.intake, .reviewer])
  func readOnlyRoles(role: LaunchRole) throws {
    let m = try resolve("builtin:reviewer", role: role)
    #expect(m.rules("scope.allow") == ["read /work/ws"])
    #expect(m.rules("delegation_scope.allow") == [])
  }

  @Test func coderRole() throws {
    let m = try resolve("builtin:coder", role: .coder)
    #expect(m.rules("scope.allow") == ["write /work/ws"])
    #expect(m.rules("scope.deny") == [])
    #expect(m.rules("delegation_scope.allow") == [])
  }

  @Test func intentOnlyNarrows() throws {
    let m = try resolve("intent_read.lua")
    #expect(m.rules("scope.allow") == ["read /work/ws"])
    #expect(m.rules("scope.deny") == ["write /work/ws/.worktree", "write /work/ws/.git", "write /work/ws/secrets"])
    // read W covers read W/.worktree, which is dropped.
    #expect(m.rules("delegation_scope.allow") == ["read /work/ws"])
    // A write intent under a read-only role stays read-only.
    let reviewer = try resolve("builtin:coder", role: .reviewer)
    #expect(reviewer.rules("scope.allow") == ["read /work/ws"])
  }

  @Test func podsWithoutDelegationFailClearly() throws {
    let error = try #require(failure("builtin:default", role: .coder))
    #expect(error.messages == ["feature.pods: feature.pods is enabled but the coder role grants no delegation scope, so the Pod could never spawn a child"])
    #expect(error.rendered.contains("set feature.pods = { enabled = false }, or launch without --role coder"))
  }
}
