-- Class 8, a blocking open (via: fifo): gci.index_meta on a FIFO opened it
-- with fopen and blocked until the watchdog.  Every file a script names is
-- now opened by the one helper (policy.h), which refuses a non-regular
-- file at once.  The test makes fifo.csv, a FIFO, beside this script.
-- via: fifo
-- args: --timeout 5 --max-memory 64M
-- exit: 1
-- error: {script}:11: gci.index_meta: {dir}/fifo.csv: cannot read: not a regular file
-- max-seconds: 2
local dir = arg[0]:match("^(.*)/[^/]*$")
return gci.index_meta(dir .. "/fifo.csv")
