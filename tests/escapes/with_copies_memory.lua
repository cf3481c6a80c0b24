-- Class 7, a dataset charged by rows x columns, not by its strings (via:
-- bigcsv): d:with deep-copies, so 30 copies of a CSV of long text cells
-- reached many times --max-memory.  Every byte of a dataset is charged now,
-- before a copy is made: the run stops at the limit (exit 81), and its peak
-- RSS stays within a small factor of --max-memory.  The test writes
-- big.csv (2000 rows, 3000-byte notes: 6 MB) beside this script.
-- via: bigcsv
-- args: --timeout 30 --max-memory 16M
-- exit: 81
-- error: {script}:{line}: memory limit: the script needed more than 16 MiB (--max-memory)
local dir = arg[0]:match("^(.*)/[^/]*$")
local d = gci.load(dir .. "/big.csv")
local keep = {}
for i = 1, 30 do keep[i] = d:with{K0001 = {legal = i % 20}} end
return #keep
