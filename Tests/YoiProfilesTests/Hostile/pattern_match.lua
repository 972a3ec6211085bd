return { description = string.rep("a", 10000):match("(.-)(.-)(.-)(.-)b") }
