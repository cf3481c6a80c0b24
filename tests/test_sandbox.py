#!/usr/bin/env python3
"""Sandbox, limits and bad-data batteries for gcisim (GitHub issue 4).

1. Bad data (tests/bad/): each NAME.csv is loaded by a script run with
   --out; a bad file must give exactly the line in NAME.expect on stderr,
   exit 65 and no output file (an existing one untouched); a good_* file
   must load and agree with Python's csv module.  Generated here: a very
   long line, an oversized cell and a 100 MB file (must fail fast).
2. Hostile scripts (tests/escapes/): each .lua names its attack and ends
   its leading comment block with its expectations:
       -- args: OPTIONS          (gcisim run options)
       -- exit: N
       -- error: FIRST STDERR LINE   ({script} = the script's path,
                                      {root} = the repository's real path,
                                      {line} = any line number)
       -- max-seconds: S         (optional wall-clock bound)
   Plus, generated here: symbolic links and near-miss directory names.
3. Allocation failures: GCISIM_FAIL_ALLOC=N (sandbox.h, test only) over a
   representative run; every N must end cleanly (exit 0, or exit 1/5 with
   a message; never a signal or a sanitizer report).  Every N, except under
   ASan or valgrind (every STRIDE-th); GCISIM_ALLOC_SWEEP=full forces every N.
Prints "N passed, N failed" last.
"""
import concurrent.futures, csv, glob, io, os, re, resource, shutil, subprocess, sys, tempfile, time

from gstest import GCISIM, TMP, alloc_total, check, done

SLOW = any(w in " ".join(GCISIM) for w in ("valgrind", "asan")) or bool(os.environ.get("VALGRIND"))
ROOT = os.path.realpath(".")
TIMES = {}




# GCISIM with absolute paths, for runs in another working directory
GCISIM_ABS = [os.path.abspath(x) if os.path.exists(x) else x for x in GCISIM]


# Under valgrind (make leakcheck) a script runs 20-50 times slower: an
# escape expected to end by an error of its own gets its --timeout scaled,
# so that the watchdog does not overtake it; one expected to be stopped by
# the watchdog (exit 80) is checked for memory errors but not for leaks,
# since the watchdog's _exit leaves the killed script's memory allocated.
VALGRIND_RUN = "valgrind" in " ".join(GCISIM)


def for_valgrind(meta, args):
    """The command prefix and arguments for an escape case under valgrind."""
    base = GCISIM
    if not VALGRIND_RUN:
        return base, args
    if meta.get("exit") == "80":
        return [a.replace("--leak-check=full", "--leak-check=no") for a in GCISIM], args
    out = list(args)
    for i, a in enumerate(out[:-1]):
        if a == "--timeout":
            out[i + 1] = str(float(out[i + 1]) * 6)
    return base, out


def gcisim(args, env=None, timeout=60, cwd=None, base=None):
    base = base or GCISIM
    t = time.time()
    e = dict(os.environ)
    if env:
        e.update(env)
    for attempt in range(20):  # others may be relinking ./gcisim right now
        try:
            p = subprocess.run(([os.path.abspath(x) if os.path.exists(x) else x for x in base] if cwd else base) + args,
                               capture_output=True, text=True,
                               errors="replace", env=e, timeout=timeout, cwd=cwd)
            break
        except OSError:
            time.sleep(0.5)
    else:
        raise RuntimeError("cannot run %s" % GCISIM)
    return p.returncode, p.stdout, p.stderr, time.time() - t


def first_line(s):
    return s.split("\n", 1)[0]


def sanitizer_report(err):
    return "Sanitizer" in err or "runtime error:" in err or "LeakSanitizer" in err


# ------------------------------------------------------------ bad data ----
def load_script(path, name="load.lua"):
    s = os.path.join(TMP, name)
    with open(s, "w") as f:
        f.write('local d = gci.load("%s")\n'
                'local t = {}\n'
                'for c in d:countries() do\n'
                '  t[#t + 1] = {iso3 = c.iso3, country = c.name, legal = c.legal, cooperation = c.cooperation}\n'
                'end\n'
                'return gci.records(t, {"iso3", "country", "legal", "cooperation"})\n' % path)
    return s


