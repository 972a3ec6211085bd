-- expect: E-LUA-RUNTIME
return require("..etc.passwd")
