-- Unbounded Lua recursion: must end as a clean "stack overflow" error.
-- args: --timeout 10 --max-memory 64M
-- exit: 1
-- error: {script}:5: stack overflow
local function f(n) return 1 + f(n + 1) end
return f(1)
