-- expect: E-LUA-VALUE
local t = {} for i = 1, 300000 do t["k" .. i] = i end return t
