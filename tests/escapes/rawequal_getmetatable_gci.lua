-- Replacing gci's dataset methods through its metatable: it is protected.
-- args: --timeout 1 --max-memory 64M
-- exit: 1
-- error: {script}:8: bad argument #1 to 'setmetatable' (table expected, got gci.dataset)
local d = gci.load("data/gci2020.csv")
local mt = getmetatable(d)
assert(mt == "gci.dataset", tostring(mt))
setmetatable(d, {})
