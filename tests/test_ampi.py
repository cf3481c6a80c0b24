#!/usr/bin/env python3
"""AMPI over several periods: gci.ampi({[period] = res, ...}, opts)
(engine/lua/lindex.c over gs_a_ampi_periods in engine/core/analysis.c),
against a reference written here from Compind's ci_ampi with `time`
(R/ci_ampi.R, Compind 3.x):

    min, max = apply(x_num, 2, min/max)      # over ALL periods' rows
    delta    = (max - min)/2
    minim, maxim = gp - delta, gp + delta
    y = (x - minim)/(maxim - minim)*60 + 70          polarity POS
    y = (maxim - x)/(maxim - minim)*60 + 70          polarity NEG
    Ma_z = mean(y), Sqm_z = sqrt(var(y)*(k-1)/k)     # population sd
    cv = Sqm_z/Ma_z;  AMPI = Ma_z -/+ Sqm_z*cv

Compind takes gp from the user; gcisim's default is the base period's
means (Mazziotta and Pareto's reference), and this test computes those
means itself.  Compind rounds to 3 decimals; gcisim does not (README), so
the reference does not round either.  Prints "N passed, N failed" last.
"""
import math
import os

from gstest import TMP, check, done, script_checks

# Three periods of four units, indicators a, b (lower is better) under P,
# c under Q; unit D is missing in 2021 and unit E appears in 2022; unit C
# has no value of a in 2022 (NaN: no AMPI that period).
IND = ["a", "b", "c"]
DIR = {"a": 1, "b": -1, "c": 1}
DATA = {
    2020: {"A": [2, 10, 5], "B": [4, 30, 7], "C": [3, 25, 9], "D": [5, 15, 4]},
    2021: {"A": [6, 20, 6], "B": [8, 40, 8], "C": [5, 35, 10]},
    2022: {"A": [7, 12, 7], "B": [1, 33, 6], "C": [None, 28, 11], "E": [9, 18, 3]},
}
PATHS = {}
for year, rows in DATA.items():
    PATHS[year] = os.path.join(TMP, "p%d.csv" % year)
    with open(PATHS[year], "w") as f:
        f.write("code,name,a,b,c\n")
        for u, v in rows.items():
            f.write("%s,Unit %s,%s\n" % (u, u, ",".join("" if x is None else str(x) for x in v)))

HEAD = """
local ix = gci.index{
  {code = "a", parent = "P"}, {code = "b", parent = "P", direction = -1},
  {code = "c", parent = "Q"}, {code = "P", parent = "I"}, {code = "Q", parent = "I"}, {code = "I"},
}
local o = {normalise = "none", ties = "competition", digits = -1}
local res = {}
""" + "".join('res[%d] = ix:compute(gci.load(%r, {key = "code", name = "name"}), o)\n' % (y, p)
              for y, p in PATHS.items())


gc, fails = script_checks(HEAD)


def near(a, b, tol=1e-9):
    if a in (None, "") or b is None:
        return (a in (None, "")) and b is None
    return abs(float(a) - b) <= tol * max(1.0, abs(b))


def compind_ampi(data, codes, gp=None, base=2020, penalty_neg=True):
    """{year: {unit: ampi or None}} by Compind's formula, every period's
    rows pooled for min and max."""
    idx = [IND.index(c) for c in codes]
    allv = {c: [r[i] for rows in data.values() for r in rows.values() if r[i] is not None]
            for c, i in zip(codes, idx)}
    if gp is None:
        gp = {}
        for c, i in zip(codes, idx):
            vals = [r[i] for r in data[base].values() if r[i] is not None]
            gp[c] = sum(vals) / len(vals)
    out = {}
    for year, rows in data.items():
        out[year] = {}
        for u, r in rows.items():
            ys = []
            for c, i in zip(codes, idx):
                x = r[i]
                if x is None:
                    ys = None
                    break
                delta = (max(allv[c]) - min(allv[c])) / 2
                lo, hi = gp[c] - delta, gp[c] + delta
                ys.append((x - lo) / (hi - lo) * 60 + 70 if DIR[c] > 0 else (hi - x) / (hi - lo) * 60 + 70)
            if ys is None:
                out[year][u] = None
                continue
            m = sum(ys) / len(ys)
            s = math.sqrt(sum((y - m) ** 2 for y in ys) / len(ys))
            out[year][u] = m - s * s / m if penalty_neg else m + s * s / m
    return out


def min_ranks(scores):
    """competition ranks of {unit: score} (None: no rank)"""
    return {u: (None if v is None else 1 + sum(1 for w in scores.values() if w is not None and w > v))
            for u, v in scores.items()}


