-- Question: what if the technical pillar weighed double the others
-- (rescaled to 100)?  Runs over whatever dataset the batch gives it.
local d = gci.dataset()
return d:score{weights = {legal = 1, technical = 2, organizational = 1, capacity = 1, cooperation = 1},
               scale = 100}
