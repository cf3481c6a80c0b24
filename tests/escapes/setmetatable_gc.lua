-- A __gc finalizer runs with hooks off: an infinite loop there escapes the limits.
-- args: --timeout 1 --max-memory 64M
-- exit: 1
-- error: {script}:5: setmetatable: __gc metamethods are not allowed in the sandbox
setmetatable({}, { __gc = function() while true do end end })
