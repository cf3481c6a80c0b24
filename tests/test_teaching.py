#!/usr/bin/env python3
"""Tests of `gcisim check` and the exercises of scripts/teaching/.

The exercises are solved here, in the test only: their blanks are filled
programmatically, the answers with values computed in Python from
data/gci2020.csv (dense and competition ranks, re-weighted sums, the what-if
sum, the uncertainty draws re-implemented from the recipe documented in
engine/ua.h, targets by brute force over hundredths), never copied from a
gcisim run.  Typical wrong answers must be refused with the hint for that
mistake.  Prints "N passed, N failed" last.
"""
import csv, math, os, re, shutil, subprocess

from gstest import GCISIM, TMP, alloc_total, check, done, rank_stats, ranks, rounded, run, ua_draw, ua_score

TEACH = "scripts/teaching"
P = ["legal", "technical", "organizational", "capacity", "cooperation"]
with open("data/gci2020.csv", newline="", encoding="utf-8") as f:
    ROWS = list(csv.DictReader(f))
ISO = [r["iso3"] for r in ROWS]
X = {r["iso3"]: [float(r[p]) for p in P] for r in ROWS}
SUM = {k: sum(v) for k, v in X.items()}
PUB = {r["iso3"]: float(r["score"]) for r in ROWS}


def key(s):
    """The rounded score ranks compare (gstest.rounded, 2 decimals)."""
    return rounded(s, 2)


def dense(scores):
    return ranks(scores)


def competition(scores):
    return ranks(scores, ties="competition")


# ---- filling in an exercise ----
def code_blanks(line):
    """Positions of the blanks ___ in the code of a line (before any --)."""
    code = line.split("--", 1)[0]
    return [m.start() for m in re.finditer(r"(?<![\w])___(?![\w])", code)]


def fill(name, values, out=None):
    """Writes TMP/out (default the exercise's name) with the k-th blank in
    the code replaced by values[k]; returns its path."""
    with open(os.path.join(TEACH, name), encoding="utf-8") as f:
        lines = f.read().split("\n")
    vals = list(values)
    total = sum(len(code_blanks(l)) for l in lines)
    check(total == len(vals), "%s has %d blanks, the test fills %d" % (name, total, len(vals)))
    res = []
    for l in lines:
        pos = code_blanks(l)
        if pos:
            parts, last = [], 0
            for p in pos:
                parts.append(l[last:p])
                parts.append(vals.pop(0) if vals else "___")
                last = p + 3
            parts.append(l[last:])
            l = "".join(parts)
        res.append(l)
    path = os.path.join(TMP, out or name)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(res))
    return path


def lua(v):
    if isinstance(v, str):
        return '"%s"' % v
    return repr(v)


def gcheck(path, *opts):
    """Runs gcisim check; returns (rc, {answer: (status, why)}, stdout, stderr)."""
    rc, out, err = run(["check", path] + list(opts))
    res = {}
    for line in out.split("\n"):
        m = re.match(r"^  (\S+)\s+(ok|not yet)(?:: (.*))?$", line)
        if m:
            res[m.group(1)] = (m.group(2), m.group(3) or "")
    return rc, res, out, err


def expect_all(path, names, status, what, why=None):
    rc, res, out, err = gcheck(path)
    check(rc == (0 if status == "ok" else 1), "%s: exit %d\n%s%s" % (what, rc, out, err))
    check(list(res) == names, "%s: answers %s, want %s\n%s" % (what, list(res), names, out))
    for n in names:
        st, w = res.get(n, ("missing", ""))
        check(st == status and (why is None or why in w), "%s: %s is %s (%s)" % (what, n, st, w))
    return out


def expect_hint(path, name, phrase, what):
    rc, res, out, err = gcheck(path)
    st, w = res.get(name, ("missing", ""))
    check(rc == 1 and st == "not yet" and phrase in w,
          "%s: want 'not yet: ...%s...' for %s, got exit %d\n%s%s" % (what, phrase, name, rc, out, err))


# ---- independent answers ----
dn, cp = dense(SUM), competition(SUM)
W = [1, 2, 1, 1, 1]
REW = {k: sum(w * x for w, x in zip(W, v)) * 100 / (20 * sum(W)) for k, v in X.items()}
RAW = {k: sum(w * x for w, x in zip(W, v)) for k, v in X.items()}
dr = dense(REW)
WHAT = dict(SUM)
WHAT["VNM"] = SUM["VNM"] - X["VNM"][1] + 20
dw = dense(WHAT)
hrv_ties = [k for k in ISO if dn[k] == dn["HRV"] and k != "HRV"]
check(len(hrv_ties) == 1, "Croatia shares its rank with one country: %s" % hrv_ties)
check(cp["HRV"] != dn["HRV"], "Croatia's competition and dense ranks differ (the exercise's point)")
# Croatia comes after its tie partner in the file: a loop that keeps the
# last row with Croatia's rank, without row.iso3 ~= "HRV", keeps Croatia
# (China, the exercise's first country, came first and passed that way)
check(ISO.index(hrv_ties[0]) < ISO.index("HRV"), "Croatia after its tie partner in file order")
check(X["VNM"][1] == 16.31, "Viet Nam's technical pillar is 16.31 as the exercise says")


