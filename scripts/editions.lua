-- Question: how did countries' GCI ranks change from the 2018 edition to
-- the 2020 edition?  (Viet Nam: 50 to 25, up 25.)
--
-- Each edition is ranked from its own published scores with its own
-- published precision: 2018 scores are 0-1 with 3 decimals, 2020 scores
-- 0-100 with 2.  Countries in only one edition are listed at the end.
local d18 = gci.load("data/gci2018.csv")
local d20 = gci.load("data/gci2020.csv")
local before = d18:column("score", {digits = 3})
local after = d20:column("score")
return gci.compare(before, after)
