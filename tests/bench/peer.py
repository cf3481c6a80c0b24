#!/usr/bin/env python3
"""The pandas/numpy peer of tests/scale/ops.lua: the same operations on the
same file, written as an analyst would write them with pandas, each timed
in CPU seconds (time.process_time).  Prints "op NAME SECONDS" lines as
ops.lua does.  Exits 3 with a message when numpy or pandas is missing.

usage: peer.py FILE"""
import math
import os
import sys
import time

try:
    import numpy as np
    import pandas as pd
except ImportError as e:
    print("peer: skipped: %s (Debian packages python3-numpy, python3-pandas)" % e)
    sys.exit(3)

PILLARS = ["legal", "technical", "organizational", "capacity", "cooperation"]


def timed(name, f):
    t0 = time.process_time()
    v = f()
    print("op %s %.6f" % (name, time.process_time() - t0), flush=True)
    return v


def dense_rank(score):
    return score.round(2).rank(method="dense", ascending=False)


def main(path):
    def load():
        df = pd.read_csv(path)
        if not df["iso3"].is_unique:
            raise SystemExit("duplicate keys")
        return df.set_index("iso3", drop=False)  # the key index gcisim builds at load
    df = timed("load", load)
    n = len(df)

    def score_rank():
        s = df[PILLARS].sum(axis=1)
        return s, dense_rank(s)
    score, rank = timed("score_rank", score_rank)
    keys_all = list(df.index[:: max(1, n // 1000)]) if n > 10000 else list(df.index)
    mid = keys_all[len(keys_all) // 2]
    keys = [keys_all[(i * 7919) % len(keys_all)] for i in range(1000)]
    timed("get_1000", lambda: [df.loc[k] for k in keys])
    timed("rank_1000", lambda: [rank.loc[k] for k in keys])

    def with_():
        e = df.copy()
        e["legal"] = e["legal"] * 0.5
        e.loc[mid, "technical"] += 1
        if ((e[PILLARS] < 0) | (e[PILLARS] > 20)).any().any():
            raise SystemExit("out of range")
        return e
    e = timed("with", with_)
    s2 = e[PILLARS].sum(axis=1)
    r2 = dense_rank(s2)

    def compare():
        a = pd.DataFrame({"iso3": df["iso3"].values, "country": df["country"].values,
                          "score_before": score.values, "rank_before": rank.values})
        b = pd.DataFrame({"iso3": e["iso3"].values, "score_after": s2.values, "rank_after": r2.values})
        m = a.merge(b, on="iso3", how="outer")
        m["rank_change"] = m["rank_before"] - m["rank_after"]
        return m.sort_values(["rank_after"], kind="stable")
    timed("compare", compare)

    def target():
        # rank 10 (dense, 2 decimals): the 10th distinct score of the others
        others = score.drop(index=mid).round(2).to_numpy()
        levels = np.unique(others)[::-1]
        need = levels[9] if len(levels) >= 10 else -math.inf
        x = df.loc[mid, PILLARS].to_numpy(dtype=float)
        s = x.sum()
        alone = np.where(x + (need - s) <= 20, np.ceil((x + (need - s)) * 100 - 1e-9) / 100, np.nan)
        spread, left = x.copy(), need - s
        for p in range(5):  # equal weights: fill the earlier pillar first
            add = min(20 - spread[p], max(left, 0))
            spread[p] += add
            left -= add
        return alone, spread
    timed("target", target)

    def explain():
        r = rank.to_numpy()
        me = rank.loc[mid]
        sc = score.to_numpy().round(2)
        above = np.flatnonzero(r == me - 1)
        below = np.flatnonzero(r == me + 1)
        x = df.loc[mid, PILLARS].to_numpy(dtype=float)
        gap = 20 - x
        gain = np.nan if len(above) == 0 else np.ceil((sc[above[0]] - score.loc[mid]) * 100 - 1e-9) / 100
        return above, below, gap, np.where(gain <= gap, gain, np.nan)
    timed("explain", explain)

    def csv_output():
        out = pd.DataFrame({"iso3": df["iso3"].values, "country": df["country"].values,
                            "score": score.values, "rank": rank.values.astype(int)})
        out.sort_values("rank", kind="stable").to_csv(path + ".peer.csv", index=False)
    timed("csv_output", csv_output)
    os.unlink(path + ".peer.csv")


if __name__ == "__main__":
    main(sys.argv[1])
