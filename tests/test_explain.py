#!/usr/bin/env python3
"""Tests of `gcisim explain` and r:explain.

Every expected value is computed here from data/gci2020.csv with exact
decimal arithmetic (Python's decimal module): scores, dense and
competition ranks on scores rounded half up to 2 decimals, the neighbours,
and the smallest single-pillar gains by brute force over every 0.01 step
of each pillar up to its maximum.  Prints "N passed, N failed" last.
"""
import csv, json, os, re
from decimal import Decimal, ROUND_CEILING

from gstest import TMP, check, done, rank_among, round_away, run, table

PILLARS = ["legal", "technical", "organizational", "capacity", "cooperation"]
with open("data/gci2020.csv", newline="", encoding="utf-8") as f:
    ROWS = list(csv.DictReader(f))
X = {r["iso3"]: [Decimal(r[p]) for p in PILLARS] for r in ROWS}
NAME = {r["iso3"]: r["country"] for r in ROWS}
ORDER = [r["iso3"] for r in ROWS]
MAX = Decimal(20)
STEP = Decimal("0.01")


def score(x, w, scale=None):
    s = sum(wi * xi for wi, xi in zip(w, x))
    if scale:
        s = s * Decimal(scale) / (sum(w) * MAX)
    return s


def r2(s):
    return round_away(s, 2)  # exact on a Decimal


def rank_of(mine, others, ties):
    """Rank of rounded score `mine` among rounded `others` (descending)."""
    return rank_among(mine, others, None, ties)


class Case:
    def __init__(self, iso, w=(1, 1, 1, 1, 1), scale=None, ties="dense"):
        self.iso, self.w, self.scale, self.ties = iso, [Decimal(v) for v in w], scale, ties
        self.sc = {k: score(X[k], self.w, scale) for k in ORDER}
        self.rd = {k: r2(v) for k, v in self.sc.items()}
        others = [self.rd[k] for k in ORDER if k != iso]
        self.others = others
        self.rank = rank_of(self.rd[iso], others, ties)
        me = self.rd[iso]
        higher = [v for v in others if v > me]
        lower = [v for v in others if v < me]
        self.above = [k for k in ORDER if higher and k != iso and self.rd[k] == min(higher)]
        self.below = [k for k in ORDER if lower and k != iso and self.rd[k] == max(lower)]
        self.tied = [k for k in ORDER if k != iso and self.rd[k] == me]
        # brute force: every 0.01 step of each pillar alone, up to 20
        self.gain = []
        for p in range(5):
            x = list(X[iso])
            g = None
            v = x[p] + STEP
            while self.rank > 1 and v <= MAX:
                x[p] = v
                if rank_of(r2(score(x, self.w, scale)), others, ties) < self.rank:
                    g = v - X[iso][p]
                    break
                v += STEP
            self.gain.append(g)
        possible = [g for g in self.gain if g is not None]
        self.best = self.gain.index(min(possible)) if possible else None

    def args(self):
        a = ["explain", "data/gci2020.csv", self.iso]
        if any(wi != 1 for wi in self.w):
            a += ["--weights", ",".join("%s=%s" % (p, wi) for p, wi in zip(PILLARS, self.w))]
        if self.scale:
            a += ["--scale", str(self.scale)]
        if self.ties != "dense":
            a += ["--ties", self.ties]
        return a

    def factor(self):
        return Decimal(self.scale) / (sum(self.w) * MAX) if self.scale else Decimal(1)


def near(a, b, tol=1e-9):
    return a is not None and b is not None and abs(float(a) - float(b)) <= tol


