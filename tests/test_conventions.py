#!/usr/bin/env python3
"""Command-line conventions (issue 13, point 6).

--opt=value means --opt value on every command; `gcisim run -` reads the
script from stdin; an --out extension gcisim does not know is an error
(any case), and .tsv is a format; --shard without --out, or on a script
that runs no uncertainty analysis, is refused before anything is written;
gcisim merge names the missing or repeated shard numbers.  Expectations
are written out by hand here (the TSV text, the shard numbers left out),
or are the same command spelled the old way.
Prints "N passed, N failed" last.
"""
import csv, io, os, subprocess

from gstest import GCISIM, TMP, check, done, run


def tmp(name):
    return os.path.join(TMP, name)


# ---- --opt=value on every command ----
a = run(["run", "scripts/recompute.lua", "--format", "csv", "--timeout", "20"])
b = run(["run", "scripts/recompute.lua", "--format=csv", "--timeout=20"])
check(a[0] == 0 and a == b, "run --format=csv --timeout=20 equals --format csv --timeout 20: %r" % (b[2],))
a = run(["explain", "data/gci2020.csv", "VNM", "--format", "csv", "--digits", "2"])
b = run(["explain", "data/gci2020.csv", "VNM", "--format=csv", "--digits=2"])
check(a[0] == 0 and a == b, "explain --format=csv --digits=2: %r" % (b[2],))
p = subprocess.run(GCISIM + ["repl", "--timeout=5", "--max-memory=64M"], input="return 1 + 1\n",
                   capture_output=True, text=True)
check(p.returncode == 0 and p.stdout.strip() == "2", "repl --timeout=5 --max-memory=64M: %r %r" % (p.stdout, p.stderr))
a = run(["check", "scripts/teaching/01_read_score.lua", "--max-memory", "64M"])
b = run(["check", "scripts/teaching/01_read_score.lua", "--max-memory=64M"])
check(a[0] != 64 and a == b, "check --max-memory=64M equals --max-memory 64M: %r" % (b,))
rc, out, err = run(["batch", "-s", "scripts/batch/equal.lua", "-d", "data/gci2020.csv", "--out-dir=" + tmp("b"),
                    "--format=json", "--quiet", "-j", "1"])
check(rc == 0 and os.path.isdir(tmp("b")), "batch --out-dir=DIR --format=json: %d %s" % (rc, err))
made = [f for _, _, fs in os.walk(tmp("b")) for f in fs]
check(any(f.endswith(".json") for f in made), "batch --format=json wrote JSON results: %r" % made)
# a flag given a value is an error, not a flag and a stray argument
rc, out, err = run(["run", "scripts/recompute.lua", "--quiet=yes"])
check(rc == 64 and "--quiet takes no value" in err, "--quiet=yes: %d %r" % (rc, err))
rc, out, err = run(["check", "scripts/teaching/01_read_score.lua", "--hint=1"])
check(rc == 64 and "--hint takes no value" in err, "--hint=1: %d %r" % (rc, err))
# after --, --x=y belongs to the script, unsplit
rc, out, err = run(["--format", "csv", "--", "--x=y"], "return {{a = arg[1], n = #arg}}\n")
check(rc == 0 and out.replace("\r", "") == "a,n\n--x=y,1\n", "--x=y after -- reaches the script whole: %r %r" % (out, err))

# ---- gcisim run - ----
p = subprocess.run(GCISIM + ["run", "-", "--format", "csv"], capture_output=True, text=True,
                   input='return {{iso3 = "VNM", n = 2 + 3}}\n')
check(p.returncode == 0 and p.stdout.replace("\r", "") == "iso3,n\nVNM,5\n", "run - reads stdin: %r %r" % (p.stdout, p.stderr))
p = subprocess.run(GCISIM + ["run", "-"], capture_output=True, text=True, input='local x = 1\n\nerror("boom")\n')
check(p.returncode == 1 and p.stderr.startswith("stdin:3: boom"), "run - error says stdin:3: %r" % p.stderr)
p = subprocess.run(GCISIM + ["run", "-"], capture_output=True, text=True, input='return 1 +\n')
check(p.returncode == 1 and p.stderr.startswith("stdin:"), "run - syntax error says stdin: %r" % p.stderr)

