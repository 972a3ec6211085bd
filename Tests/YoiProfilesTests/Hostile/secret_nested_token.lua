-- expect: E-PROFILE-SECRET
local p = yoi.profile.import("builtin:default") p.web.search.token = "CANARY-hostile-4" return p
