"""make install / make uninstall into a temporary DESTDIR, the installed
binary run from another directory (the data directory fallback), and the
Lua C module gci.so loaded by Debian's stock lua5.4.

Expected values are computed here from data/gci2020.csv (pillar sums,
dense ranks on scores rounded to 2 decimals), not taken from gcisim.

make is run with the repository's own BUILD and the binary this test run
uses (GCISIM: ./gcisim, build-asan/gcisim under `make asan`, valgrind in
front under `make leakcheck`), with the outer make's MAKEFLAGS removed so
that the sanitizer flags of `make asan` do not reach gci.so (a stock
interpreter cannot load an ASan-instrumented module); everything is
already built by then, so install only copies it.
"""
import csv
import filecmp
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from gstest import GCISIM, TMP, check, done, ranks  # noqa: E402

REPO = os.getcwd()
PREFIX = "/usr/local"
DEST = os.path.join(TMP, "dest")
ROOT = DEST + PREFIX
PKG = os.path.join(ROOT, "share", "gcisim")
BIN = os.path.join(ROOT, "bin", "gcisim")
MODDIR = os.path.join(ROOT, "lib", "lua", "5.4")
# stock lua5.4 runs under the same valgrind and options as gcisim (make
# leakcheck's, with tests/valgrind.supp for pixman's constructor block)
VALGRIND = GCISIM[:-1] if os.environ.get("VALGRIND") else []

bin_rel = GCISIM[-1]
if bin_rel.startswith("./"):
    bin_rel = bin_rel[2:]
runner = GCISIM[:-1]  # valgrind and its options under make leakcheck

# (make also exports the variables the outer make was given on its command
# line, `make asan`'s CC, OPT and LDFLAGS among them: drop those too)
env = {k: v for k, v in os.environ.items()
       if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "CC", "OPT", "CFLAGS", "LDFLAGS")}
env.pop("GCISIM_DATADIR", None)


def make(*targets, dest=DEST, quiet=False):
    try:
        p = subprocess.run(["make", "-s", *targets, "DESTDIR=" + dest, "PREFIX=" + PREFIX,
                            "BUILD=" + os.environ.get("BUILD", "build"), "BIN=" + bin_rel],
                           capture_output=True, text=True, env=env, timeout=300)
    except subprocess.TimeoutExpired:
        print("make %s DESTDIR=%s: no end after 300 s" % (" ".join(targets), dest))
        return -1
    if p.returncode != 0 and not quiet:
        print(p.stdout + p.stderr)
    return p.returncode


def sh(args, cwd=REPO, extra=None):
    e = dict(env)
    e.update(extra or {})
    p = subprocess.run(args, capture_output=True, text=True, cwd=cwd, env=e)
    return p.returncode, p.stdout, p.stderr


def tree(top):
    """Every file under top, relative to it."""
    out = []
    for d, _, files in os.walk(top):
        out += [os.path.relpath(os.path.join(d, f), top) for f in files]
    return sorted(out)


# --- the reference: GCI 2020 scores and dense ranks from the CSV ---------
PILLARS = ["legal", "technical", "organizational", "capacity", "cooperation"]
with open("data/gci2020.csv", newline="") as f:
    ROWS = list(csv.DictReader(f))


def scores(rows, change=None):
    out = {}
    for r in rows:
        s = 0.0
        for p in PILLARS:
            v = float(r[p])
            if change and r["iso3"] == change[0] and p == change[1]:
                v = change[2]
            s += v
        out[r["iso3"]] = s
    return out


def dense(sc):
    return ranks(sc)


S = scores(ROWS)
R = dense(S)
S2 = scores(ROWS, ("VNM", "technical", 20.0))
R2 = dense(S2)

# --- install --------------------------------------------------------------
os.makedirs(os.path.join(ROOT, "share"))
keep = os.path.join(ROOT, "share", "keep.txt")  # there before: must survive uninstall
with open(keep, "w") as f:
    f.write("not gcisim's\n")

