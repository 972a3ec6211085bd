return require("lib/../../../etc/passwd")
