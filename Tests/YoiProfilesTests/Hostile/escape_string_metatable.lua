-- expect: E-LUA-RUNTIME
getmetatable("").__index.rep = function() return "pwned" end return yoi.profile.import("builtin:default")
