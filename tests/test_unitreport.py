#!/usr/bin/env python3
"""`gcisim explain --index META.csv DATA.csv UNIT` - the unit report of an
index result (engine/cli/explain_index.c over engine/core/unitreport.c and
engine/io/unittable.c), against expectations computed here:

  1. COINr's example (build_example_coin on data/asem) by tests/coinr_ref.py,
     the plain-Python reference written from COINr's R source: every node's
     score and rank (get_results: min ties on exact scores) and rank within
     GDPpc_group (rank_df(use_group)) for several units; the strengths and
     weaknesses by get_str_weak as written below from COINr's R/results.R
     (ranks of the normalised indicators, min_discard, order(), head/tail);
  2. a five-unit index worked by hand (min-max, weights, a screened unit,
     a unit with no group, geometric means);
  3. errors: exit codes and messages.
Prints "N passed, N failed" last.
"""
import json
import math
import os

import coinr_ref
from gstest import TMP, check, done, run, table

ASEM = ["--index", "data/asem/ASEM_iMeta.csv", "data/asem/ASEM_iData.csv"]
# COINr's build_example_coin, as options in its order (R/examples.R)
COINR_STEPS = ["--denominate", "--impute", "group_mean:EurAsia_group", "--screen", "0.9", "--treat", "5",
               "--normalise", "minmax:0:100", "--agg", "arithmetic"]


def fnum(s):
    return float("nan") if s in ("", None) else float(s)


def same(a, b, tol=1e-9):
    if coinr_ref.isna(a) or coinr_ref.isna(b):
        return coinr_ref.isna(a) and coinr_ref.isna(b)
    return abs(a - b) <= tol * max(1.0, abs(b))


def get_str_weak(norm, codes, units, usel, top=5, bottom=5, min_discard=True):
    """COINr R/results.R get_str_weak on a data set of indicator columns:
    rank_df (rank(-x, ties = "min", na.last = "keep")), the unit's row without
    NAs, min_discard drops entries equal to the column's largest rank, then
    order() (stable) by rank; head(topN) and tail(bottomN) of the codes."""
    u = units.index(usel)
    rows = []
    for c in codes:
        col = norm[c]
        if coinr_ref.isna(col[u]):
            continue
        rk = coinr_ref.rank_min([float("nan") if coinr_ref.isna(v) else -v for v in col])
        worst = max(r for r in rk if not coinr_ref.isna(r))
        if min_discard and rk[u] == worst:
            continue
        rows.append((rk[u], c))
    rows.sort(key=lambda t: t[0])  # Python's sort is stable, as R's order()
    return [c for _, c in rows[:top]], [c for _, c in rows[max(0, len(rows) - bottom):]], dict((c, r) for r, c in rows)


# ------------------------------------------------- 1. COINr's example
REF = coinr_ref.build_example_coin()
UNITS = REF["units"]
AGG = REF["Aggregated"]
IND = [m["iCode"] for m in REF["meta"] if m["Type"] == "Indicator"]
META = {m["iCode"]: m for m in REF["meta"] if m["Type"] in ("Indicator", "Aggregate")}
GROUP_OF = {u: REF["groups"][u]["GDPpc_group"] for u in UNITS}
GRANK = {code: coinr_ref.group_ranks(dict(zip(UNITS, col)), UNITS, GROUP_OF) for code, col in AGG.items()}
# the report's order: highest level first, then iMeta order
ORDER = sorted(META, key=lambda c: (-float(META[c]["Level"]), REF["meta"].index(META[c])))

