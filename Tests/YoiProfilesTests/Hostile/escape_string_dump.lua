-- expect: E-LUA-RUNTIME
local f = string.dump(function() return 1 end) return { description = f }
