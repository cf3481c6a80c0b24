-- Answer key of 02_rank.lua: China's dense and competition ranks on the
-- recomputed GCI 2020 scores, and the country that shares its rank.
local d = gci.load("data/gci2020.csv")
local r = d:score()
local rank = r:rank("CHN")
local other
for row in r:rows() do
  if row.rank == rank and row.iso3 ~= "CHN" then other = row.iso3 end
end
local competition = r:rank("CHN", {ties = "competition"})
return {
  title = "rank, with ties",
  {name = "rank", kind = "rank", value = rank,
   hint = 'r = d:score(), then r:rank("CHN"): the dense rank is the default',
   mistakes = {
     {value = competition, says = "that is the competition rank (1, 2, 2, 4); the GCI ranks densely (1, 2, 2, 3), as r:rank does by default"},
     {value = r:rank("CHN", {ties = "ordinal"}), says = "that is the ordinal rank (ties broken by file order); the GCI ranks densely (1, 2, 2, 3)"},
     {value = d:get("CHN").rank, says = "that is the published rank; rank the recomputed scores: r = d:score()"},
     {value = r:score("CHN"), says = "that is China's score; r:rank gives its rank"},
   }},
  {name = "shared_with", kind = "iso3", value = other,
   hint = "in the loop, keep row.iso3 when row.rank == answers.rank and row.iso3 ~= \"CHN\"",
   mistakes = {
     {value = "CHN", says = "that is China itself: keep the other country (row.iso3 ~= \"CHN\")"},
   }},
  {name = "competition", kind = "rank", value = competition,
   hint = 'r:rank("CHN", {ties = "competition"}): one plus the number of countries with a higher score',
   mistakes = {
     {value = rank, says = "that is the dense rank again: ask for {ties = \"competition\"}"},
     {value = competition - 1, says = "that is the number of countries ahead of China; its competition rank is one more"},
     {value = r:rank("CHN", {ties = "ordinal"}), says = "that is the ordinal rank (ties broken by file order), not the competition rank"},
   }},
}
