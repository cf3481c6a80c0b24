-- Chart: the five GCI 2020 pillars of Viet Nam, Sweden and the Republic of
-- Korea, each bar against the pillar's maximum (20).
--   gcisim run scripts/charts/profile.lua DIR --allow-write DIR
local dir = arg[1] or "."
local d = gci.load("data/gci2020.csv")
for _, ext in ipairs{"svg", "png"} do
  gci.plot(d, dir .. "/profile." .. ext, {countries = {"VNM", "SWE", "KOR"},
                                          title = "GCI 2020 pillar profile"})
end
return {d:get("VNM"), d:get("SWE"), d:get("KOR")}
