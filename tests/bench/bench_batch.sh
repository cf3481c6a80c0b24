#!/bin/sh
# Benchmark of `gcisim batch`: 1,000 small jobs (a pillar-weighting script
# over GCI 2020, one argument each so that every job is distinct) with -j 2.
# Target: <= 5 s on a 2-core machine.  Prints one line with the figure and
# exits 1 when the target is missed.
GCISIM=${GCISIM:-./gcisim}
N=${BENCH_BATCH_JOBS:-1000}
dir=$(mktemp -d "${TMPDIR:-/tmp}/gcisim-bench-batch.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
data=$(pwd)/data/gci2020.csv
cat > "$dir/w.lua" <<'LUA'
-- technical pillar weighted by arg[1] / 1000 + 1
local d = gci.dataset()
local w = 1 + tonumber(arg[1]) / 1000
return d:score{weights = {legal = 1, technical = w, organizational = 1, capacity = 1, cooperation = 1}, scale = 100}
LUA
i=1
while [ "$i" -le "$N" ]; do echo "w.lua $data $i"; i=$((i + 1)); done > "$dir/jobs.txt"
t0=$(date +%s.%N)
$GCISIM batch -m "$dir/jobs.txt" -o "$dir/out" -j 2 --quiet
rc=$?
t1=$(date +%s.%N)
ok=$(grep -c ',ok,' "$dir/out/summary.csv" 2>/dev/null || echo 0)
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
echo "batch $N jobs -j 2: $secs s (target <= 5 s), $ok ok"
[ "$rc" -eq 0 ] && [ "$ok" -eq "$N" ] && awk -v s="$secs" 'BEGIN { exit !(s <= 5) }'
