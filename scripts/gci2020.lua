-- Question: does gcisim's dense ranking of the published GCI 2020 scores
-- reproduce the ranks the ITU published for all 194 countries?
--
-- The GCI ranks densely on scores rounded to 2 decimals (ties share a rank,
-- the next score gets the next integer), which is gcisim's default.
local d = gci.load("data/gci2020.csv")
local r = d:column("score")            -- the published score, ranked by gcisim

local rows, same = {}, 0
for row in r:rows() do
  local published = d:get(row.iso3).rank
  row.published_rank = published
  row.match = (row.rank == published) and "yes" or "NO"
  if row.rank == published then same = same + 1 end
  rows[#rows + 1] = row
end
print(string.format("%d of %d published ranks reproduced", same, #d))
return gci.records(rows, {"iso3", "country", "score", "rank", "published_rank", "match"})
