#!/usr/bin/env python3
"""Tests of the analyses of an index result (engine/lua/lindex.c over
engine/core/analysis.c, bod.c, reaggregate.c): res:unit, res:strengths,
res:corr_flags, res:cronbach, res:pca, res:mpi, res:bod, res:remove_elements.

Every expectation is computed here, independently of gcisim: from the raw
values of a small dataset (normalisation "none", so the indicators are the
data themselves) with plain-Python formulas, a Jacobi eigen-solver for PCA,
a vertex enumeration for the two-indicator benefit-of-the-doubt programs
and a brute-force re-aggregation for remove_elements; and, on the ASEM
example, from the normalised indicators gcisim prints (res:level(1)) as the
input of the same independent formulas.  Prints "N passed, N failed" last.
"""
import itertools
import math
import os

from gstest import TMP, check, done, ranks, run, script_checks, table

# ---------------------------------------------------------------- data
# Six units, indicators i1, i2 under P1 and i3, i4 (lower is better) under
# P2, the index Ix = arithmetic mean of P1 and P2 with weights 1 and 2.
UNITS = ["A", "B", "C", "D", "E", "F"]
VALS = {
    "A": [1, 2, 3, 9], "B": [2, 1, 5, 7], "C": [3, 4, 4, 5],
    "D": [4, 3, 8, 1], "E": [5, 6, 6, 3], "F": [6, 5, 2, 4],
}
IND = ["i1", "i2", "i3", "i4"]
DIR = [1, 1, 1, -1]
PARENT = {"i1": "P1", "i2": "P1", "i3": "P2", "i4": "P2"}
W = {"i1": 1, "i2": 1, "i3": 1, "i4": 1, "P1": 1, "P2": 2}

CSV = os.path.join(TMP, "small.csv")
with open(CSV, "w") as f:
    f.write("code,name,i1,i2,i3,i4\n")
    for u in UNITS:
        f.write("%s,Unit %s,%s\n" % (u, u, ",".join(str(v) for v in VALS[u])))

HEAD = """
local d = gci.load(%r, {key = "code", name = "name"})
local ix = gci.index{
  {code = "i1", parent = "P1"}, {code = "i2", parent = "P1"},
  {code = "i3", parent = "P2"}, {code = "i4", parent = "P2", direction = -1},
  {code = "P1", parent = "Ix"}, {code = "P2", parent = "Ix", weight = 2},
  {code = "Ix"},
}
local res = ix:compute(d, {normalise = "none", ties = "competition", digits = -1})
""" % CSV


gc, fails = script_checks(HEAD)


def near(a, b, tol=1e-9):
    return a is not None and b is not None and abs(float(a) - float(b)) <= tol * max(1.0, abs(float(b)))


def mean(x):
    return sum(x) / len(x)


def sd(x, pop=False):
    m = mean(x)
    return math.sqrt(sum((v - m) ** 2 for v in x) / (len(x) - (0 if pop else 1)))


def cov(x, y):
    pairs = [(a, b) for a, b in zip(x, y) if a is not None and b is not None]
    if len(pairs) < 2:
        return None
    mx = mean([a for a, _ in pairs])
    my = mean([b for _, b in pairs])
    return sum((a - mx) * (b - my) for a, b in pairs) / (len(pairs) - 1)


def pearson(x, y):
    return cov(x, y) / math.sqrt(cov(x, x) * cov(y, y))


def cronbach(cols):
    k = len(cols)
    c = [[cov(a, b) for b in cols] for a in cols]
    tot = sum(v for row in c for v in row if v is not None)
    diag = sum(c[i][i] for i in range(k))
    return k * k * ((tot - diag) / (k * (k - 1))) / tot