def check_case(c, label):
    rc, out, err = run(c.args() + ["--format", "csv"])
    check(rc == 0, "%s: exit %d: %s" % (label, rc, err))
    rows = table(out)
    check([r["pillar"] for r in rows] == PILLARS + ["(score)"], "%s: rows %s" % (label, [r["pillar"] for r in rows]))
    if len(rows) != 6:
        return
    f = c.factor()
    total = Decimal(0)
    for p, r in enumerate(rows[:5]):
        pts = f * c.w[p] * X[c.iso][p]
        total += pts
        check(near(r["points"], pts), "%s %s: points %s, want %s" % (label, PILLARS[p], r["points"], pts))
        if c.sc[c.iso] != 0:
            check(near(r["share_pct"], 100 * pts / c.sc[c.iso]), "%s %s: share %s" % (label, PILLARS[p], r["share_pct"]))
        else:
            check(r["share_pct"] == "", "%s %s: share of a zero score is empty" % (label, PILLARS[p]))
        check(near(r["gap"], MAX - X[c.iso][p]), "%s %s: gap %s" % (label, PILLARS[p], r["gap"]))
        check(near(r["gap_points"], f * c.w[p] * (MAX - X[c.iso][p])), "%s %s: gap points %s" % (label, PILLARS[p], r["gap_points"]))
        g = c.gain[p]
        if c.rank == 1:
            check(r["gain"] == "" and r["new_rank"] == "" and r["possible"] == "false",
                  "%s %s: no gain for rank 1: %r" % (label, PILLARS[p], r["gain"]))
        elif g is None:
            check(r["possible"] == "false" and r["gain"] == "" and r["new_value"] == "",
                  "%s %s: gain %r, want not possible" % (label, PILLARS[p], r["gain"]))
        else:
            check(r["possible"] == "true" and near(r["gain"], g), "%s %s: gain %s, want %s (brute force)" % (label, PILLARS[p], r["gain"], g))
            check(near(r["new_value"], X[c.iso][p] + g), "%s %s: new value %s" % (label, PILLARS[p], r["new_value"]))
            x = list(X[c.iso]); x[p] += g
            nr = rank_of(r2(score(x, c.w, c.scale)), c.others, c.ties)
            check(r["new_rank"] == str(nr), "%s %s: new rank %s, want %d" % (label, PILLARS[p], r["new_rank"], nr))
    check(near(total, c.sc[c.iso], 1e-9), "%s: points sum to the score %s" % (label, c.sc[c.iso]))
    check(near(rows[5]["points"], c.sc[c.iso]), "%s: (score) row %s" % (label, rows[5]["points"]))
    # the footer: rank, neighbours and the best pillar, for people
    rc, out, err = run(c.args())
    foot = [l[2:] for l in out.splitlines() if l.startswith("# ")]
    check(rc == 0 and len(foot) >= 3, "%s: table footer: %s %s" % (label, out, err))
    if len(foot) < 3:
        return
    check(foot[0].startswith("%s (%s): score " % (c.iso, NAME[c.iso])) and ("; rank %d (%s ties" % (c.rank, c.ties)) in foot[0],
          "%s: first footer line %r (rank %d)" % (label, foot[0], c.rank))
    check("the sum of the points" in foot[0], "%s: footer says how the points add up" % label)
    for line, who, what in ((foot[1], c.above, "just above: "), (foot[2], c.below, "just below: ")):
        check(line.startswith(what), "%s: %r starts %r" % (label, line, what))
        if not who:
            check("none" in line, "%s: %r says none" % (label, line))
        for k in who:
            r = rank_of(c.rd[k], [c.rd[j] for j in ORDER if j != k], c.ties)
            check(("%s (%s) rank %d, score " % (k, NAME[k], r)) in line, "%s: %r lacks %s rank %d" % (label, line, k, r))
    if c.tied:
        t = [l for l in foot if l.startswith("tied with: ")]
        check(t and all(k in t[0] for k in c.tied), "%s: tied with %s: %s" % (label, c.tied, foot))
    b = [l for l in foot if l.startswith("smallest single-pillar gain")]
    if c.best is None:
        check(not b, "%s: no best pillar expected: %s" % (label, foot))
    else:
        check(b and b[0].startswith("smallest single-pillar gain to a better rank: %s +%s " % (PILLARS[c.best], c.gain[c.best].normalize())),
              "%s: best %s +%s: %s" % (label, PILLARS[c.best], c.gain[c.best], b))


