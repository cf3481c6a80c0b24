-- Question: if Viet Nam's technical pillar reached 20 (from 16.31) in GCI
-- 2020, what would its score be, its global rank, its rank within ASEAN,
-- and which countries would it overtake?
--
-- Scores are the sums of the pillars (the published Table 3 score of Viet
-- Nam, 94.59, is swapped with Sweden's; its pillars sum to 94.55).
local d = gci.load("data/gci2020.csv")
gci.group("ASEAN", {"BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "VNM"})

local before = d:score()
local after = d:with{VNM = {technical = 20}}:score()

print(string.format("Viet Nam: score %.2f -> %.2f, global rank %d -> %d, ASEAN rank %d -> %d",
  before:score("VNM"), after:score("VNM"), before:rank("VNM"), after:rank("VNM"),
  before:rank("VNM", {group = "ASEAN"}), after:rank("VNM", {group = "ASEAN"})))

-- Overtaken: scored above Viet Nam before, below it after (rounded to 2 decimals).
local round = function(x) return math.floor(x * 100 + 0.5) / 100 end
local overtaken = {}
for _, row in ipairs(gci.compare(before, after)) do
  if row.iso3 ~= "VNM"
     and round(row.score_before) > round(before:score("VNM"))
     and round(row.score_after) < round(after:score("VNM")) then
    overtaken[#overtaken + 1] = row
  end
end
print(string.format("it overtakes %d countries:", #overtaken))
return gci.records(overtaken, {"iso3", "country", "score_before", "rank_before", "rank_after"})
