-- Doubling a string until memory runs out, catching each error.
-- args: --timeout 10 --max-memory 64M
-- exit: 81
-- error: {script}:{line}: memory limit: the script needed more than 64 MiB (--max-memory)
local s = "x"
while true do pcall(function() s = s .. s end) end