for unit in ["ESP", "CHE", "MMR", "NZL", "BGD"]:
    code, out, err = run(["explain"] + ASEM + [unit] + COINR_STEPS + ["--group", "GDPpc_group", "--format", "csv"])
    check(code == 0, "explain --index %s exits 0 (%s)" % (unit, err.strip()))
    rows = table(out)
    check([r["code"] for r in rows] == ORDER, "%s: every node, highest level first" % unit)
    i = UNITS.index(unit)
    strengths, weaknesses, irank = get_str_weak(REF["Normalised"], IND, UNITS, unit)
    bad = []
    for r in rows:
        c = r["code"]
        m = META[c]
        if not same(fnum(r["score"]), AGG[c][i]):
            bad.append((c, "score", r["score"], AGG[c][i]))
        if fnum(r["rank"]) != REF["rank"][c][unit]:
            bad.append((c, "rank", r["rank"], REF["rank"][c][unit]))
        if fnum(r["group_rank"]) != GRANK[c][unit]:
            bad.append((c, "group_rank", r["group_rank"], GRANK[c][unit]))
        if r["level"] != str(int(float(m["Level"]))) or r["name"] != m["iName"] or r["parent"] != (
                "" if m["Parent"] in ("", "NA") else m["Parent"]):
            bad.append((c, "level/name/parent", r["level"], r["name"], r["parent"]))
        flags = []
        if c in strengths:
            flags.append("strength %d" % (strengths.index(c) + 1))
        if c in weaknesses:
            flags.append("weakness %d" % (weaknesses.index(c) + 1))
        if r["flag"] != ", ".join(flags):
            bad.append((c, "flag", r["flag"], flags))
    check(not bad, "%s: scores, ranks, group ranks and flags as COINr's (%r)" % (unit, bad[:4]))
    # the footer (table format) lists the same strengths and weaknesses
    code, out, err = run(["explain"] + ASEM + [unit] + COINR_STEPS + ["--group", "GDPpc_group"])
    foot = [l for l in out.splitlines() if l.startswith("# ")]
    exp_s = "# strengths: " + ", ".join("%s (rank %d)" % (c, irank[c]) for c in strengths)
    exp_w = "# weaknesses (the worst last): " + ", ".join("%s (rank %d)" % (c, irank[c]) for c in weaknesses)
    n_idx = sum(1 for v in AGG["Index"] if not coinr_ref.isna(v))
    grp = GROUP_OF[unit]
    n_grp = sum(1 for u in UNITS if GROUP_OF[u] == grp)
    exp_1 = "# %s (%s): Index %.2f, rank %d of %d; rank %d of %d in GDPpc_group %s" % (
        unit, REF["names"][unit], AGG["Index"][i], REF["rank"]["Index"][unit], n_idx, GRANK["Index"][unit], n_grp, grp)
    check(foot[:3] == [exp_1, exp_s, exp_w], "%s: footer %r, expected %r" % (unit, foot[:3], [exp_1, exp_s, exp_w]))

# res:report from a script: the same table, against the same reference
SCRIPT = """local d = gci.load("data/asem/ASEM_iData.csv", {key = "uCode", name = "uName", na = {"NA"}})
local ix = gci.index_meta("data/asem/ASEM_iMeta.csv")
local res = ix:compute(d, {steps = {"denominate", {"impute", "group_mean", group = "EurAsia_group"}, {"screen", 0.9},
                                   {"treat", points = 5}}})
return res:report("NZL", {group = "GDPpc_group", top = 4, bottom = 2})
"""
code, out, err = run(["--format", "csv"], SCRIPT)
rows = table(out)
i = UNITS.index("NZL")
s4, w2, _ = get_str_weak(REF["Normalised"], IND, UNITS, "NZL", top=4, bottom=2)
check(code == 0 and [r["code"] for r in rows] == ORDER, "res:report: every node (%s)" % err.strip())
check(all(same(fnum(r["score"]), AGG[r["code"]][i]) and fnum(r["rank"]) == REF["rank"][r["code"]]["NZL"]
          and fnum(r["group_rank"]) == GRANK[r["code"]]["NZL"] for r in rows), "res:report: scores and ranks as COINr's")
check(sorted(r["code"] for r in rows if "strength" in r["flag"]) == sorted(s4)
      and sorted(r["code"] for r in rows if "weakness" in r["flag"]) == sorted(w2), "res:report: strengths, weaknesses")
code2, out2, _ = run(["explain"] + ASEM + ["NZL"] + COINR_STEPS + ["--group", "GDPpc_group", "--top", "4", "--bottom", "2"])
code3, out3, _ = run([], SCRIPT)
check(code2 == 0 and out3 == out2, "res:report prints what gcisim explain --index prints")
code, out, err = run([], SCRIPT.replace('top = 4, bottom = 2', 'colour = 1'))
check(code != 0 and "unknown option 'colour'" in err, "res:report: unknown option")
code, out, err = run([], SCRIPT.replace('"NZL"', '"ZZZ"'))
check(code != 0 and "report: unknown unit 'ZZZ'" in err, "res:report: unknown unit")
code, out, err = run([], SCRIPT.replace('"GDPpc_group"', '"nope"'))
check(code != 0 and "report: no column 'nope'" in err, "res:report: unknown group column")

