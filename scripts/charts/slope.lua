-- Chart: how the top 30 of the GCI moved from the 2018 to the 2020 edition,
-- as a slope chart (risers green, fallers red).  Ranks come from each
-- edition's published scores at its own precision, matched by iso3.
--   gcisim run scripts/charts/slope.lua DIR --allow-write DIR
-- writes DIR/slope.svg and DIR/slope.png (`make charts` uses docs/charts).
local dir = arg[1] or "."
local before = gci.load("data/gci2018.csv"):column("score", {digits = 3})
local after = gci.load("data/gci2020.csv"):column("score")
local c = gci.compare(before, after)
for _, ext in ipairs{"svg", "png"} do
  gci.plot(c, dir .. "/slope." .. ext, {top = 30, before = "GCI 2018", after = "GCI 2020",
                                        title = "GCI ranks, 2018 to 2020 (top 30 of either edition)"})
end
return c:movers()
