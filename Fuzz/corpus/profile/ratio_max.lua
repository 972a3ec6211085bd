local yoi = require("yoi")
local p = yoi.profile.import("builtin:default")
p.model = { ref = "anthropic/claude-sonnet-4-6", max_context_window = 200000 }
p.compaction = yoi.compact.ratio { threshold = 0.5, request = 0.75, worker = 0.25 }
return p