low = min(ORDER, key=lambda k: (sum(X[k]), ORDER.index(k)))
CASES = [
    (Case("VNM"), "VNM"),
    (Case("SAU"), "SAU (tied with GBR)"),
    (Case("USA"), "USA (rank 1)"),
    (Case(low), "%s (last)" % low),
    (Case("VNM", w=(1, 2, 1, 1, 1)), "VNM technical x2"),
    (Case("VNM", w=(1, 2, 1, 1, 1), scale=100), "VNM technical x2, scale 100"),
    (Case("FIN", w=(2, 1, 1, 1, 0.5), scale=100), "FIN other weights, scale 100"),
    (Case("SWE", ties="competition"), "SWE competition"),
    (Case("IND"), "IND"),
]
for c, label in CASES:
    check_case(c, label)
sau = CASES[1][0]
check(sau.tied == ["GBR"] and sau.rank == 2, "SAU and GBR tie at rank 2 (the published ranks)")
check(CASES[2][0].rank == 1 and not CASES[2][0].above, "USA is first, no one above")
check(not CASES[3][0].below, "%s is last, no one below" % low)

# A pillar below its maximum that still cannot give a better rank alone:
# found here by brute force over every country, then checked in gcisim.
found = None
for k in ORDER:
    if found:
        break
    c = Case(k)
    for p in range(5):
        if X[k][p] < MAX and c.gain[p] is None and c.rank > 1:
            found = (c, p)
            break
check(found is not None, "some pillar below 20 cannot suffice alone")
if found:
    c, p = found
    check_case(c, "%s (%s cannot suffice)" % (c.iso, PILLARS[p]))

# ---- r:explain in Lua: the same numbers, and the fields ----
c = CASES[0][0]
rc, out, err = run(["--format", "csv"], """
local d = gci.load("data/gci2020.csv")
local e = d:score():explain("VNM")
local rows = {}
local function add(k, v) rows[#rows + 1] = {key = k, value = tostring(v)} end
add("rank", e.rank); add("score", e.score); add("above", e.above[1].iso3); add("above_rank", e.above[1].rank)
add("below", e.below[1].iso3); add("best", e.best.pillar); add("best_gain", e.best.gain)
add("best_rank", e.best.rank); add("step", e.step); add("n", #e); add("tech_gain", e[2].gain)
return gci.records(rows, {"key", "value"})
""")
got = {r["key"]: r["value"] for r in table(out)}
check(rc == 0, "r:explain script: %s" % err)
check(got.get("rank") == str(c.rank) and near(got.get("score"), c.sc["VNM"]), "r:explain rank/score: %s" % got)
check(got.get("above") == c.above[0] and got.get("below") == c.below[0], "r:explain neighbours: %s" % got)
check(got.get("best") == PILLARS[c.best] and near(got.get("best_gain"), c.gain[c.best]), "r:explain best: %s" % got)
check(got.get("best_rank") == str(c.rank - 1) and near(got.get("step"), 0.01) and got.get("n") == "6", "r:explain fields: %s" % got)
check(near(got.get("tech_gain"), c.gain[1]), "r:explain technical gain: %s" % got)

# the result remembers its weights, scale and rank settings (also through :ranked)
cw = Case("VNM", w=(1, 2, 1, 1, 1), scale=100, ties="competition")
rc, out, err = run(["--format", "csv"], """
local d = gci.load("data/gci2020.csv")
local r = d:score{weights = {legal = 1, technical = 2, organizational = 1, capacity = 1, cooperation = 1}, scale = 100}
return r:ranked{ties = "competition"}:explain("VNM")
""")
rows = table(out)
check(rc == 0 and len(rows) == 6, "explain after ranked: %s" % err)
if len(rows) == 6:
    for p in range(5):
        g = cw.gain[p]
        check((rows[p]["gain"] == "" and rows[p]["possible"] == "false") if g is None else near(rows[p]["gain"], g),
              "ranked/scaled %s gain %s, want %s" % (PILLARS[p], rows[p]["gain"], g))
    check(near(rows[1]["points"], Decimal(100) / 120 * 2 * X["VNM"][1]), "scaled points %s" % rows[1]["points"])
# the same through the CLI
rc, cli, err = run(cw.args() + ["--format", "csv"])
check(rc == 0 and cli == out, "CLI and r:explain print the same table")

