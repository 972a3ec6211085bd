import YoiDiagnostics
import YoiLua

/// The authoring API of DESIGN.md §2.1, installed into every profile evaluation as a trusted
/// prelude. It receives the private host table (`...`): `load_text` to load profile-local
/// modules as text, `read_module` to find and read them, `import_builtin` to evaluate a
/// builtin in a fresh state. Everything it keeps is captured in locals first, so a profile
/// that reassigns globals cannot change how `require` or `import` behave.
enum AuthoringPrelude {
  /// Compiled once per process; a failure here is a bug in yoi caught by every profile test.
  static let prelude: Result<LuaPrelude, YoiError> = Result { () throws(YoiError) in
    try LuaPrelude(.text(source, chunkName: "yoi/prelude.lua"))
  }

  static let source = #"""
    local host = ...
    local load_text, read_module, import_builtin = host.load_text, host.read_module, host.import_builtin
    local api_failed = host.api_failed
    local type, error, pcall, setmetatable, tostring, rawget = type, error, pcall, setmetatable, tostring, rawget
    local pairs, ipairs, concat, sub = pairs, ipairs, table.concat, string.sub

    -- Raises `message` at `level` (counted as error() counts it from the caller of fail) and
    -- tells the host which API function failed: a failing tail call such as
    -- `return yoi.profile.extend(...)` leaves no frame for Lua to locate, so yoi finds the
    -- call in the source by that function's name. Always a statement, never `return fail()`.
    local function fail(api, message, level)
      api_failed(api, message)
      error(message, level + 1)
    end

    local function expect_table(value, what)
      if type(value) ~= "table" then
        fail(what, what .. " expects a table, got " .. type(value), 3)
      end
    end

