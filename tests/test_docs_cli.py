#!/usr/bin/env python3
"""Docs that do what they say (issue 13, point 7).

README's shell examples never write to "$TMPDIR/..." with TMPDIR unset
(that is "/..."); scripts/batch/README.md's exit codes are the ones gcisim
batch returns, checked by making each happen (a manifest error, a failing
job, all jobs ok, Ctrl-C).  make install's docs are in tests/test_install.py.
Prints "N passed, N failed" last.
"""
import os, re, signal, subprocess, time

from gstest import GCISIM, TMP, check, done, run

with open("README.md") as f:
    readme = f.read()
bare = [ln for ln in readme.splitlines() if re.search(r"\$TMPDIR\b|\$\{TMPDIR\}", ln)]
check(not bare, "README uses a bare $TMPDIR (writes to / when unset): %r" % bare[:3])
uses = [ln for ln in readme.splitlines() if "TMPDIR" in ln]
check(len(uses) >= 5, "README's chart examples name a temporary directory: %d lines" % len(uses))
# what those paths become in a shell with TMPDIR unset: under /tmp, not /
env = {k: v for k, v in os.environ.items() if k != "TMPDIR"}
for ln in uses:
    for word in re.findall(r'"\$\{TMPDIR:-/tmp\}/[^"]*"', ln):
        p = subprocess.run(["/bin/sh", "-c", "printf %s " + word], capture_output=True, text=True, env=env)
        check(p.stdout.startswith("/tmp/"), "%s expands to %r with TMPDIR unset" % (word, p.stdout))

# ---- scripts/batch/README.md: the exit codes it states are the real ones ----
with open("scripts/batch/README.md") as f:
    breadme = f.read()
check("exit code 2" not in breadme, "batch README no longer says manifest errors exit 2")
stated = set(re.findall(r"^\| (\d+(?: \+ N)?) \|", breadme, re.M))
check(stated == {"0", "1", "64", "128 + N"}, "batch README's exit code table: %s" % sorted(stated))
check(re.search(r"manifest error[^|]*\|", breadme) is None or "| 64 |" in breadme, "manifest errors listed under 64")

bad = os.path.join(TMP, "bad.txt")
with open(bad, "w") as f:
    f.write('equal.lua "data/gci2020.csv\n')  # an unterminated quote
rc, out, err = run(["batch", "-m", bad, "-o", os.path.join(TMP, "o1")])
check(rc == 64 and "bad.txt:1:" in err, "manifest error: exit 64 as stated: %d %r" % (rc, err))
rc, out, err = run(["batch", "-s", "scripts/batch/equal.lua", "-d", "data/gci2020.csv", "-o", os.path.join(TMP, "o2"), "--quiet"])
check(rc == 0, "all jobs ok: exit 0: %d %s" % (rc, err))
failing = os.path.join(TMP, "fails.lua")
with open(failing, "w") as f:
    f.write('error("no")\n')
rc, out, err = run(["batch", "-s", failing, "-s", "scripts/batch/equal.lua", "-d", "data/gci2020.csv",
                    "-o", os.path.join(TMP, "o3"), "--quiet"])
check(rc == 1 and os.path.exists(os.path.join(TMP, "o3", "summary.csv")), "a failing job: exit 1 as stated: %d %s" % (rc, err))
# Ctrl-C: gcisim batch ends by SIGINT (the shell shows 128 + 2 = 130)
slow = os.path.join(TMP, "slow.lua")
with open(slow, "w") as f:
    f.write('local x = 0 while true do x = x + 1 end\n')
p = subprocess.Popen(GCISIM + ["batch", "-s", slow, "-d", "data/gci2020.csv", "-o", os.path.join(TMP, "o4"),
                               "--quiet", "--timeout", "60"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
time.sleep(1.0)
p.send_signal(signal.SIGINT)
try:
    p.communicate(timeout=30)
except subprocess.TimeoutExpired:
    p.kill()
    p.communicate()
check(p.returncode == -signal.SIGINT, "Ctrl-C: ended by SIGINT (128 + 2 in a shell), got %r" % p.returncode)
done()
