-- Class 2, a C pointer kept across script code: gci.load_panel read its
-- 'key' and 'name' options with lua_tostring on a stack copy and popped
-- it; a number given there became a new string held by that popped slot
-- alone, which the collector could free before the file was read (at any
-- allocation in between).  Options are strings only now,
-- read through the one option reader, anchored by the options' snapshot.
-- args: --timeout 5 --max-memory 64M
-- exit: 1
-- error: {script}:10: gci.load_panel: option 'key' must be a string, got number
local ds = gci.load_panel("data/gci2020.csv", {year = "rank", key = 1})
error("loaded with a number as the key column", 0)
