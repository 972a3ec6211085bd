-- expect: E-LUA-RUNTIME
local co = coroutine.create(function() end) return {}
