-- expect: E-LUA-LIMIT
local s = string.rep("", 1e15, "") while true do s = s .. "" end
