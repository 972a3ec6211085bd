-- expect: E-LUA-VALUE
local t = { 1 } for i = 1, 60 do t = { a = t, b = t } end return t
