-- expect: E-LUA-RUNTIME
os.execute("touch /tmp/yoi-hostile-os") return {}
