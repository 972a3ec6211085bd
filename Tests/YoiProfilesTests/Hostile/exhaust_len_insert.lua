-- expect: E-LUA-RUNTIME
-- table.insert sized its C shifting loop by __len (2^63) while the wrapper charged rawlen (0)
local t = setmetatable({}, { __len = function() return math.maxinteger end })
table.insert(t, 1, "x")
return yoi.profile.import("builtin:default")