def jacobi(a):
    """Eigenvalues and eigenvectors of a symmetric matrix (cyclic Jacobi)."""
    n = len(a)
    a = [row[:] for row in a]
    v = [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]
    for _ in range(100):
        off = sum(a[i][j] ** 2 for i in range(n) for j in range(n) if i != j)
        if off < 1e-22:
            break
        for p in range(n):
            for q in range(p + 1, n):
                if abs(a[p][q]) < 1e-300:
                    continue
                th = (a[q][q] - a[p][p]) / (2 * a[p][q])
                t = (1 if th >= 0 else -1) / (abs(th) + math.sqrt(th * th + 1))
                c = 1 / math.sqrt(t * t + 1)
                s = t * c
                for k in range(n):
                    akp, akq = a[k][p], a[k][q]
                    a[k][p], a[k][q] = c * akp - s * akq, s * akp + c * akq
                for k in range(n):
                    apk, aqk = a[p][k], a[q][k]
                    a[p][k], a[q][k] = c * apk - s * aqk, s * apk + c * aqk
                for k in range(n):
                    vkp, vkq = v[k][p], v[k][q]
                    v[k][p], v[k][q] = c * vkp - s * vkq, s * vkp + c * vkq
    pairs = sorted(((a[i][i], [v[k][i] for k in range(n)]) for i in range(n)), key=lambda t: -t[0])
    out = []
    for val, vec in pairs:
        if sum(vec) < 0:
            vec = [-x for x in vec]
        out.append((val, vec))
    return out


def min_ranks(scores):
    """R's rank(-x, ties = "min") on a dict (None = no rank): competition
    ranks on the exact scores (gstest.ranks, digits None)."""
    rk = ranks({u: s for u, s in scores.items() if s is not None}, None, "competition")
    return {u: rk.get(u) for u in scores}


COL = {c: [VALS[u][j] for u in UNITS] for j, c in enumerate(IND)}

# ------------------------------------------------------------ unit report
rows = gc('res:unit("C")')
by = {r["code"]: r for r in rows}
p1 = {u: (VALS[u][0] + VALS[u][1]) / 2 for u in UNITS}
p2 = {u: (VALS[u][2] - VALS[u][3]) / 2 for u in UNITS}
ixs = {u: (p1[u] + 2 * p2[u]) / 3 for u in UNITS}
check([r["code"] for r in rows][:3] == ["Ix", "P1", "P2"], "unit: highest level first")
check(near(by["Ix"]["score"], ixs["C"]), "unit: C's index score (3.5 + 2*(-0.5))/3")
check(by["Ix"]["rank"] == str(min_ranks(ixs)["C"]), "unit: C's index rank")
check(by["i4"]["score"] == "-5" and by["i4"]["rank"] == str(min_ranks({u: -VALS[u][3] for u in UNITS})["C"]),
      "unit: an indicator's (oriented) value and rank")

# ------------------------------------------------- strengths, weaknesses
# Unit B, oriented values: i1 2 (rank 5), i2 1 (rank 6 = worst), i3 5
# (rank 3), i4 -7 (rank 5).  min_discard drops i2; the order by rank is
# i3 (3), i1 (5), i4 (5, after i1: column order).
rows = gc('res:strengths("B", {top = 1, bottom = 2})')
check([(r["kind"], r["code"], r["rank"]) for r in rows] ==
      [("strength", "i3", "3"), ("weakness", "i1", "5"), ("weakness", "i4", "5")],
      "strengths: B's best and worst, min_discard (got %r)" % [(r["kind"], r["code"], r["rank"]) for r in rows])
check([r["group"] for r in rows] == ["P2", "P1", "P2"], "strengths: the level-2 group of each")
rows = gc('res:strengths("B", {top = 1, bottom = 1, min_discard = false, data = "raw"})')
check([(r["code"], r["rank"], r["value"]) for r in rows] == [("i3", "3", "5"), ("i2", "6", "1")],
      "strengths: raw values, min_discard off (got %r)" % [(r["code"], r["rank"], r["value"]) for r in rows])
fails('res:strengths("ZZZ")', "unknown unit 'ZZZ'")
fails('res:strengths("A", {top = 9})', "option 'top' must be a whole number from 1 to 4")
fails('res:strengths("A", {best = 1})', "best")

# --------------------------------------------------- correlation flags
r12 = pearson(COL["i1"], COL["i2"])
r34 = pearson(COL["i3"], [-v for v in COL["i4"]])
rows = gc("res:corr_flags{threshold = 0.5}")
want = [("P1", "i1", "i2", r12)] if r12 > 0.5 else []
want += [("P2", "i3", "i4", r34)] if r34 > 0.5 else []
check(len(rows) == len(want) and all(r["group"] == w[0] and r["ind1"] == w[1] and near(r["r"], w[3])
                                     for r, w in zip(rows, want)), "corr_flags high: %r vs %r" % (rows, want))
