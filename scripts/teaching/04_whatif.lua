-- Exercise 04: what if?
--
-- Task: what if Viet Nam ("VNM") raised its technical pillar from 16.31 to
-- the maximum, 20, and nothing else changed anywhere?  With the GCI sum of
-- the pillars (d:score()) and dense ranks, find
--   answers.score    Viet Nam's new score
--   answers.rank     its new rank
--   answers.gained   how many places it gains (rank before - rank after)
--
-- API: d:with{VNM = {technical = 20}} gives a new dataset (d itself is
-- untouched); score it like d.  README.md: "In 30 seconds" and "The Lua API
-- by example" (scenarios).
--
-- Replace each ___, then: gcisim check scripts/teaching/04_whatif.lua [--hint]
exercise "04-whatif"

local d = gci.load("data/gci2020.csv")

-- Step 1: the scenario, and its scores.
local scenario = ___                 -- d:with{...}
local after = ___                    -- scenario:score()

-- Step 2: Viet Nam's new score and rank.
answers.score = ___
answers.rank = ___

-- Step 3: the places gained, against the scores of the data as it is.
local before = ___                   -- d:score()
answers.gained = ___
