-- expect: E-LUA-RUNTIME
collectgarbage("collect") return {}
