"""gstest - the few helpers every Python test of gcisim shares.

    from gstest import check, done, run, table, TMP

check(cond, what) counts a check and prints "FAIL: what" when it fails;
done() removes the temporary directory, prints "N passed, N failed" (the
line tests/run.sh adds up) and exits non-zero on any failure.
Stream(seed, d) is the documented random stream of engine/ua.h.
run(args, script=None) runs gcisim (GCISIM, default ./gcisim); with a
script text, it is written to TMP/name and run as `gcisim run FILE args`.
"""
import csv
import io
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


def done():
    shutil.rmtree(TMP, ignore_errors=True)
    print("%d passed, %d failed" % (_count["passed"], _count["failed"]))
    sys.exit(1 if _count["failed"] else 0)
