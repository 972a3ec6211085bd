io.popen("touch /tmp/yoi-hostile-popen") return {}
