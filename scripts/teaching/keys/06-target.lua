-- Answer key of 06_target.lua: what Viet Nam needs to enter the top 10.
local d = gci.load("data/gci2020.csv")
local t = d:target("VNM", {rank = 10})
local function row_of(pillar)
  for _, row in ipairs(t) do
    if row.pillar == pillar then return row end
  end
end
local tech, total, legal = row_of("technical"), row_of("(score)"), row_of("legal")
return {
  title = "what would it take?",
  {name = "technical", kind = "score", value = tech.alone,
   hint = 't = d:target("VNM", {rank = 10}); the technical row\'s field alone',
   mistakes = {
     {value = tech.increase, says = "that is how much the pillar must grow; the question asks for the value it must reach (its field alone)"},
     {value = tech.current, says = "that is the technical pillar today; the target needs the field alone"},
   }},
  {name = "increase", kind = "score", value = total.increase,
   hint = 'the field increase of the row whose pillar is "(score)"',
   mistakes = {
     {value = total.spread, says = "that is the score it would reach; the question asks for the increase"},
     {value = tech.alone, says = "that is the technical value needed alone; the total increase is in the \"(score)\" row"},
   }},
  {name = "legal", kind = "text", value = legal.alone,
   hint = 'the field alone of the legal row (a number, or the text "cannot")',
   mistakes = {
     {value = 20, says = "the legal pillar is already at its maximum, 20: alone it cannot raise the score (answer \"cannot\")"},
   }},
}