def reference_ua(n, seed, iso, perturb=0.25, methods=("arithmetic", "geometric")):
    """One country's rank statistics over the draws of engine/ua.h's recipe."""
    xs = [X[k] for k in ISO]
    k = len(P)
    w = [1.0] * k
    Wt = float(k)
    me = ISO.index(iso)
    hist = {}
    for d in range(n):
        wp, method = ua_draw(seed, d, w, perturb, methods)
        sc = [key(ua_score(row, wp, method, Wt)) for row in xs]
        mine = sc[me]
        r = len(set(v for v in sc if v > mine)) + 1
        hist[r] = hist.get(r, 0) + 1

    return rank_stats(hist, n)


UA = reference_ua(1000, 1, "ROU")
check(UA["median"] != dn["ROU"], "Romania's median differs from its nominal rank (the exercise's point)")


def alone(iso, p, goal_rank=10):
    """The smallest value of pillar p alone that brings iso to goal_rank, by brute force."""
    for h in range(round(X[iso][p] * 100), 2001):
        s = dict(SUM)
        s[iso] = SUM[iso] - X[iso][p] + h / 100
        if dense(s)[iso] <= goal_rank:
            return h / 100
    return "cannot"


levels = sorted(set(key(v) for k, v in SUM.items() if k != "VNM"), reverse=True)
INCREASE = math.ceil((levels[9] / 100 - SUM["VNM"]) * 100 - 1e-9) / 100
TECH_ALONE = alone("VNM", 1)
LEGAL_ALONE = alone("VNM", 0)
check(dn["VNM"] == 26, "Viet Nam is 26th on the pillar sum, as exercise 06 says")

EX = {
    "01_read_score.lua": {
        "names": ["capacity", "published", "recomputed"],
        "code": ['d:get("FIN")', "fin.capacity", "fin.score", "d:score()", 'r:score("FIN")'],
        "answers": [None, ("capacity", X["FIN"][3]), ("published", PUB["FIN"]), None, ("recomputed", round(SUM["FIN"], 2))],
        "scaffold": ['d:get("FIN")', None, None, "d:score()", None],
    },
    "02_rank.lua": {
        "names": ["rank", "shared_with", "competition"],
        "code": ["d:score()", 'r:rank("HRV")', 'row.rank == answers.rank and row.iso3 ~= "HRV"',
                 'r:rank("HRV", {ties = "competition"})'],
        "answers": [None, ("rank", dn["HRV"]), None, ("competition", cp["HRV"])],
        "scaffold": ["d:score()", None, 'row.iso3 == "%s"' % hrv_ties[0], None],
    },
    "03_reweight.lua": {
        "names": ["score", "rank", "change"],
        "code": ["2", "d:score{weights = weights, scale = 100}", 'r:score("VNM")', 'r:rank("VNM")',
                 'd:score():rank("VNM")', "before - answers.rank"],
        "answers": [None, None, ("score", round(REW["VNM"], 4)), ("rank", dr["VNM"]), None, ("change", dn["VNM"] - dr["VNM"])],
        "scaffold": ["2", "d:score{weights = weights, scale = 100}", None, None, "0", None],
    },
    "04_whatif.lua": {
        "names": ["score", "rank", "gained"],
        "code": ["d:with{VNM = {technical = 20}}", "scenario:score()", 'after:score("VNM")', 'after:rank("VNM")',
                 "d:score()", 'before:rank("VNM") - answers.rank'],
        "answers": [None, None, ("score", round(WHAT["VNM"], 2)), ("rank", dw["VNM"]), None, ("gained", dn["VNM"] - dw["VNM"])],
        "scaffold": ["d", "d:score()", None, None, "d:score()", None],
    },
    "05_uncertainty.lua": {
        "names": ["median", "p05", "p95", "within3"],
        "code": ["d:uncertainty{n = 1000, seed = 1}", '"ROU"', "rou.median", "rou.p05", "rou.p95", "rou.within3"],
        "answers": [None, None, ("median", UA["median"]), ("p05", UA["p05"]), ("p95", UA["p95"]), ("within3", UA["within3"])],
        "scaffold": ["{}", '"ROU"', None, None, None, None],
    },
    "06_target.lua": {
        "names": ["technical", "increase", "legal"],
        "code": ['d:target("VNM", {rank = 10})', 'row_of("technical").alone', 'row_of("(score)").increase',
                 'row_of("legal").alone'],
        "answers": [None, ("technical", TECH_ALONE), ("increase", INCREASE), ("legal", LEGAL_ALONE)],
        "scaffold": ["{}", None, None, None],
    },
}


def solved(name, override=None, out=None):
    """The exercise with the Python answers (and scaffolding code for the
    intermediate blanks); override = {answer name: Lua expression}."""
    e = EX[name]
    vals = []
    for a, s in zip(e["answers"], e["scaffold"]):
        if a is None:
            vals.append(s)
        else:
            n, v = a
            vals.append(override[n] if override and n in override else lua(v))
    return fill(name, vals, out)


# ---- every exercise: blank, solved from Python, solved with the API ----
check(sorted(f for f in os.listdir(TEACH) if f.endswith(".lua")) == sorted(EX), "the test covers every exercise")
for name, e in EX.items():
    out = expect_all(os.path.join(TEACH, name), e["names"], "not yet", name + " unfilled", "blank")
    check(re.search(r"^0 of %d right; \d+ blanks? ___ left in the code" % len(e["names"]), out, re.M),
          "%s unfilled summary:\n%s" % (name, out))
    out = expect_all(solved(name), e["names"], "ok", name + " solved with Python's answers")
    check(out.rstrip().endswith("%d of %d right: well done" % (len(e["names"]), len(e["names"]))),
          "%s solved summary:\n%s" % (name, out))
    expect_all(fill(name, e["code"], "code_" + name), e["names"], "ok", name + " solved with the API")
    # a file of its own elsewhere, run from the repository root: the keys are compiled in
    sub = os.path.join(TMP, "elsewhere")
    os.makedirs(sub, exist_ok=True)
    shutil.copy(os.path.join(TMP, name), sub)
    expect_all(os.path.join(sub, name), e["names"], "ok", name + " copied to another directory")

