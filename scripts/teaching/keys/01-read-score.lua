-- Answer key of 01_read_score.lua: Finland's capacity pillar, published
-- score and recomputed score, read from the data by gcisim.
local d = gci.load("data/gci2020.csv")
local fin = d:get("FIN")
local r = d:score()
return {
  title = "read a score",
  -- capacity, not technical: Finland's legal, technical and cooperation
  -- pillars are all 20, so fin.legal would have passed for fin.technical
  {name = "capacity", kind = "score", value = fin.capacity,
   hint = 'fin = d:get("FIN") is the row; the pillar is its field: fin.capacity',
   mistakes = {
     {value = fin.legal, says = "that is the legal pillar; capacity development is the field fin.capacity"},
     {value = fin.technical, says = "that is the technical pillar; capacity development is the field fin.capacity"},
     {value = fin.organizational, says = "that is the organizational pillar; capacity development is the field fin.capacity"},
     {value = fin.cooperation, says = "that is the cooperation pillar; capacity development is the field fin.capacity"},
     {value = fin.score, says = "that is Finland's overall score, not its capacity development pillar"},
   }},
  {name = "published", kind = "score", value = fin.score,
   hint = "the published overall score is the row's field score: fin.score",
   mistakes = {
     {value = r:score("FIN"), says = "that is the score recomputed from the pillars; the published one is the field fin.score"},
     {value = fin.rank, says = "that is Finland's published rank, not its score"},
     {value = fin.capacity, says = "that is the capacity development pillar, not the overall score"},
   }},
  {name = "recomputed", kind = "score", value = r:score("FIN"),
   hint = 'r = d:score() computes every score from the pillars; r:score("FIN") reads Finland\'s',
   mistakes = {
     {value = fin.score, says = "that is the published score; d:score() recomputes it from the pillars, and for Finland the two differ (data/README.md)"},
     {value = r:rank("FIN"), says = "that is Finland's recomputed rank: r:score gives the score"},
   }},
}
