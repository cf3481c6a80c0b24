-- Recursion through C (string.gsub calling back into Lua): C stack overflow.
-- args: --timeout 10 --max-memory 64M
-- exit: 1
-- error: C stack overflow
local function f(s) return (s:gsub(".", f)) end
return f("x")
