-- __gc added to a metatable after setmetatable: Lua marks an object for
-- finalization only if __gc is present when setmetatable runs, so the
-- finalizer must never run.  The loop would otherwise hang past the limits.
-- args: --timeout 1 --max-memory 64M
-- exit: 1
-- error: finalizer did not run
local mt = {}
setmetatable({}, mt)
mt.__gc = function() while true do end end
collectgarbage()
collectgarbage()
error("finalizer did not run", 0)
