-- Exercise 03: re-weight.
--
-- Task: suppose the technical pillar counted double.  Weights: legal 1,
-- technical 2, organizational 1, capacity 1, cooperation 1, with the score
-- rescaled so that a country with every pillar at its maximum (20) scores
-- 100 (`scale = 100`).  For Viet Nam ("VNM") find
--   answers.score    its new score (0-100)
--   answers.rank     its new rank (dense, as in exercise 02)
--   answers.change   how many places it moves compared with equal weights
--                    (d:score()): positive when it moves up, negative down
--
-- API: d:score{weights = {...}, scale = 100}; r:score, r:rank.
-- README.md: "The Lua API by example" (scores) and "Methodology" (scale).
--
-- Replace each ___, then: gcisim check scripts/teaching/03_reweight.lua [--hint]
exercise "03-reweight"

local d = gci.load("data/gci2020.csv")

-- Step 1: the weights.
local weights = {legal = 1, technical = ___, organizational = 1, capacity = 1, cooperation = 1}

-- Step 2: the scores with these weights, rescaled to 100.
local r = ___                        -- d:score{weights = ..., scale = ...}

-- Step 3: Viet Nam's new score and rank.
answers.score = ___
answers.rank = ___

-- Step 4: compare with its rank under equal weights.
local before = ___                   -- the rank from d:score()
answers.change = ___                 -- moving up from 10 to 7 is +3
