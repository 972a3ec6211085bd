-- expect: E-PROFILE-FIELD
local p = yoi.profile.import("builtin:default") p.skills = { directories = { "/etc" } } return p
