-- expect: E-PROFILE-FIELD
local p = yoi.profile.import("builtin:default") p.pod = { name = "root" } return p
