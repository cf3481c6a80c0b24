-- __gc hidden behind an __index metamethod on the metatable itself.
-- args: --timeout 1 --max-memory 64M
-- exit: 1
-- error: finalizer did not run
local mt = setmetatable({}, { __index = { __gc = function() while true do end end } })
setmetatable({}, mt)
collectgarbage()
error("finalizer did not run", 0)
