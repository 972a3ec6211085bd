-- A profile-like table.
local list = {}
for key in pairs({ zeta = 1, alpha = 2, mid = 3 }) do list[#list + 1] = key end
print("this goes to stderr, not stdout")
return {
  description = "Careful coder",
  model = { ref = "anthropic/claude-sonnet-4-6", context_window = 2.4e5 },
  worker = { reasoning = "high", max_turns = 40, temperature = 0.5 },
  order = list,
}
