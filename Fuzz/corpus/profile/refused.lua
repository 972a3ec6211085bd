local yoi = require("yoi")
return yoi.profile {
  pod = { name = "fixed" },
  manifest = {},
  socket = "/tmp/yoi.sock",
  model = { ref = "anthropic/claude-sonnet-4-6", auth = { kind = "api_key", file = "/etc/key" } },
  scope = { intent = "workspace_write", allow = {} },
  delegation_scope = { intent = "workspace_read", deny = {} },
  memory = { workspace_root = "/var/memory" },
  skills = { directories = { "skills", "/abs/skills" } },
}
