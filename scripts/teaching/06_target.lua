-- Exercise 06: what would it take?
--
-- Task: Viet Nam ("VNM") is ranked 26th on the GCI 2020 sum of its pillars.
-- What would it take to enter the top 10 (dense rank 10 or better), with
-- every other country unchanged?
--   answers.technical   the smallest value its technical pillar (now
--                       16.31) must reach, the other pillars unchanged
--   answers.increase    the smallest total increase of its score, spread
--                       over any pillars (each capped at its maximum, 20)
--   answers.legal       the same as answers.technical for the legal
--                       pillar, or the text "cannot" if the legal pillar
--                       alone cannot do it
--
-- API: d:target("VNM", {rank = 10}) returns one row per pillar (pillar,
-- current, alone, spread, increase) and a last row "(score)" for the total.
-- README.md: "Robustness: uncertainty, sensitivity, targets".
--
-- Replace each ___, then: gcisim check scripts/teaching/06_target.lua [--hint]
exercise "06-target"

local d = gci.load("data/gci2020.csv")

-- Step 1: the target.
local t = ___                        -- d:target(...)

-- Step 2: a function that finds the row of one pillar.
local function row_of(pillar)
  for _, row in ipairs(t) do
    if row.pillar == pillar then return row end
  end
end

-- Step 3: read the answers.
answers.technical = ___              -- row_of("technical").???
answers.increase = ___               -- row_of("(score)").???
answers.legal = ___
