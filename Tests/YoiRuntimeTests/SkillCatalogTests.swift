import Foundation
import Testing

@testable import YoiTools

@Suite("Skills: discovery, front matter, precedence")
struct SkillCatalogTests {
  static func root() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("yoi-skills-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  static func skill(_ root: String, _ directory: String, _ text: String) throws {
    try FileManager.default.createDirectory(atPath: root + "/" + directory, withIntermediateDirectories: true)
    try text.write(toFile: root + "/" + directory + "/SKILL.md", atomically: true, encoding: .utf8)
  }

  @Test("valid skills load; every kind of invalid one is reported and skipped")
  func validation() throws {
    let root = try Self.root()
    try Self.skill(
      root, "pdf-forms",
      "---\nname: pdf-forms\ndescription: Fill PDF forms. Use when a task mentions a form.\nlicense: MIT\nmetadata:\n  author: x\n---\n# Body\n")
    try Self.skill(root, "folded", "---\nname: folded\ndescription: >\n  Two lines\n  folded.\n---\nbody\n")
    try Self.skill(root, "quoted", "---\nname: 'quoted'\ndescription: \"Says \\\"hi\\\"\"\n---\n")
    try Self.skill(root, "no-description", "---\nname: no-description\n---\n")
    try Self.skill(root, "Upper", "---\nname: Upper\ndescription: d\n---\n")
    try Self.skill(root, "elsewhere", "---\nname: other-name\ndescription: d\n---\n")
    try Self.skill(root, "broken", "---\nname: broken\ndescription: 'unterminated\n---\n")
    try Self.skill(root, "no-front", "# just markdown\n")
    try Self.skill(root, "unclosed", "---\nname: unclosed\n")
    try Self.skill(root, "tabbed", "---\nname: tabbed\n\tdescription: x\n---\n")
    try Self.skill(root, "long", "---\nname: long\ndescription: \(String(repeating: "x", count: 1025))\n---\n")
    let catalog = SkillCatalog.discover(roots: [root])
    #expect(catalog.skills.map(\.name) == ["folded", "pdf-forms", "quoted"])
    #expect(catalog.skills.first { $0.name == "folded" }?.description == "Two lines folded.")
    #expect(catalog.skills.first { $0.name == "quoted" }?.description == "Says \"hi\"")
    let messages = catalog.problems.map { "\(PathLexerName.last($0.path)): \($0.message)" }.sorted()
    #expect(
      messages == [
        "Upper: `name: Upper` is not kebab-case (lowercase letters, digits and single hyphens)",
        "broken: YAML error on line 3: unterminated quoted string",
        "elsewhere: `name: other-name` differs from its directory `elsewhere`",
        "long: `description` is 1025 characters; at most 1024",
        "no-description: the front matter has no `description` (it tells the model when to use the skill)",
        "no-front: SKILL.md does not start with `---` front matter",
        "tabbed: YAML error on line 3: tabs cannot indent",
        "unclosed: the front matter has no closing `---`",
      ], "\(messages)")
  }

  @Test("the first root with a name wins; the shadowed skill is reported; a symlinked SKILL.md is not read")
  func precedenceAndSymlinks() throws {
    let project = try Self.root(), user = try Self.root()
    try Self.skill(project, "review", "---\nname: review\ndescription: project review\n---\n")
    try Self.skill(user, "review", "---\nname: review\ndescription: user review\n---\n")
    try Self.skill(user, "notes", "---\nname: notes\ndescription: user notes\n---\n")
    try FileManager.default.createDirectory(atPath: user + "/linked", withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: user + "/linked/SKILL.md", withDestinationPath: user + "/notes/SKILL.md")
    let catalog = SkillCatalog.discover(roots: [project, user])
    #expect(catalog.skills.map(\.description) == ["project review", "user notes"])
    #expect(catalog.shadowed == [SkillShadowing(shadowed: user + "/review", winner: project + "/review")])
    #expect(catalog.report.contains("skill \(user)/review is shadowed by \(project)/review"))
    #expect(catalog.promptSection?.contains("- review: project review") == true)
  }
}

enum PathLexerName {
  static func last(_ path: String) -> String { String(path.split(separator: "/").dropLast().last ?? "") }
}
