getmetatable("").__index.rep = function() return "pwned" end return yoi.profile.import("builtin:default")
