-- Question: what are the scores and ranks with every pillar weighted
-- equally (the GCI's own rule), rescaled so that all pillars at their
-- maximum score 100?  Runs over whatever dataset the batch gives it.
local d = gci.dataset()
return d:score{scale = 100}
