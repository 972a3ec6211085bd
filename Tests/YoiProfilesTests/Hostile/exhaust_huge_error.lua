error(string.rep("sk-secret-", 800000))
