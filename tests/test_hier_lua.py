#!/usr/bin/env python3
"""Tests of the index-hierarchy Lua API (engine/lhier.c) and of the scripts
scripts/asem.lua and scripts/normalisation_choices.lua.

Expected values are computed here, independently: the ASEM pipeline of
data/asem/SOURCES.md is re-implemented below in plain Python (csv module and
arithmetic, no gcisim output), and the small hierarchy's values are worked
out by hand in the comments.  Prints "N passed, N failed" last.
"""
import csv, io, math, os, subprocess, tempfile

from gstest import GCISIM, TMP, check, done, ranks, run, table







records = table


def near(a, b, tol=1e-6):
    return a is not None and b is not None and abs(a - b) <= tol


def dense(scores, digits=6):
    """Dense ranks, descending, on scores rounded to `digits` decimals."""
    return ranks(scores, digits)


# ------------------------------------------------------------------ ASEM,
# re-implemented from data/asem/SOURCES.md and the formulas of method.h

def num(s):
    return None if s in ("", "NA") else float(s)


with open("data/asem/ASEM_iMeta.csv", newline="") as f:
    META = list(csv.DictReader(f))
with open("data/asem/ASEM_iData.csv", newline="") as f:
    DATA = list(csv.DictReader(f))

IND = [m for m in META if m["Type"] == "Indicator"]
AGG = [m for m in META if m["Type"] == "Aggregate"]
UNITS = [r["uCode"] for r in DATA]
NAME = {r["uCode"]: r["uName"] for r in DATA}
ROW = {r["uCode"]: r for r in DATA}


def mean(xs):
    xs = [x for x in xs if x is not None]
    return sum(xs) / len(xs) if xs else None


# The ASEM pipeline comes from tests/coinr_ref.py, a reference of COINr's
# pipeline written from COINr's R source (tests/test_coinr.py checks it,
# and scripts/asem.lua, against COINr's published results).
import coinr_ref


def from_ref(res):
    kept = res["units"]
    score = {c: dict(zip(kept, col)) for c, col in res["Aggregated"].items()}
    treated = {c: (t["treatment"], t["points"] if t["treatment"] == "winsorised" else 0)
               for c, t in res["treat"].items() if t["treatment"]}
    return kept, res["avail"], score, treated


def competition(scores):
    """COINr get_results ranks: rank(-x, ties.method = "min") on exact scores."""
    return {k: 1 + sum(1 for w in scores.values() if w > v) for k, v in scores.items()}


KEPT, SHARE, SCORE, TREATED = from_ref(coinr_ref.build_example_coin())
PILLARS = [a["iCode"] for a in AGG if a["Level"] == "2.0"]

# ---- scripts/asem.lua ----
rc, out, err = run(["run", "scripts/asem.lua", "--format", "csv"])
check(rc == 0, "asem.lua exit %d: %s" % (rc, err))
rows = records(out)
check(set(rows[0].keys()) == set(["uCode", "country", "Index", "Index_rank", "Conn", "Sust"] + PILLARS) if rows else False,
      "asem.lua columns: %s" % (list(rows[0].keys()) if rows else None))
check(list(rows[0].keys())[:4] == ["uCode", "country", "Index", "Index_rank"] if rows else False, "asem.lua column order")
check(len(rows) == len(KEPT) == 51, "asem.lua: %d rows, %d units kept (want 51)" % (len(rows), len(KEPT)))
want_rank = competition(SCORE["Index"])
bad = []
for r in rows:
    u = r["uCode"]
    if u not in SCORE["Index"]:
        bad.append(u + " not kept")
        continue
    if not near(float(r["Index"]), SCORE["Index"][u]):
        bad.append("%s Index %s != %.9f" % (u, r["Index"], SCORE["Index"][u]))
    if int(r["Index_rank"]) != want_rank[u]:
        bad.append("%s rank %s != %d" % (u, r["Index_rank"], want_rank[u]))
    if r["country"] != NAME[u]:
        bad.append(u + " name")
    for c in ["Conn", "Sust"] + PILLARS:
        if not near(float(r[c]), SCORE[c][u]):
            bad.append("%s %s %s != %.9f" % (u, c, r[c], SCORE[c][u]))
