-- expect: E-LUA-RUNTIME
-- table.remove with a __len of 2^40: a C loop of a trillion steps before any hook
local t = setmetatable({}, { __len = function() return 2 ^ 40 end })
table.remove(t, 1)
return yoi.profile.import("builtin:default")
