-- Question: how robust is each country's GCI 2020 rank when the pillar
-- weights are uncertain (each equal weight varies uniformly by +-25%) and
-- the aggregation may be arithmetic or geometric?  The JRC audit recipe:
-- nominal rank, median and 5-95% interval of the rank over the draws.
--
-- Run with more draws for publication-grade intervals, e.g.
--   ./gcisim run scripts/uncertainty.lua 1000000
-- and spread a large study over machines with --shard I/N and gcisim merge.
local d = gci.load("data/gci2020.csv")
local n = tonumber(arg[1]) or 100000
return d:uncertainty{
  weights = {legal = 1, technical = 1, organizational = 1, capacity = 1, cooperation = 1},
  perturb = 0.25, n = n, seed = 1,
  methods = {"arithmetic", "geometric"},
  digits = 2, ties = "dense",
}