check(not bad, "asem.lua vs the COINr reference: %s" % bad[:5])
check([int(r["Index_rank"]) for r in rows] == sorted(want_rank.values()), "asem.lua rows in rank order")
check(rows and rows[0]["uCode"] == max(SCORE["Index"], key=SCORE["Index"].get), "asem.lua: first row is the best")

# ---- res:treated, res:screened, availability, correlations, weights on ASEM ----
# the fixed-order options (denominate, screen, impute, treat): gcisim's
# order before step lists, kept working; screening before imputing drops 5
KEPT, SHARE, SCORE, TREATED = from_ref(coinr_ref.build_example_coin(steps=("denominate", "screen", "impute", "treat")))
check(sorted(set(UNITS) - set(KEPT)) == ["BGD", "BRN", "KHM", "LAO", "MMR"], "screened out: %s" % sorted(set(UNITS) - set(KEPT)))
ASEM_HEAD = """local d = gci.load("data/asem/ASEM_iData.csv", {key = "uCode", name = "uName", na = {"NA"}})
local ix = gci.index_meta("data/asem/ASEM_iMeta.csv")
local res = ix:compute(d, {denominate = true, impute = "group_mean", group = "EurAsia_group",
                           screen = 0.9, treat = true, normalise = {"minmax", 0, 100}})
"""
rc, out, err = run(["--format", "csv"], ASEM_HEAD + 'return res:node("Index")\n')
ix_rows = {r["uCode"]: float(r["score"]) for r in records(out)} if rc == 0 else {}
check(len(ix_rows) == 46 and all(near(ix_rows[u], SCORE["Index"][u], 1e-9) for u in ix_rows),
      "fixed-order options vs the reference in that order: %s" % err)
rc, out, err = run(["--format", "csv", "--allow-read", os.getcwd()], ASEM_HEAD + "return res:treated()\n")
check(rc == 0, "treated: %s" % err)
tr = {r["code"]: (r["treatment"], int(r["points"])) for r in records(out)}
check(tr == TREATED, "res:treated() %s != %s" % (tr, TREATED))

rc, out, err = run(["--format", "csv"], ASEM_HEAD + "return res:screened()\n")
sc = {r["uCode"]: float(r["availability"]) for r in records(out)}
check(rc == 0 and set(sc) == set(UNITS) - set(KEPT), "screened: %s %s" % (sc, err))
check(all(near(sc[u], SHARE[u], 1e-12) for u in sc), "screened availability %s" % sc)

def pearson(x, y):
    mx, my = sum(x) / len(x), sum(y) / len(y)
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    return sxy / math.sqrt(sum((a - mx) ** 2 for a in x) * sum((b - my) ** 2 for b in y))

rc, out, err = run(["--format", "csv"], ASEM_HEAD + "return res:correlations()\n")
cor = {r["code"]: r for r in records(out)}
check(rc == 0, "correlations ran: %s" % err)
parent = {m["iCode"]: m["Parent"] for m in META}
bad = []
for c in ["Conn", "Sust"] + PILLARS + ["LPI", "CO2"]:
    x = [SCORE[c][u] for u in KEPT]
    rp = pearson(x, [SCORE[parent[c]][u] for u in KEPT])
    ri = pearson(x, [SCORE["Index"][u] for u in KEPT])
    if c not in cor or not near(float(cor[c]["r_parent"]), rp, 1e-9) or not near(float(cor[c]["r_index"]), ri, 1e-9):
        bad.append((c, cor.get(c), rp, ri))
check(not bad, "correlations: %s" % bad[:3])
check(len(cor) == 59, "correlations: one per non-root node (59), got %d" % len(cor))

