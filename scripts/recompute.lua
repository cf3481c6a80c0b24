-- Question: which countries' published GCI 2020 score differs from the sum
-- of their five published pillar scores by more than 0.01?
--
-- The ITU's Table 3 swaps the scores of five adjacent pairs and Finland's
-- profile pillars do not add up to its score (see data/README.md); summing
-- 2-decimal pillars can also differ from the score by rounding (0.01).
local d = gci.load("data/gci2020.csv")
local sums = d:score()                 -- weights of 1: the GCI sum of the pillars
local out = {}
for c in d:countries() do
  local s = sums:score(c.iso3)
  local diff = c.score - s
  if math.abs(diff) > 0.01 + 1e-9 then
    out[#out + 1] = {iso3 = c.iso3, country = c.name, published = c.score,
                     pillar_sum = math.floor(s * 100 + 0.5) / 100,
                     difference = math.floor(diff * 100 + 0.5) / 100}
  end
end
table.sort(out, function(a, b) return a.published > b.published end)
return gci.records(out, {"iso3", "country", "published", "pillar_sum", "difference"})