def expect_data_error(path, want, what, allow=None):
    """Runs a load of path twice: without an --out file (none may appear)
    and over an existing one (it must stay as it was)."""
    script = load_script(path)
    allow = allow or os.path.dirname(path) or "."
    out = os.path.join(TMP, "out.csv")
    if os.path.exists(out):
        os.unlink(out)
    rc, o, err, dt = gcisim(["run", script, "--allow-read", allow, "--out", out])
    check(rc == 65, "%s: exit %d, want 65 (%r)" % (what, rc, err[:300]))
    check(first_line(err) == want, "%s: stderr\n   got  %r\n   want %r" % (what, first_line(err)[:300], want))
    check(not os.path.exists(out), "%s: --out file created" % what)
    with open(out, "w") as f:
        f.write("precious\n")
    rc, o, err, dt2 = gcisim(["run", script, "--allow-read", allow, "--out", out])
    check(rc == 65 and open(out).read() == "precious\n", "%s: existing --out file changed" % what)
    check(not [n for n in os.listdir(TMP) if ".tmp." in n], "%s: temporary file left behind" % what)
    os.unlink(out)
    return dt


bad = sorted(glob.glob("tests/bad/*.csv"))
check(len(bad) >= 25, "tests/bad holds the battery (%d files)" % len(bad))
for path in bad:
    name = os.path.basename(path)[:-4]
    exp = path[:-4] + ".expect"
    check(os.path.exists(exp), "%s has a .expect file" % name)
    if not os.path.exists(exp):
        continue
    want = open(exp, encoding="utf-8").read().rstrip("\n")
    if want == "ok":
        out = os.path.join(TMP, "good.csv")
        rc, o, err, dt = gcisim(["run", load_script(path), "--allow-read", "tests/bad", "--out", out])
        check(rc == 0 and err == "", "%s loads: exit %d %r" % (name, rc, err))
        if rc == 0:
            got = list(csv.DictReader(open(out, newline="", encoding="utf-8")))
            with open(path, newline="", encoding="utf-8-sig") as f:
                ref = list(csv.DictReader(f))
            check([(r["iso3"], r["country"], float(r["legal"]), float(r["cooperation"])) for r in got] ==
                  [(r["iso3"].strip(), r["country"].strip(), float(r["legal"]), float(r["cooperation"])) for r in ref],
                  "%s: gcisim and Python's csv module read the same rows" % name)
    else:
        expect_data_error(path, want, name, allow="tests/bad")

HDR = "iso3,country,legal,technical,organizational,capacity,cooperation\n"
gen = os.path.join(TMP, "gen")
os.mkdir(gen)
# a very long line: 200 000 fields of one digit (ragged, and slow if quadratic)
p = os.path.join(gen, "long_line.csv")
with open(p, "w") as f:
    f.write(HDR + "AAA,Aland," + ",".join(["1"] * 200000) + "\n")
dt = expect_data_error(p, "%s:2:8: row has 200002 fields; the header has 7" % p, "very long line", allow=gen)
check(dt < 10, "very long line handled in %.2f s" % dt)
TIMES["long line (200 002 fields, 400 KB)"] = dt
# one oversized cell (the limit is 64 KiB)
p = os.path.join(gen, "big_cell.csv")
with open(p, "w") as f:
    f.write(HDR + "AAA,Aland,1,2,3,4,5\nBBB," + "B" * 100000 + ",1,2,3,4,5\n")
expect_data_error(p, "%s:3:2: cell of 100000 bytes; the limit is 65536" % p, "oversized cell", allow=gen)
# a 100 MB file: refused on its size, without being read
p = os.path.join(gen, "huge.csv")
row = "AAA,Aland,1,2,3,4,5\n"
with open(p, "w") as f:
    f.write(HDR)
    block = row * 50000
    for _ in range(105):
        f.write(block)
