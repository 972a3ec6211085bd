return loadfile("/etc/passwd")()
