-- Answer key of 03_reweight.lua: Viet Nam with the technical pillar
-- weighted double (scores rescaled to 100): score, rank and places moved.
local d = gci.load("data/gci2020.csv")
local w = {legal = 1, technical = 2, organizational = 1, capacity = 1, cooperation = 1}
local r = d:score{weights = w, scale = 100}
local raw = d:score{weights = w}
local equal = d:score()
local before, after = equal:rank("VNM"), r:rank("VNM")
return {
  title = "re-weight",
  {name = "score", kind = "score", value = r:score("VNM"),
   hint = 'r = d:score{weights = weights, scale = 100}, then r:score("VNM")',
   mistakes = {
     {value = raw:score("VNM"), says = "that is the weighted sum before rescaling: add scale = 100 to d:score{...}"},
     {value = equal:score("VNM"), says = "that is the score with equal weights: did technical get weight 2, and did you pass weights = weights?"},
     {value = d:get("VNM").score, says = "that is the published score: compute it with d:score{weights = ..., scale = 100}"},
   }},
  {name = "rank", kind = "rank", value = after,
   hint = 'r:rank("VNM") on the re-weighted scores',
   mistakes = {
     {value = before, says = "that is the rank with equal weights: rank the re-weighted scores r"},
     {value = r:rank("VNM", {ties = "competition"}), says = "that is the competition rank; the GCI ranks densely (r:rank's default)"},
     {value = d:get("VNM").rank, says = "that is the published rank: rank the re-weighted scores r"},
   }},
  {name = "change", kind = "rank", value = before - after,
   hint = "places moved up = rank before - rank after (rank 1 is the top, so a smaller rank is better)",
   mistakes = {
     {value = after - before, says = "the sign is reversed: moving up (to a smaller rank) is positive, so compute before - after"},
     {value = d:get("VNM").rank - after, says = "that compares with the published rank; compare with the rank under equal weights, d:score()"},
     {value = 0, says = "0 would mean Viet Nam keeps its rank, but it moves: before is its rank under equal weights, d:score(), after the re-weighted one"},
   }},
}
