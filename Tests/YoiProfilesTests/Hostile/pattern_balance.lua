-- expect: E-LUA-LIMIT
local s = string.rep("(", 200000) while true do s:find("%b()") end
