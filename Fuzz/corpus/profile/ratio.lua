local yoi = require("yoi")
local p = yoi.profile.import("builtin:default")
p.compaction = yoi.compact.ratio { threshold = 0.5, request = 0.75, worker = 0.25 }
return p
