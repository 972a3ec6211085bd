local yoi = require("yoi")
return yoi.profile {
  model = yoi.models.catalog("anthropic/claude-sonnet-4-6"),
  worker = {
    max_turns = -1,
    temperature = "hot",
    stop_sequences = { "END", 3 },
    reasoning = "extreme",
  },
  feature = { task = { enabled = "yes" } },
}
