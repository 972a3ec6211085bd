-- expect: E-LUA-RUNTIME
return require("lib/../../../etc/passwd")