# results whose points do not add up: a clear error
for expr, what in (("d:score(function(c) return c.legal end)", "formula"),
                   ("d:score{method = 'geometric'}", "geometric")):
    rc, out, err = run([], "local d = gci.load('data/gci2020.csv')\nreturn %s:explain('VNM')\n" % expr)
    check(rc == 1 and re.search(r"t\.lua:2: explain: a %s result has no pillar contributions" % what, err),
          "explain on %s: exit %d, %r" % (what, rc, err))
# a published column (UX finding 18): say what it is and what to do instead,
# also after :ranked
for expr in ("d:column('score')", "d:column('score'):ranked{ties = 'competition'}"):
    rc, out, err = run([], "local d = gci.load('data/gci2020.csv')\nreturn %s:explain('VNM')\n" % expr)
    check(rc == 1 and "t.lua:2: explain: d:column(\"score\") is a published column, not computed from pillar weights" in err
          and 'd:score():explain("VNM")' in err, "explain on %s: exit %d, %r" % (expr, rc, err))
# no country code: the method is named, even in a tail call (was "bad argument #2 to '?'")
for call in ("return d:score():explain()", "local e = d:score():explain(); return e", "return d:score():explain({})"):
    rc, out, err = run([], "local d = gci.load('data/gci2020.csv')\n%s\n" % call)
    check(rc == 1 and "t.lua:2: explain: needs a country code, e.g. r:explain(\"VNM\"), got " in err and "'?'" not in err,
          "%s: %r" % (call, err))
rc, out, err = run([], "local d = gci.load('data/gci2020.csv')\nreturn d:score():explain('XXX')\n")
check(rc == 1 and "t.lua:2: unknown country 'XXX'" in err, "r:explain unknown country: %r" % err)

# ---- gains on data off the 0.01 grid (UX finding 4) ----
# data/gci2024.csv publishes 15-digit pillar values.  The reference: with
# default weights and dense ranks, a better rank needs the rounded score to
# reach the next higher rounded score L among the others, i.e. an exact
# score >= L - half a unit of the last digit (half up), so the fewest steps
# are ceil((L - half - S) / step), capped at the pillar's maximum.  The grid
# is 10^-6 for 2024 (values have more than 6 decimals), 0.01 for 2020; the
# scores are rounded, by default, to the decimals the pillars are written
# with, at most 6 (2024: 6, 2020: 2).
def written_digits(rows, cap=6):
    return min(cap, max(len(r[p].split(".")[1]) if "." in r[p] else 0 for r in rows for p in PILLARS))


def ref_gains(path, iso, step):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    digits = written_digits(rows)
    q = Decimal(10) ** -digits
    def rd(v):
        return round_away(v, digits)
    xs = {r["iso3"]: [Decimal(r[p]) for p in PILLARS] for r in rows}
    sc = {k: sum(v) for k, v in xs.items()}
    me = rd(sc[iso])
    ups = [rd(v) for k, v in sc.items() if k != iso and rd(v) > me]
    out = []
    for p in range(5):
        x = xs[iso][p]
        if not ups or x >= MAX:
            out.append(None)
            continue
        need = min(ups) - q / 2 - sc[iso]
        m = max(1, (need / step).to_integral_value(rounding=ROUND_CEILING))
        g = m * step
        if x + g > MAX:
            g = MAX - x if sc[iso] + MAX - x >= min(ups) - q / 2 else None
        out.append(g)
    return out


