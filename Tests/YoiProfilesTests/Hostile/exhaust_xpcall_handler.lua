-- expect: E-LUA-LIMIT
xpcall(function() while true do end end, function() while true do end end) return {}
