-- Question: if the technical pillar weighed double, rescaled so that the
-- maximum is still 100, which 20 countries would move most against the
-- equal-weight ranking of GCI 2020?
local d = gci.load("data/gci2020.csv")
local equal = d:score{scale = 100}
local tech2 = d:score{weights = {legal = 1, technical = 2, organizational = 1, capacity = 1,
                                 cooperation = 1}, scale = 100}
local movers = gci.compare(equal, tech2):movers()
table.sort(movers, function(a, b)
  if math.abs(a.rank_change) ~= math.abs(b.rank_change) then
    return math.abs(a.rank_change) > math.abs(b.rank_change)
  end
  return a.iso3 < b.iso3
end)
local top = {}
for i = 1, math.min(20, #movers) do top[i] = movers[i] end
return gci.records(top, {"iso3", "country", "score_before", "rank_before", "score_after",
                         "rank_after", "rank_change"})