    local function only_keys(t, allowed, what)
      for key in pairs(t) do
        if not allowed[key] then
          local names = {}
          for name in pairs(allowed) do names[#names + 1] = name end
          table.sort(names)
          fail(what, what .. ": unknown key '" .. tostring(key) .. "' (allowed: " .. concat(names, ", ") .. ")", 3)
        end
      end
    end

    local profile = setmetatable({}, {
      __call = function(_, t)
        expect_table(t, "yoi.profile")
        return t
      end,
    })

    function profile.import(ref)
      if type(ref) ~= "string" then
        fail("yoi.profile.import", "yoi.profile.import expects a profile reference like \"builtin:default\", got " .. type(ref), 2)
      end
      return import_builtin(ref)
    end

    function profile.extend()
      fail("yoi.profile.extend", "yoi.profile.extend was removed: use `local p = yoi.profile.import(\"builtin:default\")` "
        .. "and assign the fields you change (p.worker.reasoning = \"low\"); assignment replaces whole sub-tables", 2)
    end

    local models = {}
    function models.catalog(ref)
      if type(ref) ~= "string" then fail("yoi.models.catalog", "yoi.models.catalog expects a model reference string, got " .. type(ref), 2) end
      return { ref = ref }
    end

    local compact = {}
    function compact.tokens(t)
      expect_table(t, "yoi.compact.tokens")
      t.kind = "tokens"
      return t
    end

    -- Unknown keys and the aliases (`request`, `worker`) are left to the decoder, the one place
    -- that renames them (a typo here used to be a Lua error with a traceback).
    function compact.ratio(t)
      expect_table(t, "yoi.compact.ratio")
      t.kind = "ratio"
      return t
    end

    local scope = {}
    local scope_keys = { deny_write = true }
    local function intent(name)
      return function(opts)
        if opts ~= nil then
          expect_table(opts, "yoi.scope." .. name)
          only_keys(opts, scope_keys, "yoi.scope." .. name)
        end
        return { intent = name, deny_write = opts and opts.deny_write or nil }
      end
    end
    scope.workspace_read = intent("workspace_read")
    scope.workspace_write = intent("workspace_write")

    -- Semantic presets for `permissions` (DESIGN.md §2.1): `opts.rules` first, then the
    -- preset's allow rules, then its default.
    local autonomy = {}
    local reading_tools = { "read_file", "list_dir", "glob", "grep" }
    local editing_tools = { "read_file", "list_dir", "glob", "grep", "write_file", "edit_file" }
    local function preset(name, allowed, default_action)
      return function(opts)
        local rules = {}
        if opts ~= nil then
          expect_table(opts, "yoi.autonomy." .. name)
          only_keys(opts, { rules = true }, "yoi.autonomy." .. name)
          if opts.rules ~= nil then
            if type(opts.rules) ~= "table" then
              fail("yoi.autonomy." .. name, "yoi.autonomy." .. name .. ": rules must be a list of { tool = ..., pattern = ..., action = ... }", 2)
            end
            for _, rule in ipairs(opts.rules) do rules[#rules + 1] = rule end
          end
        end
        for _, tool in ipairs(allowed) do rules[#rules + 1] = { tool = tool, pattern = "*", action = "allow" } end
        return { default_action = default_action, rule = rules }
      end
    end
    autonomy.ask = preset("ask", reading_tools, "ask")
    autonomy.edits = preset("edits", editing_tools, "ask")
    autonomy.full = preset("full", {}, "allow")

    -- yoi.secret(ref, { env = "VAR" }): the stored secret, else the variable when nothing is stored.
    local function secret(ref, opts)
      if type(ref) ~= "string" then fail("yoi.secret", "yoi.secret expects a secret id string, got " .. type(ref), 2) end
      local env = nil
      if opts ~= nil then
        expect_table(opts, "yoi.secret")
        only_keys(opts, { env = true }, "yoi.secret")
        env = opts.env
      end
      return { kind = "secret_ref", ref = ref, env = env }
    end

    -- yoi.env("VAR"): the variable's value, read when each request is built (never stored).
    local function env(name)
      if type(name) ~= "string" then fail("yoi.env", "yoi.env expects an environment variable name, got " .. type(name), 2) end
      return { kind = "env", name = name }
    end

    -- yoi.mcp.stdio{...} / yoi.mcp.http{...}: an MCP server declaration (DESIGN.md §12.10);
    -- the schema checks the fields.
    local mcp = {}
    for _, transport in ipairs({ "stdio", "http" }) do
      mcp[transport] = function(t)
        expect_table(t, "yoi.mcp." .. transport)
        t.transport = transport
        return t
      end
    end

    local yoi = { profile = profile, models = models, compact = compact, scope = scope, autonomy = autonomy, secret = secret, env = env, mcp = mcp }

    local host_modules = {
      ["yoi"] = yoi, ["yoi.profile"] = profile, ["yoi.models"] = models,
      ["yoi.compact"] = compact, ["yoi.scope"] = scope, ["yoi.autonomy"] = autonomy, ["yoi.mcp"] = mcp,
    }

    -- Profile-local modules: cached per evaluation, cycles reported with the chain, and a
    -- module that failed keeps its real error for every later require.
    local loaded, failed, loading, chain = {}, {}, {}, {}
    local function require(name)
      if type(name) ~= "string" then fail("require", "require expects a module name string, got " .. type(name), 2) end
      local module = host_modules[name]
      if module then return module end
      if sub(name, 1, 4) == "yoi." then
        fail("require", "unknown host module '" .. name .. "' (host modules: yoi, yoi.profile, yoi.models, yoi.compact, yoi.scope, yoi.autonomy, yoi.mcp)", 2)
      end
      if loaded[name] ~= nil then return loaded[name] end
      if failed[name] then fail("require", "module '" .. name .. "' failed to load earlier: " .. failed[name], 2) end
      if loading[name] then
        local shown = {}
        local start = 1
        for i, entry in ipairs(chain) do if entry == name then start = i break end end
        for i = start, #chain do shown[#shown + 1] = chain[i] end
        shown[#shown + 1] = name
        fail("require", "require cycle: " .. concat(shown, " -> "), 2)
      end
      local text, chunk_name = read_module(name)
      local fn, syntax = load_text(text, "@" .. chunk_name, _ENV)
      if not fn then
        failed[name] = syntax
        error(syntax, 0)
      end
      loading[name] = true
      chain[#chain + 1] = name
      local ok, result = pcall(fn, name)
      loading[name] = nil
      chain[#chain] = nil
      if not ok then
        failed[name] = tostring(result)
        error(result, 0)
      end
      if result == nil then result = true end
      loaded[name] = result
      return result
    end

    _ENV.yoi = yoi
    _ENV.profile = profile
    _ENV.require = require
    """#
}
