-- Exercise 05: how sure is a rank?
--
-- Task: the GCI weighs its five pillars equally, but other weights are
-- defensible.  Draw 1000 weightings (n = 1000) with seed 1, each weight
-- varying uniformly within +-25% of 1, with the arithmetic or the geometric
-- mean (the defaults of d:uncertainty, the JRC audit recipe), and look at
-- Romania's ("ROU") rank over the draws:
--   answers.median    its median rank
--   answers.p05       the 5th percentile of its rank (the better end)
--   answers.p95       the 95th percentile (the worse end)
--   answers.within3   the share of draws within +-3 ranks of the median
--                     (a number between 0 and 1)
-- The draws are a function of the seed: the same seed gives the same
-- answer on every machine and with any number of threads.
--
-- API: d:uncertainty{n = ..., seed = ...} returns a list of rows, one per
-- country, each with iso3, country, nominal, median, mean, p05, p95,
-- within3.  README.md: "Robustness: uncertainty, sensitivity, targets" and
-- "Methodology" (Uncertainty).
--
-- Replace each ___, then: gcisim check scripts/teaching/05_uncertainty.lua [--hint]
exercise "05-uncertainty"

local d = gci.load("data/gci2020.csv")

-- Step 1: the draws.
local u = ___                        -- d:uncertainty{...}

-- Step 2: find Romania's row.
local rou = nil
for _, row in ipairs(u) do
  if row.iso3 == ___ then rou = row end
end

-- Step 3: read its statistics.
answers.median = ___                 -- rou.???
answers.p05 = ___
answers.p95 = ___
answers.within3 = ___
