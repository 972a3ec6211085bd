import Foundation
import Testing
import YoiManifest

@testable import YoiTools

@Suite("Scope at run time")
struct ScopeCheckerTests {
  let root: String

  init() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("yoi-scope-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url.appendingPathComponent("w/src/deep"), withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: url.appendingPathComponent("w/.git"), withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: url.appendingPathComponent("other"), withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: url.appendingPathComponent("w/out").path, withDestinationPath: url.appendingPathComponent("other").path)
    root = ScopeChecker.canonicalize(url.path)!
  }

  func checker(_ allow: [ScopeRule], _ deny: [ScopeRule] = []) -> ScopeChecker {
    ScopeChecker(rules: ScopeRules(allow: allow, deny: deny), workspace: root + "/w")
  }

  @Test("max over allows, then min over denies")
  func combination() {
    let scope = checker(
      [ScopeRule(target: root + "/w", permission: .read), ScopeRule(target: root + "/w/src", permission: .write)],
      [ScopeRule(target: root + "/w/src/deep", permission: .write), ScopeRule(target: root + "/w/.git", permission: .read)])
    #expect(scope.resolve("README")?.access == .read)
    #expect(scope.resolve("src/a.swift")?.access == .write)
    #expect(scope.resolve("src/deep/b.swift")?.access == .read)
    #expect(scope.resolve(".git/config")?.access == Access.none)
    #expect(scope.resolve("/etc/passwd")?.access == Access.none)
  }

  @Test("a non-recursive rule covers its target and direct children only")
  func nonRecursive() {
    let scope = checker([ScopeRule(target: root + "/w/src", permission: .write, recursive: false)])
    #expect(scope.resolve("src")?.access == .write)
    #expect(scope.resolve("src/a.swift")?.access == .write)
    #expect(scope.resolve("src/deep/b.swift")?.access == Access.none)
  }

  @Test("symlinks and .. are resolved before matching; a missing tail with .. has no access")
  func canonicalisation() {
    let scope = checker([ScopeRule(target: root + "/w", permission: .write)])
    #expect(scope.resolve("out/x")?.path == root + "/other/x")
    #expect(scope.resolve("out/x")?.access == Access.none)
    #expect(scope.resolve("src/../../other/y")?.access == Access.none)
    #expect(scope.resolve("new/dir/file")?.path == root + "/w/new/dir/file")
    #expect(scope.resolve("new/../../escape") == nil)
    #expect(scope.resolve("./src/./a")?.path == root + "/w/src/a")
  }
}

@Suite("Globs and output caps")
struct GlobTests {
  @Test(
    "path globs",
    arguments: [
      ("**/*.swift", "a.swift", true), ("**/*.swift", "src/deep/a.swift", true), ("*.swift", "src/a.swift", false),
      ("src/*.{c,h}", "src/x.h", true), ("src/*.{c,h}", "src/x.cc", false), ("[a-c]?.txt", "b1.txt", true), ("[!a-c]?.txt", "b1.txt", false),
      ("docs/**", "docs/a/b.md", true), ("docs/**", "src/docs/a", false),
    ])
  func pathGlobs(pattern: String, path: String, matches: Bool) {
    #expect(Glob(pattern).matches(path) == matches)
  }

  @Test("subject globs: * crosses /")
  func subjectGlobs() {
    #expect(Glob("git *", segmented: false).matches("git log --oneline src/a"))
    #expect(!Glob("git *", segmented: false).matches("rm -rf /"))
  }

  @Test("caps cut at a character boundary and say how much was cut")
  func caps() {
    let capped = ToolOutputCap.cap(String(repeating: "ü", count: 100), maxBytes: 11)
    #expect(capped.hasPrefix("üüüüü\n[output truncated: 10 of 200 bytes shown]"))
    #expect(ToolOutputCap.cap("short", maxBytes: 100) == "short")
  }
}

extension ScopeCheckerTests {
  @Test("a rule whose target passes through a symlink inside the workspace grants nothing; a deny covers both spellings")
  func symlinkedTargets() {
    let scope = checker([ScopeRule(target: root + "/w/out", permission: .read), ScopeRule(target: root + "/w/src", permission: .write)])
    #expect(scope.resolve("out/x")?.access == Access.none)
    #expect(scope.resolve(root + "/other/x")?.access == Access.none)
    #expect(ScopeChecker.canonicalTarget(root + "/w/out/x", workspace: root + "/w") == nil)
    #expect(ScopeChecker.canonicalTarget(root + "/w/src/../src", workspace: root + "/w") == root + "/w/src")
    // `..` is taken lexically before anything is resolved: no symlink is followed to get there.
    #expect(ScopeChecker.canonicalTarget(root + "/w/out/../src", workspace: root + "/w") == root + "/w/src")
  }

  @Test("the data directory is unreachable and .git/hooks and .git/config are read-only, whatever the rules")
  func protectedPaths() {
    let scope = ScopeChecker(
      rules: ScopeRules(allow: [ScopeRule(target: root, permission: .write)]), workspace: root + "/w", unreachable: [root + "/other"])
    #expect(scope.resolve(root + "/other/secret.key")?.access == Access.none)
    #expect(scope.resolve(".git/config")?.access == .read)
    #expect(scope.resolve(".git/hooks/pre-commit")?.access == .read)
    #expect(scope.resolve(".git/index")?.access == .write)
    // A lend or give-back keeps them.
    #expect(scope.with(ScopeRules(allow: [ScopeRule(target: root, permission: .write)])).resolve(root + "/other/x")?.access == Access.none)
  }
}
