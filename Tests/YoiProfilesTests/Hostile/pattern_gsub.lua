-- expect: E-LUA-LIMIT
return { description = (string.rep("a", 10000):gsub("a*a*a*a*a*b", "")) }
