#!/usr/bin/env python3
"""Tests of the analysis layer through scripts: uncertainty, sensitivity,
targets, shards and merge.

The uncertainty reference here re-implements, in plain Python, the draw
recipe documented in engine/ua.h (splitmix64 streams, perturbed and
renormalised weights, method choice, dense ranks on scores rounded to 2
decimals) and recomputes every statistic from the rank histograms, so the
check is independent of the C code.  Targets are checked by brute force
over every hundredth of a pillar.  Prints "N passed, N failed" last.
"""
import csv, io, math, os, shutil, subprocess, sys, tempfile

from gstest import GCISIM, TMP, check, done, rank_stats, ranks, rounded, run, table, ua_draw, ua_score









def key(score):
    """The rounded score ranks compare (gstest.rounded, 2 decimals)."""
    return rounded(score, 2)


def dense_ranks(scores):
    return ranks(list(scores))


def reference_ua(x, w, perturb, n, seed, methods, offset=1.0):
    """Rank histograms and statistics by brute force (methods: list of names)."""
    k, units = len(w), len(x)
    W = 0.0
    for wi in w:
        W += wi

    def scores(wp, method):
        return [ua_score(row, wp, method, W, offset) for row in x]

    nominal = dense_ranks(scores(w, methods[0]))
    hist = [dict() for _ in range(units)]
    shift = 0
    for d in range(n):
        wp, method = ua_draw(seed, d, w, perturb, methods)
        r = dense_ranks(scores(wp, method))
        for i in range(units):
            hist[i][r[i]] = hist[i].get(r[i], 0) + 1
            shift += abs(r[i] - nominal[i])
    stats = []
    for i in range(units):
        st = rank_stats(hist[i], n)
        stats.append((nominal[i], st["median"], st["mean"], st["p05"], st["p95"], st["within3"]))
    return stats, shift / (n * units)


