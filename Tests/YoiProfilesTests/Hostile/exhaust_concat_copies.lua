-- expect: E-LUA-LIMIT
-- Each concatenation copies 8 MB inside one VM instruction
local function big(n) local s = "a" while #s < n do s = s .. s end return s end
local s = big(8e6)
while true do local copy = s .. "a" end