rows = gc('res:corr_flags{threshold = 0.99, type = "low"}')
check(len(rows) == 2 and near(rows[0]["r"], r12) and near(rows[1]["r"], r34), "corr_flags low: both pairs")
rows = gc("res:corr_flags{threshold = 0.5, group_level = 3}")
pairs = {(r["ind1"], r["ind2"]) for r in rows}
allp = {(a, b) for a, b in itertools.combinations(IND, 2)
        if pearson([DIR[IND.index(a)] * v for v in COL[a]], [DIR[IND.index(b)] * v for v in COL[b]]) > 0.5}
check(pairs == allp, "corr_flags over the whole index (group_level 3): %r vs %r" % (pairs, allp))
fails('res:corr_flags{type = "middle"}', "option 'type': unknown value 'middle' (known: high, low)")

# --------------------------------------------------------- Cronbach
rows = gc("res:cronbach()")
a1 = cronbach([COL["i1"], COL["i2"]])
a2 = cronbach([COL["i3"], [-v for v in COL["i4"]]])
check([r["group"] for r in rows] == ["P1", "P2"], "cronbach: one row per group")
check(near(rows[0]["alpha"], a1) and near(rows[1]["alpha"], a2), "cronbach: %r vs %r %r" % (rows, a1, a2))
rows = gc("res:cronbach{level = 2}")
check(len(rows) == 1 and rows[0]["group"] == "Ix" and near(rows[0]["alpha"], cronbach([list(p1.values()), list(p2.values())])),
      "cronbach of the level-2 group")

# -------------------------------------------------------------- PCA
head_pca = HEAD + "local comps, loads = res:pca{level = 1}\n"
comps = gc("comps", head_pca)
loads = gc("loads", head_pca)
for g, cols in (("P1", [COL["i1"], COL["i2"]]), ("P2", [COL["i3"], [-v for v in COL["i4"]]])):
    r = pearson(*cols)
    ev = jacobi([[1, r], [r, 1]])
    got = [c for c in comps if c["group"] == g]
    check(len(got) == 2 and near(got[0]["eigenvalue"], ev[0][0]) and near(got[1]["eigenvalue"], ev[1][0]),
          "pca %s eigenvalues 1 +- r: %r vs %r" % (g, got, ev))
    check(near(got[0]["variance"], ev[0][0] / 2) and near(got[1]["cumulative"], 1), "pca %s variance shares" % g)
    gl = [x for x in loads if x["group"] == g]
    check(all(near(x["weight"], ev[0][1][i]) and near(x["pc1"], ev[0][1][i]) for i, x in enumerate(gl)),
          "pca %s first loadings = COINr weights" % g)
# a 3x3 case: i3 moved under P1
HEAD3 = HEAD.replace('{code = "i3", parent = "P2"}', '{code = "i3", parent = "P1"}')
comps = gc("comps", HEAD3 + "local comps, loads = res:pca()\n")
loads = gc("loads", HEAD3 + "local comps, loads = res:pca()\n")
cols3 = [COL["i1"], COL["i2"], COL["i3"]]
R = [[pearson(a, b) for b in cols3] for a in cols3]
ev = jacobi(R)
got = [c for c in comps if c["group"] == "P1"]
check(len(got) == 3 and all(near(got[i]["eigenvalue"], ev[i][0]) for i in range(3)),
      "pca 3x3 eigenvalues (Jacobi reference): %r vs %r" % ([c["eigenvalue"] for c in got], [e[0] for e in ev]))
gl = [x for x in loads if x["group"] == "P1"]
check(all(near(gl[j]["pc%d" % (c + 1)], ev[c][1][j], 1e-7) for j in range(3) for c in range(3)),
      "pca 3x3 loadings (Jacobi reference)")

# -------------------------------------------------------------- MPI
rows = gc("res:mpi()")
z = {}
for j, c in enumerate(IND):
    x = [DIR[j] * v for v in COL[c]]
    z[c] = [100 + 10 * (v - mean(x)) / sd(x) for v in x]
mpi = {}
for i, u in enumerate(UNITS):
    vals = [z[c][i] for c in IND]
    m, s = mean(vals), sd(vals)
    mpi[u] = m - s * (s / m)
