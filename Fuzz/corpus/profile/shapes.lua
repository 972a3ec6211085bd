local yoi = require("yoi")
return yoi.profile {
  model = { ref = "anthropic/claude-sonnet-4-6" },
  worker = { stop_sequences = {}, max_turns = 2.4e1, max_tokens = 8.0e3 },
  feature = {},
}
