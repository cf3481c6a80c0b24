-- Class 10, an unchecked numeric option: d:uncertainty{offset = 1e308}
-- overflowed a float-to-int64 cast in the uncertainty module (UBSan) and
-- ranked every country 1.  Every numeric option now has one documented
-- finite range, checked in one place (lua/lopts.c), and the core saturates
-- the cast behind it.
-- args: --timeout 5 --max-memory 64M
-- exit: 1
-- error: {script}:10: uncertainty: option 'offset' must be a number from 0 to 1000000
local d = gci.load("data/gci2020.csv")
return d:uncertainty{offset = 1e308, n = 10}