# ---- a wrong answer echoes the value given, next to the hint (issue 13, point 9) ----
wrong = dn["HRV"] + 1
rc, out, err = run(["check", solved("02_rank.lua", {"rank": lua(wrong)}, out="echo.lua"), "--hint"])
lines = out.splitlines()
at = [i for i, l in enumerate(lines) if re.match(r"^  rank\s+not yet", l)]
check(rc == 1 and at and lines[at[0] + 1].split() == ["you", "gave:", str(wrong)] and "hint:" in lines[at[0] + 2],
      "the wrong rank %d is echoed between the verdict and the hint:\n%s" % (wrong, out))
rc, out, err = run(["check", solved("02_rank.lua", {"rank": '"%d"' % dn["HRV"]}, out="echo2.lua")])
check(rc == 1 and re.search(r'^\s+you gave: "%d"$' % dn["HRV"], out, re.M), "a string answer is echoed in quotes:\n%s" % out)
out_ok = run(["check", solved("02_rank.lua", out="echo3.lua")])[1]
check("you gave" not in out_ok, "right answers echo nothing:\n%s" % out_ok)

# ---- typical mistakes get their hint ----
expect_hint(solved("01_read_score.lua", {"recomputed": lua(PUB["FIN"])}), "recomputed", "that is the published score",
            "published score given for the recomputed one")
expect_hint(solved("01_read_score.lua", {"published": lua(round(SUM["FIN"], 2))}), "published", "recomputed from the pillars",
            "recomputed score given for the published one")
expect_hint(solved("01_read_score.lua", {"capacity": lua(X["FIN"][2])}), "capacity", "organizational pillar",
            "the wrong pillar")
# Finland's capacity pillar is its own value (legal, technical and
# cooperation are all 20: any of them passed for the technical pillar)
check(all(X["FIN"][3] != X["FIN"][k] for k in (0, 1, 2, 4)), "Finland's capacity pillar differs from its others")
rc, res, out, err = gcheck(solved("01_read_score.lua", {"capacity": "fin.legal"}, out="fin_legal.lua"))
w = res.get("capacity", ("", ""))[1]
check(rc == 1 and w.startswith("either that is the legal pillar") and "or that is the technical pillar" in w
      and "or that is the cooperation pillar" in w, "fin.legal for capacity:\n%s" % out)
expect_hint(solved("02_rank.lua", {"rank": lua(cp["HRV"])}), "rank", "that is the competition rank", "competition for dense")
expect_hint(solved("02_rank.lua", {"competition": lua(dn["HRV"])}), "competition", "dense rank again", "dense for competition")
expect_hint(solved("02_rank.lua", {"competition": lua(cp["HRV"] - 1)}), "competition", "number of countries ahead",
            "competition rank minus one")
expect_hint(solved("02_rank.lua", {"rank": lua(dn["HRV"] + 1)}), "rank", "off by one", "dense rank off by one")
expect_hint(solved("02_rank.lua", {"rank": '"%d"' % dn["HRV"]}), "rank", "not a string", "a rank in quotes")
expect_hint(fill("02_rank.lua", ["d:score()", 'r:rank("HRV")', 'row.iso3 == "HRV"', 'r:rank("HRV", {ties = "competition"})']),
            "shared_with", "that is Croatia itself", "Croatia as its own tie partner")
expect_hint(fill("02_rank.lua", ["d:score()", 'r:rank("HRV")', 'row.rank == answers.rank', 'r:rank("HRV", {ties = "competition"})'],
                 "norule_02.lua"), "shared_with", "that is Croatia itself", "the tie loop without iso3 ~= \"HRV\"")
expect_hint(solved("03_reweight.lua", {"score": lua(RAW["VNM"])}), "score", "before rescaling", "forgot scale = 100")
expect_hint(solved("03_reweight.lua", {"score": lua(round(SUM["VNM"], 2))}), "score", "equal weights", "forgot the weight")
expect_hint(solved("03_reweight.lua", {"change": lua(dr["VNM"] - dn["VNM"])}), "change", "sign is reversed", "sign of the change")
expect_hint(solved("03_reweight.lua", {"rank": lua(dn["VNM"])}), "rank", "rank with equal weights", "the old rank")
expect_hint(solved("03_reweight.lua", {"score": lua(round(REW["VNM"], 2) + 0.03)}), "score", "close", "a score a bit off")
expect_all(solved("03_reweight.lua", {"score": lua(round(REW["VNM"] + 0.004, 4))}), EX["03_reweight.lua"]["names"], "ok",
           "a score within 0.005 is right")
expect_hint(solved("03_reweight.lua", {"score": lua(round(REW["VNM"] + 0.006, 4))}), "score", "close",
            "a score 0.006 off is not")
expect_hint(solved("04_whatif.lua", {"rank": lua(dn["VNM"])}), "rank", "rank before the change", "rank before the scenario")
expect_hint(solved("04_whatif.lua", {"score": lua(round(PUB["VNM"] + 20 - X["VNM"][1], 2))}), "score", "published score",
            "what-if from the published score")
