-- expect: E-PROFILE-FIELD
-- The __gc refusal read mt.__gc through the metatable's own __index, which planted a looping
-- finalizer and answered nil; the finalizer then ran with hooks off while the state closed.
local mt = {}
setmetatable(mt, { __index = function(_, key)
  if key == "__gc" then rawset(mt, "__gc", function() while true do end end) end
  return nil
end })
local object = setmetatable({}, mt)
return { oops = object }