rc, out, err = run(["--format", "csv"], ASEM_HEAD + "return ix:effective_weights()\n")
ew = {r["code"]: float(r["effective_weight"]) for r in records(out)}
# the Index has 2 sub-indices; Conn 5 pillars, Sust 3; LPI is one of 8 in Physical
check(near(ew.get("Index"), 1) and near(ew.get("Conn"), 0.5) and near(ew.get("Physical"), 0.1)
      and near(ew.get("Environ"), 1 / 6) and near(ew.get("LPI"), 0.0125), "effective weights %s" % ew)
check(near(sum(v for k, v in ew.items() if any(m["iCode"] == k for m in IND)), 1, 1e-12), "indicator weights sum to 1")

# tiers at any node
rc, out, err = run(["--format", "csv"], ASEM_HEAD + 'return res:tiers("Conn", {60, 50, 40})\n')
ti = records(out)
want = {u: 1 if s >= 60 else 2 if s >= 50 else 3 if s >= 40 else 4 for u, s in SCORE["Conn"].items()}
check(rc == 0 and len(ti) == 46 and all(int(r["tier"]) == want[r["uCode"]] for r in ti), "tiers on Conn: %s" % err)

# ---- scripts/normalisation_choices.lua ----
_, _, MSCORE, _ = from_ref(coinr_ref.build_example_coin())
_, _, PSCORE, _ = from_ref(coinr_ref.build_example_coin(steps=("denominate", "impute", "screen"), f_n="n_prank"))
rmm, rpr = competition(MSCORE["Index"]), competition(PSCORE["Index"])
rc, out, err = run(["run", "scripts/normalisation_choices.lua", "--format", "csv"])
check(rc == 0, "normalisation_choices.lua: %s" % err)
nc = records(out)
check(nc and list(nc[0].keys()) == ["code", "country", "rank_minmax", "rank_prank", "change"], "nc columns")
check(len(nc) == 51, "nc rows %d" % len(nc))
bad = [r for r in nc if int(r["rank_minmax"]) != rmm[r["code"]] or int(r["rank_prank"]) != rpr[r["code"]]
       or int(r["change"]) != rmm[r["code"]] - rpr[r["code"]]]
check(not bad, "normalisation_choices vs Python: %s" % bad[:3])
check([abs(int(r["change"])) for r in nc] == sorted((abs(int(r["change"])) for r in nc), reverse=True),
      "nc sorted by |change|")

# ------------------------------------------------- a hierarchy worked by hand
#   a (+1), b (-1) -> P1 (weight 3);  c -> P2 (weight 1);  P1, P2 -> Ix
#   data  a: 1 3 5   b: 10 20 40   c: 5 - 1
#   min-max 0..100:  a 0 50 100;  b 100 66.667 0;  c 100 - 0
#   P1 = 50, 58.333, 50;  P2 = 100, -, 0
#   Ix = (3 P1 + P2)/4 = 62.5, 58.333 (P2 missing: P1 alone), 37.5
SMALL = "iso3,country,a,b,c,pop\nAAA,Aland,1,10,5,1\nBBB,Bland,3,20,,2\nCCC,Cland,5,40,1,4\n"
with open(os.path.join(TMP, "small.csv"), "w") as f:
    f.write(SMALL)
TREE = """local d = gci.load(%r)
local ix = gci.index{
  {code = "a", parent = "P1"}, {code = "b", parent = "P1", direction = -1}, {code = "c", parent = "P2"},
  {code = "P1", parent = "Ix", weight = 3}, {code = "P2", parent = "Ix"}, {code = "Ix", name = "Index"},
}
""" % os.path.join(TMP, "small.csv")


def lua_csv(body, *args):
    rc, out, err = run(["--format", "csv"] + list(args), TREE + body)
    check(rc == 0, "script failed: %s\n%s" % (err, body))
    return records(out)


r = lua_csv("return ix:compute(d)\n")
check([(x["iso3"], round(float(x["score"]), 9), int(x["rank"])) for x in r] ==
      [("AAA", 62.5, 1), ("BBB", round(175 / 3, 9), 2), ("CCC", 37.5, 3)], "small tree Ix: %s" % r)