expect_hint(solved("04_whatif.lua", {"gained": lua(float(ROWS[ISO.index("VNM")]["rank"]) - dw["VNM"])}), "gained",
            "published rank", "places gained from the published rank")
expect_hint(solved("05_uncertainty.lua", {"median": lua(UA["mean"])}), "median", "mean rank", "mean for median")
# ---- exercise 05: a slip is named only when the answer is its value and no
# other slip's (UX finding 9: every wrong median was "the answer for seed 2")
GENERAL = "use exactly n = 1000, seed = 1 and the default methods as the task says"
ALT = {"seed 2": reference_ua(1000, 2, "ROU"), "seed 0": reference_ua(1000, 0, "ROU"),
       "n = 100": reference_ua(100, 1, "ROU"), "arithmetic": reference_ua(1000, 1, "ROU", methods=("arithmetic",)),
       "geometric": reference_ua(1000, 1, "ROU", methods=("geometric",))}
SEED3 = reference_ua(1000, 3, "ROU")


def ua_file(opts, out):
    return fill("05_uncertainty.lua", ["d:uncertainty{%s}" % opts, '"ROU"', "rou.median", "rou.p05", "rou.p95", "rou.within3"], out)


# the nominal rank is also the median of the arithmetic-only draws here: no single slip
check(ALT["arithmetic"]["median"] == dn["ROU"], "Romania's arithmetic-only median is its nominal rank")
expect_hint(solved("05_uncertainty.lua", {"median": lua(dn["ROU"])}), "median", GENERAL, "nominal for median (ambiguous)")
# seed 3, n = 100: the median they give is also seed 2's: no "seed 2" hint
for opts, st in (("n = 1000, seed = 3", SEED3), ("n = 100, seed = 1", ALT["n = 100"])):
    check(st["median"] != UA["median"] and st["median"] == ALT["seed 2"]["median"], "%s: median shared with seed 2" % opts)
    rc, res, out, err = gcheck(ua_file(opts, "ua_%d.lua" % len(opts)))
    check(rc == 1 and res.get("median") == ("not yet", GENERAL + ", and read Romania's row"),
          "%s: median gets the general hint:\n%s%s" % (opts, out, err))
    check(all(res.get(n, ("", ""))[0] == ("ok" if st[n] == UA[n] else "not yet") for n in ("p05", "p95")),
          "%s: p05/p95:\n%s" % (opts, out))
# within3 of seed 2 is seed 2's alone: named
others = [v["within3"] for k, v in ALT.items() if k != "seed 2"] + [SEED3["within3"], UA["within3"]]
check(all(abs(ALT["seed 2"]["within3"] - o) > 0.0005 for o in others), "seed 2's within3 is its own")
rc, res, out, err = gcheck(ua_file("n = 1000, seed = 2", "ua_seed2.lua"))
check(res.get("within3") == ("not yet", "that is the answer for seed 2: use seed = 1"), "seed 2's within3 named:\n%s" % out)
rc, res, out, err = gcheck(ua_file("n = 1000, seed = 3", "ua_seed3.lua"))
check(res.get("within3", ("", ""))[1].startswith(GENERAL), "seed 3's within3: the general hint:\n%s" % out)
# arithmetic only: p05 is that slip's alone, and not "off by one"
a05 = ALT["arithmetic"]["p05"]
check(a05 != UA["p05"] and all(a05 != v["p05"] for k, v in ALT.items() if k != "arithmetic") and a05 != UA["p95"],
      "the arithmetic-only p05 is its own")
rc, res, out, err = gcheck(ua_file('n = 1000, seed = 1, methods = {"arithmetic"}', "ua_arith.lua"))
check(res.get("p05", ("", ""))[1].startswith("that is with the arithmetic mean alone") and "off by one" not in out,
      "arithmetic-only p05:\n%s" % out)
check(res.get("median", ("", ""))[1].startswith(GENERAL), "arithmetic-only median = nominal: general hint:\n%s" % out)
expect_hint(solved("05_uncertainty.lua", {"p05": lua(UA["p95"]), "p95": lua(UA["p05"])}), "p05", "95th percentile",
            "percentiles swapped")
expect_hint(solved("05_uncertainty.lua", {"within3": lua(UA["within3"] * 100)}), "within3", "percentage", "share as a percentage")
expect_hint(solved("06_target.lua", {"technical": lua(round(TECH_ALONE - X["VNM"][1], 2))}), "technical", "how much the pillar must grow",
            "increase for the value")
expect_hint(solved("06_target.lua", {"legal": "20"}), "legal", "already at its maximum", "legal at 20")
expect_hint(solved("06_target.lua", {"increase": lua(TECH_ALONE)}), "increase", "technical value needed alone", "value for the increase")

# --hint adds a hint line under each answer not yet right
rc, out, err = run(["check", os.path.join(TEACH, "01_read_score.lua"), "--hint"])
check(rc == 1 and out.count("hint: ") == 3 and 'fin.capacity' in out, "--hint:\n%s" % out)
rc, out, err = run(["check", os.path.join(TEACH, "01_read_score.lua")])
check("hint: " not in out and "(--hint for hints)" in out, "no hints without --hint:\n%s" % out)

# ---- errors ----
def student(text, name="student.lua"):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        f.write(text)
    return path