# --strengths-data raw: COINr's get_str_weak(dset = "Raw"): the raw iData columns (before
# denomination) times their direction (adjust_direction), ranked among all 51 units
COIN = coinr_ref.Coin(os.path.join("data", "asem", "ASEM_iData.csv"), os.path.join("data", "asem", "ASEM_iMeta.csv"))
RAW = {c: [float("nan") if coinr_ref.isna(v) else float(META[c]["Direction"]) * v for v in COIN.raw[c]] for c in IND}
for unit in ["ESP", "MMR"]:
    strengths, weaknesses, irank = get_str_weak(RAW, IND, COIN.units, unit)
    code, out, err = run(["explain"] + ASEM + [unit] + COINR_STEPS + ["--strengths-data", "raw", "--format", "csv"])
    rows = table(out)
    got = {r["code"]: r["flag"] for r in rows if r["flag"]}
    want = {}
    for c in IND:
        flags = []
        if c in strengths:
            flags.append("strength %d" % (strengths.index(c) + 1))
        if c in weaknesses:
            flags.append("weakness %d" % (weaknesses.index(c) + 1))
        if flags:
            want[c] = ", ".join(flags)
    check(code == 0 and got == want, "%s raw strengths and weaknesses: %r, expected %r" % (unit, got, want))
    code, out, err = run(["explain"] + ASEM + [unit] + COINR_STEPS + ["--strengths-data", "raw"])
    exp_s = "# strengths: " + ", ".join("%s (rank %d)" % (c, irank[c]) for c in strengths)
    check(exp_s in out.splitlines() and "raw data (times their direction)" in out, "%s raw: footer %r" % (unit, exp_s))
    code, out, err = run(["--format", "csv"], SCRIPT.replace('"NZL", {group = "GDPpc_group", top = 4, bottom = 2}',
                                                         '"%s", {data = "raw"}' % unit))
    check(code == 0 and {r["code"]: r["flag"] for r in table(out) if r["flag"]} == want,
          "%s res:report{data = 'raw'}: strengths and weaknesses (%s)" % (unit, err.strip()))
fails_raw = run(["explain"] + ASEM + ["ESP", "--strengths-data", "scaled"])
check(fails_raw[0] == 64 and "--strengths-data must be normalised or raw" in fails_raw[2], "--strengths-data scaled")

# --top / --bottom, and JSON keeps the footer
code, out, err = run(["explain"] + ASEM + ["ESP"] + COINR_STEPS + ["--top", "2", "--bottom", "3", "--format", "json"])
doc = json.loads(out) if code == 0 else {}
s2, w3, _ = get_str_weak(REF["Normalised"], IND, UNITS, "ESP", top=2, bottom=3)
got_s = [r["code"] for r in doc.get("rows", []) if "strength" in (r.get("flag") or "")]
got_w = [r["code"] for r in doc.get("rows", []) if "weakness" in (r.get("flag") or "")]
check(sorted(got_s) == sorted(s2) and sorted(got_w) == sorted(w3), "--top 2 --bottom 3: %r %r" % (got_s, got_w))
check("strengths: " in doc.get("metadata", {}).get("footer", ""), "json: the footer is metadata")
check("group_rank" not in (doc.get("rows") or [{}])[0], "no --group: no group_rank column")
# a unit code typed in lower case, as gcisim explain allows for a country
code, out, err = run(["explain"] + ASEM + ["esp"] + COINR_STEPS + ["--format", "csv"])
check(code == 0 and same(fnum(table(out)[0]["score"]), AGG["Index"][UNITS.index("ESP")]), "unit code in any case")

# --------------------------------------------- 2. a small index by hand
META_CSV = os.path.join(TMP, "meta.csv")
with open(META_CSV, "w") as f:
    f.write("Level,iCode,iName,Direction,Weight,Parent,Type\n"
            "1,a,A ind,1,1,P,Indicator\n1,b,B ind,-1,1,P,Indicator\n"
            "1,c,C ind,1,1,Q,Indicator\n1,d,D ind,1,2,Q,Indicator\n"
            "2,P,Pillar P,1,1,Index,Aggregate\n2,Q,Pillar Q,1,1,Index,Aggregate\n"
            "3,Index,The index,1,1,NA,Aggregate\n")
