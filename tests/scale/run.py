#!/usr/bin/env python3
"""Scale suite (make bench, not make test): times every operation of
tests/scale/ops.lua on synthetic datasets of 10^3 ... 10^6 units
(tests/scale/gen.py), fits the exponent b of time ~ n^b over the sizes by
least squares on log-log, prints the exponents, and exits 1 when any
exponent exceeds 1.2 (n log n from 10^3 to 10^6 fits b ~ 1.1).

Times are CPU seconds (os.clock inside the script: user + system time of
the process), the best of REPEAT runs, so that the other jobs sharing the
machine disturb them less than wall time.  CSV output is the process's CPU
time after the script returned (getrusage of the child less the script's
os.clock at its end).  Fixed-count operations (get_1000, rank_1000: 1,000
lookups whatever n) should show b ~ 0.  Points under 1 ms are too noisy to
fit and are left out; an operation with fewer than 3 points left is shown
but not judged.

environment: GCISIM (default ./gcisim), SCALE_SIZES (default
1000,10000,100000,1000000), SCALE_REPEAT (default 2), SCALE_DIR (where the
generated files are kept between runs; default a directory under /tmp)."""
import math
import os
import resource
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen  # noqa: E402

GCISIM = os.environ.get("GCISIM", "./gcisim")
SIZES = [int(x) for x in os.environ.get("SCALE_SIZES", "1000,10000,100000,1000000").split(",")]
REPEAT = int(os.environ.get("SCALE_REPEAT", "2"))
LIMIT = 1.2
FLOOR = 0.001


def dataset(n):
    d = os.environ.get("SCALE_DIR", "/tmp/gcisim-scale-data")
    os.makedirs(d, exist_ok=True)
    p = os.path.join(d, "units_%d.csv" % n)
    if not os.path.exists(p):
        gen.write(n, p + ".tmp")
        os.replace(p + ".tmp", p)
    return p


def run_ops(path, out):
    """One run of ops.lua over path: {op: CPU seconds}, csv_output included."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run([GCISIM, "run", os.path.join(HERE, "ops.lua"), path, "--allow-read", os.path.dirname(path),
                        "--allow-read", HERE, "--format", "csv", "--out", out, "--no-sync",
                        "--max-memory", "8G", "--timeout", "900", "--quiet"],
                       capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit("ops.lua failed on %s: %s" % (path, p.stderr.strip()))
    t = {}
    for line in p.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "op":
            t[parts[1]] = float(parts[2])
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    t["csv_output"] = max(cpu - t.pop("script_total"), 0.0)
    return t


def measure(n, repeat):
    path = dataset(n)
    out = path + ".out.csv"
    best = None
    for _ in range(repeat):
        t = run_ops(path, out)
        best = t if best is None else {k: min(best[k], t[k]) for k in t}
    os.unlink(out)
    return best


def fit(points):
    """Least-squares slope of log t on log n."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx


def main():
    table = {}
    for n in SIZES:
        table[n] = measure(n, REPEAT if n < 1000000 else 1)
        print("n=%-8d %s" % (n, "  ".join("%s %.4f" % kv for kv in table[n].items())), flush=True)
    ops = list(table[SIZES[0]].keys())
    print("\n%-12s %s  exponent (limit %.1f)" % ("operation", " ".join("%10s" % ("n=%g" % n) for n in SIZES), LIMIT))
    bad = []
    for op in ops:
        pts = [(n, table[n][op]) for n in SIZES if table[n][op] >= FLOOR]
        cells = " ".join("%10.4f" % table[n][op] for n in SIZES)
        if len(pts) < 3:
            print("%-12s %s  (too fast to fit: %d sizes above %g s)" % (op, cells, len(pts), FLOOR))
            continue
        b = fit(pts)
        verdict = "ok" if b <= LIMIT else "TOO STEEP"
        print("%-12s %s  %.2f %s" % (op, cells, b, verdict))
        if b > LIMIT:
            bad.append(op)
    if bad:
        print("scale: FAILED: %s grow faster than n^%.1f" % (", ".join(bad), LIMIT))
        return 1
    print("scale: every exponent <= %.1f" % LIMIT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
