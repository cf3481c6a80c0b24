local r = gci.load("data/gci2020.csv"):column("score")
local t = {}
for _, ties in ipairs{"dense", "competition", "ordinal", "fractional"} do
  t[#t + 1] = {iso3 = ties, rank = r:rank("CHN", {ties = ties, digits = 3})}
end
for row in r:rows() do if row.rank > 3 then break end end
return gci.records(t, {"iso3", "rank"}), r:tiers{95, 85, 55, 20}, gci.tier(50, {95, 85, 55, 20})
