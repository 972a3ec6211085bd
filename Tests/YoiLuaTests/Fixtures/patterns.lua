-- Pattern cases run both by the sandbox's bounded matcher and by the stock lua5.4
-- interpreter; the outputs must be identical.
local out = {}
local function add(...)
  local n = select("#", ...)
  local parts = {}
  for i = 1, n do parts[i] = tostring((select(i, ...))) end
  out[#out + 1] = n .. ":" .. table.concat(parts, "|")
end
local subject = "The quick brown fox, key = value; [nested [brackets]] 2024-11-23 THE END"
local patterns = {
  "quick", "q.-k", "%a+", "%d+", "(%d+)-(%d+)-(%d+)", "%s*=%s*", "(%w+)%s*=%s*(%w+)", "^The",
  "^quick", "END$", "E.D$", "%b[]", "%f[%a]%a+", "%f[%w]%d", "[%u%d]+", "[^%s]+", "[a-f]+",
  "()fox()", "(o)(.)%2", "%p", "%.", "x*", "x?", "k-e", "[%]]", "[]]", "[^]]+", "%S+$", "",
  "(b(r)(o))", "%W%w", "[%a-]+", "%x+", "%c", "%g+", ".-%s", "(h)(e)", "t?h", "[Tt]he",
}
for _, p in ipairs(patterns) do
  add("find", string.find(subject, p))
  add("find3", string.find(subject, p, 10))
  add("findneg", string.find(subject, p, -12))
  add("match", string.match(subject, p))
  add("gsub", string.gsub(subject, p, "<%0>"))
  add("gsubn", string.gsub(subject, p, "#", 2))
  local found = {}
  for a, b in string.gmatch(subject, p) do found[#found + 1] = tostring(a) .. "/" .. tostring(b) end
  add("gmatch", table.concat(found, ","))
end
add(string.find("a.b", ".", 1, true))
add(string.find("abc", "b", 10))
add(string.find("", ""))
add(string.find("abc", "", 4))
add(string.find("abc", "", 5))
add(string.match("  trim  ", "^%s*(.-)%s*$"))
add(string.gsub("hello world", "(%w+)", "%1 %1"))
add(string.gsub("hello world", "%w+", "%0 %0", 1))
add(string.gsub("abc", "", "-"))
add(string.gsub("hello", "l", { l = "L" }))
add(string.gsub("hello", "(l)", function(c) return c:upper() end))
add(string.gsub("hello", "l", function() return false end))
add(string.gsub("$name is $age", "%$(%w+)", { name = "yoi", age = 3 }))
add(string.gsub("abc", "%w", "%%"))
add(string.gsub("a,b,,c", ",", ";"))
add(string.gsub("abc", "b*", "-"))
add(string.match("2024-11-23", "(%d+)-(%d+)"))
add(string.match("key=", "(%w+)=(%w*)"))
add(string.match("hello", "()ll()"))
add(string.match("THE (quoted) text", "%((.-)%)"))
add(string.match("f(a(b)c)d", "%b()"))
add(string.match("\0abc\0", "%z") == nil)
add(string.find("a\0b", "\0", 1, true))
add(string.find("a\0b", "%z"))
add(string.match("hello world from lua", "^(%w+)"))
local words = {}
for w in string.gmatch("one two  three", "%a+") do words[#words + 1] = w end
add(table.concat(words, ","))
local pairs_found = {}
for k, v in string.gmatch("a=1, b=2, c=3", "(%w+)=(%w+)") do pairs_found[#pairs_found + 1] = k .. v end
add(table.concat(pairs_found, ","))
local positions = {}
for p in string.gmatch("abc", "()") do positions[#positions + 1] = p end
add(table.concat(positions, ","))
local from4 = {}
for w in string.gmatch("one two three", "%a+", 5) do from4[#from4 + 1] = w end
add(table.concat(from4, ","))
local errors = { "[a", "%", "(()", "%1", "(%1)", "%b", "%f", "a)", "%g(" }
for _, p in ipairs(errors) do
  local ok, message = pcall(string.find, "abc", p)
  add("error", p, ok, (tostring(message):gsub("^.-:%d+: ", "")))
end
local ok, message = pcall(string.gsub, "abc", "b", "%2")
add("gsub-error", ok, (tostring(message):gsub("^.-:%d+: ", "")))
ok, message = pcall(string.gsub, "abc", "b", "%x")
add("gsub-error2", ok, (tostring(message):gsub("^.-:%d+: ", "")))
ok, message = pcall(string.gsub, "abc", "b", function() return {} end)
add("gsub-error3", ok, (tostring(message):gsub("^.-:%d+: ", "")))
return table.concat(out, "\n")
