-- expect: E-LUA-LIMIT
-- table.unpack through a 1,990-deep __index chain: 2,000 C lookups per element, charged as one
local t = {}
for i = 1, 1990 do t = setmetatable({}, { __index = t }) end
for i = 1, 1e6 do table.unpack(t, 1, 200) end
return yoi.profile.import("builtin:default")
