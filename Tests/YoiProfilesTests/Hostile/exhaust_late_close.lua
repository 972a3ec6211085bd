-- expect: E-LUA-LIMIT
local mt = {} local t = setmetatable({}, mt) mt.__close = function() while true do end end do local x <close> = t end return {}
