import YoiLua

/// The builtin profiles (DESIGN.md §5), embedded as Lua sources. They use only the public
/// API and import `builtin:default` the way a user's profile would.
public enum BuiltinProfiles {
  /// One builtin: its source and the argument its chunk receives as `...`.
  struct Entry {
    var source: String
    var argument: String?
    var file: String
  }

  /// Names in listing order.
  public static let names = ["default", "companion", "intake", "orchestrator", "coder", "reviewer", "researcher", "coder-fast", "reviewer-fast"]

  static func entry(_ name: String) -> Entry? {
    switch name {
    case "default": Entry(source: defaultSource, argument: nil, file: "default.lua")
    case "coder-fast", "reviewer-fast": Entry(source: fastVariantSource, argument: name, file: "fast.lua")
    default: roleSources[name].map { Entry(source: $0, argument: nil, file: "\(name).lua") }
    }
  }

  /// The chunk as diagnostics show it: `builtin:coder`.
  static func chunk(_ name: String) -> LuaChunk? {
    entry(name).map { LuaChunk.text($0.source, chunkName: "builtin:\($0.file)") }
  }

  /// The description of a builtin, for listings (kept in step with the sources by a test).
  public static let descriptions: [String: String] = [
    "default": "General agent: every everyday feature, high reasoning",
    "companion": "Conversational companion with tickets",
    "intake": "Turns requests into tickets",
    "orchestrator": "Plans work and delegates it to child Pods",
    "coder": "Writes and changes code in the workspace",
    "reviewer": "Reviews changes without editing them",
    "researcher": "Researches and reports",
    "coder-fast": "coder on a small model with low reasoning",
    "reviewer-fast": "reviewer on a small model with low reasoning",
  ]

  static let defaultSource = #"""
    -- builtin:default: the fallback profile every role builds on.
    local yoi = require("yoi")

    return yoi.profile {
      slug = "default",
      description = "General agent: every everyday feature, high reasoning",
      model = yoi.models.catalog("codex-oauth/gpt-5.5"),
      worker = { instruction = "$yoi/default", reasoning = "high" },
      session = { record_event_trace = true },
      compaction = yoi.compact.tokens {
        threshold = 240000,
        request_threshold = 270000,
        worker_context_max_tokens = 100000,
      },
      feature = {
        task = { enabled = true },
        memory = { enabled = true },
        web = { enabled = true },
        pods = { enabled = true },
        ticket = { enabled = false, access = "lifecycle" },
        ticket_orchestration = { enabled = false },
      },
      memory = {
        extract_threshold = 50000,
        consolidation_threshold_files = 5,
        consolidation_threshold_bytes = 50000,
      },
      web = {
        enabled = true,
        search = { enabled = true, provider = "brave", api_key_secret = "web/brave/default" },
        fetch = { enabled = true },
      },
    }
    """#

  /// Which features each role turns on: task, memory, web, pods, ticket, ticket_orchestration.
  static let roleFeatures: [String: (instruction: String, description: String, flags: [Bool])] = [
    "companion": ("$yoi/default", "Conversational companion with tickets", [true, true, true, true, true, false]),
    "intake": ("$yoi/role/intake", "Turns requests into tickets", [false, true, true, false, true, false]),
    "orchestrator": ("$yoi/role/orchestrator", "Plans work and delegates it to child Pods", [false, true, true, true, true, true]),
    "coder": ("$yoi/role/coder", "Writes and changes code in the workspace", [true, true, true, false, false, false]),
    "reviewer": ("$yoi/role/reviewer", "Reviews changes without editing them", [false, true, true, false, false, false]),
    "researcher": ("$yoi/role/researcher", "Researches and reports", [false, true, true, false, false, false]),
  ]

  /// The autonomy preset of the roles that have one: a coder edits on its own and asks before
  /// anything else (the shell); a reviewer or researcher reads freely and asks for the rest.
  static let autonomy: [String: String] = ["coder": "edits", "reviewer": "ask", "researcher": "ask"]

  /// Roles that only read the workspace directly (an orchestrator still lends write to the
  /// children it delegates to: the intent narrows `scope`, not `delegation_scope`).
  static let readOnlyRoles: Set<String> = ["intake", "orchestrator", "reviewer"]

  /// Each role's source, generated once (it is read on every resolve of a role).
  private static let roleSources: [String: String] = Dictionary(uniqueKeysWithValues: roleFeatures.keys.map { ($0, roleSource($0)) })

  /// A role profile's source, as a user would write it: import, then assign.
  static func roleSource(_ name: String) -> String {
    guard let role = roleFeatures[name] else { return "" }
    let f = role.flags.map { $0 ? "true" : "false" }
    return """
      -- builtin:\(name): builtin:default with the \(name) role's instruction and features.
      local yoi = require("yoi")
      local p = yoi.profile.import("builtin:default")

      p.slug = "\(name)"
      p.description = "\(role.description)"
      p.worker.instruction = "\(role.instruction)"\(Self.readOnlyRoles.contains(name) ? "\n      -- it never writes directly, whatever the launch role: its description promises that\n      p.scope = yoi.scope.workspace_read()" : "")\(Self.autonomy[name].map { "\n      p.permissions = yoi.autonomy.\($0)()" } ?? "")
      p.feature = {
        task = { enabled = \(f[0]) },
        memory = { enabled = \(f[1]) },
        web = { enabled = \(f[2]) },
        pods = { enabled = \(f[3]) },
        ticket = { enabled = \(f[4]), access = "lifecycle" },
        ticket_orchestration = { enabled = \(f[5]) },
      }
      return p

      """
  }

  /// One parameterised helper for every cheap/fast variant: the chunk receives its own
  /// builtin name (`coder-fast`) as `...` and derives the variant from the base role.
  static let fastVariantSource = #"""
    -- builtin:coder-fast, builtin:reviewer-fast: a role on a small model with low reasoning.
    local yoi = require("yoi")

    local function fast(role)
      local p = yoi.profile.import("builtin:" .. role)
      p.slug = role .. "-fast"
      p.description = role .. " on a small model with low reasoning"
      p.model = yoi.models.catalog("codex-oauth/gpt-5.4-mini")
      p.worker.reasoning = "low"
      return p
    end

    local name = ...
    return fast((name:gsub("%-fast$", "")))
    """#
}
