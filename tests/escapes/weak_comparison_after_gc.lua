-- Class 6 for lazy records: a comparison makes its records when they are
-- read, from the results (and their datasets) it anchors.  When all of
-- them become garbage in one cycle, the datasets' __gc runs while a
-- weak-keyed table still hands the comparison out; reading a record then
-- must not touch the freed datasets.  It is a clean error.
-- args: --timeout 5 --max-memory 64M
-- exit: 1
-- error: {script}:16: dataset has been freed
local t = setmetatable({}, {__mode = "k"})
do
  local d = gci.load("data/gci2020.csv")
  local r = d:score()
  t[d] = gci.compare(r, r)
end
collectgarbage()
for _, c in pairs(t) do return c[1].iso3 end
