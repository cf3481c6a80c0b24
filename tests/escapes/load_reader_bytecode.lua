-- A reader function handing load a binary chunk piece by piece.
-- args: --timeout 1 --max-memory 64M
-- exit: 1
-- error: attempt to load a binary chunk (mode is 't')
local parts = { "\27Lua", "\84\0\25\147\13\10\26\10" }
local i = 0
local f, err = load(function() i = i + 1 return parts[i] end)
assert(not f)
error(err, 0)
