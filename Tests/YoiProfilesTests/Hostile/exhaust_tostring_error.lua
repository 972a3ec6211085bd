-- expect: E-LUA-RUNTIME
error(setmetatable({}, { __tostring = function() while true do end end }))
