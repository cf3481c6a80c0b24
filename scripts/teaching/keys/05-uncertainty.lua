-- Answer key of 05_uncertainty.lua: Romania's rank over 1000 weightings
-- drawn with seed 1 (weights +-25%, arithmetic or geometric mean).
local d = gci.load("data/gci2020.csv")
local function romania(opts)
  for _, row in ipairs(d:uncertainty(opts)) do
    if row.iso3 == "ROU" then return row end
  end
end
local rou = romania{n = 1000, seed = 1}
-- The draws the task's likely slips give, each with what to say.  Their
-- statistics often coincide (a median of 67 for most of them): gcisim check
-- names a slip only when the answer is that slip's value and no other's,
-- and says `otherwise` when none fits alone.
local slips = {
  {romania{n = 1000, seed = 2}, "that is the answer for seed 2: use seed = 1"},
  {romania{n = 1000, seed = 0}, "that is the answer for seed 0: use seed = 1"},
  {romania{n = 100, seed = 1}, "that is the answer for n = 100 draws: use n = 1000"},
  {romania{n = 10000, seed = 1}, "that is the answer for n = 10000 draws: use n = 1000"},
  {romania{n = 1000, seed = 1, methods = {"arithmetic"}},
   "that is with the arithmetic mean alone: leave methods out (the default draws arithmetic or geometric)"},
  {romania{n = 1000, seed = 1, methods = {"geometric"}},
   "that is with the geometric mean alone: leave methods out (the default draws arithmetic or geometric)"},
}
local function with_slips(field, list)
  for _, s in ipairs(slips) do list[#list + 1] = {value = s[1][field], says = s[2]} end
  return list
end
local otherwise = "use exactly n = 1000, seed = 1 and the default methods as the task says, and read Romania's row"
return {
  title = "how sure is a rank?",
  {name = "median", kind = "rank", value = rou.median, otherwise = otherwise,
   hint = 'u = d:uncertainty{n = 1000, seed = 1}; the row whose iso3 is "ROU" has a field median',
   mistakes = with_slips("median", {
     {value = rou.nominal, says = "that is the nominal rank (equal weights, no draws); the median is over the draws: rou.median"},
     {value = rou.mean, says = "that is the mean rank over the draws; the question asks for the median: rou.median"},
   })},
  {name = "p05", kind = "rank", value = rou.p05, otherwise = otherwise,
   hint = "the field p05 of Romania's row",
   mistakes = with_slips("p05", {
     {value = rou.p95, says = "that is the 95th percentile (the worse end); p05 is the better end, the smaller rank"},
   })},
  {name = "p95", kind = "rank", value = rou.p95, otherwise = otherwise,
   hint = "the field p95 of Romania's row",
   mistakes = with_slips("p95", {
     {value = rou.p05, says = "that is the 5th percentile (the better end); p95 is the worse end, the larger rank"},
   })},
  {name = "within3", kind = "number", tol = 0.0005, value = rou.within3, otherwise = otherwise,
   hint = "the field within3 of Romania's row: a share between 0 and 1",
   mistakes = with_slips("within3", {
     {value = rou.within3 * 100, says = "that is a percentage: give the share between 0 and 1"},
   })},
}
