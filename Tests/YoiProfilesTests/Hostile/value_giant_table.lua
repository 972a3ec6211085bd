-- expect: E-LUA-VALUE
local t = {} for i = 1, 20001 do t["k" .. i] = i end return t
