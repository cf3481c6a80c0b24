-- Metatables on shared types (numbers, nil, functions) need debug.setmetatable.
-- args: --timeout 1 --max-memory 64M
-- exit: 1
-- error: {script}:5: attempt to index a nil value (global 'debug')
debug.setmetatable(0, { __index = function() return "pwned" end })