p = student('exercise "01-read-score"\nlocal x = 1\nerror("boom")\n')
rc, out, err = run(["check", p])
check(rc == 1 and err.startswith(p + ":3: boom"), "a script error is file:LINE: message, exit 1: %d %r" % (rc, err))
p = student('exercise "01-read-score"\nlocal d = gci.load("data/gci2020.csv")\nlocal r = d:score{weights = {technical = ___}}\n')
rc, out, err = run(["check", p])
check(rc == 1 and err.startswith(p + ":3: ") and "still has 1 blank ___" in err, "blank passed to gci: %d %r" % (rc, err))
p = student('exercise "01-read-score"\nlocal f = io.open("/etc/passwd")\n')
rc, out, err = run(["check", p])
check(rc == 1 and err.startswith(p + ":2: ") and "io" in err, "io is refused in check: %d %r" % (rc, err))
p = student('exercise "01-read-score"\nos.execute("true")\n')
rc, out, err = run(["check", p])
check(rc == 1 and err.startswith(p + ":2: "), "os.execute is refused in check: %d %r" % (rc, err))
p = student('exercise "01-read-score"\nlocal d = gci.load("/etc/passwd")\n')
rc, out, err = run(["check", p])
check(rc == 1 and err.startswith(p + ":2: ") and "/etc/passwd" in err,
      "gci.load outside the allowed directories is refused in check: %d %r" % (rc, err))
p = student('-- my exercise\n\nexercise "99-nope"\n')
rc, out, err = run(["check", p])
check(rc == 1 and err.startswith(p + ':3: unknown exercise "99-nope" (known: 01-read-score, 02-rank,'),
      "unknown exercise: %d %r" % (rc, err))
p = student('exercise "../../etc/passwd"\n')
rc, out, err = run(["check", p])
check(rc == 1 and "unknown exercise" in err, "an id with a path is unknown: %d %r" % (rc, err))
p = student('answers.x = 1\n')
rc, out, err = run(["check", p])
check(rc == 1 and "no exercise id" in err, "no exercise call: %d %r" % (rc, err))
p = student('exercise "01-read-score"\nanswers = 3\n')
rc, out, err = run(["check", p])
check(rc == 1 and "answers is a number" in err, "answers replaced: %d %r" % (rc, err))
p = student('exercise "01-read-score"\nwhile true do end\n')
rc, out, err = run(["check", p, "--timeout", "1"])
check(rc == 80 and "timeout" in err, "timeout in check: %d %r" % (rc, err))
shutil.copy("tests/bad/duplicate_iso3.csv", TMP)
p = student('exercise "01-read-score"\nlocal d = gci.load("%s/duplicate_iso3.csv")\n' % TMP)
rc, out, err = run(["check", p])
check(rc == 65 and "duplicate_iso3.csv:" in err, "data error in check: %d %r" % (rc, err))
# answers the key does not know are named, and ignored
p = solved("02_rank.lua", out="extra.lua")
with open(p, "a") as f:
    f.write("\nanswers.rnak = 1\n")
rc, res, out, err = gcheck(p)
check(rc == 0 and "rnak" in out and "not an answer of this exercise" in out, "unknown answer name:\n%s" % out)

# ---- a reason for every "not yet" (UX suggestions) ----
# nil is not the blank: a misspelled field is nil, and nothing in the file is blank
# (d:get("fin") in lower case is an error with a hint now, not nil)
p = solved("01_read_score.lua", {"capacity": 'd:get("FIN").capacty'}, out="nil.lua")
rc, res, out, err = gcheck(p)
check(res.get("capacity", ("", ""))[1].startswith("your answer is nil") and "blank" not in res["capacity"][1],
      "a nil answer is not called blank:\n%s" % out)
# an answer never set at all
p = student('exercise "01-read-score"\nanswers.capacity = %r\n' % X["FIN"][3], "unset.lua")
rc, res, out, err = gcheck(p)
check(res.get("published", ("", ""))[1] == "blank, answers.published is not set (not filled in yet)", "unset:\n%s" % out)
# the word of the task in another case
check(LEGAL_ALONE == "cannot", "the legal pillar alone cannot bring Viet Nam to the top 10")
for word in ('"Cannot"', '"CANNOT"', '" cannot"'):
    rc, res, out, err = gcheck(solved("06_target.lua", {"legal": word}, out="case.lua"))
    check(rc == 1 and "same case" in res.get("legal", ("", ""))[1], "%s for cannot:\n%s" % (word, out))
# change = 0 when Viet Nam moves
check(dn["VNM"] != dr["VNM"] and dn["VNM"] != dw["VNM"], "Viet Nam moves in exercises 03 and 04")
expect_hint(solved("03_reweight.lua", {"change": "0"}), "change", "0 would mean Viet Nam keeps its rank", "change = 0")
expect_hint(solved("04_whatif.lua", {"gained": "0"}), "gained", "0 would mean Viet Nam keeps its rank", "gained = 0")
# a published score rounded by hand (to 1 decimal): not "the value gcisim computes"
r1 = round(PUB["FIN"], 1)
check(abs(r1 - PUB["FIN"]) > 0.005, "Finland's published score has a second decimal")
rc, res, out, err = gcheck(solved("01_read_score.lua", {"published": lua(r1)}, out="rounded.lua"))
check(res.get("published", ("", ""))[1].startswith("close, but not the same to 2 decimals") and "computes" not in out,
      "hand-rounded published score:\n%s" % out)
