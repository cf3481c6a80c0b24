-- Class 5, a count from input used as a size: a group naming one country
-- 5000 times, then d:with on the group.  rows[] was sized by the dataset
-- (194) and filled once per member: a heap overflow (ASan), an abort in
-- malloc without it.  Now gci.group refuses a member listed twice (issue
-- 13: a group is a set of countries), and d:with would edit each row once
-- behind that (rows[] is filled through a seen[] mark).
-- args: --timeout 5 --max-memory 64M
-- exit: 1
-- error: {script}:12: gci.group: member 'AFG' is listed twice in 'G'
local m = {}
for i = 1, 5000 do m[i] = "AFG" end
gci.group("G", m)
local d = gci.load("data/gci2020.csv")
local e = d:with{G = {legal = {add = 1}}}
error(string.format("AFG legal %.2f -> %.2f", d:get("AFG").legal, e:get("AFG").legal), 0)
