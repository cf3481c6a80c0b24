-- Question: what if cooperation counted for nothing, the other four pillars
-- equally (rescaled to 100)?  Runs over whatever dataset the batch gives it.
local d = gci.dataset()
return d:score{weights = {legal = 1, technical = 1, organizational = 1, capacity = 1, cooperation = 0},
               scale = 100}
