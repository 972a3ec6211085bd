-- expect: E-LUA-LIMIT
return { description = string.rep("x", 1e10) }