check(all(near(r["score"], mpi[r["code"]]) for r in rows) and len(rows) == 6, "mpi: M - S cv on 100 +- 10 z-scores")
check(all(r["rank"] == str(min_ranks(mpi)[r["code"]]) for r in rows), "mpi: ranks")
rows = gc('res:mpi{polarity = "negative", node = "P1"}')
for r in rows:
    i = UNITS.index(r["code"])
    vals = [z["i1"][i], z["i2"][i]]
    m, s = mean(vals), sd(vals)
    check(near(r["score"], m + s * s / m), "mpi negative polarity on P1, unit %s" % r["code"])
# AMPI with goalposts: y = 70 + 60 (x - (g - delta)) / (2 delta), population sd
rows = gc('res:mpi{method = "ampi", goalposts = {i1 = 3, i2 = 3, i3 = 5, i4 = 5}}')
ampi = {}
for i, u in enumerate(UNITS):
    ys = []
    for j, c in enumerate(IND):
        x = COL[c]
        delta = (max(x) - min(x)) / 2
        g = {"i1": 3, "i2": 3, "i3": 5, "i4": 5}[c]
        lo, hi = g - delta, g + delta
        ys.append(70 + 60 * ((x[i] - lo) if DIR[j] > 0 else (hi - x[i])) / (hi - lo))
    m, s = mean(ys), sd(ys, pop=True)
    ampi[u] = m - s * s / m
check(sorted(r["code"] for r in rows) == sorted(UNITS) and all(near(r["score"], ampi[r["code"]]) for r in rows),
      "ampi with goalposts: %r" % rows)
fails('res:mpi{goalposts = {i1 = 1}}', "goalposts' is for method = 'ampi'")
fails('res:mpi{method = "ampi", goalposts = {i1 = 1}}', "no number for indicator 'i2'")
fails('res:mpi{node = "Nope"}', "unknown node 'Nope'")


# ------------------------------------------------ benefit of the doubt
def bod2(Y, o, lo=0.0, up=1.0):
    """max y_o . w over {w >= 0, Y w <= 1, share bounds}: the best feasible
    vertex, vertices being the intersections of two constraint lines."""
    lines = [(1.0, 0.0, 0.0), (0.0, 1.0, 0.0)]  # w1 >= 0, w2 >= 0 as a.w = b
    lines += [(y[0], y[1], 1.0) for y in Y]
    yo = Y[o]
    # share_1 = w1 y1 / (w1 y1 + w2 y2) in [lo, up]  <=>  linear in w
    for s in (lo, up):
        lines.append((yo[0] * (1 - s), -s * yo[1], 0.0))

    def feasible(w):
        if w[0] < -1e-12 or w[1] < -1e-12:
            return False
        if any(y[0] * w[0] + y[1] * w[1] > 1 + 1e-12 for y in Y):
            return False
        tot = yo[0] * w[0] + yo[1] * w[1]
        if tot > 1e-12:
            sh = yo[0] * w[0] / tot
            if sh < lo - 1e-9 or sh > up + 1e-9 or 1 - sh < lo - 1e-9 or 1 - sh > up + 1e-9:
                return False
        return True

    best = 0.0
    for (a1, b1, c1), (a2, b2, c2) in itertools.combinations(lines, 2):
        det = a1 * b2 - a2 * b1
        if abs(det) < 1e-15:
            continue
        w = ((c1 * b2 - c2 * b1) / det, (a1 * c2 - a2 * c1) / det)
        if feasible(w):
            best = max(best, yo[0] * w[0] + yo[1] * w[1])
    return best


Y = [[VALS[u][0], VALS[u][1]] for u in UNITS]
rows = gc('res:bod{node = "P1"}')
check(len(rows) == 6 and all(near(r["score"], bod2(Y, UNITS.index(r["code"])), 1e-7) for r in rows),
      "bod: every unit's LP optimum (vertex enumeration): %r" % [(r["code"], r["score"]) for r in rows])
check(all(near(float(r["i1"]) + float(r["i2"]), 1, 1e-9) for r in rows), "bod: shares sum to 1")
rows = gc('res:bod{node = "P1", bounds = {0.3, 0.7}}')
check(len(rows) == 6 and all(near(r["score"], bod2(Y, UNITS.index(r["code"]), 0.3, 0.7), 1e-7) for r in rows),
      "bod with share bounds [0.3, 0.7]: %r vs %r" % ([r["score"] for r in rows], [bod2(Y, i, 0.3, 0.7) for i in range(6)]))
