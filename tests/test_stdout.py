#!/usr/bin/env python3
"""Stdout carries only the output (issue 13, point 2).

With --format csv, json, md or tsv, stdout holds exactly the value the
script returns: print() and warn() go to stderr.  With --format table,
print stays on stdout.  Every shipped script's --format csv output must
parse with Python's csv module (and pandas, when installed) as the
result's rows alone: a header, then rows of the header's width.  The
expected columns come from the same run's --format json (the keys of its
first object, another renderer), the row count from the JSON array's
length, and for gci2020.lua from the script's text.
Prints "N passed, N failed" last.
"""
import csv, glob, io, json, os

from gstest import TMP, check, done, run

import subprocess

try:
    import pandas
except ImportError:  # python3-pandas is optional: the csv module is the check
    pandas = None

# Debian's python3-pandas serves /usr/bin/python3, which may not be the
# python3 running this test: read the CSV there, in a child, when it can.
PANDAS_PY = None
if pandas is None and os.path.exists("/usr/bin/python3"):
    if subprocess.run(["/usr/bin/python3", "-c", "import pandas"], capture_output=True).returncode == 0:
        PANDAS_PY = "/usr/bin/python3"
if pandas is None and PANDAS_PY is None:
    print("# pandas not installed: the pandas part of this test is skipped")


def pandas_shape(text):
    """(columns, rows) of the CSV text as pandas reads it."""
    if pandas is not None:
        df = pandas.read_csv(io.StringIO(text))
        return list(df.columns), len(df)
    p = subprocess.run([PANDAS_PY, "-c", "import sys, json, pandas; df = pandas.read_csv(sys.stdin); "
                        "print(json.dumps([list(map(str, df.columns)), len(df)]))"],
                       input=text, capture_output=True, text=True)
    if p.returncode != 0:
        raise ValueError(p.stderr.strip().splitlines()[-1] if p.stderr.strip() else "pandas failed")
    cols, n = json.loads(p.stdout)
    return cols, n

# ---- print and warn: stderr with a machine format, stdout with table ----
SCRIPT = 'print("hello", 1) warn("careful") return {{iso3 = "AAA", v = 1}}\n'
for fmt in ["csv", "json", "md", "tsv"]:
    rc, out, err = run(["--format", fmt], SCRIPT)
    check(rc == 0, "%s: exit %d: %s" % (fmt, rc, err))
    check("hello" not in out, "%s: print() reached stdout: %r" % (fmt, out))
    check("hello\t1\n" in err, "%s: print() not on stderr: %r" % (fmt, err))
    check("careful" in err and "careful" not in out, "%s: warn() not on stderr only: %r / %r" % (fmt, out, err))
rc, out, err = run(["--format", "csv"], SCRIPT)
check(out == "iso3,v\r\nAAA,1\r\n" or out == "iso3,v\nAAA,1\n", "csv stdout is the value alone: %r" % out)
rc, out, err = run([], SCRIPT)
check(out.startswith("hello\t1\n"), "table: print() stays on stdout: %r" % out)
check("careful" in err and "careful" not in out, "table: warn() on stderr: %r / %r" % (out, err))
# --out with a machine format: the file holds the value, so print keeps stdout
outf = os.path.join(TMP, "o.csv")
rc, out, err = run(["--out", outf], SCRIPT)
check(rc == 0 and out == "hello\t1\n" and "hello" not in err, "--out o.csv: print on stdout: %r / %r" % (out, err))
check(open(outf).read().replace("\r\n", "\n") == "iso3,v\nAAA,1\n", "--out o.csv holds the value alone")
# warn's control messages, as in Lua's own warning function
rc, out, err = run(["--format", "csv"], 'warn("@off") warn("a") warn("@on") warn("b", "c") return 1\n')
check("a" not in err.replace("Lua warning", "").replace("careful", "") and "bc" in err,
      "warn @off/@on and pieces: %r" % err)