# ---- a teacher's own exercise: its key under --keys DIR only; no override of a shipped key ----
own = os.path.join(TMP, "own")
os.makedirs(os.path.join(own, "keys"))
KEYS = os.path.join(own, "keys")
with open(os.path.join(own, "keys", "07-count.lua"), "w") as f:
    f.write('local d = gci.load("data/gci2020.csv")\n'
            'return {title = "count", {name = "n", kind = "rank", value = #d, hint = "#d",\n'
            '  mistakes = {{value = #d - 1, says = "one short"}}}}\n')
with open(os.path.join(own, "keys", "01-read-score.lua"), "w") as f:
    f.write('return {{name = "capacity", value = 0}, {name = "published", value = 0}, {name = "recomputed", value = 0}}\n')
with open(os.path.join(own, "count.lua"), "w") as f:
    f.write('exercise "07-count"\nanswers.n = %d\n' % len(ROWS))
rc, res, out, err = gcheck(os.path.join(own, "count.lua"), "--keys", KEYS)
check(rc == 0 and res == {"n": ("ok", "")} and out.startswith("exercise 07-count: count\n"), "a teacher's key:\n%s%s" % (out, err))
# without --keys, a keys/ directory next to the file is not looked at: a
# student could write the key of their own answers there (UX finding 10b)
rc, out, err = run(["check", os.path.join(own, "count.lua")])
check(rc == 1 and 'count.lua:1: unknown exercise "07-count"' in err and
      out == "%s: not checked: the script stopped with an error (see above)\n" % os.path.join(own, "count.lua"),
      "keys/ next to the file are ignored without --keys: %d %r %r" % (rc, out, err))
with open(os.path.join(own, "count.lua"), "w") as f:
    f.write('exercise "07-count"\nanswers.n = %d\n' % (len(ROWS) - 1))
rc, res, out, err = gcheck(os.path.join(own, "count.lua"), "--keys", KEYS)
check(rc == 1 and res.get("n") == ("not yet", "one short"), "a teacher's mistake hint:\n%s%s" % (out, err))
for given, why in ((-len(ROWS), "the size is right, the sign is not"), (0, "the answer is not 0"), (len(ROWS) + 5, "")):
    with open(os.path.join(own, "count.lua"), "w") as f:
        f.write('exercise "07-count"\nanswers.n = %d\n' % given)
    rc, res, out, err = gcheck(os.path.join(own, "count.lua"), "--keys", KEYS)
    check(rc == 1 and res.get("n") == ("not yet", why), "n = %d: %r\n%s" % (given, why, out))
# two mistakes with the value given: both are named, or the key's otherwise is said
with open(os.path.join(KEYS, "10-either.lua"), "w") as f:
    f.write('return {{name = "a", kind = "rank", value = 5, mistakes = {{value = 4, says = "A"}, {value = 4, says = "B"},\n'
            '  {value = 6, says = "C"}, {value = 6, says = "C"}}},\n'
            ' {name = "b", kind = "rank", value = 5, otherwise = "O", mistakes = {{value = 4, says = "A"}, {value = 4, says = "B"},\n'
            '  {value = 6, says = "C"}}}}\n')
for a, b, wa, wb in ((4, 4, "either A; or B", "O"), (6, 6, "C", "C"), (7, 4, "", "O"), (6, 7, "C", "O")):
    with open(os.path.join(own, "either.lua"), "w") as f:
        f.write('exercise "10-either"\nanswers.a = %d\nanswers.b = %d\n' % (a, b))
    rc, res, out, err = gcheck(os.path.join(own, "either.lua"), "--keys", KEYS)
    check(res == {"a": ("not yet", wa), "b": ("not yet", wb)}, "mistakes of one value, a=%d b=%d:\n%s%s" % (a, b, out, err))
with open(os.path.join(own, "cheat.lua"), "w") as f:
    f.write('exercise "01-read-score"\nanswers.capacity = 0\nanswers.published = 0\nanswers.recomputed = 0\n')
rc, res, out, err = gcheck(os.path.join(own, "cheat.lua"), "--keys", KEYS)
check(rc == 1 and len(res) == 3 and all(s == "not yet" for s, _ in res.values()),
      "--keys cannot replace a shipped key:\n%s" % out)
with open(os.path.join(own, "keys", "08-broken.lua"), "w") as f:
    f.write('return {{name = "x"}}\n')
with open(os.path.join(own, "broken.lua"), "w") as f:
    f.write('exercise "08-broken"\nanswers.x = 1\n')
rc, out, err = run(["check", os.path.join(own, "broken.lua"), "--keys", KEYS])
check(rc == 1 and "answer key 08-broken" in err and "value must be a number or a string" in err, "a broken key: %d %r" % (rc, err))
# a key naming one answer twice is refused (the second entry once got the
# student's text after it had moved to the first: a crash)
with open(os.path.join(own, "keys", "09-twice.lua"), "w") as f:
    f.write('return {{name = "who", kind = "text", value = "a"}, {name = "who", kind = "text", value = "b"}}\n')
with open(os.path.join(own, "twice.lua"), "w") as f:
    f.write('exercise "09-twice"\nanswers.who = "a"\n')
rc, out, err = run(["check", os.path.join(own, "twice.lua"), "--keys", KEYS])
check(rc == 1 and "answer key 09-twice" in err and "answer 2: the name 'who' is already answer 1" in err,
      "a key naming an answer twice: %d %r" % (rc, err))
rc, out, err = run(["check", os.path.join(own, "count.lua"), "--keys", os.path.join(own, "nokeys")])
check(rc == 64 and "nokeys" in err, "--keys with a missing directory: %d %r" % (rc, err))

