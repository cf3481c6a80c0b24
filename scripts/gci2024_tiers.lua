-- Question: do the GCI 2024 tier thresholds (>= 95 Tier 1, >= 85 Tier 2,
-- >= 55 Tier 3, >= 20 Tier 4, else Tier 5), applied to the published
-- scores, reproduce the ITU's official tier of every listed country?
--
-- The ITU lists 192 countries in tiers (not Antigua and Barbuda nor DPR
-- Korea); their scores are in the World Bank Data360 series.
local d = gci.load("data/gci2024.csv")
local r = d:column("score")
local tiers = {}
for _, row in ipairs(r:tiers{95, 85, 55, 20}) do tiers[row.iso3] = row.tier end
local rows, listed, same = {}, 0, 0
for c in d:countries() do
  local official = c.tier_official
  if official then
    listed = listed + 1
    if official == tiers[c.iso3] then same = same + 1 end
  end
  rows[#rows + 1] = {iso3 = c.iso3, country = c.name, score = c.score, tier = tiers[c.iso3],
                     tier_official = official,
                     match = official and (official == tiers[c.iso3] and "yes" or "NO") or "not listed"}
end
table.sort(rows, function(a, b) return a.score > b.score end)
print(string.format("%d of %d official tiers reproduced", same, listed))
return gci.records(rows, {"iso3", "country", "score", "tier", "tier_official", "match"})
