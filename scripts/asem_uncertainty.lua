-- Question: how robust are the ASEM connectivity index ranks to the
-- methodological choices COINr users argue about: the normalisation
-- (min-max, percentile ranks or goalposts), the imputation (group mean or
-- overall mean) and the aggregation (arithmetic or geometric mean)?
-- Nominal: the pipeline of scripts/asem.lua (COINr's build_example_coin).
local d = gci.load("data/asem/ASEM_iData.csv", {key = "uCode", name = "uName", na = {"NA"}})
local ix = gci.index_meta("data/asem/ASEM_iMeta.csv")
return ix:uncertainty(d, {
  base = {steps = {"denominate", {"impute", "group_mean", group = "EurAsia_group"},
                   {"screen", 0.9}, {"treat", points = 5}},
          normalise = {"minmax", 0, 100}},
  vary = {normalise = {{"minmax", 0, 100}, "prank", {"goalposts", 0, 100, 100}},
          impute = {"group_mean", "mean"},
          agg = {"arithmetic", "geometric"}},
  n = tonumber(arg[1]) or 10000, seed = 1,
})
