-- An error object whose __tostring loops: gcisim's message handler calls it.
-- args: --timeout 1 --max-memory 64M
-- exit: 80
-- error: {script}:{line}: timeout: the script ran longer than 1 s (--timeout)
error(setmetatable({}, { __tostring = function() while true do end end }))
