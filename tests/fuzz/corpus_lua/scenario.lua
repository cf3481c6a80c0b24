local d = gci.load("data/gci2020.csv")
gci.group("G", {"VNM", "THA"})
local e = d:with{VNM = {technical = 20}, G = {capacity = {add = 0.5}}, ["*"] = {cooperation = {mul = 0.9}}}
local c = gci.compare(d:score(), e:score())
return c:movers()
