collectgarbage("collect") return {}
