local ok, first = pcall(require, "lib.broken")
return require("lib.broken")
