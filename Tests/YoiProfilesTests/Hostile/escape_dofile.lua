-- expect: E-LUA-RUNTIME
return dofile("/etc/passwd")