def load_gci2020():
    with open("data/gci2020.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    P = ["legal", "technical", "organizational", "capacity", "cooperation"]
    return rows, [[float(r[p]) for p in P] for r in rows], P


ROWS, X, P = load_gci2020()

# ---- uncertainty on GCI 2020 against the brute-force reference ----
N = 300
for methods in (["arithmetic"], ["arithmetic", "geometric"]):
    script = ('local d = gci.load("data/gci2020.csv")\n'
              'return d:uncertainty{n = %d, seed = 7, perturb = 0.25, methods = {%s}}'
              % (N, ", ".join('"%s"' % m for m in methods)))
    rc, out, err = run(["--format", "csv", "--threads", "2"], script)
    check(rc == 0, "uncertainty ran: %s" % err)
    got = {r["iso3"]: r for r in table(out)}
    ref, mas = reference_ua(X, [1.0] * 5, 0.25, N, 7, methods)
    bad = []
    for row, s in zip(ROWS, ref):
        g = got[row["iso3"]]
        gv = (int(g["nominal"]), float(g["median"]), float(g["mean"]), float(g["p05"]), float(g["p95"]), float(g["within3"]))
        if not (gv[0] == s[0] and gv[1] == s[1] and abs(gv[2] - s[2]) < 1e-9 and gv[3] == s[3] and gv[4] == s[4]
                and abs(gv[5] - s[5]) < 1e-9):
            bad.append((row["iso3"], gv, s))
    check(not bad, "uncertainty %s equals the brute-force reference (%d mismatches, first %s)"
          % ("+".join(methods), len(bad), bad[:1]))
    check(list(got) == [r["iso3"] for r in sorted(ROWS, key=lambda r: (int(got[r["iso3"]]["nominal"]), ROWS.index(r)))],
          "rows in nominal rank order")
    rc, out, err = run(["--format", "table", "--threads", "2"], script)
    footer = out.strip().split("\n")[-1]
    check(footer.endswith("mean absolute rank shift %.4f over %d draws" % (mas, N)), "footer: %r vs %.4f" % (footer, mas))
    if "geometric" in methods:
        check("geometric mean of pillar + 1, minus 1" in footer, "the zero rule is stated in the output")

# ---- thread-count invariance and shard + merge, through the CLI ----
script = 'return gci.load("data/gci2020.csv"):uncertainty{n = 20000, seed = 3}'
outs = [run(["--format", "csv", "--threads", t], script)[1] for t in ("1", "2", "3")]
check(outs[0] == outs[1] == outs[2] and outs[0], "identical results for 1, 2 and 3 threads")
parts = []
for i in range(4):
    pf = os.path.join(TMP, "part%d.txt" % i)
    rc, out, err = run(["--shard", "%d/4" % i, "--out", pf], script)
    check(rc == 0 and os.path.exists(pf), "shard %d: %s" % (i, err))
    parts.append(pf)
rc, out, err = run(["merge"] + parts[::-1] + ["--format", "csv"])
check(rc == 0 and out == outs[0], "merge of 4 shards equals one run: %s" % err)
rc, out, err = run(["merge"] + parts[:3])
# parts[:3] are shards 0, 1 and 2 of 4: the message names the one missing
check(rc == 65 and "1 of 4 shards missing: 3/4" in err, "merge refuses missing shards, naming them: %r" % err)
other = os.path.join(TMP, "other.txt")
run(["--shard", "3/4", "--out", other], script.replace("seed = 3", "seed = 4"))
rc, out, err = run(["merge"] + parts[:3] + [other])
check(rc == 65, "merge refuses a shard of another analysis: %r" % err)

# ---- option errors ----
for opts, msg in [('{perturb = 1.5}', "uncertainty: option 'perturb' must be a number from 0 to 1 (excluded)"),
                  ('{agg = {"median"}}', "uncertainty: unknown agg 'median' (arithmetic or geometric)"),
                  ('{methods = {"median"}}', "uncertainty: unknown agg 'median' (arithmetic or geometric)"),
                  ('{offset = 1e308}', "uncertainty: option 'offset' must be a number from 0 to 1000000"),
                  ('{offset = 0/0}', "uncertainty: option 'offset' must be a finite number"),
                  ('{digits = "2"}', "uncertainty: option 'digits' must be a number, got string"),
                  ('{n = 0}', "uncertainty: option 'n' must be a whole number from 1 to 1000000000000"),
                  ('{nn = 5}', "uncertainty: unknown option 'nn' (known: weights, perturb, n, seed, agg, digits, ties, "
                               "offset, threads, methods)"),
                  ('{weights = {legal = 1, speed = 2}}', "uncertainty: unknown pillar 'speed' in weights")]:
    rc, out, err = run([], 'local d = gci.load("data/gci2020.csv")\nreturn d:uncertainty%s' % opts)
    check(rc == 1 and err.strip().endswith("t.lua:2: " + msg), "error for %s: %r" % (opts, err))

# ---- targets by brute force over hundredths ----
SUM = {r["iso3"]: sum(x) for r, x in zip(ROWS, X)}


def dense_rank_of(iso, scores):
    return dense_ranks(list(scores.values()))[list(scores).index(iso)]


def needed_alone(iso, p, goal):
    row = X[[r["iso3"] for r in ROWS].index(iso)]
    for h in range(round(row[p] * 100), 2001):
        s = dict(SUM)
        s[iso] = SUM[iso] - row[p] + h / 100
        if goal(s):
            return h / 100
    return None


rc, out, err = run(["run", "scripts/target_vietnam.lua", "--format", "csv"])
check(rc == 0, "target_vietnam: %s" % err)
# the header line is print()ed: on stderr, the CSV alone on stdout
head, body = err.split("\n", 1)[0], out
rows = {r["pillar"]: r for r in table(body)}
check(head == "Viet Nam now: rank %d" % dense_rank_of("VNM", SUM), "target header %r" % head)
goal10 = lambda s: dense_rank_of("VNM", s) <= 10
for p, name in enumerate(P):
    want = needed_alone("VNM", p, goal10)
    got = rows[name]["alone"]
    check((got == "cannot" and want is None) or (want is not None and got != "cannot" and abs(float(got) - want) < 1e-9),
          "alone %s: got %s want %s" % (name, got, want))
# the smallest spread: the 10th score level minus Viet Nam's pillar sum
levels = sorted(set(key(v) for k, v in SUM.items() if k != "VNM"), reverse=True)
need = levels[9] / 100 - SUM["VNM"]
inc = float(rows["(score)"]["increase"])
check(abs(inc - math.ceil(need * 100 - 1e-9) / 100) < 1e-9, "spread total %.2f, want %.2f" % (inc, need))
check(all(float(rows[n]["spread"]) <= 20 for n in P), "spread values capped at 20")
check(abs(sum(float(rows[n]["increase"]) for n in P) - inc) < 1e-9, "spread increases add up")

# tier target: Tier 1 needs 95
rc, out, err = run(["--format", "csv"], 'return gci.load("data/gci2020.csv"):target("VNM", {tier = 1})')
rows = {r["pillar"]: r for r in table(out)}
goal95 = lambda s: key(s["VNM"]) >= 9500
for p, name in enumerate(P):
    want = needed_alone("VNM", p, goal95)
    got = rows[name]["alone"]
    check((got == "cannot" and want is None) or (want is not None and got != "cannot" and abs(float(got) - want) < 1e-9),
          "tier alone %s: got %s want %s" % (name, got, want))
# {score = 95} asks the same as {tier = 1} with the default thresholds
rc, out2, err = run(["--format", "csv"], 'return gci.load("data/gci2020.csv"):target("VNM", {score = 95})')
check(rc == 0 and {r["pillar"]: r for r in table(out2)} == rows, "score goal = tier 1 goal: %s" % err)
rc, out, err = run([], 'return gci.load("data/gci2020.csv"):target("VNM", {rank = 10, tier = 1})')
check(rc == 1 and "target: give exactly one of rank, tier or score" in err, "target needs one goal")

# ---- sensitivity: runs, shape, and the method dominates the rank shifts ----
rc, out, err = run(["run", "scripts/sensitivity.lua", "1000", "--format", "csv"])
check(rc == 0, "sensitivity.lua: %s" % err)
rows = table(out)
check([r["input"] for r in rows] == ["weight of " + p for p in P] + ["aggregation method"], "sensitivity inputs")
check(all(float(r["S_p05"]) <= float(r["S"]) <= float(r["S_p95"]) and float(r["ST_p05"]) <= float(r["ST"]) <= float(r["ST_p95"])
          for r in rows), "point estimates inside their bootstrap intervals")

# ---- scripts/uncertainty.lua runs and reports every country ----
rc, out, err = run(["run", "scripts/uncertainty.lua", "2000", "--format", "csv"])
rows = table(out)
check(rc == 0 and len(rows) == 194 and list(rows[0]) == ["iso3", "country", "nominal", "median", "mean", "p05", "p95", "within3"],
      "uncertainty.lua columns")
check(all(float(r["p05"]) <= float(r["median"]) <= float(r["p95"]) for r in rows), "p05 <= median <= p95")
sums = dense_ranks([SUM[r["iso3"]] for r in ROWS])
check({r["iso3"]: int(r["nominal"]) for r in rows} == {r["iso3"]: k for r, k in zip(ROWS, sums)}, "nominal = dense rank of pillar sums")

done()
