-- require of a module other than gci (io, os, debug, a C module) must fail.
-- args: --timeout 1 --max-memory 64M
-- exit: 1
-- error: {script}:5: module 'io' not found: only 'gci' can be required in the sandbox
local io = require("io")
return io.open("/etc/passwd"):read("a")
