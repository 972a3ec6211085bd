local yoi = require("yoi")
local words = {}
for i = 1, 50 do words["stop" .. i] = i end
local list = {}
for key in pairs(words) do list[#list + 1] = key end
local p = yoi.profile.import("builtin:default")
p.worker.stop_sequences = list
return p
