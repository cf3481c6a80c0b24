-- asem.lua: How do the 51 ASEM countries rank on COINr's ASEM Sustainable
-- Connectivity index, built exactly as COINr's build_example_coin() builds
-- it (R/examples.R): denominate; impute by EurAsia_group mean; screen units
-- below 90% data availability (on the imputed data, so all 51 stay);
-- winsorise outliers (up to 5 points, else log); min-max 0-100;
-- arithmetic means up the tree - and on its two sub-indices and eight
-- pillars?  Ranks are COINr get_results' (min ties on exact scores).
local d = gci.load("data/asem/ASEM_iData.csv", {key = "uCode", name = "uName", na = {"NA"}})
local ix = gci.index_meta("data/asem/ASEM_iMeta.csv")
local res = ix:compute(d, {
  steps = {
    "denominate",                                      -- Denominate(dset = "Raw")
    {"impute", "group_mean", group = "EurAsia_group"}, -- Impute(f_i = "i_mean_grp")
    {"screen", 0.9},                                   -- Screen(dat_thresh = 0.9, "byNA")
    {"treat", points = 5},                             -- Treat(winmax = 5)
  },
  normalise = {"minmax", 0, 100},                      -- Normalise(n_minmax, c(0, 100))
  agg = "arithmetic",                                  -- Aggregate(f_ag = "a_amean")
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
