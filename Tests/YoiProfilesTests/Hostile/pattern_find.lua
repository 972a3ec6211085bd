-- expect: E-LUA-LIMIT
return { description = string.rep("a", 10000):find(".-.-.-.-.-b") }
