-- expect: E-PROFILE-FIELD
local p = yoi.profile.import("builtin:default") p.memory.workspace_root = "/" return p
