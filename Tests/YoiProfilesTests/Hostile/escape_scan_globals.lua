-- expect: E-LUA-RUNTIME
for k, v in pairs(_G) do if type(v) == "table" and rawget(v, "execute") then v.execute("touch /tmp/yoi-hostile-scan") end end error("nothing to escape with")