r = lua_csv('return ix:compute(d):node("P1")\n')
check([(x["iso3"], round(float(x["score"]), 9), int(x["rank"])) for x in r] ==
      [("BBB", round(175 / 3, 9), 1), ("AAA", 50, 2), ("CCC", 50, 2)], "small tree P1 dense ranks: %s" % r)
r = lua_csv('return ix:compute(d):level(2)\n')
check(list(r[0].keys()) == ["iso3", "country", "P1", "P2"] and r[1]["P2"] == "" and float(r[2]["P2"]) == 0,
      "level(2) wide records: %s" % r)
r = lua_csv('return ix:compute(d, {impute = "mean"})\n')
# c imputed for BBB: mean(5, 1) = 3 -> 50; Ix BBB = (3 * 58.333 + 50) / 4 = 56.25
check(near(float([x for x in r if x["iso3"] == "BBB"][0]["score"]), 56.25, 1e-9), "impute mean: %s" % r)
r = lua_csv('return ix:compute(d, {screen = 0.9})\n')
# BBB has 2 of 3 indicators (0.667 < 0.9): out.  a: 0, 100; b: 100, 0; c: 100, 0
check([(x["iso3"], float(x["score"])) for x in r] == [("AAA", 62.5), ("CCC", 37.5)], "screened tree: %s" % r)
r = lua_csv('return ix:compute(d, {screen = 0.9}):screened()\n')
check(len(r) == 1 and r[0]["iso3"] == "BBB" and near(float(r[0]["availability"]), 2 / 3, 1e-12), "screened(): %s" % r)
r = lua_csv('return ix:compute(d, {agg = "geometric"})\n')
# geometric mean of a 0 is out of its domain: AAA's P1 = geometric(0, 100) -> missing
r2 = lua_csv('local res = ix:compute(d, {agg = "geometric"}) local n, w = res:warnings() return {{n = n, w = w}}\n')
check(int(r2[0]["n"]) >= 1 and "geom" in r2[0]["w"], "geometric warnings: %s" % r2)
r = lua_csv('return ix:compute(d, {agg = {P1 = "min", [3] = {"power", 1}}})\n')
# P1 = min: AAA 0, BBB 50, CCC 0; Ix = (3 P1 + P2) / 4: 25, 50 (P1 alone), 0
check([(x["iso3"], float(x["score"])) for x in r] == [("BBB", 50.0), ("AAA", 25.0), ("CCC", 0.0)], "agg overrides: %s" % r)
r = lua_csv('return ix:effective_weights()\n')
ew = {x["code"]: float(x["effective_weight"]) for x in r}
check(ew == {"Ix": 1, "P1": 0.75, "P2": 0.25, "a": 0.375, "b": 0.375, "c": 0.25}, "small effective weights %s" % ew)
r = lua_csv('return ix:compute(d):tiers("Ix", {60, 40})\n')
check([(x["iso3"], int(x["tier"])) for x in r] == [("AAA", 1), ("BBB", 2), ("CCC", 3)], "tiers %s" % r)
r = lua_csv('local res = ix:compute(d)\n'
            'return gci.records({{s = res:score("P2", "BBB"), k = res:rank("Ix", "CCC"), n = #res}}, {"s", "k", "n"})\n')
check(r[0]["s"] == "" and r[0]["k"] == "3" and r[0]["n"] == "3", "score/rank/len: %s" % r)
r = lua_csv('return ix:levels()\n')
check([x["code"] for x in r] == ["Ix", "P1", "P2", "a", "b", "c"] and r[0]["level"] == "3" and r[3]["direction"] == "1"
      and r[4]["direction"] == "-1" and r[1]["agg"] == "arithmetic", "levels: %s" % r)
r = lua_csv('return ix:compute(d, {normalise = {"goalposts", 0, 10, 100}}):node("a")\n')
# goalposts 0..10, scale 100: a = 10, 30, 50
check([float(x["score"]) for x in r] == [50, 30, 10], "goalposts: %s" % r)

