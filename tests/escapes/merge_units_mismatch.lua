-- Class 5, a count from a file trusted (via: merge): a shard whose header
-- says "units 2" but whose partial says "n 194" made gcisim merge read
-- past its key list (a segfault).  Every count is checked against the
-- others, with file:line.  The test writes the shard of this script
-- (--shard 0/1) and cuts its unit list to 2.
-- via: merge
-- exit: 65
-- error: {shard}:7:1: the partial has n 194 units, but line 2 says 'units 2'
return gci.load("data/gci2020.csv"):uncertainty{n = 100, seed = 1}