for path, step, isos in (("data/gci2024.csv", Decimal("0.000001"), ["VNM", "IND", "BRA", "KEN", "FRA", "MNG", "AFG"]),
                         ("data/gci2020.csv", STEP, ["VNM", "IND", "BRA", "KEN", "FRA", "MNG"])):
    for iso in isos:
        rc, out, err = run(["explain", path, iso, "--format", "csv"])
        rows = table(out)
        check(rc == 0 and len(rows) == 6, "%s %s: %s" % (path, iso, err))
        want = ref_gains(path, iso, step)
        with open(path, newline="", encoding="utf-8") as f:
            xrow = [r for r in csv.DictReader(f) if r["iso3"] == iso][0]
        for p in range(min(5, len(rows))):
            # the gap is max - value, not rounded to a grid the data is not on
            check(near(rows[p]["gap"], MAX - Decimal(xrow[PILLARS[p]]), 1e-12),
                  "%s %s %s: gap %s" % (path, iso, PILLARS[p], rows[p]["gap"]))
        for p in range(min(5, len(rows))):
            g, got = want[p], rows[p]["gain"]
            if g is None:
                check(got == "" and rows[p]["possible"] == "false", "%s %s %s: gain %r, want none" % (path, iso, PILLARS[p], got))
            else:
                check(rows[p]["possible"] == "true" and got != "" and abs(Decimal(got) - g) <= Decimal("1e-12"),
                      "%s %s %s: gain %s, want %s" % (path, iso, PILLARS[p], got, g))
    # through the Lua API, as a user applies it: adding the gain, or setting
    # new_value, gives new_rank (better than now); one step less does not.
    # Default scores, and weights with a scale (other doubles, other sums).
    for opts in ("nil", "{weights = {legal = 1, technical = 2, organizational = 1, capacity = 0.7, cooperation = 1.5}, scale = 100}"):
        rc, out, err = run(["--format", "csv"], """
local d = gci.load("%s")
local opts = %s
local out = {}
for _, iso in ipairs{"%s"} do
  local e = d:score(opts):explain(iso)
  for i = 1, #e - 1 do
    local row = e[i]
    if type(row.gain) == "number" then
      local function rank(t) return d:with{[iso] = {[row.pillar] = t}}:score(opts):rank(iso) end
      out[#out + 1] = {iso3 = iso, pillar = row.pillar, rank = e.rank, new_rank = row.new_rank,
                       add = rank{add = row.gain}, set = rank(row.new_value),
                       less = row.gain > e.step and rank{add = row.gain - e.step} or e.rank}
    end
  end
end
return gci.records(out, {"iso3", "pillar", "rank", "new_rank", "add", "set", "less"})
""" % (path, opts, '", "'.join(isos)))
        got = table(out)
        check(rc == 0 and len(got) >= len(isos), "%s %s: Lua gains: %d rows, %s" % (path, opts, len(got), err))
        for r in got:
            what = "%s %s %s %s" % (path, opts, r["iso3"], r["pillar"])
            check(int(r["new_rank"]) < int(r["rank"]), "%s: new rank %s better than %s" % (what, r["new_rank"], r["rank"]))
            check(r["add"] == r["new_rank"], "%s: adding the gain gives rank %s, explain says %s" % (what, r["add"], r["new_rank"]))
            check(r["set"] == r["new_rank"], "%s: setting new_value gives rank %s, explain says %s" % (what, r["set"], r["new_rank"]))
            check(r["less"] == r["rank"], "%s: one step less gives rank %s, not %s" % (what, r["less"], r["rank"]))
rc, out, err = run(["explain", "data/gci2024.csv", "VNM"])
check("in steps of 0.000001 (the data has more decimals" in out, "2024: the footer names the grid: %s" % out[-400:])
g24 = ref_gains("data/gci2024.csv", "VNM", Decimal("0.000001"))[3]  # capacity, the only pillar below 20
check("smallest single-pillar gain to a better rank: capacity +%s " % g24.normalize() in out,
      "2024 VNM: the footer's gain in full: %s" % out[-500:])
rc, out, err = run(["explain", "data/gci2020.csv", "VNM"])
check("in steps of 0.01 (the data's grid)" in out, "2020: the footer names the grid")

# ---- neighbours and gains under every tie rule (UX finding 11) ----
# ties.csv: AAA, BBB, CCC at 10 on every pillar (score 50), DDD at 5 (25).
# Ranks by hand: dense 1,1,1,2; competition 1,1,1,4; ordinal (equal scores
# in file order) 1,2,3,4; fractional 2,2,2,4.  "Just above" is whoever
# holds the nearest better rank, "just below" the nearest worse.
HEAD = "iso3,country," + ",".join(PILLARS) + "\n"
ties1 = os.path.join(TMP, "ties.csv")
with open(ties1, "w") as f:
    f.write(HEAD + "AAA,Aaa,10,10,10,10,10\nBBB,Bbb,10,10,10,10,10\nCCC,Ccc,10,10,10,10,10\nDDD,Ddd,5,5,5,5,5\n")
