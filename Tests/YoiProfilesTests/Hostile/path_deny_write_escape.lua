-- expect: E-PROFILE-FIELD
local p = yoi.profile.import("builtin:default") p.scope = yoi.scope.workspace_write { deny_write = { "../../etc" } } return p
