-- expect: E-PROFILE-FIELD
local p = yoi.profile.import("builtin:default") p.scope = { intent = "workspace_write", allow = { { target = "/", permission = "write" } } } return p