# a batch job's print() stays out of its summary message (its stderr's first line)
noisy = os.path.join(TMP, "noisy.lua")
with open(noisy, "w") as f:
    f.write('print("noise")\nerror("boom")\n')
rc, out, err = run(["batch", "-s", noisy, "-d", "data/gci2020.csv", "-o", os.path.join(TMP, "nb"), "--quiet"])
summ = list(csv.DictReader(open(os.path.join(TMP, "nb", "summary.csv")))) if rc == 1 else []
check(summ and "boom" in summ[0]["message"] and "noise" not in summ[0]["message"],
      "batch: the failed job's message is its error, not its print(): %r" % (summ[:1],))

# ---- the example: gci2020.lua's summary line is not a CSV header ----
rc, out, err = run(["run", "scripts/gci2020.lua", "--format", "csv"])
check(rc == 0, "gci2020.lua: exit %d" % rc)
rows = list(csv.reader(io.StringIO(out)))
# columns as scripts/gci2020.lua names them in its returned records
check(rows and rows[0] == ["iso3", "country", "score", "rank", "published_rank", "match"],
      "gci2020.lua csv header: %r" % (rows[0] if rows else None))
check(len(rows) == 1 + 194, "gci2020.lua: 194 rows after the header, got %d" % (len(rows) - 1))
check("194 of 194 published ranks reproduced" in err, "gci2020.lua summary on stderr: %r" % err[:200])


# ---- every shipped script ----
def invocation(path):
    """The arguments a script needs: batch scripts a dataset (gcisim batch
    gives one), chart scripts an output directory they may write."""
    if path.startswith("scripts/batch/"):
        return ["--dataset", "data/gci2020.csv"]
    if path.startswith("scripts/charts/"):
        d = os.path.join(TMP, "charts")
        os.makedirs(d, exist_ok=True)
        return [d, "--allow-write", d]
    return []


scripts = sorted(glob.glob("scripts/*.lua") + glob.glob("scripts/batch/*.lua") + glob.glob("scripts/charts/*.lua"))
# scripts/teaching/ holds exercises for `gcisim check`, not for run (they
# need check's `exercise`): tests/test_teaching.py covers them.
check(len(scripts) >= 15, "found the shipped scripts: %d" % len(scripts))
for s in scripts:
    args = ["run", s, "--quiet"] + invocation(s)
    rc, out, err = run(args + ["--format", "csv"])
    check(rc == 0, "%s: exit %d: %s" % (s, rc, err[-300:]))
    rows = list(csv.reader(io.StringIO(out)))
    check(len(rows) >= 2, "%s: a header and rows, got %d lines" % (s, len(rows)))
    if not rows:
        continue
    width = len(rows[0])
    bad = [i for i, r in enumerate(rows) if len(r) != width]
    check(not bad, "%s: rows of another width than the header (%d): lines %s" % (s, width, bad[:5]))
    rcj, outj, errj = run(args + ["--format", "json"])
    try:
        value = json.loads(outj)
    except ValueError as e:
        check(False, "%s: --format json is not JSON alone: %s: %r" % (s, e, outj[:200]))
        continue
    if isinstance(value, dict) and isinstance(value.get("rows"), list):
        value = value["rows"]  # JSON with a footer: {"rows": [...], "metadata": {...}}
    if isinstance(value, list) and value and isinstance(value[0], dict):
        check(rows[0] == list(value[0].keys()), "%s: csv header %r, json keys %r" % (s, rows[0], list(value[0].keys())))
        check(len(rows) - 1 == len(value), "%s: %d csv rows, %d json records" % (s, len(rows) - 1, len(value)))
    else:
        check(False, "%s: json is not a list of records: %r" % (s, outj[:100]))
    if pandas is not None or PANDAS_PY:
        try:
            cols, nrows = pandas_shape(out)
            check(cols == rows[0] and nrows == len(rows) - 1, "%s: pandas reads %r x %d" % (s, cols, nrows))
        except Exception as e:  # any parse error is the failure we look for
            check(False, "%s: pandas cannot read the csv: %s" % (s, e))
done()
