-- expect: E-LUA-LIMIT
while true do end
