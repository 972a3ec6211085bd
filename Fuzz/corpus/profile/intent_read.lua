local yoi = require("yoi")
local p = yoi.profile.import("builtin:default")
p.scope = yoi.scope.workspace_read { deny_write = { ".git", "secrets" } }
p.delegation_scope = yoi.scope.workspace_read()
return p