# ---- --out extensions: unknown ones refused, any case, and tsv ----
SCRIPT = 'return {{iso3 = "A\\tB", v = 1.5}, {iso3 = "C\\\\D", v = 2}}\n'
for ext in ["txt", "xlsx", "cvs"]:
    f = tmp("r." + ext)
    rc, out, err = run(["--out", f], SCRIPT)
    check(rc == 64 and "unknown extension" in err and not os.path.exists(f), "--out r.%s refused: %d %r" % (ext, rc, err))
f = tmp("r.txt")
rc, out, err = run(["--out", f, "--format", "csv"], SCRIPT)
check(rc == 0 and os.path.exists(f), "--out r.txt --format csv: the format was given: %r" % err)
for name in ["r.CSV", "r.Csv"]:
    rc, out, err = run(["--out", tmp(name)], SCRIPT)
    text = open(tmp(name), newline="").read() if rc == 0 else ""
    check(rc == 0 and list(csv.reader(io.StringIO(text))) == [["iso3", "v"], ["A\tB", "1.5"], ["C\\D", "2"]],
          "--out %s is csv: %r %r" % (name, text, err))
# TSV by hand: a header line, tab-separated, \t and \\ escaped inside fields
want = "iso3\tv\nA\\tB\t1.5\nC\\\\D\t2\n"
rc, out, err = run(["--format", "tsv"], SCRIPT)
check(rc == 0 and out == want, "--format tsv: %r %r" % (out, err))
rc, out, err = run(["--out", tmp("r.TSV")], SCRIPT)
check(rc == 0 and open(tmp("r.TSV")).read() == want, "--out r.TSV is tsv")
# the same rows as the CSV of a real script
rc1, c, _ = run(["run", "scripts/recompute.lua", "--format", "csv"])
rc2, t, _ = run(["run", "scripts/recompute.lua", "--format", "tsv"])
check(rc1 == 0 and rc2 == 0 and list(csv.reader(io.StringIO(c))) == [l.split("\t") for l in t.splitlines()],
      "recompute.lua: tsv rows equal csv rows")
rc, out, err = run(["explain", "data/gci2020.csv", "VNM", "--out", tmp("e.txt")])
check(rc == 64 and "unknown extension" in err, "explain --out e.txt refused: %r" % err)
rc, out, err = run(["explain", "data/gci2020.csv", "VNM", "--format", "tsv"])
check(rc == 0 and out.split("\n", 1)[0].split("\t")[:2] == ["pillar", "value"], "explain --format tsv: %r" % out[:80])

# ---- --shard: refused at the start without --out, at the end without an analysis ----
rc, out, err = run(["run", "scripts/uncertainty.lua", "--shard", "0/2"])
check(rc == 64 and "--shard needs --out" in err and out == "", "--shard without --out: %d %r" % (rc, err))
f = tmp("s.shard")
rc, out, err = run(["run", "scripts/recompute.lua", "--shard", "0/2", "--out", f])
check(rc == 64 and "no uncertainty analysis" in err and not os.path.exists(f),
      "--shard on a script with no analysis: %d %r" % (rc, err))

# ---- merge names the missing or repeated shard numbers ----
UA = 'local d = gci.load("data/gci2020.csv") return d:uncertainty{n = 60, seed = 5}\n'
parts = []
for i in range(4):
    pf = tmp("p%d.shard" % i)
    rc, out, err = run(["--shard", "%d/4" % i, "--out", pf, "--quiet"], UA)
    check(rc == 0 and os.path.exists(pf), "shard %d/4: %s" % (i, err))
    parts.append(pf)
rc, out, err = run(["merge", parts[0], parts[2]])
check(rc == 65 and "2 of 4 shards missing: 1/4, 3/4" in err, "merge names shards 1 and 3 missing: %r" % err)
rc, out, err = run(["merge", parts[0], parts[1], parts[1], parts[2]])
check(rc == 65 and "shard 1/4 given twice: %s and %s" % (parts[1], parts[1]) in err, "merge names shard 1 twice: %r" % err)
rc, out, err = run(["merge"] + parts + ["--format=csv", "--out=" + tmp("m.csv")])
check(rc == 0 and open(tmp("m.csv")).readline().startswith("iso3,country,nominal"), "merge --format=csv --out=FILE: %r" % err)
done()
