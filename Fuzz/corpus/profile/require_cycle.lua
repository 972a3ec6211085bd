local x = require("lib.cycle_a")
return {}
