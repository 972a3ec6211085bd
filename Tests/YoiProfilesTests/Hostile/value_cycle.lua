-- expect: E-LUA-VALUE
local p = yoi.profile.import("builtin:default") p.worker.self = p return p
