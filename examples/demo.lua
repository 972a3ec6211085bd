-- A profile-like table evaluated in yoi's sandbox.
return {
  description = "Demo profile",
  model = { ref = "codex-oauth/gpt-5.5" },
  worker = { instruction = "$yoi/default", reasoning = "high" },
}
