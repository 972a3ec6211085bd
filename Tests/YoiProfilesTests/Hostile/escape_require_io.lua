-- expect: E-LUA-RUNTIME
return require("io").open("/etc/passwd"):read("a")
