-- Question: what would it take for Viet Nam to enter the GCI 2020 top 10?
-- For each pillar: the smallest value that alone reaches rank 10 (or that
-- it cannot); and the smallest total increase spread over the pillars,
-- each capped at 20.  Scores are pillar sums, ranked densely at 2 decimals.
local d = gci.load("data/gci2020.csv")
local t = d:target("VNM", {rank = 10})
print(string.format("Viet Nam now: rank %d", t.rank))
return t
