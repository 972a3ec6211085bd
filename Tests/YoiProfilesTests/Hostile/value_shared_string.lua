-- expect: E-LUA-VALUE
-- One 1 MiB string referenced 40,000 times: 40 GiB for the host to copy
local function big(n) local s = "a" while #s < n do s = s .. s end return s end
local s = big(1048576)
local p = yoi.profile.import("builtin:default")
p.description = s
local list = {}
for i = 1, 40000 do list[i] = s end
p.skills = { directories = list }
return p