check(all(0.3 - 1e-9 <= float(r["i1"]) <= 0.7 + 1e-9 for r in rows), "bod: shares within the bounds")
fails('res:bod()', "values >= 0")  # i4 is oriented (negated): -9..-1
fails('res:bod{node = "P1", bounds = {0.6, 0.9}}', "share bounds")


# --------------------------------------------------- removing elements
def index_scores(zero=None):
    """The index by brute force, with one element's weight 0."""
    w = dict(W)
    if zero:
        w[zero] = 0
    out = {}
    for u in UNITS:
        x = {c: DIR[j] * VALS[u][j] for j, c in enumerate(IND)}
        p = {}
        for g in ("P1", "P2"):
            kids = [c for c in IND if PARENT[c] == g]
            p[g] = sum(w[c] * x[c] for c in kids) / sum(w[c] for c in kids)
        out[u] = (w["P1"] * p["P1"] + w["P2"] * p["P2"]) / (w["P1"] + w["P2"])
    return out


nom = min_ranks(index_scores())
for lev, elems in ((1, IND), (2, ["P1", "P2"])):
    rows = gc("res:remove_elements{level = %d}" % lev)
    check([r["code"] for r in rows] == elems, "remove_elements level %d: one row per element" % lev)
    for r in rows:
        rk = min_ranks(index_scores(r["code"]))
        ch = [abs(nom[u] - rk[u]) for u in UNITS]
        check(near(r["mean_abs_change"], mean(ch)) and near(r["max_abs_change"], max(ch)),
              "remove_elements %s: mean |rank change| %s vs %s" % (r["code"], r["mean_abs_change"], mean(ch)))
# the same through gcisim itself: an index with i3's weight 0
rows = gc("res:remove_elements()")
head0 = HEAD.replace('{code = "i3", parent = "P2"}', '{code = "i3", parent = "P2", weight = 0}')
r0 = {r["code"]: int(r["rank"]) for r in gc("res", head0)}
rn = {r["code"]: int(r["rank"]) for r in gc("res")}
check(near([r for r in rows if r["code"] == "i3"][0]["mean_abs_change"], mean([abs(rn[u] - r0[u]) for u in UNITS])),
      "remove_elements i3 = an index computed with i3 weighing 0")
fails("res:remove_elements{level = 3}", "option 'level' must be a whole number from 1 to 2")

# ---------------------------------------------------- optimised weights
def index_w(w):
    """The index with level-2 weights w = (wP1, wP2), by brute force."""
    return [(w[0] * p1[u] + w[1] * p2[u]) / (w[0] + w[1]) for u in UNITS]


def corr_pair(w):
    ix_ = index_w(w)
    return pearson(list(p1.values()), ix_), pearson(list(p2.values()), ix_)


def balance_obj(w, t):
    c = corr_pair(w)
    return sum((ti - ci / sum(c)) ** 2 for ti, ci in zip(t, c)) / 2


def argmin_1d(fn):
    """The minimiser over a in (0, 1) of fn((a, 1 - a)): a grid, then golden-section refinement."""
    grid = [i / 2000 for i in range(1, 2000)]
    a0 = min(grid, key=lambda a: fn((a, 1 - a)))
    lo, hi = max(a0 - 1 / 2000, 1e-9), min(a0 + 1 / 2000, 1 - 1e-9)
    g = (math.sqrt(5) - 1) / 2
    for _ in range(200):
        x1, x2 = hi - g * (hi - lo), lo + g * (hi - lo)
        if fn((x1, 1 - x1)) < fn((x2, 1 - x2)):
            hi = x2
        else:
            lo = x1
    return (lo + hi) / 2


for target, tv in (("", (0.5, 0.5)), (", target = {P1 = 1, P2 = 2}", (1 / 3, 2 / 3))):
    rows = gc("res:opt_weights{level = 2%s}" % target)
    a = argmin_1d(lambda w: balance_obj(w, tv))
    cp = corr_pair((a, 1 - a))
    check([r["code"] for r in rows] == ["P1", "P2"] and near(rows[0]["weight"], a, 1e-4) and near(rows[1]["weight"], 1 - a, 1e-4),
          "opt_weights balance%s: %s vs brute force %.6f" % (target, [r["weight"] for r in rows], a))
    check(near(rows[0]["target"], tv[0]) and near(rows[0]["r"], cp[0], 1e-4) and near(rows[1]["r"], cp[1], 1e-4),
          "opt_weights balance%s: targets and correlations at the optimum" % target)
