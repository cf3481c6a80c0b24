-- Question: which uncertain input drives the instability of GCI 2020 ranks:
-- the weight of one of the five pillars (each +-25%) or the choice between
-- arithmetic and geometric aggregation?  First-order (S) and total-effect
-- (ST) Sobol indices of the mean absolute rank shift, with bootstrap
-- 5-95% intervals.
local d = gci.load("data/gci2020.csv")
return d:sensitivity{
  perturb = 0.25, n = tonumber(arg[1]) or 4000, seed = 1,
  methods = {"arithmetic", "geometric"}, boot = 500,
}
