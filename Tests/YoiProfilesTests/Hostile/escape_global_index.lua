-- expect: E-LUA-RUNTIME
setmetatable(_G, { __index = function(_, k) error("no hidden global " .. k) end }) return os.time()
