-- expect: E-LUA-RUNTIME
return load("return os")()
