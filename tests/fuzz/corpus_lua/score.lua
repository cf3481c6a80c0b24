local d = gci.load("data/gci2020.csv")
local r = d:score{weights = {legal = 1, technical = 2, organizational = 1, capacity = 1, cooperation = 1}, scale = 100}
return r:top(5)