size = os.path.getsize(p)
dt = expect_data_error(p, "%s:1:1: file of %d bytes; the limit for a dataset is 67108864" % (p, size),
                       "100 MB file", allow=gen)
TIMES["100 MB file (%d bytes)" % size] = dt
check(dt < (5 if SLOW else 1.0), "100 MB file refused fast: %.3f s" % dt)
os.unlink(p)

# ------------------------------------------------------ hostile scripts ----
def parse_expect(path):
    meta = {}
    for line in open(path, encoding="utf-8"):
        if not line.startswith("--"):
            break
        m = re.match(r"-- (args|exit|error|max-seconds|via): ?(.*)$", line.rstrip("\n"))
        if m:
            meta[m.group(1)] = m.group(2)
    return meta


def run_escape(path):
    meta = parse_expect(path)
    if "via" in meta:  # not a plain `gcisim run`: run_via below
        return run_via(path, meta)
    out = os.path.join(TMP, "esc_" + os.path.basename(path) + ".csv")
    base, args = for_valgrind(meta, meta.get("args", "").split())
    rc, o, err, dt = gcisim(["run", path] + args + ["--out", out], timeout=400 if VALGRIND_RUN else 60, base=base)
    return path, meta, rc, o, err, dt, os.path.exists(out)


def run_via(path, meta):
    """The escapes through another command or with files made here (issue
    11): each returns what run_escape does, with the first stderr line
    expected in the header; {dir} is the case's directory, {shard} its
    shard file.  Checks of their own (no marker file, no temporary left,
    peak RSS, the verdict on stdout) are made here too."""
    via = meta["via"]
    name = os.path.basename(path)[:-4]
    d = tempfile.mkdtemp(prefix="v", dir=TMP)  # short: Lua cuts chunk names at 60 bytes
    script = os.path.join(d, "x.lua")
    shutil.copy(path, script)
    base, args = for_valgrind(meta, meta.get("args", "").split())
    out = os.path.join(d, "out.csv")
    meta = dict(meta)
    meta["error"] = meta["error"].replace("{dir}", d).replace("{script}", script)
    if via == "batch":
        shutil.copy(path, os.path.join(d, "evil.lua"))
        shutil.copy("data/gci2020.csv", os.path.join(d, "data.csv"))
        open(os.path.join(d, "--trusted"), "w").close()
        os.makedirs(os.path.join(d, "sub"))
        with open(os.path.join(d, "m.txt"), "w") as f:
            f.write("--trusted data.csv evil.lua\nsub/../--trusted data.csv evil.lua\n")
        rc, o, err, dt = gcisim(["batch", "-m", "m.txt", "-o", "out", "--timeout", "5"], cwd=d)
        check(not os.path.exists(os.path.join(d, "ESCAPED")), "%s: evil.lua ran (ESCAPED written)" % name)
        summary = open(os.path.join(d, "out", "summary.csv")).read() if os.path.exists(os.path.join(d, "out", "summary.csv")) else ""
        check(summary.count(",--trusted,data.csv,evil.lua,ok,") == 2, "%s: the jobs ran --trusted as the script:\n%s" % (name, summary))
        return path, meta, rc, o, err, dt, False
    if via == "fifo":
        os.mkfifo(os.path.join(d, "fifo.csv"))
    if via == "bigcsv":
        with open(os.path.join(d, "big.csv"), "w") as f:
            f.write("iso3,country,legal,technical,organizational,capacity,cooperation,notes\n")
            for i in range(2000):
                f.write("K%04d,Country %d,1,2,3,4,5,%s\n" % (i, i, "n" * 3000))
    if via == "plot":
        args += ["--plot", os.path.join(d, "chart.svg")]
    if via == "merge":
        shard = os.path.join(d, "shard.txt")
        rc, o, err, dt = gcisim(["run", script, "--shard", "0/1", "--out", shard])
        lines = open(shard).read().split("\n")
        check(rc == 0 and lines[1] == "units 194", "%s: the shard was written: %s" % (name, err))
        with open(shard, "w") as f:
            f.write("\n".join([lines[0], "units 2"] + lines[2:4] + lines[196:]))
        meta["error"] = meta["error"].replace("{shard}", shard)
        rc, o, err, dt = gcisim(["merge", shard])
        return path, meta, rc, o, err, dt, False
    if via == "check":
        rc, o, err, dt = gcisim(["check", script] + args, base=base)
        plain = [l for l in o.split("\n") if l and not l.startswith("| ")]
        check(plain == ["%s: not checked: timeout (--timeout)" % script],
              "%s: the verdict is the only unprefixed line of stdout: %r" % (name, o))
        check("\r" not in o, "%s: a carriage return reached stdout" % name)
        return path, meta, rc, o, err, dt, False
    t = time.time()
    # --plot: the table on stdout (its __tostring is where the script stalls)
    outargs = [] if via == "plot" else ["--out", out]
    p = subprocess.Popen(base + ["run", script] + args + outargs, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, errors="replace")
    err = p.stderr.read()  # stdout stays small: the result goes to --out
    o = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = rc = os.waitstatus_to_exitcode(status)
    dt = time.time() - t
    if via == "bigcsv" and not SLOW:
        # that child's peak RSS (ru_maxrss, KiB) against --max-memory 16M:
        # the file is 6 MB, 30 copies of it 180 MB
        peak = ru.ru_maxrss / 1024
        TIMES["escape %s: peak RSS %.0f MiB under --max-memory 16M" % (name, peak)] = dt
        check(peak < 4 * 16 + 16, "%s: peak RSS %.0f MiB under --max-memory 16M" % (name, peak))
    if via == "plot":
        left = [f for f in os.listdir(d) if ".tmp." in f]
        check(not left and not os.path.exists(os.path.join(d, "chart.svg")), "%s: files left: %s" % (name, left))
    return path, meta, rc, o, err, dt, os.path.exists(out)


