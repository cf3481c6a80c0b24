"""gstest - the few helpers every Python test of gcisim shares.

    from gstest import check, done, run, table, TMP

check(cond, what) counts a check and prints "FAIL: what" when it fails;
done() removes the temporary directory, prints "N passed, N failed" (the
line tests/run.sh adds up) and exits non-zero on any failure.
rounded(x, digits), round_away(x, digits), ranks(scores, digits, ties) and
rank_among(score, others, digits, ties) are THE rank reference of the tests
(one rounding rule, half away from zero as engine/core/ties.h documents;
one dense/competition ranking), written from README's definition, not
from the C.  No test keeps a rank or rounding function of its own, except
where it reproduces another program's rule on purpose (R's round and
rank in test_coinr.py and coinr_ref.py, pandas' in bench/peer.py).
Stream(seed, d) is the documented random stream of engine/ua.h;
ua_draw, ua_score and rank_stats spell out its uncertainty recipe, the
reference the analysis and teaching tests compare gcisim with.
run(args, script=None) runs gcisim (GCISIM, default ./gcisim); with a
script text, it is written to TMP/name and run as `gcisim run FILE args`.
"""
import csv
import io
import math
import os
import shutil
import subprocess
import sys
import tempfile

GCISIM = os.environ.get("GCISIM", "./gcisim").split()
TMP = os.path.realpath(tempfile.mkdtemp(prefix="gcisim-test-"))
_count = {"passed": 0, "failed": 0}


def check(cond, what):
    if cond:
        _count["passed"] += 1
    else:
        _count["failed"] += 1
        print("FAIL:", what)


