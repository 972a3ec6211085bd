return yoi.profile.import("/etc/passwd")