# custom normalisation: a Lua min-max to 0..1 that respects direction
# equals the built-in min-max / 100
CUSTOM = """local seen = {}
local function mm(v, dir, code)
  seen[#seen + 1] = code .. ":" .. dir .. ":" .. v.n
  local lo, hi = math.huge, -math.huge
  for i = 1, v.n do if v[i] then local x = dir * v[i]; lo = math.min(lo, x); hi = math.max(hi, x) end end
  local out = {}
  for i = 1, v.n do if v[i] then out[i] = (dir * v[i] - lo) / (hi - lo) end end
  return out
end
local res = ix:compute(d, {normalise = mm})
local out = {}
for _, x in ipairs(res:node("Ix")) do out[#out + 1] = {iso3 = x.iso3, score = x.score, seen = table.concat(seen, " ")} end
return gci.records(out, {"iso3", "score", "seen"})
"""
r = lua_csv(CUSTOM)
check([(x["iso3"], round(float(x["score"]), 12)) for x in r] == [("AAA", 0.625), ("BBB", round(175 / 300, 12)), ("CCC", 0.375)],
      "custom normalisation: %s" % r)
check(r and r[0]["seen"] == "a:1:3 b:-1:3 c:1:3", "custom normalisation arguments: %s" % (r[0]["seen"] if r else r))
r = lua_csv('return ix:compute(d, {screen = 0.9, normalise = function(v, dir) return {v.n, v.n} end}):node("a")\n')
check([float(x["score"]) for x in r] == [2, 2], "custom normalisation sees only the kept units: %s" % r)

# ------------------------------------------------------------ error cases
def err_case(body, code, msg, what, tree=True, args=()):
    rc, out, err = run(list(args), (TREE if tree else "") + body)
    check(rc == code and err.strip() == msg, "%s: exit %d (want %d), stderr %r (want %r)" % (what, rc, code, err.strip(), msg))


T = os.path.join(TMP, "t.lua")
err_case('local ix = gci.index{ {code = "a", parent = "Px"} }\n', 1,
         T + ":1: gci.index: item 1 ('a'): unknown parent 'Px'", "unknown parent", tree=False)
err_case('local ix = gci.index{ {code = "a", parent = "P"}, {code = "P", parent = "Q"}, {code = "Q", parent = "P"} }\n', 1,
         T + ":1: gci.index: the parents form a cycle: P -> Q -> P", "cycle", tree=False)
err_case('local ix = gci.index{ {code = "a", parent = "P", wieght = 2}, {code = "P"} }\n', 1,
         T + ":1: gci.index: item 1 ('a'): unknown field 'wieght' (known: code, parent, name, level, weight,"
         " direction, agg, denominator, min_share, target, normalise)", "unknown node field", tree=False)
err_case('local ix = gci.index{ {code = "a", parent = "P"}, {code = "a", parent = "P"}, {code = "P"} }\n', 1,
         T + ":1: gci.index: item 2: duplicate code 'a' (also item 1)", "duplicate", tree=False)
err_case('ix:compute(d, {normalize = "minmax"})\n', 1,
         T + ":6: compute: unknown option 'normalize' (known: steps, denominate, impute, group_by, screen, treat,"
         " normalise, agg, digits, ties, group)", "unknown option")
err_case('ix:compute(d, {normalise = "maxmin"})\n', 1,
         T + ":6: compute: option 'normalise': unknown normalisation 'maxmin' (minmax, zscore, rank, prank,"
         " goalposts, dist2max, dist2targ or none)", "bad normalisation name")
err_case('ix:compute(d, {normalise = {"minmax", 100, 0}})\n', 1,
         T + ":6: compute: option 'normalise': normalisation 'minmax' needs lo < hi (got 100, 0)", "bad minmax")
err_case('ix:compute(d, {agg = "mode"})\n', 1,
         T + ":6: compute: option 'agg': unknown aggregation 'mode' (arithmetic, geometric, harmonic, power,"
         " median, min or copeland)", "bad aggregation")