DATA_CSV = os.path.join(TMP, "data.csv")
with open(DATA_CSV, "w") as f:
    f.write("uCode,uName,grp,a,b,c,d\nU1,One,x,0,10,5,1\nU2,Two,x,10,0,0,3\nU3,Three,y,5,5,10,2\n"
            "U4,Four,,2,8,NA,NA\nU5,Five,y,4,2,4,5\n")
SMALL = ["explain", "--index", META_CSV, DATA_CSV]
# min-max over the kept U1, U2, U3, U5 (U4 has 2 of 4 values: screened at 0.75):
#   a 0,10,5,4 -> 0,100,50,40;  b (lower is better) 10,0,5,2 -> 0,100,50,80
#   c 5,0,10,4 -> 50,0,100,40;  d 1,3,2,5 -> 0,50,25,100
#   P = (a + b)/2 -> 0, 100, 50, 60;  Q = (c + 2d)/3 -> 50/3, 100/3, 50, 80
#   Index = (P + Q)/2 -> 25/3, 200/3, 50, 70: ranks 4, 2, 3, 1
HAND = {"U1": {"a": 0, "b": 0, "c": 50, "d": 0, "P": 0, "Q": 50 / 3, "Index": 25 / 3},
        "U3": {"a": 50, "b": 50, "c": 100, "d": 25, "P": 50, "Q": 50, "Index": 50}}
HAND_RANK = {"U1": {"a": 4, "b": 4, "c": 2, "d": 4, "P": 4, "Q": 4, "Index": 4},
             "U3": {"a": 2, "b": 3, "c": 1, "d": 3, "P": 3, "Q": 2, "Index": 3}}
# groups x = {U1, U2}, y = {U3, U5}: U3 is second of y on P (50 < 60), Q (50 < 80), Index
HAND_GRANK = {"U3": {"a": 1, "b": 2, "c": 1, "d": 2, "P": 2, "Q": 2, "Index": 2}}
# U3's indicator ranks c 1, a 2, b 3, d 3 (none its column's worst): top 2 c, a; bottom 2 b, d
# U1's: a, b, d are the worst of their columns (min_discard): c alone, both strength and weakness
HAND_FLAG = {"U3": {"c": "strength 1", "a": "strength 2", "b": "weakness 1", "d": "weakness 2"},
             "U1": {"c": "strength 1, weakness 1"}}
for unit in ["U1", "U3"]:
    code, out, err = run(SMALL + [unit, "--screen", "0.75", "--group", "grp", "--top", "2", "--bottom", "2",
                                  "--format", "csv"])
    check(code == 0, "small %s exits 0 (%s)" % (unit, err.strip()))
    rows = {r["code"]: r for r in table(out)}
    check(list(rows) == ["Index", "P", "Q", "a", "b", "c", "d"], "small: order %r" % list(rows))
    for c, v in HAND[unit].items():
        check(same(fnum(rows[c]["score"]), v), "small %s %s score %s = %r" % (unit, c, rows[c]["score"], v))
        check(fnum(rows[c]["rank"]) == HAND_RANK[unit][c], "small %s %s rank %s" % (unit, c, rows[c]["rank"]))
        if unit in HAND_GRANK:
            check(fnum(rows[c]["group_rank"]) == HAND_GRANK[unit][c],
                  "small %s %s group rank %s" % (unit, c, rows[c]["group_rank"]))
        check(rows[c]["flag"] == HAND_FLAG[unit].get(c, ""), "small %s %s flag %r" % (unit, c, rows[c]["flag"]))

# the screened unit, with no group: no scores, the footer says why
code, out, err = run(SMALL + ["U4", "--screen", "0.75", "--group", "grp"])
check(code == 0 and "# U4 (Four): screened out" in out, "a screened unit is reported as such (%r)" % out[-300:])
code, out, err = run(SMALL + ["U4", "--screen", "0.75", "--group", "grp", "--format", "csv"])
check(all(r["score"] == "" and r["rank"] == "" and r["group_rank"] == "" for r in table(out)), "screened: no scores")
# without screening U4 is kept and has no group: "no group in grp"
code, out, err = run(SMALL + ["U4", "--group", "grp"])
check(code == 0 and "no group in grp" in out, "a unit with an empty group cell has no group rank")

