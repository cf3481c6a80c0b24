-- A table growing without bound.
-- args: --timeout 10 --max-memory 64M
-- exit: 81
-- error: {script}: memory limit: the script needed more than 64 MiB (--max-memory)
local t = {}
local i = 0
while true do i = i + 1; t[i] = {i} end