escapes = sorted(p for p in glob.glob("tests/escapes/*.lua") if not p.endswith("escape_helper.lua"))
check(len(escapes) >= 35, "tests/escapes holds the battery (%d scripts)" % len(escapes))
# Two at a time: most cases wait on a 1 s timeout.
with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
    results = list(ex.map(run_escape, escapes))
for path, meta, rc, o, err, dt, made in results:
    name = os.path.basename(path)[:-4]
    if not ("exit" in meta and "error" in meta):
        check(False, "%s: no '-- exit:' / '-- error:' expectation" % name)
        continue
    want = meta["error"].replace("{script}", path).replace("{root}", ROOT)
    # {line}: any line number (where a limit strikes in a loop varies)
    pat = "^" + re.escape(want).replace(re.escape("{line}"), r"\d+") + "$"
    check(rc == int(meta["exit"]), "%s: exit %d, want %s (%r)" % (name, rc, meta["exit"], err[:300]))
    check(re.match(pat, first_line(err)), "%s: stderr\n   got  %r\n   want %r" % (name, first_line(err)[:300], want))
    check(not made, "%s: --out file written by a failed run" % name)
    check(not sanitizer_report(err), "%s: sanitizer report\n%s" % (name, err[:2000]))
    if "max-seconds" in meta:
        # under valgrind the exit code alone shows the file was refused at
        # once (a blocked open would end by the watchdog, exit 80)
        limit = float(meta["max-seconds"]) * (30 if VALGRIND_RUN else 3 if SLOW else 1)
        check(dt < limit, "%s: took %.2f s, limit %.1f" % (name, dt, limit))
    if name in ("pattern_blowup", "huge_table", "xpcall_handler_loop", "coroutine_instructions"):
        TIMES["escape %s (exit %d)" % (name, rc)] = dt
check(not os.path.exists("/tmp/gcisim-escaped"), "os.execute did not run")

