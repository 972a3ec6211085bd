-- expect: E-LUA-RUNTIME
error("leaking sk-CANARYhostile5 through an error")
