-- expect: E-PROFILE-SECRET
return yoi.profile { model = { ref = "anthropic/claude-sonnet-4-6", auth = "CANARY-hostile-3" } }