# infomax over the four indicators: at least as good as the best point of a grid
rows = gc('res:opt_weights{level = 1, type = "infomax"}')
X = {c: [DIR[j] * v for v in COL[c]] for j, c in enumerate(IND)}


def infomax_sum(w4):
    wp = {c: w4[j] for j, c in enumerate(IND)}
    ix_ = []
    for i, u in enumerate(UNITS):
        pp = {}
        for g in ("P1", "P2"):
            kids = [c for c in IND if PARENT[c] == g]
            pp[g] = sum(wp[c] * X[c][i] for c in kids) / sum(wp[c] for c in kids)
        ix_.append((pp["P1"] + 2 * pp["P2"]) / 3)
    return sum(pearson(X[c], ix_) for c in IND)


best = max(infomax_sum(w4) for w4 in itertools.product([0.05 * k for k in range(1, 20)], repeat=4))
got = sum(float(r["r"]) for r in rows)
check(near(sum(float(r["weight"]) for r in rows), 1) and got >= best - 1e-6,
      "opt_weights infomax: sum of correlations %.6f >= grid best %.6f" % (got, best))
check(near(got, infomax_sum([float(r["weight"]) for r in rows])), "opt_weights infomax: reported r at the reported weights")
fails('res:opt_weights{target = {P1 = 1}}', "no number for node 'P2'")
fails('res:opt_weights{type = "infomax", target = {P1 = 1, P2 = 1}}', "'target' is for type = 'balance'")
fails('res:opt_weights{level = 3}', "option 'level' must be a whole number from 1 to 2")

# --------------------------------------- what-if: compute on edited data
# A's i1 from 1 to 6 and every unit's i4 plus 1: the whole pipeline again
rows = gc('ix:whatif(d, {A = {i1 = 6}, ["*"] = {i4 = {add = 1}}}, {normalise = "none", ties = "competition", digits = -1})')
V2 = {u: list(VALS[u]) for u in UNITS}
V2["A"][0] = 6
for u in UNITS:
    V2[u][3] += 1
want = {u: ((V2[u][0] + V2[u][1]) / 2 + 2 * (V2[u][2] - V2[u][3]) / 2) / 3 for u in UNITS}
check(len(rows) == 6 and all(near(r["score"], want[r["code"]]) for r in rows), "what-if: edited index scores")
check(all(r["rank"] == str(min_ranks(want)[r["code"]]) for r in rows), "what-if: edited index ranks")
fails('ix:whatif(d, {A = {nope = 1}})', "whatif: no numeric column 'nope'")
fails('ix:whatif(d, {Q = {i1 = 1}})', "whatif: unknown unit 'Q'")
fails('ix:whatif(d, {A = {i1 = {add = 1, mul = 2}}})', "must be a number or one of")
rows = gc('ix:whatif(d, {["*"] = {i1 = {mul = 2}}, A = {i1 = {set = 0}}}, {normalise = "none"}):node("P1")')
check({r["code"]: r["score"] for r in rows}["A"] == "1" and {r["code"]: r["score"] for r in rows}["B"] == "2.5",
      "whatif: '*' first, then the unit's own edit (A: (0 + 2)/2; B: (4 + 1)/2)")

# ------------------------------------------------------------ panel data
# Two years; the second adds unit D.  Per year: min-max 0..100 within the
# year; global (COINr purse, global = TRUE): min-max over all unit-years.
Y1 = {"A": [1, 2], "B": [2, 1], "C": [3, 4]}
Y2 = {"A": [5, 2], "B": [2, 1], "C": [3, 9], "D": [0, 0]}
for name, yv in (("y1.csv", Y1), ("y2.csv", Y2)):
    with open(os.path.join(TMP, name), "w") as f:
        f.write("code,name,i1,i2\n" + "".join("%s,Unit %s,%d,%d\n" % (u, u, v[0], v[1]) for u, v in yv.items()))
PANEL = """
local ix = gci.index{{code = "i1", parent = "P"}, {code = "i2", parent = "P"}, {code = "P"}}
local d1 = gci.load(%r, {key = "code", name = "name"})
local d2 = gci.load(%r, {key = "code", name = "name"})
""" % (os.path.join(TMP, "y1.csv"), os.path.join(TMP, "y2.csv"))


