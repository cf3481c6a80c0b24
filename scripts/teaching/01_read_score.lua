-- Exercise 01: read a score.
--
-- Task: for Finland (ISO3 code "FIN") in the GCI 2020 data, find
--   answers.capacity     its capacity development pillar, as published
--   answers.published    its overall score, as published
--   answers.recomputed   its score computed by gcisim from the five pillars
-- (For Finland the last two differ: data/README.md says why.)
--
-- API: gci.load(FILE) gives the dataset d; d:get("FIN") gives Finland's row
-- as a table whose fields are the CSV's columns (legal, technical, ...,
-- score); d:score() computes every country's score from its pillars, and
-- r:score("FIN") reads Finland's.  README.md: "The Lua API by example".
--
-- Replace each ___ with an expression, then check your answers with
--   gcisim check scripts/teaching/01_read_score.lua
-- and add --hint for a hint on those that are not right yet.
exercise "01-read-score"

local d = gci.load("data/gci2020.csv")

-- Step 1: Finland's row of the data.
local fin = ___                  -- d:get(...)

-- Step 2: two of its fields.
answers.capacity = ___           -- fin.??? (print(fin.capacity) to look)
answers.published = ___

-- Step 3: let gcisim compute every score, then read Finland's.
local r = ___                    -- d:score()
answers.recomputed = ___         -- r:score(...)