# ---- --expect: a file cannot pass as another exercise (UX finding 10a) ----
# exercise 01's right answers in a file named like exercise 06
fake = os.path.join(TMP, "expect", "06_target.lua")
os.makedirs(os.path.dirname(fake))
shutil.copy(solved("01_read_score.lua", out="one.lua"), fake)
rc, out, err = run(["check", fake])
check(rc == 0, "without --expect, the file is graded as the exercise it names: %d %r" % (rc, err))
decl = [i + 1 for i, l in enumerate(open(fake, encoding="utf-8")) if l.startswith('exercise "01-read-score"')]
rc, out, err = run(["check", fake, "--expect", "06-target"])
check(rc == 1 and out == "%s: not checked: the script stopped with an error (see above)\n" % fake and len(decl) == 1 and
      err.startswith('%s:%d: this file is exercise "01-read-score", not the expected "06-target" (--expect)' % (fake, decl[0]))
      and "blank" not in err, "--expect another id: %d %r" % (rc, err))
rc, res, out, err = gcheck(fake, "--expect", "01-read-score")
check(rc == 0 and len(res) == 3, "--expect the id the file declares: %d %r" % (rc, err))
rc, out, err = run(["check", fake, "--expect", "99-nope"])
check(rc == 64 and "--expect: unknown exercise '99-nope'" in err, "--expect an unknown id: %d %r" % (rc, err))
with open(os.path.join(own, "count.lua"), "w") as f:
    f.write('exercise "07-count"\nanswers.n = %d\n' % (len(ROWS) - 1))
rc, out, err = run(["check", os.path.join(own, "count.lua"), "--keys", KEYS, "--expect", "07-count"])
check(rc == 1 and "one short" in out, "--expect an id of --keys: %d %r" % (rc, err))
rc, out, err = run(["check", fake, "--expect"])
check(rc == 64 and "--expect needs a value" in err, "--expect without an id: %d %r" % (rc, err))

# ---- reading: the installed data directory, --allow-read (UX finding 2) ----
# An installed layout (PREFIX/share/gcisim holds data/ and scripts/) as the
# data directory, gcisim run from a directory without data/: the shipped
# exercise and a student's copy in their own directory both read the data.
share = os.path.join(TMP, "pfx", "share", "gcisim")
shutil.copytree("data", os.path.join(share, "data"))
shutil.copytree(TEACH, os.path.join(share, TEACH))
home = os.path.join(TMP, "home")
os.makedirs(os.path.join(home, "work"))
shutil.copy(os.path.join(TMP, "code_01_read_score.lua"), os.path.join(home, "work", "mine.lua"))
ENV = dict(os.environ, GCISIM_DATADIR=share)
BIN = GCISIM[:-1] + [os.path.abspath(GCISIM[-1])]


def in_home(args):
    p = subprocess.run(BIN + args, capture_output=True, text=True, cwd=home, env=ENV)
    return p.returncode, p.stdout, p.stderr


rc, out, err = in_home(["check", os.path.join(share, TEACH, "01_read_score.lua")])
check(rc == 1 and err == "" and out.count("not yet: blank") == 3,
      "the installed exercise, checked from elsewhere: %d %r %r" % (rc, out, err))
rc, out, err = in_home(["check", "work/mine.lua"])
check(rc == 0 and err == "" and out.rstrip().endswith("3 of 3 right: well done"),
      "a student's copy in their own directory: %d %r %r" % (rc, out, err))
rc, out, err = in_home(["check", os.path.join(share, TEACH, "01_read_score.lua"), "--expect", "01-read-score"])
check(rc == 1 and err == "", "installed exercise with --expect: %d %r" % (rc, err))
# their own data elsewhere: refused, then allowed with --allow-read
mydata = os.path.join(TMP, "mydata")
os.makedirs(mydata)
with open(os.path.join(mydata, "mini.csv"), "w") as f:
    f.write("iso3,country,legal,technical,organizational,capacity,cooperation\n"
            "AAA,A,10,10,10,10,10\nBBB,B,5,5,5,5,5\n")
with open(os.path.join(home, "work", "own.lua"), "w") as f:
    f.write('exercise "01-read-score"\nlocal r = gci.load("%s/mini.csv"):score()\nanswers.recomputed = r:score("AAA")\n' % mydata)
rc, out, err = in_home(["check", "work/own.lua"])
check(rc == 1 and err.startswith("work/own.lua:2: ") and "reading refused" in err,
      "data outside the allowed directories is refused: %d %r" % (rc, err))
rc, res, out, err = gcheck(os.path.join(home, "work", "own.lua"), "--allow-read", mydata)
check(rc == 1 and res.get("recomputed", ("", ""))[0] == "not yet" and err == "",
      "--allow-read lets the exercise read DIR: %d %r %r" % (rc, out, err))
rc, out, err = run(["check", os.path.join(home, "work", "own.lua"), "--allow-read", os.path.join(TMP, "none")])
check(rc == 64 and "none" in err, "--allow-read of a missing directory: %d %r" % (rc, err))
for opt in (["--trusted"], ["--allow-write", TMP]):
    rc, out, err = run(["check", os.path.join(home, "work", "own.lua")] + opt)
    check(rc == 64 and "unknown option '%s'" % opt[0] in err, "check refuses %s: %d %r" % (opt[0], rc, err))

