-- expect: E-LUA-RUNTIME
local f = io.open("/tmp/yoi-hostile-io", "w") f:write("x") return {}
