-- Class 10 (defence in depth in core/ua.c): offset = 1e308 made every
-- geometric score infinite, and the cast of its rounded key to int64 was
-- undefined behaviour (UBSan).  Whether the option is refused (the option
-- reader's range) or the run ends, no sanitizer report and no signal.
-- args: --timeout 10 --max-memory 64M
-- exit: 1
-- error: offset survived
local d = gci.load("data/gci2020.csv")
pcall(d.uncertainty, d, {offset = 1e308, n = 200, methods = {"geometric"}})
pcall(d.uncertainty, d, {offset = 1e300, n = 200})
error("offset survived", 0)
