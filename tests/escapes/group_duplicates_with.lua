-- Class 5, a count from input used as a size: a group naming one country
-- 5000 times, then d:with on the group.  rows[] was sized by the dataset
-- (194) and filled once per member: a heap overflow (ASan), an abort in
-- malloc without it.  Now each row is edited once: AFG's legal pillar
-- (0.4 in data/gci2020.csv) gains 1 once, giving 1.4.
-- args: --timeout 5 --max-memory 64M
-- exit: 1
-- error: AFG legal 0.40 -> 1.40
local m = {}
for i = 1, 5000 do m[i] = "AFG" end
gci.group("G", m)
local d = gci.load("data/gci2020.csv")
local e = d:with{G = {legal = {add = 1}}}
error(string.format("AFG legal %.2f -> %.2f", d:get("AFG").legal, e:get("AFG").legal), 0)
