-- Answer key of 04_whatif.lua: Viet Nam with its technical pillar at 20.
local d = gci.load("data/gci2020.csv")
local before = d:score()
local after = d:with{VNM = {technical = 20}}:score()
local rb, ra = before:rank("VNM"), after:rank("VNM")
return {
  title = "what if?",
  {name = "score", kind = "score", value = after:score("VNM"),
   hint = 'after = d:with{VNM = {technical = 20}}:score(), then after:score("VNM")',
   mistakes = {
     {value = before:score("VNM"), says = "that is the score before the change: score the scenario, not d"},
     {value = d:get("VNM").score + 20 - d:get("VNM").technical, says = "that starts from the published score; let gcisim recompute the sum: scenario:score()"},
     {value = d:get("VNM").score, says = "that is the published score, before the change"},
   }},
  {name = "rank", kind = "rank", value = ra,
   hint = 'after:rank("VNM") on the scenario\'s scores',
   mistakes = {
     {value = rb, says = "that is the rank before the change: rank the scenario's scores"},
     {value = after:rank("VNM", {ties = "competition"}), says = "that is the competition rank; the GCI ranks densely (r:rank's default)"},
   }},
  {name = "gained", kind = "rank", value = rb - ra,
   hint = 'd:score():rank("VNM") - after:rank("VNM")',
   mistakes = {
     {value = ra - rb, says = "the sign is reversed: places gained = rank before - rank after"},
     {value = 0, says = "0 would mean Viet Nam keeps its rank, but it moves: before is its rank on d:score(), after the scenario's"},
     {value = d:get("VNM").rank - ra, says = "that starts from the published rank; compare with the recomputed d:score() before the change"},
     {value = before:rank("VNM", {ties = "competition"}) - after:rank("VNM", {ties = "competition"}),
      says = "that counts competition ranks; use the dense ranks (r:rank's default) before and after"},
   }},
}
