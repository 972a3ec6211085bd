-- expect: E-LUA-LIMIT
-- string.packsize on an 8 MB format, a thousand times: each call one step before the fix
local f = "b" while #f < 8e6 do f = f .. f end
for i = 1, 1000 do string.packsize(f) end
return yoi.profile.import("builtin:default")
