local yoi = require("yoi")
local p = yoi.profile.import("builtin:default")
p.model = { ref = "anthropic/claude-unknown-9", scheme = "anthropic" }
p.compaction = yoi.compact.ratio { threshold = 0.5 }
return p
