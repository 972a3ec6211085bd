return require("yoi.fs")