check(make("install") == 0, "make install DESTDIR=... PREFIX=/usr/local exits 0")
check(os.path.isfile(BIN) and os.access(BIN, os.X_OK), "the binary is installed, executable: %s" % BIN)
check(filecmp.cmp(BIN, bin_rel, shallow=False), "the installed binary is the one this test run uses")
man = os.path.join(ROOT, "share", "man", "man1", "gcisim.1")
check(os.path.isfile(man) and filecmp.cmp(man, "doc/gcisim.1", shallow=False), "the man page is installed")
mod = os.path.join(MODDIR, "gci.so")
check(os.path.isfile(mod), "gci.so is installed in the Lua 5.4 C module directory")
for sub in ("scripts", "data"):
    want = tree(sub)
    got = tree(os.path.join(PKG, sub))
    check(want and got == want, "every file of %s/ is installed (missing %s, extra %s)"
          % (sub, sorted(set(want) - set(got)), sorted(set(got) - set(want))))
    same = all(filecmp.cmp(os.path.join(sub, f), os.path.join(PKG, sub, f), shallow=False)
               for f in want if f in got)
    check(same, "the installed %s/ files are identical to the repository's" % sub)
for prov in ("data/README.md", "data/SOURCES-gci.md", "data/asem/SOURCES.md"):
    check(os.path.isfile(os.path.join(PKG, prov)), "provenance installed: %s" % prov)
# the documentation under share/doc/gcisim, and the man page points there
DOC = os.path.join(ROOT, "share", "doc", "gcisim")
for f in ("README.md", "CHANGELOG.md"):
    check(os.path.isfile(os.path.join(DOC, f)) and filecmp.cmp(f, os.path.join(DOC, f), shallow=False),
          "%s installed in share/doc/gcisim" % f)
check(tree("docs") and tree(os.path.join(DOC, "docs")) == tree("docs"),
      "the README's charts (docs/) installed next to it: %s" % tree(os.path.join(DOC, "docs"))[:4])
with open("doc/gcisim.1") as f:
    check("PREFIX/share/doc/gcisim" in f.read(), "the man page names PREFIX/share/doc/gcisim")

# The module exports luaopen_gci alone and leaves Lua to the interpreter.
rc, out, _ = sh(["nm", "-D", "--defined-only", mod])
syms = {ln.split()[-1] for ln in out.splitlines() if ln.strip()} - {"_init", "_fini"}
check(rc == 0 and syms == {"luaopen_gci"}, "gci.so exports only luaopen_gci, got %s" % sorted(syms)[:10])
rc, out, _ = sh(["readelf", "-d", mod])
check(rc == 0 and "NEEDED" in out and "liblua" not in out, "gci.so does not link liblua")

# --- the installed binary, from another directory -------------------------
elsewhere = os.path.join(TMP, "elsewhere")
os.makedirs(elsewhere)
DD = {"GCISIM_DATADIR": PKG}
rc, out, err = sh(runner + [BIN, "run", os.path.join(PKG, "scripts", "whatif_vietnam.lua")], elsewhere, DD)
check(rc == 0, "an installed script runs from another directory with GCISIM_DATADIR (exit %d: %s)" % (rc, err.strip()))
want = "Viet Nam: score %.2f -> %.2f, global rank %d -> %d," % (S["VNM"], S2["VNM"], R["VNM"], R2["VNM"])
check(out.startswith(want), "whatif_vietnam.lua prints %r, got %r" % (want, out.splitlines()[:1]))

with open(os.path.join(elsewhere, "top.lua"), "w") as f:
    f.write('return gci.load("data/gci2020.csv"):score():top(10)\n')
rc, out, err = sh(runner + [BIN, "run", "top.lua", "--format", "csv"], elsewhere, DD)
got = [(r["iso3"], int(r["rank"])) for r in csv.DictReader(out.splitlines())]
top = sorted(S, key=lambda k: (R[k], [r["iso3"] for r in ROWS].index(k)))[:10]
check(rc == 0 and got == [(k, R[k]) for k in top], "top 10 through the fallback: %s" % got)

