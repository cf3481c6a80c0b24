#!/bin/sh
# Benchmark of the per-country Lua formula path (prints its figure).
${GCISIM:-./gcisim} run tests/bench/formula.lua 20000 --timeout 120 --allow-read tests/bench
