local yoi = require("yoi")
local p = yoi.profile.import("builtin:default")
p.model = { ref = "anthropic/claude-sonnet-4-6", auth = "CANARY-auth-value" }
p.web.search.api_key = "CANARY-web-key"
p.worker.language = "sk-CANARYprefix"
return p
