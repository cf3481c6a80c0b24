-- Answer key of 05_uncertainty.lua: Romania's rank over 1000 weightings
-- drawn with seed 1 (weights +-25%, arithmetic or geometric mean).
local d = gci.load("data/gci2020.csv")
local u = d:uncertainty{n = 1000, seed = 1}
local rou
for _, row in ipairs(u) do
  if row.iso3 == "ROU" then rou = row end
end
local other = d:uncertainty{n = 1000, seed = 2}
local rou2
for _, row in ipairs(other) do
  if row.iso3 == "ROU" then rou2 = row end
end
return {
  title = "how sure is a rank?",
  {name = "median", kind = "rank", value = rou.median,
   hint = 'u = d:uncertainty{n = 1000, seed = 1}; the row whose iso3 is "ROU" has a field median',
   mistakes = {
     {value = rou.nominal, says = "that is the nominal rank (equal weights, no draws); the median is over the draws: rou.median"},
     {value = rou.mean, says = "that is the mean rank over the draws; the question asks for the median: rou.median"},
     {value = rou2.median, says = "that is the answer for seed 2: use seed = 1"},
   }},
  {name = "p05", kind = "rank", value = rou.p05,
   hint = "the field p05 of Romania's row",
   mistakes = {
     {value = rou.p95, says = "that is the 95th percentile (the worse end); p05 is the better end, the smaller rank"},
     {value = rou2.p05, says = "that is the answer for seed 2: use seed = 1"},
   }},
  {name = "p95", kind = "rank", value = rou.p95,
   hint = "the field p95 of Romania's row",
   mistakes = {
     {value = rou.p05, says = "that is the 5th percentile (the better end); p95 is the worse end, the larger rank"},
     {value = rou2.p95, says = "that is the answer for seed 2: use seed = 1"},
   }},
  {name = "within3", kind = "number", tol = 0.0005, value = rou.within3,
   hint = "the field within3 of Romania's row: a share between 0 and 1",
   mistakes = {
     {value = rou.within3 * 100, says = "that is a percentage: give the share between 0 and 1"},
     {value = rou2.within3, says = "that is the answer for seed 2: use seed = 1"},
   }},
}
