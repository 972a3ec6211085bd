return require("lib.outside")
