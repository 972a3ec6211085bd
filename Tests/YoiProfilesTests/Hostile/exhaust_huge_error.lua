-- expect: E-LUA-RUNTIME
error(string.rep("sk-secret-", 800000))
