-- expect: E-LUA-RUNTIME
local r = debug.getregistry() return r
