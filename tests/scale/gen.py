#!/usr/bin/env python3
"""Writes a synthetic dataset of N units for the scale suite and the
benchmarks: columns iso3,country and the five GCI pillars, each value a
2-decimal number in 0..20 drawn from a seeded generator (so the file is the
same on every run), in the layout of data/gci2020.csv.

usage: gen.py N FILE [SEED]"""
import random
import sys

PILLARS = ["legal", "technical", "organizational", "capacity", "cooperation"]


def write(n, path, seed=15):
    rng = random.Random(seed)
    with open(path, "w", newline="") as f:
        f.write("iso3,country," + ",".join(PILLARS) + "\n")
        rows = []
        for i in range(n):
            # hundredths as integers: the file holds exactly these decimals
            v = [rng.randrange(2001) for _ in PILLARS]
            rows.append("U%07d,Unit %d,%s\n" % (i, i, ",".join("%d.%02d" % (x // 100, x % 100) for x in v)))
            if len(rows) == 65536:
                f.write("".join(rows))
                rows = []
        f.write("".join(rows))


if __name__ == "__main__":
    write(int(sys.argv[1]), sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 15)
