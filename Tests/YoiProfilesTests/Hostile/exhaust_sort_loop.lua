-- expect: E-LUA-LIMIT
local t = {} for i = 1, 1e5 do t[i] = -i end while true do table.sort(t) end