err_case('ix:compute(d, {agg = {a = "min"}})\n', 1,
         T + ":6: compute: option 'agg': 'a' is an indicator, not an aggregate", "agg on an indicator")
err_case('ix:compute(d, {impute = "group_mean"})\n', 1,
         T + ":6: compute: impute = 'group_mean' needs option 'group_by' (a column of the dataset)", "group missing")
err_case('ix:compute(d, {impute = "group_mean", group = "region"})\n', 1,
         T + ":6: compute: option 'group_by': no column 'region' in " + os.path.join(TMP, "small.csv") + "", "group column missing")
err_case('ix:compute(d, {screen = 1.5})\n', 1,
         T + ":6: compute: option 'screen' must be a number from 0 to 1 (the minimum share of indicators with data)",
         "bad screen")
err_case('ix:compute(d, {treat = {skew = 2, points = 5, kurtosis = 3}})\n', 1,
         T + ":6: compute: option 'treat': unknown option 'kurtosis' (known: skew, kurt, points)", "bad treat option")
err_case('ix:compute(d, {normalise = function(v) return "x" end})\n', 1,
         T + ":6: normalise function returned string for indicator 'a'; it must return a list of 3 numbers",
         "custom normalisation returning a string")
err_case('ix:compute(d, {normalise = function(v) return {1, "x", 3} end})\n', 1,
         T + ":6: normalise function: value 2 for indicator 'a' is string, not a finite number",
         "custom normalisation returning a non-number")
err_case('ix:compute(d, {normalise = function(v)\n  error("boom")\nend})\n', 1,
         T + ":7: boom", "custom normalisation raising an error")
err_case('local e = gci.index{ {code = "x", parent = "P"}, {code = "P"} }\ne:compute(d)\n', 1,
         T + ":7: compute: indicator 'x' has no column in " + os.path.join(TMP, "small.csv"), "indicator without data")
# a runaway normalisation function still hits the instruction limit (exit 82)
rc, out, err = run(["--max-instructions", "1000000"], TREE + 'ix:compute(d, {normalise = function(v) while true do end end})\n')
check(rc == 82, "instruction limit inside a normalise function: exit %d %s" % (rc, err))

# iMeta errors are data errors (exit 65) with file:line:column
with open(os.path.join(TMP, "meta.csv"), "w") as f:
    f.write("Level,iCode,Parent,Weight\n1,a,P,1\n1,b,P,x\n2,P,NA,1\n")
rc, out, err = run([], 'gci.index_meta(%r)\n' % os.path.join(TMP, "meta.csv"))
check(rc == 65 and err.strip() == os.path.join(TMP, "meta.csv") + ":3:7: Weight 'x' is not a number >= 0", "meta error: %d %r" % (rc, err))
with open(os.path.join(TMP, "meta2.csv"), "w") as f:
    f.write("Level,iCode,Parent\n1,a,P\n1,b,Q\n2,P,NA\n")
rc, out, err = run([], 'gci.index_meta(%r)\n' % os.path.join(TMP, "meta2.csv"))
check(rc == 65 and err.strip() == os.path.join(TMP, "meta2.csv") + ":3:3: 'b': parent 'Q' is not defined", "meta parent error: %d %r" % (rc, err))
rc, out, err = run([], 'gci.index_meta("/etc/passwd")\n')
check(rc == 1 and "gci.index_meta:" in err and "/etc/passwd" in err, "meta read policy: %d %r" % (rc, err))

# ---- uncertainty over methodological choices (ix:uncertainty) ----
# Three units, two indicators, the index their arithmetic mean.  By hand:
#   min-max 0-100: a -> A 0, B 100, C 60;  b -> A 100, B 0, C 60
#                  index A 50, B 50, C 60: ranks C 1, A 2, B 2 (dense)
#   percentile rank: a -> A 0, C 0.5, B 1;  b -> B 0, C 0.5, A 1
#                  index A 0.5, B 0.5, C 0.5: all rank 1
from gstest import Stream
with open(os.path.join(TMP, "ua3.csv"), "w") as f:
    f.write("code,name,a,b\nA,Alpha,0,10\nB,Beta,10,0\nC,Gamma,6,6\n")
