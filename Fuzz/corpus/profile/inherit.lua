-- Inheritance is import + assignment; assigning a sub-table replaces it whole.
local yoi = require("yoi")
local p = yoi.profile.import("builtin:default")
p.slug = "mine"
p.worker.reasoning = "low"
p.feature = { task = { enabled = true } }
p.memory = nil
return p
