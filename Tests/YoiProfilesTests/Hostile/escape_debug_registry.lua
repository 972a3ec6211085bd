local r = debug.getregistry() return r
