-- expect: E-LUA-VALUE
local t = {} local c = t for i = 1, 1000 do c.x = {} c = c.x end return t
