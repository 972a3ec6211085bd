local yoi = require("yoi")
local a = require("lib.counter")
local b = require("lib.counter")
local p = yoi.profile.import("builtin:default")
p.description = require("lib.describe")("shared")
p.worker.max_turns = a.count + b.count
return p