# Symbolic links out of an allowed directory (made here, in a temp dir).
sl = os.path.join(TMP, "links")
os.mkdir(sl)
os.symlink("/etc/passwd", os.path.join(sl, "passwd.csv"))
os.symlink("/etc", os.path.join(sl, "etc"))
os.symlink(os.path.join(ROOT, "data"), os.path.join(sl, "data"))  # in: allowed through the link
near = os.path.join(TMP, "links2")  # "links2" starts with "links" but is not under it
os.mkdir(near)
shutil.copy("data/gci2020.csv", os.path.join(near, "g.csv"))
scripts_dir = os.path.join(TMP, "scripts")
os.mkdir(scripts_dir)


def attempt(target, allow):
    s = os.path.join(scripts_dir, "attack.lua")
    with open(s, "w") as f:
        f.write('return gci.load("%s")\n' % target)
    rc, o, err, dt = gcisim(["run", s, "--allow-read", allow])
    return s, rc, first_line(err)


allowed = "%s, %s/data, %s" % (sl, ROOT, scripts_dir)  # --allow-read first, then the defaults
for target in [os.path.join(sl, "passwd.csv"), os.path.join(sl, "etc", "passwd"),
               # enough ".." to reach / from wherever the checkout is (".." of / is /)
               os.path.join(sl, "data", *([".."] * 40), "etc", "passwd"), os.path.join(near, "g.csv")]:
    s, rc, line = attempt(target, sl)
    want = ("%s:1: gci.load: %s: reading refused: outside the directories allowed (%s; see --allow-read)"
            % (s, target, allowed))
    check(rc == 1 and line == want, "symlink/near-miss %s: exit %d\n   got  %r\n   want %r" % (target, rc, line, want))
s, rc, line = attempt(os.path.join(sl, "data", "gci2020.csv"), sl)
check(rc == 0, "a link to an allowed file stays readable: %r" % line)

# ------------------------------------------------- allocation failures ----
rep = os.path.join(TMP, "rep.lua")
with open(rep, "w") as f:
    f.write('local d = gci.load("data/gci2020.csv")\n'
            'local r = d:score()\n'
            'local top = r:top(3)\n'
            'assert(r:rank("VNM") == 26, "rank")\n'
            'return r\n')
rc, base, err, dt = gcisim(["run", rep, "--format", "csv"])
check(rc == 0 and base.count("\n") == 195, "representative run: %d %r" % (rc, err))


def fail_at(spec):
    rc, o, err, dt = gcisim(["run", rep, "--format", "csv"], env={"GCISIM_FAIL_ALLOC": spec}, timeout=120)
    return spec, rc, o, err


total = alloc_total(lambda spec: fail_at(spec)[1] != 0)
check(total > 100, "the representative run makes %d Lua allocations" % total)
full = os.environ.get("GCISIM_ALLOC_SWEEP") == "full"
stride = 1 if full or not SLOW else max(1, total // 40)  # every N, but under ASan/valgrind
specs = []
for n in range(1, total + 1, stride):
    specs += ["%d" % n, "%d+" % n]  # the Nth alone (Lua retries after a GC), and N onwards
bad_runs = []
workers = os.cpu_count() or 2
t0 = time.time()
with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as ex:
    for spec, rc, o, err in ex.map(fail_at, specs):
        clean = (rc == 0 and o == base and err == "") or (rc in (1, 65, 81) and err.strip() != "" and o == "")
        if not clean or rc < 0 or sanitizer_report(err):
            bad_runs.append((spec, rc, err[:300]))
sweep_time = time.time() - t0
for spec, rc, err in bad_runs[:10]:
    print("FAIL: GCISIM_FAIL_ALLOC=%s: exit %d %r" % (spec, rc, err))
check(not bad_runs, "allocation-failure sweep: %d of %d runs unclean" % (len(bad_runs), len(specs)))
print("# allocation sweep: %d allocations, %d runs (every %d%s), %.1f s"
      % (total, len(specs), stride, " = every N" if stride == 1 else "; GCISIM_ALLOC_SWEEP=full for all", sweep_time))
for k, v in TIMES.items():
    print("# time: %s: %.3f s" % (k, v))

done()
