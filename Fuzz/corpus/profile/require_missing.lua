return require("lib.nothing_here")
