-- expect: E-LUA-RUNTIME
return loadfile("/etc/passwd")()
