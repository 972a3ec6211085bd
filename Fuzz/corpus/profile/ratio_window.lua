local yoi = require("yoi")
local p = yoi.profile.import("builtin:default")
p.model = { ref = "anthropic/claude-haiku-4-5", context_window = 100000 }
p.compaction = yoi.compact.ratio { threshold = 0.5, request_threshold = 0.75, worker_context_max_tokens = 0.25 }
return p
