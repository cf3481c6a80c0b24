-- Chart: how certain the GCI 2020 ranks of the top 30 are, JRC style:
-- nominal rank, median and 5-95% interval of the rank when each equal
-- pillar weight varies by +-25% and the mean may be arithmetic or
-- geometric (the recipe of scripts/uncertainty.lua, 100000 draws, seed 1).
--   gcisim run scripts/charts/intervals.lua DIR --allow-write DIR
local dir = arg[1] or "."
local d = gci.load("data/gci2020.csv")
local u = d:uncertainty{
  weights = {legal = 1, technical = 1, organizational = 1, capacity = 1, cooperation = 1},
  perturb = 0.25, n = 100000, seed = 1, methods = {"arithmetic", "geometric"},
  digits = 2, ties = "dense",
}
for _, ext in ipairs{"svg", "png"} do
  gci.plot(u, dir .. "/intervals." .. ext, {top = 30, title = "GCI 2020: rank uncertainty of the top 30"})
end
return u