# ---- the limits of gcisim run ----
p = student('exercise "01-read-score"\nlocal i = 0\nwhile true do i = i + 1 end\n')
rc, out, err = run(["check", p, "--max-instructions", "100000"])
check(rc == 82 and "instruction" in err, "--max-instructions in check: %d %r" % (rc, err))
p = student('exercise "01-read-score"\nlocal t = {}\nfor i = 1, 1e8 do t[i] = ("x"):rep(100) .. i end\n')
rc, out, err = run(["check", p, "--max-memory", "16M"])
check(rc == 81 and err.startswith(p + ":3: ") and "memory" in err, "--max-memory in check: %d %r" % (rc, err))
# a limit hit inside a C function (string.rep) still names the file
p = student('exercise "01-read-score"\nlocal s = ("x"):rep(1e9)\n')
rc, out, err = run(["check", p, "--max-memory", "16M"])
check(rc == 81 and err.startswith(p + ": memory limit"), "memory limit in C code names the file: %d %r" % (rc, err))

# ---- an exercise given to gcisim run: pointed to gcisim check ----
ex = os.path.join(TEACH, "01_read_score.lua")
rc, out, err = run(["run", ex])
check(rc == 1 and "global 'exercise'" in err and "check it with gcisim check %s" % ex in err,
      "gcisim run on an exercise: %d %r" % (rc, err))
rc, out, err = run(["run"], script="local t = {}\nt.exercise()\n")
check(rc == 1 and "gcisim check" not in err, "no such note for other nil calls: %r" % err)

# a key's tables are read raw: a string from an __index metamethod would be
# unanchored once popped (freed by the next allocation, such as the error
# message quoting it); here kind comes from __index only, so the answer is
# a plain number and 42 is right
with open(os.path.join(own, "keys", "10-raw.lua"), "w") as f:
    f.write('local mt = {__index = function(t, k) if k == "kind" then return "bogus" .. ("!"):rep(60) end end}\n'
            'return {setmetatable({name = "n", value = 42}, mt)}\n')
with open(os.path.join(own, "raw.lua"), "w") as f:
    f.write('exercise "10-raw"\nanswers.n = 42\n')
rc, res, out, err = gcheck(os.path.join(own, "raw.lua"), "--keys", os.path.join(own, "keys"))
check(rc == 0 and res == {"n": ("ok", "")}, "a key's fields are its own (no __index): %d %r %r" % (rc, out, err))

# ---- usage ----
rc, out, err = run(["check", "--help"])
check(rc == 0 and out.startswith("usage: gcisim check EXERCISE.lua") and "--hint" in out and err == "", "check --help")
rc, out, err = run(["check"])
check(rc == 64 and "check needs an exercise file" in err, "check without a file: %d %r" % (rc, err))
rc, out, err = run(["check", os.path.join(TEACH, "01_read_score.lua"), "--bogus"])
check(rc == 64 and "unknown option '--bogus'" in err, "check with a bad option: %d %r" % (rc, err))
rc, out, err = run(["check", "a.lua", "b.lua"])
check(rc == 64, "check with two files: %d" % rc)
rc, out, err = run(["check", os.path.join(TMP, "missing.lua")])
check(rc == 1 and "missing.lua" in err, "a missing file: %d %r" % (rc, err))
rc, out, err = run(["--help"])
check(re.search(r"^  check EXERCISE\.lua ", out, re.M), "gcisim --help lists check")

# ---- the README example prints what it shows ----
with open("README.md", encoding="utf-8") as f:
    readme = f.read()
m = re.search(r"```sh\n\$ (gcisim check scripts/teaching/01_read_score\.lua[^\n]*)\n(.*?)```", readme, re.S)
check(m is not None, "README shows gcisim check in a sh block")
if m:
    env = dict(os.environ, PATH=os.path.dirname(os.path.abspath(GCISIM[-1])) + os.pathsep + os.environ["PATH"])
    pr = subprocess.run(["sh", "-c", m.group(1)], capture_output=True, text=True, env=env)
    check(pr.returncode == 0 and pr.stdout.rstrip() == m.group(2).rstrip(),
          "README check example:\n%s---\n%s" % (pr.stdout, m.group(2)))

# ---- allocation failures (GCISIM_FAIL_ALLOC, sandbox.h; both sandboxes count) end cleanly ----
SLOW = any(w in " ".join(GCISIM) for w in ("valgrind", "asan")) or bool(os.environ.get("VALGRIND"))
sweep_file = os.path.join(TMP, "code_02_rank.lua")


def fail_at(spec):
    p = subprocess.run(GCISIM + ["check", sweep_file], capture_output=True, text=True, errors="replace",
                       env=dict(os.environ, GCISIM_FAIL_ALLOC=spec), timeout=120)
    return p.returncode, p.stdout, p.stderr


total = alloc_total(lambda spec: fail_at(spec)[0] != 0)
check(total > 100, "check makes %d Lua allocations" % total)
stride = max(1, total // (20 if SLOW else 150))
bad = []
for n in range(1, total + 1, stride):
    for spec in ("%d" % n, "%d+" % n):
        rc, out, err = fail_at(spec)
        clean = (rc == 0 and out.rstrip().endswith("3 of 3 right: well done")) or (rc in (1, 81) and err.strip())
        if not clean or "Sanitizer" in err or "runtime error" in err:
            bad.append((spec, rc, err[:200]))
for spec, rc, err in bad[:5]:
    print("FAIL: GCISIM_FAIL_ALLOC=%s: exit %d %r" % (spec, rc, err))
check(not bad, "allocation failures in check: %d unclean runs" % len(bad))

done()
