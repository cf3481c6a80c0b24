#!/bin/sh
# Runs every test suite given (unit test binaries) plus the script and CLI
# tests, adds up their "N passed, N failed" lines and prints the total as
# the last line.  Exit status: 0 only when nothing failed and every suite
# reported.
GCISIM=${GCISIM:-./gcisim}
export GCISIM
pass=0; fail=0; broken=0
run_suite() {
  name=$1; shift
  out=$("$@" 2>&1); rc=$?
  printf '%s\n' "$out" | grep -v '^[0-9]* passed, [0-9]* failed$'
  line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
  if [ -z "$line" ]; then
    echo "# $name: no result line (exit $rc)"; broken=$((broken + 1)); return
  fi
  p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed*}
  echo "# $name: $line"
  pass=$((pass + p)); fail=$((fail + f))
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then broken=$((broken + 1)); echo "# $name exited $rc"; fi
}
for t in "$@"; do
  if [ -n "$VALGRIND" ]; then
    run_suite "$t" valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect "$t"
  else
    run_suite "$t" "$t"
  fi
done
for t in tests/test_*.py; do
  [ -f "$t" ] && run_suite "$t" python3 "$t"
done
fail=$((fail + broken))
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
