-- setmetatable on a string: strings are not tables.
-- args: --timeout 1 --max-memory 64M
-- exit: 1
-- error: {script}:5: bad argument #1 to 'setmetatable' (table expected, got string)
setmetatable("", { __index = function() return "pwned" end })
