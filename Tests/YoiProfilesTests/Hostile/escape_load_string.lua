return load("return os")()
