-- expect: E-LUA-VALUE
return yoi.profile { description = function() end }
