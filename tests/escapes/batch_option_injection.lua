-- Class 1, option injection (via: batch).  A manifest line
--   --trusted data.csv evil.lua
-- with a file named --trusted beside it (also sub/../--trusted) made the
-- job's argv start with "--trusted": the child parsed it as the option,
-- took evil.lua (this file) from after "--" as the script, and ran it with
-- io and os.  Now a job is run from data (gs_run), never from an argv: the
-- empty file --trusted is the script, evil.lua only its argument; this
-- file never runs, and no file ESCAPED appears.
-- via: batch
-- exit: 0
-- error: gcisim batch: 2 jobs, 2 ok (0 kept by --resume), 0 failed; summary in out/summary.csv
local f = io and io.open("ESCAPED", "w")
if f then f:write("escaped") f:close() end
error("evil.lua ran", 0)
