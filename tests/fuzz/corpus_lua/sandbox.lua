local ok, e = pcall(load, "return 1", "x", "b")
local s = setmetatable({}, {__index = function(t, k) return k end})
local co = coroutine.wrap(function(a) coroutine.yield(a .. "x") return 2 end)
pcall(string.find, "aab", ".-b")
pcall(setmetatable, {}, {__gc = print})
local t = {} for i = 1, 1000 do t[i] = ("%d"):format(i) end
return co("a"), s.q, require("gci").version, collectgarbage("count") > 0, os.time() > 0, utf8.char(233)