with open(os.path.join(elsewhere, "meta.lua"), "w") as f:
    f.write('print(#gci.index_meta("data/asem/ASEM_iMeta.csv"))\n')
with open("data/asem/ASEM_iMeta.csv", newline="") as f:
    nodes = sum(1 for r in csv.DictReader(f) if r["Type"] in ("Indicator", "Aggregate"))
rc, out, err = sh(runner + [BIN, "run", "meta.lua"], elsewhere, DD)
check(rc == 0 and out.strip() == str(nodes), "gci.index_meta falls back too: %d nodes, got %r %s" % (nodes, out, err))

# repl and check read the data directory as run does (they once refused it:
# their policies lacked it).  A student's copy of an installed exercise,
# checked from another directory, gets its answers graded, not a refusal.
with open(os.path.join(elsewhere, "repl.txt"), "w") as f:
    f.write('gci.load("data/gci2020.csv"):score():rank("VNM")\n#d\n')
rc, out, err = sh(["sh", "-c", " ".join(runner + [BIN]) + " repl data/gci2020.csv < repl.txt"], elsewhere, DD)
check(rc == 0 and out.split() == [str(R["VNM"]), str(len(ROWS))],
      "repl from another directory: DATA.csv and gci.load through the fallback (exit %d: %r %s)" % (rc, out, err.strip()))
rc, out, err = sh(runner + [BIN, "explain", "data/gci2020.csv", "VNM", "--format", "csv"], elsewhere, DD)
row = [r for r in csv.DictReader(out.splitlines()) if r["pillar"] == "(score)"]
check(rc == 0 and row and abs(float(row[0]["value"]) - S["VNM"]) < 1e-6,
      "explain's DATA.csv falls back too, as gcisim(1) says (exit %d: %s)" % (rc, err.strip()))
shutil.copy(os.path.join(PKG, "scripts", "teaching", "01_read_score.lua"), elsewhere)
rc, out, err = sh(runner + [BIN, "check", "01_read_score.lua"], elsewhere, DD)
check(rc == 1 and "refused" not in err and re.search(r"^0 of 3 right", out, re.M),
      "check of a copied exercise reads the installed data: its 3 blanks are graded (exit %d: %r %s)"
      % (rc, out, err.strip()))

# The fallback directory is read-only-allowed, and no more: ".." from it
# reaches the installed binary, which stays refused.
with open(os.path.join(elsewhere, "escape.lua"), "w") as f:
    f.write('gci.load("data/../../../bin/gcisim")\n')
rc, out, err = sh(runner + [BIN, "run", "escape.lua"], elsewhere, DD)
check(rc == 1 and "reading refused" in err, "'..' cannot lead out of the data directory (exit %d: %s)" % (rc, err.strip()))

# Without GCISIM_DATADIR the installed binary finds its data directory
# from its own place: DEST/usr/local/bin/gcisim reads DEST/usr/local/share/gcisim
# (nothing compiled in points there: it is a staging directory).
rc, out, err = sh(runner + [BIN, "run", "top.lua", "--format", "csv"], elsewhere)
got = [(r["iso3"], int(r["rank"])) for r in csv.DictReader(out.splitlines())]
check(rc == 0 and got == [(k, R[k]) for k in top], "installed binary finds PREFIX/share/gcisim itself: %s %s" % (got[:2], err.strip()))
# The checkout's ./gcisim is not installed: no fallback, a clear error.
rc, out, err = sh(runner + [os.path.join(REPO, bin_rel), "run", "top.lua"], elsewhere)
check(rc == 1 and "data/gci2020.csv: cannot read" in err, "the checkout's gcisim has no data directory: %d %s" % (rc, err.strip()))

# Without a data directory the relative path is missing, and says so.
empty = os.path.join(TMP, "empty")
os.makedirs(empty)
rc, out, err = sh(runner + [BIN, "run", "top.lua"], elsewhere, {"GCISIM_DATADIR": empty})
check(rc == 1 and "data/gci2020.csv: cannot read" in err, "no fallback file: a clear error (exit %d: %s)" % (rc, err.strip()))

