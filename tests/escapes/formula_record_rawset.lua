-- Class 9, a value that should be read-only: a formula's record c was a
-- table, so rawset(c, ...) (or a write through pairs) changed it, and the
-- change persisted into later formulas and the dataset.  c is now a
-- read-only proxy (a userdata): rawset has no table to write to.
-- args: --timeout 5 --max-memory 64M
-- exit: 1
-- error: {script}:9: bad argument #1 to 'rawset' (table expected, got userdata)
local d = gci.load("data/gci2020.csv")
local r = d:score(function(c) rawset(c, "legal", 0); return c.legal end)
