return require("io").open("/etc/passwd"):read("a")
