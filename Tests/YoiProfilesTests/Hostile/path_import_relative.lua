-- expect: E-LUA-RUNTIME
return yoi.profile.import("../../etc/passwd.lua")