# --- the stock interpreter with gci.so -----------------------------------
LUA = {"LUA_CPATH": os.path.join(MODDIR, "?.so"), "LUA_PATH": ""}
prog = r'''
local gci = require "gci"
local d = gci.load("data/gci2020.csv")
local r = d:score()
local after = d:with{VNM = {technical = 20}}:score()
print(#d, gci.version)
for row in r:rows() do print(row.iso3, r:rank(row.iso3), string.format("%.2f", r:score(row.iso3))) end
print("after", after:rank("VNM"), string.format("%.2f", after:score("VNM")))
print(pcall(gci.load, "data/no_such_file.csv"))
print(pcall(gci.load, "tests/bad/above_max_pillar.csv"))
print(io ~= nil and os ~= nil)
'''
rc, out, err = sh(VALGRIND + ["lua5.4", "-e", prog], REPO, LUA)
check(rc == 0, "stock lua5.4 requires gci from DESTDIR (exit %d: %s)" % (rc, err.strip()[:300]))
lines = out.splitlines()
check(lines[:1] and lines[0].split("\t")[0] == str(len(ROWS)), "#d is %d" % len(ROWS))
got = {}
for ln in lines[1:1 + len(ROWS)]:
    iso, rank, score = ln.split("\t")
    got[iso] = (int(rank), score)
want = {k: (R[k], "%.2f" % S[k]) for k in S}
bad = [k for k in want if got.get(k) != want[k]]
check(not bad, "stock lua: every rank and score matches the CSV's dense ranks (differ: %s)" % bad[:5])
check("after\t%d\t%.2f" % (R2["VNM"], S2["VNM"]) in lines, "stock lua: Viet Nam with technical = 20 ranks %d" % R2["VNM"])
errs = [ln for ln in lines if ln.startswith("false\t")]
check(len(errs) == 2 and "data/no_such_file.csv" in errs[0] and "cannot read" in errs[0],
      "a missing file is a normal Lua error: pcall returns false and a message (%s)" % errs[:1])
with open("tests/bad/above_max_pillar.expect") as f:
    expect = f.read().strip()
check(len(errs) == 2 and errs[1] == "false\t" + expect, "a data error is a normal Lua error: %r" % errs[1:])
check(lines[-1:] == ["true"], "the stock interpreter keeps io and os (the sandbox is gcisim's)")

# From another directory the module falls back to the data directory too.
rc, out, err = sh(VALGRIND + ["lua5.4", "-e", 'local gci = require "gci"; print(gci.load("data/gci2020.csv"):score():rank("VNM"))'],
                  elsewhere, dict(LUA, **DD))
check(rc == 0 and out.strip() == str(R["VNM"]), "stock lua from another directory: VNM rank %d, got %r %s" % (R["VNM"], out, err[:200]))

# ... and without GCISIM_DATADIR, from the module's own place
rc, out, err = sh(VALGRIND + ["lua5.4", "-e", 'local gci = require "gci"; print(gci.load("data/gci2020.csv"):score():rank("VNM"))'],
                  elsewhere, LUA)
check(rc == 0 and out.strip() == str(R["VNM"]), "stock lua finds PREFIX/share/gcisim from gci.so's place: %r %s" % (out, err[:200]))

# print() shows a record list as the table gcisim prints (the stock
# interpreter has no other way to print one)
rc, out, err = sh(VALGRIND + ["lua5.4", "-e", 'local gci = require "gci"; print(gci.load("data/gci2020.csv"):score():top(3))'],
                  REPO, LUA)
lines = out.splitlines()
best = sorted(S, key=lambda k: -S[k])[:3]
check(lines[-1:] == ["# dense ranks on scores rounded to 2 decimals (the precision of the data)"],
      "stock lua: the table says how it ranked: %r" % lines[-1:])
lines = lines[:-1]
check(rc == 0 and lines[:1] and lines[0].split() == ["iso3", "country", "score", "rank"]
      and [l.split()[0] for l in lines[1:]] == best and [int(l.split()[-1]) for l in lines[1:]] == [R[k] for k in best],
      "stock lua: print(r:top(3)) prints the top 3 %s as a table: %r %s" % (best, out, err[:200]))

