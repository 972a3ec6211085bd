-- expect: E-LUA-RUNTIME
io.popen("touch /tmp/yoi-hostile-popen") return {}
