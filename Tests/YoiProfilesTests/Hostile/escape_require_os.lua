-- expect: E-LUA-RUNTIME
local os = require("os") os.execute("touch /tmp/yoi-hostile-req") return {}