# geometric means everywhere (--agg): U3's P = sqrt(50 * 50), Q = (100 * 25^2)^(1/3), Index = sqrt(P Q)
code, out, err = run(SMALL + ["U3", "--screen", "0.75", "--agg", "geometric", "--format", "csv"])
rows = {r["code"]: r for r in table(out)}
q = (100 * 25 ** 2) ** (1 / 3)
check(code == 0 and same(fnum(rows["Q"]["score"]), q) and same(fnum(rows["Index"]["score"]), math.sqrt(50 * q)),
      "--agg geometric: Q %r Index %r" % (rows.get("Q", {}).get("score"), rows.get("Index", {}).get("score")))
# normalisation none: the indicators are the data times... as they are (direction kept for b: -b)
code, out, err = run(SMALL + ["U3", "--screen", "0.75", "--normalise", "none", "--format", "csv"])
rows = {r["code"]: r for r in table(out)}
check(code == 0 and same(fnum(rows["a"]["score"]), 5) and same(fnum(rows["c"]["score"]), 10),
      "--normalise none keeps the values")
# dense ties at 0 digits: U1 and U2 have P 0 and 100 ... ranks on rounded Index 8, 67, 50, 70 - as exact
code, out, err = run(SMALL + ["U2", "--screen", "0.75", "--ties", "dense", "--digits", "0", "--format", "csv"])
check(code == 0 and table(out)[0]["rank"] == "2", "--ties/--digits accepted")
# --out writes the file, its format from the extension
OUT = os.path.join(TMP, "u3.csv")
code, out, err = run(SMALL + ["U3", "--out", OUT])
check(code == 0 and out == "" and open(OUT).read().startswith("code,name,level,parent,score,rank,flag"),
      "--out FILE.csv writes CSV")

# ----------------------------------------------------------- 3. errors
def fails(args, rc, needle):
    code, out, err = run(args)
    check(code == rc and needle in err and out == "", "%r exits %d with %r (got %d %r)" % (args, rc, needle, code, err))


fails(SMALL + ["ZZ"], 64, "unknown unit 'ZZ'")
fails(SMALL + ["U1", "--weights", "a=2"], 64, "--weights is for a dataset of pillars")
fails(SMALL + ["U1", "--impute", "group_mean"], 64, "group_mean needs its group column")
fails(SMALL + ["U1", "--impute", "mode"], 64, "unknown imputation 'mode'")
fails(SMALL + ["U1", "--impute", "group_mean:nope"], 64, "no column 'nope'")
fails(SMALL + ["U1", "--group", "nope"], 64, "--group: no column 'nope'")
fails(SMALL + ["U1", "--screen", "2"], 64, "--screen needs a share from 0 to 1")
fails(SMALL + ["U1", "--normalise", "minmax:5:1"], 64, "needs lo < hi")
fails(SMALL + ["U1", "--normalise", "cube"], 64, "unknown normalisation 'cube'")
fails(SMALL + ["U1", "--agg", "power"], 64, "needs its exponent")
fails(SMALL + ["U1", "--colour", "red"], 64, "unknown option '--colour'")
fails(["explain", "--index", META_CSV, DATA_CSV], 64, "needs the metadata, a dataset and a unit")
fails(["explain", "--index", META_CSV, os.path.join(TMP, "none.csv"), "U1"], 65, "none.csv")
BADMETA = os.path.join(TMP, "badmeta.csv")
with open(BADMETA, "w") as f:
    f.write("Level,iCode,Parent\n1,a,P\n1,a,P\n2,P,NA\n")
fails(["explain", "--index", BADMETA, DATA_CSV, "U1"], 65, "badmeta.csv:3:")
NOCOL = os.path.join(TMP, "nocol.csv")
with open(NOCOL, "w") as f:
    f.write("uCode,uName,a,b,c\nU1,One,1,2,3\nU2,Two,2,3,4\n")
fails(["explain", "--index", META_CSV, NOCOL, "U1"], 65, "indicator 'd' has no column in")
fails(SMALL + ["U1", "--out", os.path.join(TMP, "no", "dir", "x.csv")], 73, "cannot write")

done()
