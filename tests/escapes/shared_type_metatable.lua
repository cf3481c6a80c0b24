-- setmetatable refuses anything but tables, so numbers, booleans and
-- functions keep having no metatable.
-- args: --timeout 1 --max-memory 64M
-- exit: 1
-- error: {script}:6: bad argument #1 to 'setmetatable' (table expected, got number)
setmetatable(1, {})
