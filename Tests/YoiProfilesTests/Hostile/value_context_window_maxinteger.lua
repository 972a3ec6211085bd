-- expect: E-PROFILE-FIELD
-- context_window = math.maxinteger with a ratio of 1.0 trapped converting the product
local p = yoi.profile.import("builtin:default")
p.model = { ref = "anthropic/claude-sonnet-4-6", context_window = math.maxinteger }
p.compaction = yoi.compact.ratio { threshold = 1.0 }
return p
