-- Chart: the GCI 2020 top 20 by score (the sum of the five pillars).
--   gcisim run scripts/charts/bars.lua DIR --allow-write DIR
local dir = arg[1] or "."
local r = gci.load("data/gci2020.csv"):score()
for _, ext in ipairs{"svg", "png"} do
  gci.plot(r, dir .. "/bars." .. ext, {top = 20, title = "GCI 2020: top 20 scores"})
end
return r:top(20)