# ties2.csv: DDD first in the file at 5,10,10,10,10 (45), then the three at 50.
# Any one pillar +5 (the grid is 1: whole values) brings DDD to 50; +4 to 49.
# At 50 DDD ties the three: dense 1, competition 1, ordinal 1 (first in the
# file), fractional (1+4)/2 = 2.5.  Ordinal CCC (rank 3) needs 51: +1, rank 1.
ties2 = os.path.join(TMP, "ties2.csv")
with open(ties2, "w") as f:
    f.write(HEAD + "DDD,Ddd,5,10,10,10,10\nAAA,Aaa,10,10,10,10,10\nBBB,Bbb,10,10,10,10,10\nCCC,Ccc,10,10,10,10,10\n")
NAMES = {"AAA": "Aaa", "BBB": "Bbb", "CCC": "Ccc", "DDD": "Ddd"}
# (file, rule, iso): (rank, [(above, rank)], [(below, rank)], gain, new_rank)
TIE_CASES = {
    (ties1, "dense", "AAA"): (1, [], [("DDD", 2)], None, None),
    (ties1, "dense", "BBB"): (1, [], [("DDD", 2)], None, None),
    (ties1, "dense", "DDD"): (2, [("AAA", 1), ("BBB", 1), ("CCC", 1)], [], None, None),
    (ties1, "competition", "BBB"): (1, [], [("DDD", 4)], None, None),
    (ties1, "competition", "DDD"): (4, [("AAA", 1), ("BBB", 1), ("CCC", 1)], [], None, None),
    (ties1, "ordinal", "AAA"): (1, [], [("BBB", 2)], None, None),
    (ties1, "ordinal", "BBB"): (2, [("AAA", 1)], [("CCC", 3)], 1, 1),
    (ties1, "ordinal", "CCC"): (3, [("BBB", 2)], [("DDD", 4)], 1, 1),
    (ties1, "ordinal", "DDD"): (4, [("CCC", 3)], [], None, None),
    (ties1, "fractional", "BBB"): (2, [], [("DDD", 4)], 1, 1),
    (ties1, "fractional", "DDD"): (4, [("AAA", 2), ("BBB", 2), ("CCC", 2)], [], None, None),
    (ties2, "dense", "DDD"): (2, [("AAA", 1), ("BBB", 1), ("CCC", 1)], [], 5, 1),
    (ties2, "competition", "DDD"): (4, [("AAA", 1), ("BBB", 1), ("CCC", 1)], [], 5, 1),
    (ties2, "ordinal", "DDD"): (4, [("CCC", 3)], [], 5, 1),
    (ties2, "ordinal", "AAA"): (1, [], [("BBB", 2)], None, None),
    (ties2, "ordinal", "CCC"): (3, [("BBB", 2)], [("DDD", 4)], 1, 1),
    (ties2, "fractional", "DDD"): (4, [("AAA", 2), ("BBB", 2), ("CCC", 2)], [], 5, 2.5),
}


def num(v):
    return ("%g" % v) if v is not None else ""


