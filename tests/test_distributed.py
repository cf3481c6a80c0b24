#!/usr/bin/env python3
"""Distributed runs: the shards of an uncertainty analysis run side by side
by GNU parallel (as README's "Distributed runs" shows; emulated with
xargs -P when parallel is absent), merged with gcisim merge, give exactly
the table one unsharded run prints.  The expectation is that single run's
own output, byte for byte: sharding must not change a number."""
import os
import shlex
import shutil
import subprocess

from gstest import GCISIM, TMP, check, done, run

N = 4
script = os.path.join(TMP, "ua.lua")
with open(script, "w") as f:
    f.write('return gci.load("data/gci2020.csv"):uncertainty{n = 4000, seed = 11}\n')

rc, whole, err = run(["run", script, "--format", "csv", "--threads", "1"])
check(rc == 0 and whole.count("\n") == 195, "one unsharded run: %s" % err)

# The command of README's example, {} standing for the shard index.
gcisim = " ".join(shlex.quote(a) for a in GCISIM)
cmd = "%s run %s --shard {}/%d --out %s/part{}.txt --threads 1 --quiet" % (gcisim, shlex.quote(script), N, TMP)
if shutil.which("parallel"):
    how = "GNU parallel"
    p = subprocess.run(["parallel", "--will-cite", "--halt", "now,fail=1", "-j", "2", cmd, ":::"]
                       + [str(i) for i in range(N)], capture_output=True, text=True)
else:
    how = "xargs -P (GNU parallel absent)"
    p = subprocess.run(["xargs", "-P", "2", "-I{}", "sh", "-c", cmd], input="".join("%d\n" % i for i in range(N)),
                       capture_output=True, text=True)
print("shards run by %s" % how)
check(p.returncode == 0, "%d shards by %s: %s" % (N, how, p.stderr))
parts = [os.path.join(TMP, "part%d.txt" % i) for i in range(N)]
check(all(os.path.exists(x) for x in parts), "every shard wrote its file")
rc, merged, err = run(["merge"] + parts + ["--format", "csv"])
check(rc == 0 and merged == whole, "merge of %d shards run by %s equals one run: %s" % (N, how, err))
# and in another order, as a scheduler may finish them
rc, merged2, err = run(["merge"] + parts[::-1] + ["--format", "csv"])
check(rc == 0 and merged2 == whole, "merge in reverse order equals one run: %s" % err)

# Above 65,535 units a shard keeps every draw's ranks (shard file version 2,
# ua_shard.h): 66,000 synthetic units (seeded, written here), 3 shards of 9
# draws, merged, equal one unsharded run byte for byte.
import random
big = os.path.join(TMP, "big.csv")
rng = random.Random(66)
with open(big, "w") as f:
    f.write("iso3,country,legal,technical,organizational,capacity,cooperation\n")
    for i in range(66000):
        f.write("U%06d,Unit %d,%s\n" % (i, i, ",".join("%d.%d" % (rng.randrange(20), rng.randrange(10)) for _ in range(5))))
bigua = os.path.join(TMP, "bigua.lua")
with open(bigua, "w") as f:
    f.write('return gci.load(arg[1], {max_size = 2^28}):uncertainty{n = 9, seed = 5}\n')
lim = ["--allow-read", TMP, "--max-memory", "1G", "--timeout", "300", "--quiet"]
rc, whole, err = run(["run", bigua, big] + lim + ["--format", "csv"])
check(rc == 0 and whole.count("\n") == 66001, "one unsharded run of 66,000 units: %s" % err)
parts = []
for i in range(3):
    out = os.path.join(TMP, "big%d.txt" % i)
    rc, _, err = run(["run", bigua, big, "--shard", "%d/3" % i, "--out", out] + lim)
    check(rc == 0, "shard %d/3 of 66,000 units: %s" % (i, err))
    parts.append(out)
with open(parts[0]) as f:
    check(f.readline() == "gcisim-shard 2\n", "a shard above 65,535 units is version 2")
rc, merged, err = run(["merge"] + parts[::-1] + ["--format", "csv"])
check(rc == 0 and merged == whole, "merge of 3 shards of 66,000 units equals one run: %s" % err)
done()
