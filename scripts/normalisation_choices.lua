-- normalisation_choices.lua: How do the ASEM index ranks move when the
-- indicators are normalised by percentile ranks instead of min-max 0-100
-- (COINr's example pipeline, scripts/asem.lua: denomination, group-mean
-- imputation, 90% screening and arithmetic means; no outlier treatment with
-- percentile ranks, which make it unnecessary)?
local d = gci.load("data/asem/ASEM_iData.csv", {key = "uCode", name = "uName", na = {"NA"}})
local ix = gci.index_meta("data/asem/ASEM_iMeta.csv")
local steps = {"denominate", {"impute", "group_mean", group = "EurAsia_group"}, {"screen", 0.9}}
local minmax = ix:compute(d, {steps = {steps[1], steps[2], steps[3], {"treat", points = 5}},
                              normalise = {"minmax", 0, 100}})
local prank = ix:compute(d, {steps = steps, normalise = "prank"})

local rows = {}
for _, r in ipairs(minmax:node("Index")) do
  local rp = prank:rank("Index", r.uCode)
  rows[#rows + 1] = {code = r.uCode, country = r.country, rank_minmax = r.rank,
                     rank_prank = rp, change = r.rank - rp}
end
table.sort(rows, function(a, b)
  if math.abs(a.change) ~= math.abs(b.change) then return math.abs(a.change) > math.abs(b.change) end
  return a.rank_minmax < b.rank_minmax
end)
return gci.records(rows, {"code", "country", "rank_minmax", "rank_prank", "change"})
