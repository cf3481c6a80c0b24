#!/bin/sh
# tests/fuzz/run.sh [SECONDS] - builds the libFuzzer harnesses into
# build-fuzz/ with clang (-fsanitize=fuzzer,address,undefined; every engine
# library source compiled in, the commands left out) and runs each for SECONDS (default 60),
# one after the other, from the repository root.  Prints each harness's
# exec count; exits non-zero if a harness finds a crash (the reproducer is
# left in build-fuzz/, named crash-*, leak-*, timeout-* or oom-*).
#   FUZZ_JOBS=both  run the two harnesses at the same time (2 cores)
#   FUZZ_ONLY=csv|lua|api  build and run only that harness
# fuzz_api drives the gci API with hostile arguments through the generator
# tests/fuzz/api_gen.lua (issue 11); its corpus starts empty.
#   FUZZ_SEED=N  a fixed random seed (CI uses one, so a run can be repeated)
set -e
SECONDS_EACH=${1:-60}
cd "$(dirname "$0")/../.."
CC=${FUZZ_CC:-clang}
OUT=build-fuzz
mkdir -p "$OUT"
LUA_CFLAGS=$(pkg-config --cflags lua5.4 2>/dev/null || echo -I/usr/include/lua5.4)
LUA_LIBS=$(pkg-config --libs lua5.4 2>/dev/null || echo -llua5.4)
CAIRO_CFLAGS=$(pkg-config --cflags cairo fontconfig 2>/dev/null || echo -I/usr/include/cairo)
CAIRO_LIBS=$(pkg-config --libs cairo fontconfig 2>/dev/null || echo -lcairo -lfontconfig)
# The core's analyses link LAPACKE (PCA), GLPK (benefit of the doubt) and
# GSL (optimised weights); the Makefile passes its own list.
ANALYSIS_LIBS=${FUZZ_LIBS:--llapacke -llapack -lglpk -lgsl -lgslcblas}
FLAGS="-g -O1 -std=c17 -D_POSIX_C_SOURCE=200809L -D_XOPEN_SOURCE=700 -pthread -fno-omit-frame-pointer
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
  -Iengine/core -Iengine/io -Iengine/chart -Iengine/lua $LUA_CFLAGS $CAIRO_CFLAGS"
# The library layers only, as in gci.so: the commands (engine/cli/) are not
# what the harnesses drive.
SRC=$(ls engine/core/*.c engine/io/*.c engine/chart/*.c engine/lua/*.c)
HARNESSES=${FUZZ_ONLY:-csv lua api}
for h in $HARNESSES; do
  # shellcheck disable=SC2086
  $CC $FLAGS -o "$OUT/fuzz_$h" "tests/fuzz/fuzz_$h.c" $SRC $LUA_LIBS $CAIRO_LIBS $ANALYSIS_LIBS -lcsv -lm
done
run_one() {
  h=$1
  mkdir -p "$OUT/corpus_$h"
  # The seeds stay read-only in tests/fuzz/; new inputs go to build-fuzz/.
  # The Lua harness runs in fork mode, ignoring timeouts: a pathological
  # pattern match spends minutes inside C's pattern matcher, where no hook
  # runs.  gcisim itself ends those with its SIGALRM watchdog (exit 80,
  # tests/escapes/pattern_blowup.lua), which a fuzzer cannot use.  Crashes
  # and leaks still stop the run.
  extra=""
  [ "$h" = lua ] || [ "$h" = api ] && extra="-fork=1 -ignore_timeouts=1 -ignore_ooms=0 -ignore_crashes=0"
  # shellcheck disable=SC2086
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
  "$OUT/fuzz_$h" $extra -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
    -max_len=${FUZZ_MAX_LEN:-8192} -print_final_stats=1 -artifact_prefix="$OUT/" \
    ${FUZZ_DICT:+-dict=$FUZZ_DICT} ${FUZZ_SEED:+-seed=$FUZZ_SEED} \
    "$OUT/corpus_$h" "tests/fuzz/corpus_$h" >"$OUT/fuzz_$h.log" 2>&1
  rc=$?
  execs=$(grep -E '^stat::number_of_executed_units' "$OUT/fuzz_$h.log" | awk '{print $2}' | tail -n 1)
  # fork mode prints "#EXECS: cov: ..." progress lines instead
  [ -z "$execs" ] && execs=$(grep -E '^#[0-9]+: cov:' "$OUT/fuzz_$h.log" | tail -n 1 | sed 's/^#\([0-9]*\):.*/\1/')
  timeouts=$(grep -E '^#[0-9]+: cov:' "$OUT/fuzz_$h.log" | tail -n 1 | sed -n 's|.*oom/timeout/crash: \([0-9/]*\).*|\1|p')
  echo "fuzz_$h: ${execs:-?} executions in ${SECONDS_EACH} s, exit $rc, oom/timeout/crash ${timeouts:-n/a} (log: $OUT/fuzz_$h.log)"
  return $rc
}
set +e
status=0
if [ -n "${FUZZ_ONLY:-}" ]; then
  run_one "$FUZZ_ONLY" || status=1
elif [ "${FUZZ_JOBS:-}" = both ]; then
  run_one csv & p1=$!
  run_one lua & p2=$!
  wait $p1 || status=1
  wait $p2 || status=1
  run_one api || status=1
else
  run_one csv || status=1
  run_one lua || status=1
  run_one api || status=1
fi
exit $status
