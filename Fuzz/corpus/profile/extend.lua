local yoi = require("yoi")
return yoi.profile.extend("builtin:default", { slug = "old" })
