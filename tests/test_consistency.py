"""The command line is consistent: every command answers --help and refuses
an unknown option with exit 64, the man page documents every command and
every option each --help lists (and no option that no longer exists), the
exit codes the man page lists are the ones gcisim really returns, and
numbers print with a decimal point whatever the locale says.
"""
import os
import re
import shutil
import subprocess

from gstest import GCISIM, TMP, check, done, run

MAN = "doc/gcisim.1"

# ---- gcisim alone, --help, help ----
rc, out, err = run([])
check(rc == 64 and out == "" and err.startswith("usage: gcisim COMMAND") and len(err.splitlines()) <= 20,
      "gcisim alone: short usage on stderr, exit 64: %d %r" % (rc, err))
rc, top, err = run(["--help"])
check(rc == 0 and err == "" and top.startswith("usage: gcisim COMMAND"), "gcisim --help: %d" % rc)
for args in (["help"], ["help", "help"], ["help", "--help"]):
    rc, out, _ = run(args)
    check(rc == 0 and out == top, "gcisim %s prints the same list" % " ".join(args))
rc, out, err = run(["help", "nosuch"])
check(rc == 64 and "unknown command 'nosuch'" in err, "gcisim help nosuch: %d %r" % (rc, err))

# the commands, as the list names them
section = top.split("commands:\n", 1)[1].split("\n\n", 1)[0]
commands = [m.group(1) for m in re.finditer(r"^  ([a-z]+)\b", section, re.M)]
check(len(commands) >= 3 and {"run", "batch", "merge"} <= set(commands), "commands listed: %s" % commands)

man = open(MAN, encoding="utf-8").read()
man_text = man.replace("\\-", "-").replace("\\e", "\\")
subsections = {}
for m in re.finditer(r"^\.SS gcisim (\S+)(.*?)(?=^\.SS |^\.SH )", man_text, re.M | re.S):
    subsections[m.group(1)] = m.group(0)

OPT = re.compile(r"(?<![\w-])--[a-z][a-z-]*")
for cmd in commands:
    rc, h, err = run([cmd, "--help"])
    check(rc == 0 and h.startswith("usage: gcisim " + cmd) and err == "", "%s --help: %d %r" % (cmd, rc, (h[:60], err)))
    rc2, h2, _ = run(["help", cmd])
    check(rc2 == 0 and h2 == h, "gcisim help %s equals %s --help" % (cmd, cmd))
    rc, out, err = run([cmd, "--no-such-option", "x"])
    check(rc == 64 and "--no-such-option" in err, "%s refuses an unknown option with 64: %d %r" % (cmd, rc, err))
    check(("gcisim %s --help" % cmd) in err, "%s's usage error points to its own --help: %r" % (cmd, err))
    if "--format F" in h:   # one --format rule for every command that prints a table
        rc, out, err = run([cmd, "--format", "xml", "x"] if cmd != "run" else [cmd, "x.lua", "--format", "xml"])
        check(rc == 64 and re.search(r"unknown format 'xml' \((table|csv), .*\)", err) is not None,
              "%s --format xml: %d %r" % (cmd, rc, err))
    sub = subsections.get(cmd)
    check(sub is not None, "man page has a subsection for %s" % cmd)
    if sub is None:
        continue
    # options are what the usage line and the indented option lists name
    listed = "\n".join(l for l in h.splitlines() if l.startswith("usage:") or re.match(r"\s+(-\w, )?--", l))
    in_help = set(OPT.findall(listed)) - {"--"}
    in_man = set(OPT.findall(sub)) - {"--"}
    check(in_help <= in_man, "man page documents every option of %s --help; missing: %s" % (cmd, sorted(in_help - in_man)))
    check(in_man <= in_help | {"--help"}, "man page lists no option %s lacks; stale: %s" % (cmd, sorted(in_man - in_help)))
check(set(subsections) - {"help"} == set(commands), "man subsections %s match commands %s" % (sorted(subsections), commands))

# the man page formats without warnings
if shutil.which("groff"):
    p = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z", MAN], capture_output=True, text=True)
    check(p.returncode == 0 and p.stderr == "", "groff warnings: %r" % p.stderr)
    # what a reader copies from the page must be what they can type
    p = subprocess.run(["groff", "-man", "-Tutf8", "-P-cbou", MAN], capture_output=True, text=True)
    check("""lua5.4 -e 'local gci = require "gci" ...'""" in " ".join(p.stdout.split()),
          "the stock-lua example keeps its quotes")
else:
    check(False, "groff is missing (Debian groff-base; .ci/run installs it)")