# --- uninstall ------------------------------------------------------------
check(make("install") == 0, "make install again over the installed files")
check(make("uninstall") == 0, "make uninstall exits 0")
left = tree(DEST)
check(left == [os.path.relpath(keep, DEST)], "uninstall leaves only what was there before: %s" % left[:10])
dirs = sorted(os.path.relpath(d, DEST) for d, _, _ in os.walk(DEST))
check(dirs == [".", "usr", "usr/local", "usr/local/share"], "uninstall removes the directories install created: %s" % dirs)
os.remove(keep)
check(make("uninstall") == 0, "a second make uninstall is harmless")

# An install that fails half-way (here PREFIX/lib is a file, so gci.so,
# installed last, cannot go in) can still be uninstalled completely.
dest2 = os.path.join(TMP, "dest2")
os.makedirs(dest2 + PREFIX)
with open(os.path.join(dest2 + PREFIX, "lib"), "w") as f:
    f.write("in the way\n")
check(make("install", dest=dest2, quiet=True) != 0, "make install fails when a directory cannot be made")
check(os.path.isfile(dest2 + PREFIX + "/bin/gcisim"), "the failed install got as far as the binary")
check(make("uninstall", dest=dest2) == 0, "make uninstall after a failed install exits 0")
check(tree(dest2) == ["usr/local/lib"], "uninstall after a failed install leaves only what was there: %s" % tree(dest2)[:10])

# make install with another PREFIX never rebuilds the checkout's binary:
# it stays byte for byte, and is what gets installed.
def stamp(p):
    st = os.stat(p)
    with open(p, "rb") as f:
        return (st.st_mtime_ns, f.read())
before = stamp(bin_rel), stamp("gci.so")
dest4 = os.path.join(TMP, "dest4")
p = subprocess.run(["make", "-s", "install", "DESTDIR=" + dest4, "PREFIX=/opt/gcisim-elsewhere",
                    "BUILD=" + os.environ.get("BUILD", "build"), "BIN=" + bin_rel],
                   capture_output=True, text=True, env=env, timeout=300)
check(p.returncode == 0, "make install PREFIX=/opt/gcisim-elsewhere: %s" % (p.stdout + p.stderr)[-300:])
check((stamp(bin_rel), stamp("gci.so")) == before, "make install PREFIX=... left ./gcisim and gci.so untouched")
b4 = dest4 + "/opt/gcisim-elsewhere/bin/gcisim"
check(os.path.isfile(b4) and filecmp.cmp(b4, bin_rel, shallow=False), "the installed binary is the checkout's")
rc, out, err = sh(runner + [b4, "run", "top.lua", "--format", "csv"], elsewhere)
got = [(r["iso3"], int(r["rank"])) for r in csv.DictReader(out.splitlines())]
check(rc == 0 and got == [(k, R[k]) for k in top], "it finds /opt/gcisim-elsewhere/share/gcisim: %s" % err.strip())
p = subprocess.run(["make", "-s", "uninstall", "DESTDIR=" + dest4, "PREFIX=/opt/gcisim-elsewhere",
                    "BUILD=" + os.environ.get("BUILD", "build"), "BIN=" + bin_rel],
                   capture_output=True, text=True, env=env, timeout=300)
check(p.returncode == 0 and tree(dest4) == [], "uninstall of the /opt install: %s" % tree(dest4)[:5])

# A DESTDIR that does not exist yet is created (the install used to climb
# the missing ancestors forever, since dirname / is /); uninstall then
# leaves the staging directory empty.
dest3 = os.path.join(TMP, "not", "yet", "stage")
check(make("install", dest=dest3) == 0 and os.path.isfile(dest3 + PREFIX + "/bin/gcisim"),
      "make install creates a DESTDIR that does not exist")
check(make("uninstall", dest=dest3) == 0 and tree(dest3) == [], "uninstall empties it again: %s" % tree(dest3)[:5])

done()