def run(args, script=None, name="t.lua"):
    """Runs gcisim; returns (exit code, stdout, stderr)."""
    if script is not None:
        path = os.path.join(TMP, name)
        with open(path, "w") as f:
            f.write(script)
        args = ["run", path] + list(args)
    p = subprocess.run(GCISIM + list(args), capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def table(out):
    """CSV text as a list of dicts."""
    return list(csv.DictReader(io.StringIO(out)))


def script_checks(head):
    """The two checks of a test that runs one expression after a common
    head (a script prefix that builds the objects): gc(expr) runs
    head + "return " + expr, checks that it exits 0 and returns what it
    printed (--format fmt, csv by default) as a list of dicts; fails(expr,
    needle) checks that it exits non-zero with needle in its stderr.
    Either takes head= to run after another head."""

    def gc(expr, head=head, fmt="csv"):
        code, out, err = run(["--format", fmt], head + "return " + expr + "\n")
        check(code == 0, "%s exits 0 (%s)" % (expr, err.strip()))
        return table(out)

    def fails(expr, needle, head=head):
        code, out, err = run([], head + "return " + expr + "\n")
        check(code != 0 and needle in err, "%s fails with %r (got %r)" % (expr, needle, err.strip()))

    return gc, fails


def rounded(x, digits=2):
    """The key a score is ranked on: x rounded half away from zero to
    `digits` decimals, as the GCI publishes its scores (README, "Ranks"),
    as an exact integer count of 10^-digits (digits < 0: x itself).
    A Decimal is rounded exactly; a float is first taken as the decimal a
    person reads (the 1e-9 absorbs binary error: 92.525 is stored as
    92.52499999999999 and still rounds up)."""
    if digits is None or digits < 0:
        return x
    try:
        from decimal import Decimal, ROUND_HALF_UP
        if isinstance(x, Decimal):
            return int(x.scaleb(digits).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    except ImportError:
        pass
    y = math.floor(abs(x) * 10 ** digits + 0.5 + 1e-9)
    return y if x >= 0 else -y


def round_away(x, digits=2):
    """x rounded half away from zero to `digits` decimals as a number (the
    value rounded() counts): a Decimal for a Decimal, else a float;
    digits None or < 0: x itself."""
    if digits is None or digits < 0:
        return x
    k = rounded(x, digits)
    try:
        from decimal import Decimal
        if isinstance(x, Decimal):
            return Decimal(k).scaleb(-digits)
    except ImportError:
        pass
    return k / 10 ** digits


def rank_among(score, others, digits=2, ties="dense"):
    """The rank `score` gets among `others` (scores of the other units, not
    including it), by the rule of ranks(): what a brute-force search asks
    when it tries many values for one unit.  Pass keys already rounded
    with digits=None to round the others once."""
    me = rounded(score, digits)
    keys = [rounded(o, digits) for o in others]
    if ties == "dense":
        return len({k for k in keys if k > me}) + 1
    if ties == "competition":
        return sum(1 for k in keys if k > me) + 1
    raise ValueError("ties: dense or competition")


def ranks(scores, digits=2, ties="dense"):
    """Ranks, higher score first, of a {key: score} dict (-> {key: rank})
    or a list of scores (-> list of ranks), on rounded(score, digits).
    ties: "dense" (1, 2, 2, 3) or "competition" (1, 2, 2, 4)."""
    items = list(scores.items()) if isinstance(scores, dict) else list(enumerate(scores))
    keys = {k: rounded(v, digits) for k, v in items}
    if ties == "dense":
        levels = sorted(set(keys.values()), reverse=True)
        pos = {v: i + 1 for i, v in enumerate(levels)}
        out = {k: pos[v] for k, v in keys.items()}
    elif ties == "competition":
        vals = sorted(keys.values(), reverse=True)
        first = {}
        for i, v in enumerate(vals):
            first.setdefault(v, i + 1)
        out = {k: first[v] for k, v in keys.items()}
    else:
        raise ValueError("ties: dense or competition")
    return out if isinstance(scores, dict) else [out[i] for i in range(len(items))]


M64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def _mix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


class Stream:
    """The random stream(seed, d) documented in engine/ua.h (splitmix64),
    re-implemented here so tests can recompute draws independently."""

    def __init__(self, seed, d):
        self.s = _mix(seed ^ _mix((d + GOLDEN) & M64))

    def uniform(self):
        self.s = (self.s + GOLDEN) & M64
        return (_mix(self.s) >> 11) * 2.0 ** -53


def ua_draw(seed, d, w, perturb, methods):
    """Draw d of engine/ua.h's recipe, written out independently of the C:
    each weight uniform within +-perturb of its nominal value, renormalised
    to the nominal total, then the method.  Returns (weights, method)."""
    k = len(w)
    st = Stream(seed, d)
    u = [st.uniform() for _ in range(k)]
    um = st.uniform()
    f = [w[i] * (1 + perturb * (2 * u[i] - 1)) for i in range(k)]
    total, s = 0.0, 0.0
    for v in w:
        total += v
    for v in f:
        s += v
    return [v * (total / s) for v in f], methods[int(um * len(methods))]


def ua_score(row, wp, method, total, offset=1.0):
    """A unit's score for one draw: the weighted sum, or the weighted
    geometric mean of (value + offset), minus offset, times the nominal
    total of the weights (`total`, as the C uses it, not sum(wp))."""
    acc = 0.0
    if method == "arithmetic":
        for i in range(len(wp)):
            acc += wp[i] * row[i]
        return acc
    for i in range(len(wp)):
        acc += (wp[i] / total) * math.log(row[i] + offset)
    return total * (math.exp(acc) - offset)


def rank_stats(hist, n):
    """The statistics of a rank histogram {rank: draws} over n draws, as
    engine/ua.h defines them: percentiles by the inverted CDF (the smallest
    rank reached by at least q of the draws), and within3 the share of
    draws within 3 ranks of the median."""
    def pct(q):
        c = 0
        for rk in sorted(hist):
            c += hist[rk]
            if c >= q * n:
                return rk

    med = pct(0.5)
    return {"median": med, "p05": pct(0.05), "p95": pct(0.95),
            "mean": sum(rk * c for rk, c in hist.items()) / n,
            "within3": sum(c for rk, c in hist.items() if abs(rk - med) <= 3) / n}


def alloc_total(failed):
    """How many allocations a run makes, for an allocation-failure sweep:
    failed(spec) runs it with GCISIM_FAIL_ALLOC=spec and says whether it
    failed.  The smallest N for which failing "N and after" (N+) still
    succeeds is one past the last allocation; found by doubling, then
    bisection."""
    lo, hi = 1, 1
    while failed("%d+" % hi):
        lo, hi = hi, hi * 2
    while lo < hi:
        mid = (lo + hi) // 2
        if not failed("%d+" % mid):
            hi = mid
        else:
            lo = mid + 1
    return hi - 1


def done():
    shutil.rmtree(TMP, ignore_errors=True)
    print("%d passed, %d failed" % (_count["passed"], _count["failed"]))
    sys.exit(1 if _count["failed"] else 0)