def minmax_scores(years, pooled):
    allv = [v for yv in years.values() for v in yv.values()]
    out = {}
    for y, yv in years.items():
        vals = allv if pooled else list(yv.values())
        lo = [min(v[j] for v in vals) for j in range(2)]
        hi = [max(v[j] for v in vals) for j in range(2)]
        out[y] = {u: mean([100 * (v[j] - lo[j]) / (hi[j] - lo[j]) for j in range(2)]) for u, v in yv.items()}
    return out


for glob in (False, True):
    rows = gc("ix:panel({[2021] = d2, [2020] = d1}, {global = %s, ties = 'competition', digits = -1})"
              % ("true" if glob else "false"), PANEL)
    want = minmax_scores({2020: Y1, 2021: Y2}, glob)
    check([(r["year"], r["code"]) for r in rows] == [("2020", u) for u in Y1] + [("2021", u) for u in Y2],
          "panel: years in order, units in data order")
    check(all(near(r["score"], want[int(r["year"])][r["code"]]) for r in rows),
          "panel (global = %s): min-max scores %r" % (glob, [(r["code"], r["score"]) for r in rows]))
    rk = {y: min_ranks(want[y]) for y in want}
    check(all(r["rank"] == str(rk[int(r["year"])][r["code"]]) for r in rows), "panel: ranks within each year")
    ch = {r["code"]: r["rank_change"] for r in rows if r["year"] == "2021"}
    check(all(ch[u] == str(rk[2020][u] - rk[2021][u]) for u in Y1) and ch["D"] == "",
          "panel (global = %s): rank changes %r" % (glob, ch))
fails("ix:panel({[2020] = 1})", "gci.dataset expected", PANEL)
fails("ix:panel({[2020] = d1}, {global = 1})", "option 'global' must be true or false", PANEL)
fails("ix:panel({[2020] = d1}, {colour = 1})", "colour", PANEL)

# the same panel from one long CSV with a year column (gci.load_panel), the
# rows of the two years interleaved and a blank line: the same records
LONG = os.path.join(TMP, "long.csv")
with open(LONG, "w") as f:
    f.write("code,name,Year,i1,i2\n")
    for u in ["A", "B", "C", "D"]:
        for yr, yv in ((2021, Y2), (2020, Y1)):
            if u in yv:
                f.write("%s,\"Unit %s, Ltd\",%d,%d,%d\n" % (u, u, yr, yv[u][0], yv[u][1]))
    f.write("\n")
PANEL_LONG = """
local ix = gci.index{{code = "i1", parent = "P"}, {code = "i2", parent = "P"}, {code = "P"}}
local ds = gci.load_panel(%r, {key = "code", name = "name", year = "Year"})
""" % LONG
for glob in (False, True):
    rows = gc("ix:panel(ds, {global = %s, ties = 'competition', digits = -1})" % ("true" if glob else "false"), PANEL_LONG)
    want = minmax_scores({2020: Y1, 2021: Y2}, glob)
    check(len(rows) == 7 and all(near(r["score"], want[int(r["year"])][r["code"]]) for r in rows)
          and rows[0]["country"] == "Unit A, Ltd", "load_panel + panel (global = %s)" % glob)
rows = gc("gci.records({{n2020 = #ds[2020], n2021 = #ds[2021]}}, {'n2020', 'n2021'})", PANEL_LONG)
check(rows == [{"n2020": "3", "n2021": "4"}], "load_panel: one dataset per year, numeric year keys")
with open(LONG, "a") as f:
    f.write("B,b,2020,9,9\n")  # line 10 (header 1, seven records, a blank line): B again in 2020
code, out, err = run([], PANEL_LONG + "return 1\n")
check(code == 65 and "long.csv:10:1: duplicate code 'B'" in err, "load_panel: duplicate key in a year at its own line: %r" % err)
with open(LONG, "a") as f:
    f.write("E,e,,1,1\n")
fails('gci.load_panel(%r, {year = "Year"})' % LONG, "long.csv:11:3: empty year (column 'Year')")
fails('gci.load_panel(%r, {year = "Yr"})' % LONG, "no 'Yr' column in the header")
fails('gci.load_panel(%r, {key = "code"})' % LONG, "option 'year' must name the year column")

