-- expect: E-LUA-RUNTIME
local function f(n) return f(n + 1) + 1 end return { worker = { max_turns = f(1) } }
