-- expect: E-LUA-LIMIT
table.move({}, 1, 1e15, 1) return {}
