return { description = string.rep("x", 1e10) }
