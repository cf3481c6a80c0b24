-- Class 6, an object outliving what it points to: a result anchors its
-- dataset, but when both become garbage in one cycle the dataset's __gc
-- runs, and a weak-keyed table still hands out the pair until the next
-- cycle.  r:score() then dereferenced the freed dataset (NULL): a segfault.
-- Now it is a clean error.
-- args: --timeout 5 --max-memory 64M
-- exit: 1
-- error: {script}:15: dataset has been freed
local t = setmetatable({}, {__mode = "k"})
do
  local d = gci.load("data/gci2020.csv")
  t[d] = d:score()
end
collectgarbage()
for _, r in pairs(t) do return r:score("USA") end
