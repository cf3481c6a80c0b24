-- A binary chunk passed to load without a mode (the sandbox forces "t").
-- args: --timeout 1 --max-memory 64M
-- exit: 1
-- error: attempt to load a binary chunk (mode is 't')
local f, err = load("\27Lua\84\0\25\147\13\10\26\10\4\8\8\120\86\0\0")
assert(not f)
error(err, 0)
