-- Tries to escape, then to run forever while swallowing the limit error.
local escaped = pcall(function() os.execute("touch /tmp/yoi-hostile-escaped") end)
while true do
  pcall(function() while true do end end)
end
