local yoi = require("yoi")
local p = yoi.profile.import("builtin:default")
p.model = { ref = "anthropic/claude-sonnet-4-6", auth = yoi.secret("providers/anthropic/work") }
p.web.search.api_key_secret = "web/brave/work"
return p
