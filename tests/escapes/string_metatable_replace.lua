-- Replacing the shared string metatable's __index would change every
-- string method for code that runs later (and in gci's own Lua calls).
-- args: --timeout 1 --max-memory 64M
-- exit: 1
-- error: {script}:6: attempt to index a string value
getmetatable("").__index = { upper = function() return "pwned" end }
return ("x"):upper()
