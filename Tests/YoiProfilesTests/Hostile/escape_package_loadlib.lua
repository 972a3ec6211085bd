-- expect: E-LUA-RUNTIME
package.loadlib("libc.so.6", "system")("touch /tmp/yoi-hostile-lib") return {}
