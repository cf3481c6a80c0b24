-- Exercise 02: rank, with ties.
--
-- Task: rank the GCI 2020 countries on their scores recomputed from the
-- pillars (d:score()), as the GCI does: descending, on scores rounded to 2
-- decimals, with dense ties (1, 2, 2, 3: countries with equal scores share
-- a rank, and the next rank follows without a gap).  Then find
--   answers.rank         Croatia's ("HRV") rank
--   answers.shared_with  the ISO3 code of the other country with that rank
--   answers.competition  Croatia's rank under the competition rule instead
--                        (1, 2, 2, 4: after a tie, ranks skip ahead)
--
-- API: r:rank("HRV") (dense by default), r:rank("HRV", {ties = "competition"}),
-- r:rows() (the rows in rank order, each with iso3, country, score, rank).
-- README.md: "The Lua API by example" (results) and "Methodology" (Ranks).
--
-- Replace each ___, then: gcisim check scripts/teaching/02_rank.lua [--hint]
exercise "02-rank"

local d = gci.load("data/gci2020.csv")

-- Step 1: the scores.
local r = ___                        -- d:score()

-- Step 2: Croatia's rank.
answers.rank = ___                   -- r:rank(...)

-- Step 3: go through the rows in rank order and keep the country that has
-- Croatia's rank but is not Croatia.
local other = nil
for row in r:rows() do
  if ___ then                        -- row.rank == answers.rank and row.iso3 ~= ...
    other = row.iso3
  end
end
answers.shared_with = other

-- Step 4: the same rank with another tie rule.
answers.competition = ___            -- r:rank(..., {ties = ...})
