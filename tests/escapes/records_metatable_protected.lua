-- Class 4, a shared, script-writable metatable: getmetatable(r:top(1))
-- returned the metatable every records list shared, so a script could add
-- __gc (finalizers run with hooks off: gcisim check never ended) or
-- __columns to all of them.  Each records object now has its own
-- metatable, protected by __metatable: getmetatable gives its kind, and
-- setmetatable is refused.
-- args: --timeout 5 --max-memory 64M
-- exit: 1
-- error: gci.records, setmetatable refused
local r = gci.load("data/gci2020.csv"):score()
local top = r:top(1)
local ok = pcall(setmetatable, top, {__gc = function() while true do end end})
error(string.format("%s, setmetatable %s", tostring(getmetatable(top)), ok and "worked" or "refused"), 0)
