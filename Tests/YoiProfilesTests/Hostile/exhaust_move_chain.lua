-- expect: E-LUA-LIMIT
-- table.move through a 1,990-deep __index chain
local t = {}
for i = 1, 1990 do t = setmetatable({}, { __index = t }) end
for i = 1, 1e3 do table.move(t, 1, 1e4, 1, {}) end
return yoi.profile.import("builtin:default")
