local model = { ref = "anthropic/claude-sonnet-4-6", context_window = 1000000 }
local function feature(on) return { enabled = on } end
local deny = {}
for _, path in ipairs({ ".git", "secrets", "node_modules" }) do deny[#deny + 1] = path end
return {
  slug = "coder",
  description = "Careful coder",
  model = model,
  worker = {
    instruction = "$yoi/role/coder",
    reasoning = "high",
    max_turns = 40,
    temperature = 0.2,
    stop_sequences = {},
    tool_output = { default_max_bytes = 65536 },
    file_upload = { max_bytes = 262144 },
  },
  compaction = {
    kind = "ratio",
    threshold = 0.5,
    request_threshold = 0.75,
    worker_context_max_tokens = 0.25,
  },
  scope = { intent = "workspace_write", deny_write = deny },
  session = { record_event_trace = true },
  feature = {
    task = feature(true),
    memory = feature(true),
    web = feature(true),
    pods = feature(false),
    ticket = { enabled = false, access = "lifecycle" },
    ticket_orchestration = feature(false),
  },
  memory = {
    extract_threshold = 50000,
    consolidation_threshold_files = 5,
    consolidation_threshold_bytes = 50000,
  },
  web = {
    enabled = true,
    search = {
      enabled = true,
      provider = "brave",
      api_key_secret = "web/brave/default",
      timeout_secs = 10,
    },
    fetch = {
      enabled = true,
      timeout_secs = 20,
      redirect_limit = 5,
    },
  },
  permissions = {
    default_action = "ask",
    rule = {
      { tool = "shell", pattern = "git *", action = "allow" },
      { tool = "shell", pattern = "rm -rf *", action = "deny" },
    },
  },
}
