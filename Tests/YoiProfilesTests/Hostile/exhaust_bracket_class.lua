-- expect: E-LUA-LIMIT
-- A 16 MB bracket class: every matcher step scans the whole class
local function big(n) local s = "a" while #s < n do s = s .. s end return s end
local class = "[" .. big(16e6) .. "]"
for i = 1, 1000 do string.find("bbbbbbbbbbbbbbbb", class) end
return yoi.profile.import("builtin:default")
