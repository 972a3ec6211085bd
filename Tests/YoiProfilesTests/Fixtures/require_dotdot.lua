return require("..secret")
