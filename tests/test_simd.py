"""The AVX-512 loops and the portable ones give the same numbers.  The
draw loop: d:uncertainty over GCI
2020 under every tie rule, both aggregations, whole and exact digits, an
offset and unequal weights, run with the AVX-512 loops (where the
processor has them) and with GCISIM_SIMD=0 (the portable loops), must
print the same per-unit statistics (median, 5th and 95th percentile,
mean, within3: they are read off the full rank histograms, so one count
moved changes them) and the same mean rank shift.  On a machine without
AVX-512 both runs take the portable loops and the test still checks that
the switch changes nothing.  The grid scan: r:explain's step and gains on
a generated file whose one value with three decimals is in a late block,
on GCI 2024 (unrounded, so 6 decimals and off the grid) and GCI 2020.
"""
import json
import os
import subprocess

from gstest import GCISIM, TMP, check, done

SCRIPT = r"""
local d = gci.load("data/gci2020.csv")
local out = {}
for _, ties in ipairs{"dense", "competition", "ordinal", "fractional"} do
  for _, c in ipairs{
    {agg = {"arithmetic", "geometric"}, digits = 2},
    {agg = {"geometric"}, digits = 3, offset = 0.5},
    {agg = {"arithmetic"}, digits = -1},
    {agg = {"arithmetic", "geometric"}, digits = 0, weights = {legal = 0.5, technical = 2, cooperation = 0}},
  } do
    local u = d:uncertainty{n = 3000, seed = 7, ties = ties, agg = c.agg, digits = c.digits,
                            offset = c.offset, weights = c.weights, threads = 2}
    local rows = {}
    for i = 1, #u do
      local r = u[i]
      rows[#rows + 1] = string.format("%s %s %s %s %.17g %.17g", r.iso3, r.median, r.p05, r.p95, r.mean, r.within3)
    end
    out[#out + 1] = ties .. " " .. table.concat(c.agg, "+") .. " " .. c.digits .. " " ..
      string.format("%.17g", u.mean_abs_shift or 0) .. "\n" .. table.concat(rows, "\n")
  end
end
print(table.concat(out, "\n\n"))
print()
-- explain's grid (the decimals of the data, scanned eight values at a time
-- with AVX-512): a generated file whose one finer value sits late, GCI 2024
-- (published unrounded) and GCI 2020
for _, path in ipairs{arg[1], "data/gci2024.csv", "data/gci2020.csv"} do
  local dd = gci.load(path)
  local r = dd:score()
  for _, row in ipairs{dd:countries()(), r[#r // 2], r[#r]} do
    local e = r:explain(row.iso3)
    local line = {string.format("%s %s step %.17g", path, row.iso3, e.step)}
    for i = 1, #e do line[#line + 1] = tostring(e[i].gain) end
    print(table.concat(line, " "))
  end
end
"""


GRID = os.path.join(TMP, "grid.csv")
with open(GRID, "w") as f:
    f.write("iso3,country,legal,technical,organizational,capacity,cooperation\n")
    for i in range(3000):
        v = [((i * 37 + j * 101) % 2001) / 100 for j in range(5)]
        if i == 2500:
            v[3] = 7.125  # the one value with three decimals, in a late block
        f.write("U%04d,U,%s\n" % (i, ",".join("%.3f" % x if x == 7.125 else "%.2f" % x for x in v)))


def run(env_extra):
    path = os.path.join(TMP, "simd.lua")
    with open(path, "w") as f:
        f.write(SCRIPT)
    env = dict(os.environ)
    env.pop("GCISIM_SIMD", None)
    env.update(env_extra)
    p = subprocess.run(GCISIM + ["run", path, GRID, "--quiet"], capture_output=True, text=True, env=env)
    return p.returncode, p.stdout, p.stderr


rc1, fast, err1 = run({})
rc2, portable, err2 = run({"GCISIM_SIMD": "0"})
check(rc1 == 0 and rc2 == 0, "both runs succeed: %d %r / %d %r" % (rc1, err1[-300:], rc2, err2[-300:]))
blocks = fast.split("\n\n")[:16]
check(len(blocks) == 16 and all(len(b.splitlines()) == 195 for b in blocks),
      "16 runs of 194 units printed: %d blocks" % len(blocks))
steps = [l.split()[3] for l in fast.splitlines() if " step " in l]
check(len(steps) == 9 and steps[:3] == ["0.001"] * 3 and steps[6:] == ["0.01"] * 3,
      "explain's grid: 0.001 for the generated file, 0.01 for GCI 2020: %s" % steps)
check(fast == portable, "the same statistics from both loops")
if fast != portable:
    for a, b in zip(fast.splitlines(), portable.splitlines()):
        if a != b:
            print("first difference:\n  %s\n  %s" % (a, b))
            break
with open("/proc/cpuinfo") as f:
    avx512 = " avx512_vpopcntdq" in f.read()
print("note: this processor %s AVX-512 (VPOPCNTDQ)" % ("has" if avx512 else "has no"))
done()
