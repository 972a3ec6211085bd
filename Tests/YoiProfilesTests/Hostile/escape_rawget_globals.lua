-- expect: E-LUA-RUNTIME
local os = rawget(_G, "os") or rawget(_ENV, "os") return os.getenv("HOME")
