-- Answer key of 02_rank.lua: Croatia's dense and competition ranks on the
-- recomputed GCI 2020 scores, and the country that shares its rank.
local d = gci.load("data/gci2020.csv")
local r = d:score()
local rank = r:rank("HRV")
local other
for row in r:rows() do
  if row.rank == rank and row.iso3 ~= "HRV" then other = row.iso3 end
end
local competition = r:rank("HRV", {ties = "competition"})
return {
  title = "rank, with ties",
  {name = "rank", kind = "rank", value = rank,
   hint = 'r = d:score(), then r:rank("HRV"): the dense rank is the default',
   mistakes = {
     {value = competition, says = "that is the competition rank (1, 2, 2, 4); the GCI ranks densely (1, 2, 2, 3), as r:rank does by default"},
     {value = r:rank("HRV", {ties = "ordinal"}), says = "that is the ordinal rank (ties broken by file order); the GCI ranks densely (1, 2, 2, 3)"},
     {value = d:get("HRV").rank, says = "that is the published rank; rank the recomputed scores: r = d:score()"},
     {value = r:score("HRV"), says = "that is Croatia's score; r:rank gives its rank"},
   }},
  {name = "shared_with", kind = "iso3", value = other,
   hint = "in the loop, keep row.iso3 when row.rank == answers.rank and row.iso3 ~= \"HRV\"",
   mistakes = {
     {value = "HRV", says = "that is Croatia itself: keep the other country (row.iso3 ~= \"HRV\")"},
   }},
  {name = "competition", kind = "rank", value = competition,
   hint = 'r:rank("HRV", {ties = "competition"}): one plus the number of countries with a higher score',
   mistakes = {
     {value = rank, says = "that is the dense rank again: ask for {ties = \"competition\"}"},
     {value = competition - 1, says = "that is the number of countries ahead of Croatia; its competition rank is one more"},
     {value = r:rank("HRV", {ties = "ordinal"}), says = "that is the ordinal rank (ties broken by file order), not the competition rank"},
   }},
}