# chartable: MPI and BoD records (units keyed by iso3) draw as bar charts
svg = os.path.join(TMP, "mpi.svg")
code, out, err = run(["--allow-write", TMP], """
local d = gci.load("data/gci2020.csv")
local ix = gci.index{{code = "legal", parent = "P"}, {code = "technical", parent = "P"}, {code = "P"}}
local res = ix:compute(d, {normalise = "none"})
gci.plot(res:mpi(), %r, {title = "MPI", top = 5})
return 1
""" % svg)
check(code == 0 and os.path.exists(svg) and ">MPI<" in open(svg).read(), "gci.plot of res:mpi(): %r" % err)

# --------------------------------------------------------------- ASEM
ASEM = """
local d  = gci.load("data/asem/ASEM_iData.csv", {key = "uCode", name = "uName", na = {"NA"}})
local ix = gci.index_meta("data/asem/ASEM_iMeta.csv")
local res = ix:compute(d, {impute = "group_mean", group = "EurAsia_group", treat = true})
"""
lev1 = gc("res:level(1)", ASEM)
import csv  # noqa: E402
with open("data/asem/ASEM_iMeta.csv", newline="") as f:
    META = [m for m in csv.DictReader(f) if m["Type"] == "Indicator"]
GROUPS = {}
for m in META:
    GROUPS.setdefault(m["Parent"], []).append(m["iCode"])
NCOL = {c: [float(r[c]) for r in lev1] for c in [m["iCode"] for m in META]}
rows = gc("res:cronbach()", ASEM)
check(len(rows) == 8, "ASEM cronbach: 8 pillars")
for r in rows:
    a = cronbach([NCOL[c] for c in GROUPS[r["group"]]])
    check(near(r["alpha"], a, 1e-6), "ASEM cronbach %s: %s vs %.6f" % (r["group"], r["alpha"], a))
comps = gc("comps", ASEM + "local comps, loads = res:pca()\n")
for g, codes in GROUPS.items():
    cols = [NCOL[c] for c in codes]
    ev = jacobi([[pearson(a, b) for b in cols] for a in cols])
    got = [float(c["eigenvalue"]) for c in comps if c["group"] == g]
    check(len(got) == len(codes) and all(near(x, e[0], 1e-6) for x, e in zip(got, ev)),
          "ASEM pca %s eigenvalues vs Jacobi" % g)
rows = gc("res:corr_flags{threshold = 0.85}", ASEM)
want = set()
for g, codes in GROUPS.items():
    for a, b in itertools.combinations(codes, 2):
        if pearson(NCOL[a], NCOL[b]) > 0.85:
            want.add((g, a, b))
check({(r["group"], r["ind1"], r["ind2"]) for r in rows} == want, "ASEM corr_flags > 0.85: %r" % want)
rows = gc('res:strengths("ESP")', ASEM)
esp = {c: NCOL[c][[r["uCode"] for r in lev1].index("ESP")] for c in NCOL}
rk = {c: 1 + sum(1 for v in NCOL[c] if v > esp[c]) for c in NCOL}
worst = {c: 1 + sum(1 for v in NCOL[c] if v > min(NCOL[c])) for c in NCOL}
order = sorted([c for c in NCOL if rk[c] != worst[c]], key=lambda c: (rk[c], [m["iCode"] for m in META].index(c)))
check([r["code"] for r in rows] == order[:5] + order[-5:], "ASEM strengths of ESP: %r vs %r" %
      ([r["code"] for r in rows], order[:5] + order[-5:]))

# Cronbach on the raw ASEM data (COINr's get_cronbach(coin, dset = "Raw",
# iCodes = group, Level = 1)): straight from the CSV, missing values
# ("NA") left out pair by pair, as R's cov(use = "pairwise.complete.obs").
with open("data/asem/ASEM_iData.csv", newline="") as f:
    RAW = list(csv.DictReader(f))
rows = gc('res:cronbach{data = "raw"}', ASEM)
for r in rows:
    cols = [[None if x[c] in ("", "NA") else float(x[c]) for x in RAW] for c in GROUPS[r["group"]]]
    a = cronbach(cols)
    check(near(r["alpha"], a, 1e-9), "ASEM raw cronbach %s: %s vs %.12f" % (r["group"], r["alpha"], a))
check(any(x[c] == "NA" for x in RAW for g in GROUPS.values() for c in g), "the raw ASEM data has missing values")

done()
