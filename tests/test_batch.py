#!/usr/bin/env python3
"""Tests of `gcisim batch`: job lists from globs and manifests, statuses and
messages of failing jobs, summaries, determinism whatever -j, --resume after
an interrupted or killed batch, and no partial file left behind.

Expected values are computed here from the published CSV files (Python's csv
module and plain arithmetic), never from an earlier gcisim run.
Prints "N passed, N failed" last.
"""
import csv, io, json, os, pty, shutil, signal, subprocess, sys, tempfile, time

from gstest import GCISIM, TMP, check, done, ranks, round_away

SLOW = bool(os.environ.get("VALGRIND")) or "valgrind" in GCISIM[0]



def hashed(d):
    """Results in d marked done: their inputs hash is in the user.gcisim.hash
    extended attribute (or, where the file system has none, a .hash file)."""
    if not os.path.isdir(d):
        return []
    out = []
    for n in os.listdir(d):
        if n.startswith("summary.") or n.endswith(".hash") or ".tmp." in n:
            continue
        try:
            os.getxattr(os.path.join(d, n), "user.gcisim.hash")
            out.append(n)
        except OSError:
            if os.path.exists(os.path.join(d, n + ".hash")):
                out.append(n)
    return out


def results(d):
    """The output directory's files, less .hash sidecars."""
    return [n for n in os.listdir(d) if not n.endswith(".hash")]




def batch(args, **kw):
    p = subprocess.run(GCISIM + ["batch"] + args, capture_output=True, text=True, **kw)
    return p.returncode, p.stdout, p.stderr


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    return path