def check_records(rows, ref, what):
    years = sorted(ref)
    exp_order = [(str(y), u) for y in years for u in DATA[y]]
    check([(r["period"], r["code"]) for r in rows] == exp_order,
          "%s: periods in order, units in data order: %r" % (what, [(r["period"], r["code"]) for r in rows]))
    for r in rows:
        y, u = int(r["period"]), r["code"]
        check(near(r["score"], ref[y][u]), "%s: %s %s score %s = %r" % (what, y, u, r["score"], ref[y][u]))
        rk = min_ranks(ref[y])[u]
        check(r["rank"] == ("" if rk is None else str(rk)), "%s: %s %s rank %s = %r" % (what, y, u, r["rank"], rk))
        prev = ref.get(y - 1, {}).get(u)
        exp = None if y == years[0] or prev is None or ref[y][u] is None else ref[y][u] - prev
        check(near(r["change"], exp), "%s: %s %s change %s = %r" % (what, y, u, r["change"], exp))
        check(r["country"] == "Unit " + u, "%s: country name" % what)


# the whole index, base period 2020 (the first), "positive" polarity
check_records(gc("gci.ampi(res)"), compind_ampi(DATA, IND), "ampi")
# a node, another base, the negative polarity (Compind penalty = "POS": M + S cv)
check_records(gc('gci.ampi(res, {node = "P", base = 2021, polarity = "negative"})'),
              compind_ampi(DATA, ["a", "b"], base=2021, penalty_neg=False), "ampi node P")
# explicit goalposts (Compind's gp)
GP = {"a": 4, "b": 25, "c": 6}
check_records(gc("gci.ampi(res, {goalposts = {a = 4, b = 25, c = 6}})"), compind_ampi(DATA, IND, gp=GP),
              "ampi goalposts")

# Delta from all periods, not the period's own: the one-period AMPI of 2021
# (res:mpi, Delta from 2021 alone) differs from the 2021 rows here.
one = {r["code"]: float(r["score"]) for r in gc('res[2021]:mpi{method = "ampi", goalposts = {a = 4, b = 25, c = 6}}')}
many = {r["code"]: float(r["score"]) for r in gc("gci.ampi(res, {goalposts = {a = 4, b = 25, c = 6}})")
        if r["period"] == "2021"}
check(all(abs(one[u] - many[u]) > 1e-6 for u in one), "ampi: periods pooled for Delta (%r vs %r)" % (one, many))
# a single period is the one-period AMPI
single = gc("gci.ampi({[2021] = res[2021]}, {goalposts = {a = 4, b = 25, c = 6}})")
check(all(near(r["score"], one[r["code"]]) for r in single), "ampi of one period = res:mpi{method = 'ampi'}")

# periods given as strings sort as strings, after numbers
rows = gc('gci.ampi({["q2"] = res[2021], ["q1"] = res[2020]})')
check([r["period"] for r in rows][:4] == ["q1"] * 4, "ampi: string periods in order")

fails("gci.ampi({})", "ampi: no result given")
fails("gci.ampi({[2020] = 1})", "the value of period 2020 is not an index result")
fails("gci.ampi(res, {base = 1999})", "option 'base' must be one of the periods given")
fails("gci.ampi(res, {colour = 1})", "colour")
fails('gci.ampi(res, {node = "Q"})', "node 'Q' has fewer than 2 indicators")
fails("gci.ampi(res, {goalposts = {a = 1}})", "no number for indicator 'b'")
fails("gci.ampi(res, {goalposts = {a = 1, b = 2, c = 3, z = 4}})", "'z' is not an indicator under the node")
fails('gci.ampi(res, {polarity = "up"})', "option 'polarity': unknown value 'up' (known: positive, negative)")
# a result of another index
OTHER = HEAD + """local ix2 = gci.index{{code = "a", parent = "I"}, {code = "c", parent = "I"}, {code = "I"}}
res[2023] = ix2:compute(gci.load(%r, {key = "code", name = "name"}), o)
""" % PATHS[2020]
fails("gci.ampi(res)", "the result of period 2023 is not of the same index (indicator 'b')", OTHER)
# a base period without a value of an indicator
NOBASE = os.path.join(TMP, "nobase.csv")
with open(NOBASE, "w") as f:
    # C, the only unit with a value of b, is screened out (1 value of 3)
    f.write("code,name,a,b,c\nC,Unit C,,5,\nA,Unit A,1,,2\nB,Unit B,2,,3\n")
fails("gci.ampi({[1] = ix:compute(gci.load(%r, {key = 'code', name = 'name'}), {steps = {{'screen', 0.5}}}),"
      " [2] = res[2020]})" % NOBASE,
      "the base period 1 has no value of an indicator (give goalposts)")

done()
