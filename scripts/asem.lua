-- asem.lua: How do the 51 ASEM countries rank on COINr's ASEM Sustainable
-- Connectivity index, built with the example pipeline of data/asem/SOURCES.md
-- (denominate, impute by EurAsia_group mean, screen at 90% data availability,
-- winsorise outliers, min-max 0-100, arithmetic means), and on its two
-- sub-indices and eight pillars?
local d = gci.load("data/asem/ASEM_iData.csv", {key = "uCode", name = "uName", na = {"NA"}})
local ix = gci.index_meta("data/asem/ASEM_iMeta.csv")
local res = ix:compute(d, {
  denominate = true,
  impute = "group_mean", group = "EurAsia_group",
  screen = 0.9,
  treat = true,
  normalise = {"minmax", 0, 100},
  agg = "arithmetic",
})

local pillars = {}
for _, n in ipairs(res:levels()) do
  if n.level == 2 then pillars[#pillars + 1] = n.code end
end
local columns = {"uCode", "country", "Index", "Index_rank", "Conn", "Sust"}
for _, p in ipairs(pillars) do columns[#columns + 1] = p end

local rows = {}
for _, r in ipairs(res:node("Index")) do       -- screened-in units, in rank order
  local row = {uCode = r.uCode, country = r.country, Index = r.score, Index_rank = r.rank}
  for i = 5, #columns do row[columns[i]] = res:score(columns[i], r.uCode) end
  rows[#rows + 1] = row
end
return gci.records(rows, columns)
