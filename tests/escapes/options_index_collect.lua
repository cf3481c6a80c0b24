-- Class 2, a C pointer kept across script code: gci.load read its options
-- with lua_getfield, so an option table whose __index collects garbage ran
-- script code between reading a string and using it (a use-after-free in
-- csvload's option reading under ASan).  Options are now copied with raw
-- access into a private table before C reads them (lua/lopts.h): the
-- metamethod never runs, and the load sees the defaults.
-- args: --timeout 5 --max-memory 64M
-- exit: 1
-- error: 194 countries, __index ran 0 times
local ran = 0
local opts = setmetatable({}, {__index = function(_, k) ran = ran + 1; collectgarbage(); collectgarbage(); return nil end})
local d = gci.load("data/gci2020.csv", opts)
error(string.format("%d countries, __index ran %d times", #d, ran), 0)
