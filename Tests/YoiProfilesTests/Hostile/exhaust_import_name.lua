-- expect: E-LUA-RUNTIME
-- yoi.profile.import with a 30 MB name: the "did you mean" edit distance ran in Swift
local function big(n) local s = "a" while #s < n do s = s .. s end return s end
return yoi.profile.import(big(30e6))
