os.execute("touch /tmp/yoi-hostile-os") return {}
