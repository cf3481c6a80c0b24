-- Question: what if the pillars were combined by a geometric mean (offset 1,
-- so that a pillar at 0 does not zero the score), which penalises uneven
-- profiles, rescaled to 100?  Runs over whatever dataset the batch gives it.
local d = gci.dataset()
return d:score{method = "geometric", offset = 1, scale = 100}
