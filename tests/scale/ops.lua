-- The operations the scale suite and the benchmarks time, on one dataset:
--   gcisim run tests/scale/ops.lua FILE [--format csv --out OUT]
-- Prints one line per operation, "op <name> <cpu seconds>" (os.clock: the
-- process's CPU time), and returns the scored result, so that writing it
-- (--out) is the CSV output timed by the caller.
local path = arg[1]
local function timed(name, f)
  local t0 = os.clock()
  local v = f()
  print(string.format("op %s %.6f", name, os.clock() - t0))
  return v
end
local d = timed("load", function() return gci.load(path, {max_size = 2^30}) end)
local n = #d
local r = timed("score_rank", function()
  local r = d:score()
  r:rank(d:countries()().iso3) -- ranks are computed on first use
  return r
end)
-- a unit in the middle of the file, and 1,000 keys spread over it: the
-- synthetic files' keys are U0000000, U0000001, ...; another file's
-- (GCI 2020) are read from it, untimed
local all = {}
if d:get("U0000000") then
  for i = 0, n - 1, math.max(1, n // 1000) do all[#all + 1] = string.format("U%07d", i) end
else
  for row in d:countries() do all[#all + 1] = row.iso3 end
end
local mid = all[#all // 2 + 1]
local keys = {}
for i = 0, 999 do keys[#keys + 1] = all[(i * 7919) % #all + 1] end
timed("get_1000", function()
  for _, k in ipairs(keys) do assert(d:get(k)) end
end)
timed("rank_1000", function()
  for _, k in ipairs(keys) do assert(r:rank(k)) end
end)
local e = timed("with", function() return d:with{[mid] = {technical = {add = 1}}, ["*"] = {legal = {mul = 0.5}}} end)
local r2 = e:score()
timed("compare", function() return gci.compare(r, r2) end)
timed("target", function() return d:target(mid, {rank = 10}) end)
timed("explain", function() return r:explain(mid) end)
print(string.format("op script_total %.6f", os.clock()))
return r
