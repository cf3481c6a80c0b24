local d = gci.load("data/gci2020.csv")
local r = d:score(function(c) return c.legal * 2 + (c.technical or 0) end)
return {#d, d:pillars(), d:get("VNM"), r:ranked{ties = "ordinal"}:rank("VNM"), d:without{"legal"}:score{method = "geometric", offset = 1}}