# ---- exit codes: trigger each, then find it in the man page and run --help ----
exit_section = man_text.split(".SH EXIT STATUS", 1)[1].split(".SH ", 1)[0]
documented = {int(x) for x in re.findall(r"^\.B (\d+)$", exit_section, re.M)}
bad = os.path.join(TMP, "bad.csv")
with open(bad, "w") as f:
    f.write("iso3,country,legal,technical,organizational,capacity,cooperation\nAAA,A,1,2,x,4,5\n")
cases = [
    ("script error", ["run", os.path.join(TMP, "s.lua")], "error('boom')", 1),
    ("usage", ["run", os.path.join(TMP, "s.lua"), "--format", "xml"], "return 1", 64),
    ("data", ["run", os.path.join(TMP, "s.lua"), "--allow-read", TMP], "return gci.load(%r)" % bad, 65),
    ("output", ["run", os.path.join(TMP, "s.lua"), "--out", os.path.join(TMP, "no", "such", "dir", "o.csv")],
     "return gci.load('data/gci2020.csv'):score():top(1)", 73),
    ("timeout", ["run", os.path.join(TMP, "s.lua"), "--timeout", "0.2"], "while true do end", 80),
    ("memory", ["run", os.path.join(TMP, "s.lua"), "--max-memory", "8M"], "local t = {} for i = 1, 1e8 do t[i] = i end", 81),
    ("instructions", ["run", os.path.join(TMP, "s.lua"), "--max-instructions", "10000"], "while true do end", 82),
    ("output limit", ["run", os.path.join(TMP, "s.lua"), "--max-output", "1k"], "while true do print('x') end", 83),
]
_, run_help, _ = run(["run", "--help"])
codes_line = run_help.split("exit codes:", 1)[1]
for what, args, script, want in cases:
    with open(os.path.join(TMP, "s.lua"), "w") as f:
        f.write(script + "\n")
    rc, out, err = run(args)
    check(rc == want, "%s exits %d (got %d: %r)" % (what, want, rc, err[:200]))
    check(want in documented, "man page EXIT STATUS lists %d (%s)" % (want, what))
    check(re.search(r"\b%d %s" % (want, what.split()[0][:6]), codes_line) is not None, "run --help lists %d %s" % (want, what))
check(documented == {0} | {c[3] for c in cases}, "man page lists exactly the codes gcisim returns: %s" % sorted(documented))

# ---- numbers in the C locale, whatever the environment says ----
# A locale whose decimal separator is a comma, built into TMP so the test
# does not depend on which locales the machine has generated.
loc = os.path.join(TMP, "locale")
os.makedirs(loc)
p = subprocess.run(["localedef", "-i", "de_DE", "-f", "UTF-8", os.path.join(loc, "de_DE.UTF-8")],
                   capture_output=True, text=True)
env = dict(os.environ, LOCPATH=loc, LC_ALL="de_DE.UTF-8", LANG="de_DE.UTF-8")
q = subprocess.run(["locale", "-k", "decimal_point"], capture_output=True, text=True, env=env)
check(q.stdout.strip() == 'decimal_point=","', "the test locale has a decimal comma (Debian locales package): %r %r"
      % (p.stderr[-200:], q.stdout))
script = os.path.join(TMP, "num.lua")
with open(script, "w") as f:
    f.write('print(1.5, string.format("%.2f", 2.25), tostring(0.125), tonumber("3.5"))\n'
            'return gci.load("data/gci2020.csv"):score():top(2)\n')
p = subprocess.run(GCISIM + ["run", script, "--format", "csv"], capture_output=True, text=True, env=env)
lines = p.stdout.splitlines()
# print() goes to stderr with --format csv; stdout is the CSV alone
check(p.returncode == 0 and p.stderr.splitlines()[:1] == ["1.5\t2.25\t0.125\t3.5"], "Lua numbers under de_DE: %r" % p.stderr)
lines = [""] + lines  # as before: the CSV header at 1, its rows from 2
# the top two of 2020, from the CSV: USA 100, then GBR and SAU tied at 99.54
# (CSV output keeps the shortest text that reads back as the same double)
check(lines[2:] and lines[2].split(",")[2] == "100" and "," not in lines[3].split(",")[2]
      and abs(float(lines[3].split(",")[2]) - 99.54) < 1e-9,
      "result numbers under de_DE keep a decimal point: %r" % lines)

# ---- --version ----
rc, out, _ = run(["--version"])
check(rc == 0 and re.match(r"gcisim \d+\.\d+\.\d+ \(Lua 5\.4\.\d+\)$", out.strip()) is not None, "--version: %r" % out)
done()
