#!/usr/bin/env python3
"""Benchmarks as ratios (make bench): every operation of tests/scale/ops.lua
at 194 units (GCI 2020) and 10^4 / 10^5 / 10^6 synthetic units, gcisim
against its pandas/numpy peer (tests/bench/peer.py) timed in the same run,
printed with the ratio gcisim/peer (below 1: gcisim is faster).  Times are
CPU seconds, the best of BENCH_REPEAT runs (default 2; one at 10^6): the
machine is shared, and CPU time is what the other jobs disturb least.
Without numpy/pandas the peer column says so and no ratio is printed.

environment: GCISIM, BENCH_SIZES (default 194,10000,100000,1000000),
BENCH_REPEAT, PEER_PYTHON (an interpreter with numpy and pandas; default
this one, else /usr/bin/python3)."""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "scale"))
import run as scale  # noqa: E402

SIZES = [int(x) for x in os.environ.get("BENCH_SIZES", "194,10000,100000,1000000").split(",")]
REPEAT = int(os.environ.get("BENCH_REPEAT", "2"))


def peer_python():
    cands = [os.environ.get("PEER_PYTHON"), sys.executable, "/usr/bin/python3"]
    for c in cands:
        if c and subprocess.run([c, "-c", "import numpy, pandas"], capture_output=True).returncode == 0:
            return c
    return None


def dataset(n):
    return os.path.join(ROOT, "data", "gci2020.csv") if n == 194 else scale.dataset(n)


def run_peer(py, path):
    p = subprocess.run([py, os.path.join(HERE, "peer.py"), path], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("peer failed on %s: %s" % (path, p.stderr.strip() or p.stdout.strip()))
    t = {}
    for line in p.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "op":
            t[parts[1]] = float(parts[2])
    return t


def best(f, repeat):
    b = None
    for _ in range(repeat):
        t = f()
        b = t if b is None else {k: min(b[k], t[k]) for k in t}
    return b


def main():
    py = peer_python()
    if not py:
        print("bench ratios: peer skipped: numpy/pandas not found (Debian: python3-numpy python3-pandas)")
    print("%-12s %9s %11s %11s %8s" % ("operation", "units", "gcisim s", "pandas s", "ratio"))
    worst = {}
    for n in SIZES:
        path = dataset(n)
        rep = REPEAT if n < 1000000 else 1
        g = best(lambda: scale.run_ops(path, path + ".bench.csv"), rep)
        os.unlink(path + ".bench.csv")
        p = best(lambda: run_peer(py, path), rep) if py else {}
        for op, t in g.items():
            if op in p and p[op] > 0:
                ratio = t / p[op]
                print("%-12s %9d %11.4f %11.4f %8.2f" % (op, n, t, p[op], ratio), flush=True)
                if n >= 10000:
                    worst[op] = max(worst.get(op, 0), ratio)
            else:
                print("%-12s %9d %11.4f %11s %8s" % (op, n, t, "-", "-"), flush=True)
    if worst:
        over = sorted(op for op, r in worst.items() if r > 1)
        print("bench ratios: worst ratio from 10^4 up: %s" % ", ".join("%s %.2f" % kv for kv in sorted(worst.items())))
        print("bench ratios: above 1 (slower than pandas): %s" % (", ".join(over) if over else "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
