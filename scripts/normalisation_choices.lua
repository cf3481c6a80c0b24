-- normalisation_choices.lua: How do the ASEM index ranks move when the
-- indicators are normalised by percentile ranks instead of min-max 0-100
-- (same denomination, imputation, 90% screening and arithmetic means; no
-- outlier treatment, which percentile ranks make unnecessary)?
local d = gci.load("data/asem/ASEM_iData.csv", {key = "uCode", name = "uName", na = {"NA"}})
local ix = gci.index_meta("data/asem/ASEM_iMeta.csv")
local base = {denominate = true, impute = "group_mean", group = "EurAsia_group", screen = 0.9}
local function with(extra)
  local o = {}
  for k, v in pairs(base) do o[k] = v end
  for k, v in pairs(extra) do o[k] = v end
  return o
end
local minmax = ix:compute(d, with{treat = true, normalise = {"minmax", 0, 100}})
local prank = ix:compute(d, with{normalise = "prank"})

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
