return require("..etc.passwd")