for (path, rule, iso), (rank, above, below, gain, new_rank) in TIE_CASES.items():
    label = "%s --ties %s %s" % (os.path.basename(path), rule, iso)
    rc, out, err = run([], """
local e = gci.load("%s"):score():ranked{ties = "%s"}:explain("%s")
local function list(t) local s = {} for _, n in ipairs(t) do s[#s + 1] = n.iso3 .. "=" .. n.rank end return table.concat(s, " ") end
print(e.rank, list(e.above), list(e.below))
""" % (path, rule, iso))
    want = "%s\t%s\t%s" % (num(rank), " ".join("%s=%s" % (k, num(r)) for k, r in above),
                           " ".join("%s=%s" % (k, num(r)) for k, r in below))
    check(rc == 0 and out.strip("\n") == want, "%s: r:explain %r, want %r %s" % (label, out, want, err))
    rc, out, err = run(["explain", path, iso, "--ties", rule])
    foot = [l[2:] for l in out.splitlines() if l.startswith("# ")]
    check(rc == 0 and len(foot) >= 3, "%s: %s" % (label, err))
    if len(foot) < 3:
        continue
    check(("; rank %s (%s ties" % (num(rank), rule)) in foot[0], "%s: %r" % (label, foot[0]))
    for line, who, what in ((foot[1], above, "just above: "), (foot[2], below, "just below: ")):
        want = "; ".join("%s (%s) rank %s, score " % (k, NAMES[k], num(r)) for k, r in who)
        got = "; ".join(re.sub(r"score [^;]*", "score ", x) for x in line[len(what):].split("; "))
        if who:
            check(line.startswith(what) and got == want, "%s: %r, want %r" % (label, line, want))
        else:
            check(line.startswith(what + "none ("), "%s: %r, want none" % (label, line))
    rc, out, err = run(["explain", path, iso, "--ties", rule, "--format", "csv"])
    rows = table(out)
    for r in rows[:5]:
        if gain is None:
            check(r["gain"] == "" and r["new_rank"] == "" and r["possible"] == "false",
                  "%s %s: gain %r, want none" % (label, r["pillar"], r["gain"]))
        else:
            check(r["possible"] == "true" and r["gain"] == num(gain) and r["new_rank"] == num(new_rank),
                  "%s %s: gain %r rank %r, want %s rank %s" % (label, r["pillar"], r["gain"], r["new_rank"], gain, new_rank))
# a shared fractional rank 2 is not "ranked first"
rc, out, err = run(["explain", ties1, "BBB", "--ties", "fractional"])
check("# just above: none (tied for first)" in out, "fractional BBB: tied for first: %r" % out)

# ---- forgiving command lines ----
# a lowercase code is the dataset's code when only one key matches ignoring case
rc, upper, err = run(["explain", "data/gci2020.csv", "VNM", "--format", "csv"])
rc2, lower, err2 = run(["explain", "data/gci2020.csv", "vnm", "--format", "csv"])
check(rc2 == 0 and lower == upper and upper, "explain vnm = explain VNM: %d %r" % (rc2, err2))
amb = os.path.join(TMP, "case.csv")
with open(amb, "w") as f:
    f.write(HEAD + "abc,Lower,10,10,10,10,10\nABC,Upper,5,5,5,5,5\n")
rc, out, err = run(["explain", amb, "Abc"])
check(rc == 64 and "unknown country 'Abc'" in err, "two keys differ only in case: no guess, %d %r" % (rc, err))
rc, out, err = run(["explain", amb, "abc", "--format", "csv"])
check(rc == 0 and table(out)[0]["value"] == "10", "the exact key wins: %r" % err)
# in Lua codes stay exact, with a hint
rc, out, err = run([], "local d = gci.load('data/gci2020.csv')\nreturn d:score():explain('vnm')\n")
check(rc == 1 and "t.lua:2: unknown country 'vnm' (not in data/gci2020.csv; did you mean 'VNM'?)" in err, "Lua hint: %r" % err)
# blanks around names and weights, as people type them
rc, spaced, err = run(["explain", "data/gci2020.csv", "VNM", "--weights", " technical = 2, legal=1 ,capacity=0.5 ", "--format", "csv"])
rc2, tight, err2 = run(["explain", "data/gci2020.csv", "VNM", "--weights", "technical=2,legal=1,capacity=0.5", "--format", "csv"])
check(rc == 0 and spaced == tight and [r["weight"] for r in table(tight)][:5] == ["1", "2", "1", "0.5", "1"],
      "--weights with blanks: %d %r" % (rc, err))

# ---- formats, --out ----
rc, out, err = run(["explain", "data/gci2020.csv", "VNM", "--format", "json"])
try:
    doc = json.loads(out)
except ValueError:
    doc = None