NDRAW = 999
script = ('local d = gci.load(%r, {key = "code", name = "name"})\n'
          'local ix = gci.index{{code = "a", parent = "I"}, {code = "b", parent = "I"}, {code = "I"}}\n'
          'return ix:uncertainty(d, {base = {normalise = {"minmax", 0, 100}},'
          ' vary = {normalise = {{"minmax", 0, 100}, "prank"}}, n = %d, seed = 5})\n') % (os.path.join(TMP, "ua3.csv"), NDRAW)
rc, out, err = run(["--format", "csv", "--allow-read", TMP], script)
picks = [int(Stream(5, dr).uniform() * 2) for dr in range(NDRAW)]
k1 = sum(picks)            # draws with percentile ranks
k0 = NDRAW - k1
ranks = {"A": (2, 1), "B": (2, 1), "C": (1, 1)}   # (min-max, prank)


def stats(r0, r1):
    dist = sorted([(r0, k0), (r1, k1)])
    def pct(q):
        c = 0
        for r, k in dist:
            c += k
            if c >= q * NDRAW:
                return r
    med = pct(0.5)
    return (pct(0.5), (r0 * k0 + r1 * k1) / NDRAW, pct(0.05), pct(0.95),
            sum(k for r, k in dist if abs(r - med) <= 3) / NDRAW)


rows = {r["code"]: r for r in table(out)} if rc == 0 else {}
check(rc == 0 and list(rows) == ["C", "A", "B"], "ix:uncertainty runs, nominal order: %r %r" % (rows.keys(), err))
for u, (r0, r1) in ranks.items():
    med, mean, p05, p95, w3 = stats(r0, r1)
    g = rows.get(u, {})
    check(g and int(g["nominal"]) == r0 and float(g["median"]) == med and abs(float(g["mean"]) - mean) < 1e-12
          and float(g["p05"]) == p05 and float(g["p95"]) == p95 and abs(float(g["within3"]) - w3) < 1e-12,
          "ix:uncertainty %s: %r vs %r" % (u, g, (r0, med, mean, p05, p95, w3)))
rc, out, err = run(["--allow-read", TMP], script)
shift = (k1 * (1 + 1 + 0)) / (NDRAW * 3)   # A and B move 2 -> 1 in prank draws
check(out.strip().endswith("mean absolute rank shift %.4f" % shift), "ix:uncertainty footer: %r" % out[-120:])
# choices are validated before anything runs
rc, out, err = run(["--allow-read", TMP], script.replace('"prank"', '"ranks"'))
check(rc == 1 and "uncertainty: vary.normalise[2]" in err, "bad alternative named: %r" % err)
rc, out, err = run(["--allow-read", TMP], script.replace('normalise = {{"minmax", 0, 100}, "prank"}', 'weights = {1, 2}'))
check(rc == 1 and "t.lua:3: uncertainty: vary: unknown option 'weights' (known: normalise, impute, treat, agg)" in err,
      "unknown choice: %r" % err)

# scripts/asem_uncertainty.lua: every kept unit, nominal = the ranks of scripts/asem.lua
rc, out, err = run(["run", "scripts/asem_uncertainty.lua", "500", "--format", "csv"])
ua_rows = table(out) if rc == 0 else []
rc2, out2, err2 = run(["run", "scripts/asem.lua", "--format", "csv"])
asem_rank = {r["uCode"]: r["Index_rank"] for r in table(out2)} if rc2 == 0 else {}
check(rc == 0 and len(ua_rows) == len(asem_rank) == 51 and all(r["nominal"] == asem_rank[r["uCode"]] for r in ua_rows)
      and all(float(r["p05"]) <= float(r["median"]) <= float(r["p95"]) for r in ua_rows),
      "asem_uncertainty.lua: %s %s" % (err, err2))

done()