def summary(d):
    with open(os.path.join(d, "summary.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    with open(os.path.join(d, "summary.json")) as f:
        js = json.load(f)
    return rows, js


def no_tmp(d):
    return [n for n in os.listdir(d) if ".tmp." in n]


def r2(x):
    return round_away(x, 2)


def written_digits(rows, cols, cap=6):
    """The most decimals written in these CSV columns, capped: the precision
    gcisim ranks computed scores at by default (README)."""
    return min(cap, max(len(r[c].split(".")[1]) if "." in r[c] else 0 for r in rows for c in cols))


def dense(scores, digits=2):
    return ranks(scores, digits)


def load(name):
    with open(os.path.join("data", name), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


PILLARS = ["legal", "technical", "organizational", "capacity", "cooperation"]


def weighted(rows, w):
    tot = sum(w[p] * 20 for p in PILLARS)
    return {r["iso3"]: sum(w[p] * float(r[p]) for p in PILLARS) / tot * 100 for r in rows}


def check_result(path, expect, what, digits=2):
    with open(path, newline="") as f:
        got = list(csv.DictReader(f))
    ranks = dense(expect, digits)
    ok = len(got) == len(expect) and all(
        abs(float(r["score"]) - expect[r["iso3"]]) < 1e-9 and int(r["rank"]) == ranks[r["iso3"]] for r in got)
    check(ok, "%s: scores and ranks against Python" % what)


# ---- globs: scripts/batch/*.lua x the editions with pillar data ----
out = os.path.join(TMP, "globs", "nested")
rc, so, se = batch(["-s", "scripts/batch/*.lua", "-d", "data/gci202[04].csv", "-o", out, "-j", "2"])
check(rc == 0, "glob batch exit %d: %s" % (rc, se))
rows, js = summary(out)
scripts = sorted(n for n in os.listdir("scripts/batch") if n.endswith(".lua"))
expect_ids = ["%s.%s" % (s[:-4], d) for s in scripts for d in ("gci2020", "gci2024")]
check([r["job"] for r in rows] == expect_ids, "glob job order: %r" % [r["job"] for r in rows])
check(all(r["status"] == "ok" and r["message"] == "" for r in rows), "glob: all ok")
check(js["jobs"] == 10 and js["ok"] == 10 and js["failed"] == 0 and js["statuses"] == {"ok": 10}, "summary.json counts")
check([r["job"] for r in js["results"]] == expect_ids, "summary.json job order")
check(all(len(r["hash"]) == 16 and float(r["wall_ms"]) >= 0 for r in rows), "hash and wall_ms columns")
check(len({r["hash"] for r in rows}) == 10, "each job has its own inputs hash")
check(sorted(results(out)) == sorted(["summary.csv", "summary.json"] + [i + ".csv" for i in expect_ids]),
      "glob output files: %r" % os.listdir(out))
check(sorted(hashed(out)) == sorted(i + ".csv" for i in expect_ids), "every result carries its inputs hash")
G20, G24 = load("gci2020.csv"), load("gci2024.csv")
one = dict.fromkeys(PILLARS, 1)
check_result(os.path.join(out, "equal.gci2020.csv"), weighted(G20, one), "equal 2020")
D24 = written_digits(G24, PILLARS)  # 2024's series: 15-16 decimals, ranked at the cap, 6
check(D24 == 6, "gci2024 pillars are written with more than 6 decimals")
check_result(os.path.join(out, "equal.gci2024.csv"), weighted(G24, one), "equal 2024", D24)
check_result(os.path.join(out, "technical_double.gci2020.csv"), weighted(G20, dict(one, technical=2)), "technical double 2020")
check_result(os.path.join(out, "legal_double.gci2024.csv"), weighted(G24, dict(one, legal=2)), "legal double 2024", D24)
check_result(os.path.join(out, "no_cooperation.gci2020.csv"), weighted(G20, dict(one, cooperation=0)), "no cooperation 2020")
with open(os.path.join(out, "geometric.gci2020.csv"), newline="") as f:
    geo = {r["iso3"]: float(r["score"]) for r in csv.DictReader(f)}
check(len(geo) == 194 and abs(geo["USA"] - 100) < 1e-9, "geometric: 194 rows, USA at 100")

# ---- the shipped manifest gives the same jobs and byte-identical results ----
mout = os.path.join(TMP, "manifest")
rc, so, se = batch(["-m", "scripts/batch/manifest.txt", "-o", mout, "--quiet"])
check(rc == 0 and se == "", "shipped manifest: %d %r" % (rc, se))
mrows, _ = summary(mout)
check(sorted(r["job"] for r in mrows) == sorted(expect_ids), "manifest: the same 10 jobs")
check(all(r["dataset"] in ("data/gci2020.csv", "data/gci2024.csv") and r["script"].startswith("scripts/batch/")
          for r in mrows), "manifest paths resolved against the manifest's directory: %r" % mrows[0])
check(all(open(os.path.join(out, i + ".csv"), "rb").read() == open(os.path.join(mout, i + ".csv"), "rb").read()
          for i in expect_ids), "manifest and glob results byte-identical")
byjob = {r["job"]: r["hash"] for r in rows}
check(all(byjob[r["job"]] == r["hash"] for r in mrows), "the hash depends on contents, not on how the job was named")

# ---- mixed good and failing jobs: every status with its message ----
mix = os.path.join(TMP, "mix")
write(os.path.join(mix, "good.lua"), 'return gci.dataset():score():top(3)\n')
write(os.path.join(mix, "err.lua"), 'local d = gci.dataset()\nerror("boom")\n')
write(os.path.join(mix, "slow.lua"), 'local d = gci.dataset()\nwhile true do end\n')
write(os.path.join(mix, "mem.lua"), 'local d = gci.dataset()\nlocal s = string.rep("x", 64 * 1024 * 1024)\n')
write(os.path.join(mix, "path.lua"), 'return gci.records({{path = gci.dataset_path(), n = #gci.dataset()}}, {"path", "n"})\n')
bad = write(os.path.join(mix, "data", "bad.csv"),
            "iso3,country,legal,technical,organizational,capacity,cooperation\n"
            "AAA,A,1,2,3,4,5\nBBB,B,x,2,3,4,5\n")
data20 = os.path.abspath("data/gci2020.csv")
write(os.path.join(mix, "jobs.txt"),
      "# mixed jobs\n"
      "good.lua %s\n"
      "err.lua %s\n"
      "good.lua data/bad.csv\n"
      "slow.lua %s\n"
      "mem.lua %s\n"
      "path.lua data/bad.csv\n"
      "  \t\n"
      "good.lua %s\n" % (data20, data20, data20, data20, data20))
limits = ["--timeout", "1", "--max-memory", "32M", "--allow-read", os.path.join(mix, "data")]
outs = {}
for j in ("1", "2", "3"):
    d = os.path.join(TMP, "mix-out-" + j)
    rc, so, se = batch(["-m", os.path.join(mix, "jobs.txt"), "-o", d, "-j", j] + limits)
    check(rc == 1, "mixed batch -j %s exit %d (want 1): %s" % (j, rc, se))
    outs[j] = d
rows, js = summary(outs["2"])
st = [(r["job"], r["status"]) for r in rows]
check(st == [("good.gci2020", "ok"), ("err.gci2020", "script_error"), ("good.bad", "data_error"),
             ("slow.gci2020", "timeout"), ("mem.gci2020", "memory"), ("path.bad", "data_error"),
             ("good.gci2020-2", "ok")], "mixed statuses: %r" % st)
msg = {r["job"]: r["message"] for r in rows}
check(msg["err.gci2020"] == os.path.join(mix, "err.lua") + ":2: boom", "script error message: %r" % msg["err.gci2020"])
check(msg["good.bad"] == "%s:3:3: 'x' is not a number (column 'legal')" % os.path.join(mix, "data", "bad.csv"),
      "data error message: %r" % msg["good.bad"])
check("timeout" in msg["slow.gci2020"] and "--timeout" in msg["slow.gci2020"], "timeout message: %r" % msg["slow.gci2020"])
check("memory limit" in msg["mem.gci2020"], "memory message: %r" % msg["mem.gci2020"])
check(all(r["output"] == (r["job"] + ".csv" if r["status"] == "ok" else "") for r in rows), "output column")
check(js["statuses"] == {"ok": 2, "script_error": 1, "data_error": 2, "timeout": 1, "memory": 1}, "json statuses: %r" % js["statuses"])
check(sorted(n for n in results(outs["2"]) if not n.startswith("summary")) ==
      ["good.gci2020-2.csv", "good.gci2020.csv"] and sorted(hashed(outs["2"])) == ["good.gci2020-2.csv", "good.gci2020.csv"],
      "result files only for ok jobs: %r" % os.listdir(outs["2"]))
with open(os.path.join(outs["2"], "good.gci2020.csv"), newline="") as f:
    top = list(csv.DictReader(f))
G20SUM = {r["iso3"]: sum(float(r[p]) for p in PILLARS) for r in G20}
best = sorted(G20SUM.items(), key=lambda kv: (-r2(kv[1]), kv[0]))[:3]
check(len(top) == 3 and {r["iso3"] for r in top} == {k for k, v in best} and
      all(abs(float(r["score"]) - G20SUM[r["iso3"]]) < 1e-9 for r in top), "good job's top 3 against Python: %r" % top)
check("good.bad: data_error" in se and "slow.gci2020: timeout" in se, "failures reported on stderr: %r" % se)


# determinism: byte-identical results, summaries identical except wall_ms
def strip_wall(d):
    rows, js = summary(d)
    for r in rows:
        r.pop("wall_ms")
    for r in js["results"]:
        r.pop("wall_ms")
    files = {n: open(os.path.join(d, n), "rb").read() for n in os.listdir(d) if not n.startswith("summary")}
    return rows, js, files


a, b, c = strip_wall(outs["1"]), strip_wall(outs["2"]), strip_wall(outs["3"])
check(a == b == c, "-j 1, -j 2 and -j 3 give identical results and summaries (minus wall_ms)")
lines1 = [l.rsplit(",", 1)[0] for l in open(os.path.join(outs["1"], "summary.csv"))]
lines2 = [l.rsplit(",", 1)[0] for l in open(os.path.join(outs["2"], "summary.csv"))]
check(lines1 == lines2, "summary.csv byte-identical but for the last column (wall_ms)")

# ---- a manifest with arguments, quoting, comments, CRLF ----
arg = os.path.join(TMP, "args")
write(os.path.join(arg, "top.lua"),
      'local n = tonumber(arg[1])\nlocal r = gci.dataset():score():top(n)\n'
      'for i, row in ipairs(r) do row.note = arg[2] end\n'
      'return gci.records(r, {"iso3", "score", "note"})\n')
shutil.copy("data/gci2020.csv", os.path.join(arg, "g.csv"))
with open(os.path.join(arg, "m.txt"), "w", newline="") as f:
    f.write('# top N\r\ntop.lua g.csv 2 "a \\"quoted\\" note, with comma"\r\n  top.lua  g.csv   5 plain # not a comment\n')
aout = os.path.join(TMP, "args-out")
rc, so, se = batch(["-m", os.path.join(arg, "m.txt"), "-o", aout, "--format", "json", "--quiet"])
check(rc == 0, "manifest with arguments: %d %s" % (rc, se))
rows, js = summary(aout)
check([r["job"] for r in rows] == ['top.g.2_a__quoted__note__with_comma', 'top.g.5_plain___not_a_comment'],
      "ids from arguments: %r" % [r["job"] for r in rows])
check(rows[0]["args"] == '2 "a \\"quoted\\" note, with comma"' and rows[1]["args"] == "5 plain # not a comment",
      "args column in manifest syntax: %r" % [r["args"] for r in rows])
check(js["results"][0]["args"] == ["2", 'a "quoted" note, with comma'], "args in summary.json")
# r:top(n) never cuts a tie: as many as rank at or above the n-th
S20 = dense({r["iso3"]: sum(float(r[p]) for p in PILLARS) for r in load("gci2020.csv")})
def ntop(n):
    return sum(1 for k in S20 if S20[k] <= sorted(S20.values())[n - 1])
res = json.load(open(os.path.join(aout, rows[0]["output"])))
check(len(res) == ntop(2) and res[0]["note"] == 'a "quoted" note, with comma' and res[0]["iso3"] == "USA",
      "arguments reach the script as arg[1], arg[2]: %r" % res)
check(len(json.load(open(os.path.join(aout, rows[1]["output"])))) == ntop(5), "second job's argument")

# glob mode: `-- ARGS` for every job; gci.dataset_path()
rc, so, se = batch(["-s", os.path.join(mix, "path.lua"), "-d", bad, "-d", data20, "-o", os.path.join(TMP, "p"),
                    "--allow-read", os.path.join(mix, "data"), "--quiet"])
rows, _ = summary(os.path.join(TMP, "p"))
check(rc == 1 and [r["status"] for r in rows] == ["data_error", "ok"], "dataset_path jobs: %r" % rows)
got = list(csv.DictReader(open(os.path.join(TMP, "p", "path.gci2020.csv"))))
check(got == [{"path": data20, "n": "194"}], "gci.dataset_path() is the job's dataset: %r" % got)

# ---- usage and manifest errors: exit 64, file:line:column, nothing run ----
def merr(text, want, what):
    m = write(os.path.join(TMP, "bad", "m.txt"), text)
    rc, so, se = batch(["-m", m, "-o", os.path.join(TMP, "bad", "out")])
    check(rc == 64 and se.strip() == "gcisim batch: %s:%s" % (m, want) and not os.path.exists(os.path.join(TMP, "bad", "out")),
          "%s: %d %r" % (what, rc, se))


shutil.copy("scripts/batch/equal.lua", os.path.join(TMP, "bad-equal.lua"))
os.makedirs(os.path.join(TMP, "bad"), exist_ok=True)
shutil.copy("scripts/batch/equal.lua", os.path.join(TMP, "bad", "s.lua"))
shutil.copy("data/gci2020.csv", os.path.join(TMP, "bad", "d.csv"))
merr('s.lua d.csv\ns.lua\n', "2:6: expected a dataset after the script (SCRIPT DATASET [ARG...])", "missing dataset")
merr('s.lua d.csv "open\n', "1:13: unterminated quote", "unterminated quote")
merr('s.lua d.csv "a\\n"\n', "1:15: unknown escape (only \\\" and \\\\ are escapes)", "bad escape")
merr('s.lua d.csv "a"b\n', "1:16: expected a blank after the closing quote", "text after a quote")
merr('s.lua d.csv a"b\n', "1:14: quote inside an unquoted field (quote the whole field)", "quote in a bare field")
merr('# x\n\ns.lua nope.csv\n', "3:7: cannot read dataset '%s': No such file or directory" % os.path.join(TMP, "bad", "nope.csv"), "missing dataset file")
merr('s.lua d.csv \x01\n', "1:13: control character", "control character")
merr('s.lua "" x\n', "1:7: empty dataset path", "empty path")
m = os.path.join(TMP, "bad", "m.txt")
with open(m, "wb") as f:
    f.write(b"s.lua d.csv caf\xe9\n")
rc, so, se = batch(["-m", m, "-o", os.path.join(TMP, "bad", "out")])
check(rc == 64 and se.strip() == "gcisim batch: %s:1:16: invalid UTF-8" % m, "invalid UTF-8: %r" % se)
write(m, "# only comments\n")
rc, so, se = batch(["-m", m, "-o", os.path.join(TMP, "bad", "out")])
check(rc == 64 and "lists no jobs" in se, "empty manifest: %r" % se)
for args, want in [([], "needs an output directory"), (["-o", "x"], "needs scripts and datasets"),
                   (["-o", "x", "-s", "nope*.lua", "-d", "data/gci2020.csv"], "no file matches 'nope*.lua'"),
                   (["-o", "x", "-m", m, "-s", "a"], "either a manifest or"),
                   (["-o", "x", "-m", m, "--", "a"], "give each job's arguments in the manifest"),
                   (["-o", "x", "-j", "0", "-m", m], "-j needs"), (["-o", "x", "--format", "xml", "-m", m], "unknown format"),
                   (["-o", "x", "--timeout", "soon", "-m", m], "--timeout needs seconds"),
                   (["-o", "x", "--max-memory", "lots", "-m", m], "--max-memory needs a size"),
                   (["-o", "x", "--allow-read", "/nonexistent", "-m", m], "is not a directory"),
                   (["-o", "x", "--bogus"], "unknown option")]:
    rc, so, se = batch([os.path.join(TMP, a) if a == "x" else a for a in args])
    check(rc == 64 and want in se, "usage %r: %d %r" % (args, rc, se))
rc, so, se = batch(["--help"])
check(rc == 0 and "--resume" in so and "manifest" in so, "batch --help")

# ---- resume: unchanged jobs kept, changed ones rerun; stale temporaries removed ----
rdir = os.path.join(TMP, "resume")
shutil.copytree("scripts/batch", os.path.join(rdir, "s"))
ro = os.path.join(rdir, "out")
rc, so, se = batch(["-s", os.path.join(rdir, "s", "*.lua"), "-d", "data/gci2020.csv", "-o", ro, "--quiet"])
ino = {n: (os.stat(os.path.join(ro, n)).st_ino, os.stat(os.path.join(ro, n)).st_mtime_ns) for n in os.listdir(ro)}
time.sleep(0.01)
write(os.path.join(ro, "equal.gci2020.csv.tmp.AbC123"), "partial")
write(os.path.join(ro, "notes.tmp.AbC123"), "not ours")
with open(os.path.join(rdir, "s", "geometric.lua"), "a") as f:
    f.write("-- edited\n")
rc, so, se = batch(["-s", os.path.join(rdir, "s", "*.lua"), "-d", "data/gci2020.csv", "-o", ro, "--resume"])
rows, js = summary(ro)
check(rc == 0 and all(r["status"] == "ok" for r in rows), "resume: all ok: %s" % se)
ran = {r["job"] for r in rows if r["wall_ms"] != ""}
check(ran == {"geometric.gci2020"}, "resume reruns only the changed job: %r" % ran)
st = {r["output"]: os.stat(os.path.join(ro, r["output"])) for r in rows}
check(all((st[n].st_ino, st[n].st_mtime_ns) == ino[n] for n in st if n != "geometric.gci2020.csv")
      and st["geometric.gci2020.csv"].st_mtime_ns > ino["geometric.gci2020.csv"][1], "resume: kept files untouched")
check("5 ok (4 kept by --resume)" in se, "resume report: %r" % se)
check(not os.path.exists(os.path.join(ro, "equal.gci2020.csv.tmp.AbC123")) and
      os.path.exists(os.path.join(ro, "notes.tmp.AbC123")), "stale temporaries of our files removed, others kept")
os.unlink(os.path.join(ro, "notes.tmp.AbC123"))
rc, so, se = batch(["-s", os.path.join(rdir, "s", "*.lua"), "-d", "data/gci2020.csv", "-o", ro, "--quiet"])
rows, js = summary(ro)
check(rc == 0 and all(r["wall_ms"] != "" for r in rows), "without --resume every job runs")
rc, so, se = batch(["-s", os.path.join(rdir, "s", "*.lua"), "-d", "data/gci2020.csv", "-o", ro, "--quiet", "--resume",
                    "--format", "md"])
rows, js = summary(ro)
check(rc == 0 and all(r["wall_ms"] != "" and r["output"].endswith(".md") for r in rows), "another format is another input")


# ---- interrupted batches: SIGINT and SIGKILL mid-way, then --resume ----
def children(pid):
    kids = []
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open("/proc/%s/stat" % p) as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        kids.append(int(p))
            except (OSError, IndexError, ValueError):
                pass
    return kids


kdir = os.path.join(TMP, "kill")
write(os.path.join(kdir, "slow.lua"),
      'local d = gci.dataset()\nlocal t = os.clock()\nwhile os.clock() - t < %s do end\n'
      'return d:score{weights = {legal = tonumber(arg[1]), technical = 1, organizational = 1, capacity = 1, cooperation = 1}}\n'
      % ("1.0" if SLOW else "0.25"))
NJ = 16
write(os.path.join(kdir, "m.txt"), "".join("slow.lua %s %d\n" % (data20, i) for i in range(1, NJ + 1)))


def interrupted_then_resume(sig, what):
    ko = os.path.join(kdir, "out-" + what)
    p = subprocess.Popen(GCISIM + ["batch", "-m", os.path.join(kdir, "m.txt"), "-o", ko, "-j", "2", "--quiet"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        done = hashed(ko)
        if len(done) >= 4:
            break
        time.sleep(0.02)
    kids = children(p.pid)
    p.send_signal(sig)
    so, se = p.communicate(timeout=120)
    check(p.returncode == -sig, "%s: batch ends by the signal (%r): %r" % (what, p.returncode, se))
    if sig == signal.SIGKILL:  # orphans run on to their end (bounded by the timeout)
        # Wait for every process of this batch, found by its output directory
        # in the command line: a job forked just before the kill is not in
        # `kids`, and finishing late it would change what counts as finished.
        def batch_procs():
            found = []
            for q in os.listdir("/proc"):
                if not q.isdigit():
                    continue
                try:
                    with open("/proc/%s/cmdline" % q, "rb") as f:
                        if ko.encode() in f.read():
                            with open("/proc/%s/stat" % q) as g:
                                if g.read().rsplit(")", 1)[1].split()[0] != "Z":
                                    found.append(q)
                except OSError:
                    pass
            return found
        end = time.time() + 60
        while time.time() < end and batch_procs():
            time.sleep(0.05)
    check(no_tmp(ko) == [], "%s: no partial file: %r" % (what, no_tmp(ko)))
    stamp = lambda n: (os.stat(os.path.join(ko, n)).st_ino, os.stat(os.path.join(ko, n)).st_mtime_ns)
    finished = {n: stamp(n) for n in hashed(ko)}
    check(4 <= len(finished) < NJ, "%s: interrupted mid-way (%d finished)" % (what, len(finished)))
    if sig != signal.SIGKILL:
        rows, js = summary(ko)
        okj = {r["output"] for r in rows if r["status"] == "ok"}
        check(okj == set(finished) and all(r["status"] in ("ok", "interrupted") for r in rows) and len(rows) == NJ,
              "%s: the summary lists what finished, the rest interrupted" % what)
    rc, so, se = batch(["-m", os.path.join(kdir, "m.txt"), "-o", ko, "-j", "2", "--resume", "--quiet"])
    rows, js = summary(ko)
    check(rc == 0 and len(rows) == NJ and all(r["status"] == "ok" for r in rows), "%s: resumed batch all ok" % what)
    check(all(stamp(n) == i for n, i in finished.items()), "%s: finished jobs not rerun" % what)
    check({r["output"] for r in rows if r["wall_ms"] == ""} == set(finished), "%s: summary marks the kept jobs" % what)
    check(no_tmp(ko) == [], "%s: no partial file after resume" % what)
    # every result is complete: compare with Python for one that was kept and one that ran
    for r in (rows[0], rows[-1]):
        w = dict.fromkeys(PILLARS, 1)
        w["legal"] = int(r["args"])
        s = {x["iso3"]: sum(w[q] * float(x[q]) for q in PILLARS) for x in G20}
        check_result(os.path.join(ko, r["output"]), s, "%s: job %s" % (what, r["job"]))


interrupted_then_resume(signal.SIGINT, "SIGINT")
interrupted_then_resume(signal.SIGKILL, "SIGKILL")

# ---- a job killed by a signal is `crashed`; the others go on ----
co = os.path.join(TMP, "crash")
write(os.path.join(kdir, "c.txt"), "slow.lua %s 1\nslow.lua %s 2\n" % (data20, data20))
write(os.path.join(kdir, "hang.lua"), "local d = gci.dataset()\nwhile true do end\n")
with open(os.path.join(kdir, "c.txt"), "a") as f:
    f.write("hang.lua %s\n" % data20)
p = subprocess.Popen(GCISIM + ["batch", "-m", os.path.join(kdir, "c.txt"), "-o", co, "-j", "3", "--quiet"],
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
kids = []
end = time.time() + 30
while time.time() < end and len(kids) < 3:
    kids = children(p.pid)
    time.sleep(0.02)
# the hanging job is the one still running after the two slow ones finished
end = time.time() + 60
while time.time() < end and len(hashed(co)) != 2:
    time.sleep(0.02)
for k in children(p.pid):
    try:
        os.kill(k, signal.SIGKILL)  # (not SIGSEGV: AddressSanitizer would catch it)
    except ProcessLookupError:
        pass  # a child that ended between the listing and the kill (seen under make asan)
so, se = p.communicate(timeout=60)
rows, js = summary(co)
check(p.returncode == 1 and [r["status"] for r in rows] == ["ok", "ok", "crashed"], "crashed job: %r" % rows)
check(rows[2]["message"] == "killed by signal %d (Killed)" % signal.SIGKILL, "crash message: %r" % rows[2]["message"])
check(no_tmp(co) == [], "crash: no partial file")

# ---- the progress line, on a terminal only ----
def on_tty(extra):
    m, s = pty.openpty()
    p = subprocess.Popen(GCISIM + ["batch", "-s", "scripts/batch/equal.lua", "-d", "data/gci2020.csv", "-o",
                                   os.path.join(TMP, "tty")] + extra, stdout=subprocess.PIPE, stderr=s)
    os.close(s)
    buf = b""
    while True:
        try:
            chunk = os.read(m, 4096)
        except OSError:
            break
        if not chunk:
            break
        buf += chunk
    p.wait()
    os.close(m)
    return p.returncode, buf.decode("utf-8", "replace")


rc, text = on_tty([])
check(rc == 0 and "1/1 done, 0 failed, 0 remaining" in text, "progress line on a terminal: %r" % text)
rc, text = on_tty(["--quiet"])
check(rc == 0 and text == "", "--quiet silences the terminal: %r" % text)
rc, so, se = batch(["-s", "scripts/batch/equal.lua", "-d", "data/gci2020.csv", "-o", os.path.join(TMP, "tty")])
check(rc == 0 and "remaining" not in se and "1 jobs, 1 ok" in se, "no progress line when stderr is not a terminal: %r" % se)

done()
