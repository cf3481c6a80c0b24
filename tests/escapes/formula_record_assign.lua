-- Class 9, a value that should be read-only, second shape: plain
-- assignment to the formula's record c.  It is refused with a message
-- that says how to get a copy to change.
-- args: --timeout 5 --max-memory 64M
-- exit: 1
-- error: {script}:8: the record of USA is read-only (copy it with d:get)
local d = gci.load("data/gci2020.csv")
local r = d:score(function(c) c.legal = 0; return c.legal end)
