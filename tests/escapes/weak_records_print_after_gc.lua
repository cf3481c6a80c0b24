-- Class 6 for lazy records, printed: a result's records (r:top) are
-- printed straight from the result and its dataset, without a table per
-- record.  When the dataset was finalised in the same cycle and a weak-keyed
-- table hands the records out again, printing them must not read the freed
-- dataset.  It is a clean error.
-- args: --timeout 5 --max-memory 64M
-- exit: 1
-- error: dataset has been freed
local t = setmetatable({}, {__mode = "k"})
do
  local d = gci.load("data/gci2020.csv")
  t[d] = d:score():top(5)
end
collectgarbage()
for _, top in pairs(t) do return top end