# a table with a footer is {"rows": [...], "metadata": {"footer": ...}} (README, Output formats)
js = doc.get("rows") if isinstance(doc, dict) else None
check(rc == 0 and js and [r["pillar"] for r in js] == PILLARS + ["(score)"], "json output: %s" % out[:200])
check(isinstance(doc, dict) and doc.get("metadata", {}).get("footer", "").startswith("VNM (Viet Nam): score "),
      "json output keeps the footer as metadata: %s" % out[-300:])
if js:
    # VNM 2020: legal and cooperation are at 20 (no gain), the others are not
    check([r["possible"] for r in js[:5]] == [False, True, True, True, False] and js[5].get("possible") is None,
          "json: possible is a boolean: %s" % [r.get("possible") for r in js])
    check(js[0]["gain"] is None and isinstance(js[1]["gain"], float), "json: gain is a number or null: %s" % js[:2])
rc, out, err = run(["explain", "data/gci2020.csv", "VNM", "--format", "md"])
check(rc == 0 and out.startswith("| pillar | value |") and "VNM (Viet Nam)" in out, "md output")
dest = os.path.join(TMP, "vnm.csv")
rc, out, err = run(["explain", "data/gci2020.csv", "VNM", "--out", dest])
check(rc == 0 and out == "" and open(dest).read().startswith("pillar,value,max,"), "--out writes CSV by extension")
rc, out, err = run(["explain", "data/gci2020.csv", "VNM", "--out", os.path.join(TMP, "no", "such", "x.csv")])
check(rc == 73 and "cannot write" in err, "--out into a missing directory: 73, %r" % err)

# ---- errors and help ----
rc, out, err = run(["explain", "--help"])
check(rc == 0 and out.startswith("usage: gcisim explain DATA.csv ISO3") and err == "", "explain --help")
rc, out, err = run(["explain", "data/gci2020.csv", "XXX"])
check(rc == 64 and "unknown country 'XXX'" in err and out == "", "unknown country: 64, %r" % err)
for bad, msg in (("foo=1", "unknown pillar 'foo'"), ("technical", "is not pillar=weight"),
                 ("technical=-1", "must be a finite number >= 0"), ("technical=x", "must be a finite number >= 0"),
                 ("legal=0,technical=0,organizational=0,capacity=0,cooperation=0", "must not all be zero")):
    rc, out, err = run(["explain", "data/gci2020.csv", "VNM", "--weights", bad])
    check(rc == 64 and msg in err and out == "", "--weights %s: exit %d, %r" % (bad, rc, err))
for args, msg in ((["--scale", "0"], "--scale"), (["--ties", "best"], "unknown tie rule"),
                  (["--digits", "x"], "--digits"), (["--format", "xml"], "unknown format"),
                  (["--bogus"], "unknown option"), (["extra"], "unexpected argument")):
    rc, out, err = run(["explain", "data/gci2020.csv", "VNM"] + args)
    check(rc == 64 and msg in err, "%s: exit %d, %r" % (args, rc, err))
rc, out, err = run(["explain", "data/gci2020.csv"])
check(rc == 64 and "needs a dataset and a country" in err, "missing country: 64")
bad = os.path.join(TMP, "bad.csv")
with open(bad, "w") as f:
    f.write("iso3,country,legal,technical,organizational,capacity,cooperation\nVNM,Viet Nam,20,16.31,x,19.26,20\n")
rc, out, err = run(["explain", bad, "VNM"])
check(rc == 65 and err.startswith(bad + ":2:5: "), "bad CSV: 65 with file:line:column, got %d %r" % (rc, err))
# a file that cannot be opened has no line and column (UX finding 18): the
# wording of gci.load's message, exit 65 (a data error, as documented)
missing = os.path.join(TMP, "missing.csv")
rc, out, err = run(["explain", missing, "VNM"])
check(rc == 65 and err == "gcisim: explain: %s: cannot read: No such file or directory\n" % missing and out == "",
      "missing file: 65, %r" % err)
rc, out, err = run(["explain", TMP, "VNM"])
check(rc == 65 and err == "gcisim: explain: %s: cannot read: Is a directory\n" % TMP, "a directory: 65, %r" % err)

done()
