-- expect: E-LUA-LIMIT
for x in string.rep("a", 10000):gmatch(".-.-.-.-b") do end return {}
