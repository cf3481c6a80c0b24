#!/usr/bin/env python3
"""A plain-Python reference of COINr's index pipeline (COINr 1.1.x, the R
package of the JRC, repository bluefoxr/COINr), written from COINr's R
source - not from gcisim's C code - so that tests can compare gcisim with
what COINr computes.  Each function names the R file and function it
follows.  Missing values are None or NaN (R's NA and NaN are both "is.na").

build_example_coin() reproduces R/examples.R build_example_coin():
  new_coin(ASEM_iData, ASEM_iMeta)
  Denominate(dset = "Raw")
  Impute(dset = "Denominated", f_i = "i_mean_grp", use_group = "EurAsia_group")
  Screen(dset = "Imputed", dat_thresh = 0.9, unit_screen = "byNA")
  Treat(dset = "Screened", global_specs = list(f1_para = list(winmax = 5)))
  Normalise(dset = "Treated", f_n = "n_minmax", f_n_para = list(c(0, 100)))
  Aggregate(dset = "Normalised", f_ag = "a_amean")
and results ranks as R/results.R get_results (rank(-x, ties = "min")).

Run as a script, it prints the first rows of the results table, in the
format of COINr's results vignette, for a side-by-side check.
"""
import csv
import math
import os

NAN = float("nan")


def isna(x):
    return x is None or (isinstance(x, float) and math.isnan(x))


def num(s):
    return NAN if s in ("", "NA") else float(s)


# ------------------------------------------------------------ R helpers

def r_div(a, b):
    """R's `/` on doubles: IEEE division (x/0 = Inf or -Inf, 0/0 = NaN)."""
    if isna(a) or isna(b):
        return NAN
    if b == 0:
        if a == 0:
            return NAN
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def r_mean(xs):
    """mean(x, na.rm = TRUE): NaN for no value (R returns NaN)."""
    v = [x for x in xs if not isna(x)]
    if not v:
        return NAN
    s = sum(v)
    if math.isinf(s) or math.isnan(s):
        return s
    return s / len(v)


def r_median(xs):
    v = sorted(x for x in xs if not isna(x))
    if not v:
        return NAN
    k = len(v)
    return v[k // 2] if k % 2 else (v[k // 2 - 1] + v[k // 2]) / 2


def rank_min(xs):
    """rank(x, ties.method = "min", na.last = "keep"), ascending."""
    v = [x for x in xs if not isna(x)]
    return [NAN if isna(x) else 1 + sum(1 for y in v if y < x) for x in xs]


def skew(xs):
    """R/treat.R skew(x, na.rm = TRUE) (e1071 type 2)."""
    x = [v for v in xs if not isna(v)]
    n = len(x)
    if n < 3:
        raise ValueError("Insufficient non-NA points to calculate skewness (min 3 required).")
    m = sum(x) / n
    d = [v - m for v in x]
    s2 = sum(t * t for t in d)
    s3 = sum(t ** 3 for t in d)
    if s2 == 0:
        return NAN  # 0/0 in R
    y = math.sqrt(n) * s3 / s2 ** 1.5
    return y * math.sqrt(n * (n - 1)) / (n - 2)


def kurt(xs):
    """R/treat.R kurt(x, na.rm = TRUE) (e1071 type 2)."""
    x = [v for v in xs if not isna(v)]
    n = len(x)
    if n < 4:
        raise ValueError("Insufficient non-NA points to calculate kurtosis (min 4 required).")
    m = sum(x) / n
    d = [v - m for v in x]
    s2 = sum(t * t for t in d)
    s4 = sum(t ** 4 for t in d)
    if s2 == 0:
        return NAN
    r = n * s4 / s2 ** 2
    return ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))


def r_or(a, b):
    """R's `|` on logicals with NA (None)."""
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


def r_lt(a, b):
    return None if isna(a) or isna(b) else a < b


def check_skewkurt(x, skew_thresh=2, kurt_thresh=3.5):
    """R/treat.R check_SkewKurt: (abs(skew) < s) | (kurt < k); NA possible."""
    sk, kt = skew(x), kurt(x)
    return r_or(r_lt(abs(sk), skew_thresh), r_lt(kt, kurt_thresh)), sk, kt


# ------------------------------------------------------------ the steps

def denominate(col, den):
    """R/denominate.R Denominate.data.frame with f_denom = `/`."""
    return [r_div(a, b) for a, b in zip(col, den)]


def i_mean(x):
    """R/impute.R i_mean."""
    m = r_mean(x)
    return [m if isna(v) else v for v in x]


def i_median(x):
    m = r_median(x)
    return [m if isna(v) else v for v in x]


def i_grp(x, f, fun):
    """R/impute.R i_mean_grp / i_median_grp (skip_f_na = TRUE): split by
    group, impute each group alone; units without a group are untouched; a
    group with no value stays missing (mean of nothing is NaN)."""
    out = list(x)
    for g in set(v for v in f if v is not None):
        idx = [i for i, v in enumerate(f) if v == g]
        imp = fun([x[i] for i in idx])
        for i, v in zip(idx, imp):
            out[i] = v
    return out


def impute_column(x, f_i, groups=None):
    """R/impute.R Impute.numeric: an all-NA column is returned as it is."""
    if all(isna(v) for v in x):
        return list(x)
    if f_i == "i_mean":
        return i_mean(x)
    if f_i == "i_median":
        return i_median(x)
    if f_i == "i_mean_grp":
        return i_grp(x, groups, i_mean)
    if f_i == "i_median_grp":
        return i_grp(x, groups, i_median)
    raise ValueError(f_i)


def screen_units(cols, dat_thresh=2 / 3, nonzero_thresh=0.05, unit_screen="byNA"):
    """R/screen_units.R Screen.data.frame + get_data_avail.data.frame:
    returns (keep flags, Dat_Avail) over the units (rows)."""
    n = len(next(iter(cols.values())))
    ncol = len(cols)
    keep, avail = [], []
    for u in range(n):
        nna = sum(1 for c in cols.values() if isna(c[u]))
        nzero = sum(1 for c in cols.values() if not isna(c[u]) and c[u] == 0)
        dat = 1 - nna / ncol
        nonzero = 1 - nzero / (ncol - nna) if ncol > nna else NAN
        low_data = dat < dat_thresh
        low_nz = r_lt(nonzero, nonzero_thresh)
        if unit_screen == "byNA":
            inc = not low_data
        elif unit_screen == "byzeros":
            inc = None if low_nz is None else not low_nz
        else:
            either = r_or(low_data, low_nz)
            inc = None if either is None else not either
        keep.append(inc is True)
        avail.append(dat)
    return keep, avail


def winsorise(x, winmax=5, skew_thresh=2, kurt_thresh=3.5):
    """R/treat.R winsorise (na.rm = TRUE): while the check fails and nwin <
    winmax, set every point equal to the max (skew >= 0) or min to the next
    value in; nwin = length(imax) + length(imin), the sets of the latest
    high and low steps (moved points are equal to the extreme again, so
    they are counted once, not again)."""
    x = list(x)
    passing = check_skewkurt(x, skew_thresh, kurt_thresh)[0]
    nwin = 0
    imax, imin = [], []
    while (not passing) and nwin < winmax:  # R: (!passing) & below_winmax
        if skew(x) >= 0:
            mx = max(v for v in x if not isna(v))
            imax = [i for i, v in enumerate(x) if not isna(v) and v == mx]
            rest = [v for i, v in enumerate(x) if i not in imax and not isna(v)]
            nxt = max(rest) if rest else -math.inf
            for i in imax:
                x[i] = nxt
        else:
            mn = min(v for v in x if not isna(v))
            imin = [i for i, v in enumerate(x) if not isna(v) and v == mn]
            rest = [v for i, v in enumerate(x) if i not in imin and not isna(v)]
            nxt = min(rest) if rest else math.inf
            for i in imin:
                x[i] = nxt
        nwin = len(imax) + len(imin)
        passing = check_skewkurt(x, skew_thresh, kurt_thresh)[0]
    return x, nwin, passing


def log_ct(x):
    """R/treat.R log_CT (na.rm = TRUE): log(x - min + 0.01 (max - min))."""
    v = [t for t in x if not isna(t)]
    mn, mx = min(v), max(v)
    return [NAN if isna(t) else math.log(t - mn + 0.01 * (mx - mn)) for t in x]


def treat_column(x, winmax=5, skew_thresh=2, kurt_thresh=3.5):
    """R/treat.R Treat.numeric with f1 = winsorise, f2 = log_CT, f_pass =
    check_SkewKurt, combine_treat = FALSE.  Returns (x, info) with info =
    {"treatment": None | "winsorised" | "log", "points": nwin, "pass": ...}."""
    p0 = check_skewkurt(x, skew_thresh, kurt_thresh)[0]
    if p0 is None:
        return list(x), {"treatment": None, "points": 0, "pass": None}
    if p0:
        return list(x), {"treatment": None, "points": 0, "pass": True}
    x1, nwin, _ = winsorise(x, winmax, skew_thresh, kurt_thresh)
    p1 = check_skewkurt(x1, skew_thresh, kurt_thresh)[0]
    if p1 is None:
        return list(x), {"treatment": None, "points": 0, "pass": None}
    if p1:
        return x1, {"treatment": "winsorised", "points": nwin, "pass": True}
    x2 = log_ct(x)  # applied to the original x
    p2 = check_skewkurt(x2, skew_thresh, kurt_thresh)[0]
    if p2 is None:
        return list(x), {"treatment": None, "points": 0, "pass": None}
    return x2, {"treatment": "log", "points": nwin, "pass": p2}


def n_minmax(x, l_u=(0, 100)):
    """R/normalise.R n_minmax."""
    v = [t for t in x if not isna(t)]
    mn, mx = min(v), max(v)
    if mn == mx:
        return [NAN] * len(x)
    return [NAN if isna(t) else (t - mn) / (mx - mn) * (l_u[1] - l_u[0]) + l_u[0] for t in x]


def n_zscore(x, m_sd=(0, 1)):
    v = [t for t in x if not isna(t)]
    m = sum(v) / len(v)
    sd = math.sqrt(sum((t - m) ** 2 for t in v) / (len(v) - 1))
    return [NAN if isna(t) else (t - m) / sd * m_sd[1] + m_sd[0] for t in x]


def n_rank(x):
    return rank_min(x)


def n_prank(x):
    k = sum(1 for t in x if not isna(t))
    return [NAN if isna(r) else (r - 1) / (k - 1) for r in rank_min(x)]


def n_dist2max(x):
    v = [t for t in x if not isna(t)]
    mn, mx = min(v), max(v)
    return [NAN if isna(t) else 1 - (mx - t) / (mx - mn) for t in x]


def normalise_column(x, direction, f_n="n_minmax", para=None):
    """R/normalise.R Normalise.numeric: x * direction, then f_n."""
    xd = [NAN if isna(t) else t * direction for t in x]
    if f_n == "n_minmax":
        return n_minmax(xd, para or (0, 100))
    if f_n == "n_zscore":
        return n_zscore(xd, para or (0, 1))
    if f_n == "n_rank":
        return n_rank(xd)
    if f_n == "n_prank":
        return n_prank(xd)
    if f_n == "n_dist2max":
        return n_dist2max(xd)
    raise ValueError(f_n)


def a_amean(x, w):
    """R/aggregate.R a_amean: NAs and their weights dropped, w / sum(w)."""
    pairs = [(v, wi) for v, wi in zip(x, w) if not isna(v)]
    if not pairs:
        return NAN
    sw = sum(wi for _, wi in pairs)
    return sum(wi / sw * v for v, wi in pairs)


def a_gmean(x, w):
    pairs = [(v, wi) for v, wi in zip(x, w) if not isna(v)]
    if not pairs:
        return NAN
    if any(v <= 0 for v, _ in pairs):
        raise ValueError("Negative or zero values found when applying geometric mean.")
    return math.exp(sum(wi * math.log(v) for v, wi in pairs) / sum(wi for _, wi in pairs))


def a_hmean(x, w):
    pairs = [(v, wi) for v, wi in zip(x, w) if not isna(v)]
    if not pairs:
        return NAN
    if any(v == 0 for v, _ in pairs):
        raise ValueError("Zero values found when applying harmonic mean.")
    return sum(wi for _, wi in pairs) / sum(wi / v for v, wi in pairs)


def a_copeland(X, w):
    """R/aggregate.R outrankMatrix + a_copeland: w / sum(w); for ii < jj,
    orm[ii][jj] = sum of w where row ii > row jj + half the sum where equal
    (NA comparisons dropped); orm[jj][ii] = 1 - orm[ii][jj]; score = row sum."""
    n = len(X)
    sw = sum(w)
    w = [wi / sw for wi in w]
    orm = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            gt = sum(wk for a, b, wk in zip(X[i], X[j], w) if not isna(a) and not isna(b) and a > b)
            eq = sum(wk for a, b, wk in zip(X[i], X[j], w) if not isna(a) and not isna(b) and a == b)
            orm[i][j] = gt + eq / 2
            orm[j][i] = 1 - orm[i][j]
    return [sum(r) for r in orm]


# ------------------------------------------------------------ the coin

class Coin:
    """The ASEM iData/iMeta as COINr's new_coin sees them."""

    def __init__(self, data_csv, meta_csv):
        with open(meta_csv, newline="") as f:
            self.meta = list(csv.DictReader(f))
        with open(data_csv, newline="") as f:
            self.rows = list(csv.DictReader(f))
        self.units = [r["uCode"] for r in self.rows]
        self.ind = [m for m in self.meta if m["Type"] == "Indicator"]
        self.agg = [m for m in self.meta if m["Type"] == "Aggregate"]
        self.raw = {m["iCode"]: [num(r[m["iCode"]]) for r in self.rows] for m in self.ind}

    def column(self, name):
        return [num(r[name]) for r in self.rows]

    def group(self, name):
        return [None if r[name] in ("", "NA") else r[name] for r in self.rows]


def build_example_coin(root=None, steps=None, f_n="n_minmax", f_n_para=(0, 100), f_ag="a_amean"):
    """R/examples.R build_example_coin, step by step.  Returns a dict with
    the units kept, the data sets ("Denominated", "Imputed", "Screened",
    "Treated", "Normalised", "Aggregated": dicts code -> list over the kept
    units), treatment details and data availability.  `steps` may reorder
    the pre-processing steps (e.g. screen before impute) for other tests."""
    root = root or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "asem")
    coin = Coin(os.path.join(root, "ASEM_iData.csv"), os.path.join(root, "ASEM_iMeta.csv"))
    units = list(coin.units)
    rows = list(range(len(units)))
    data = {k: list(v) for k, v in coin.raw.items()}
    groups = coin.group("EurAsia_group")
    out = {"treat": {}, "avail": None}
    for step in steps or ("denominate", "impute", "screen", "treat"):
        if step == "denominate":
            for m in coin.ind:
                if m["Denominator"] not in ("", "NA"):
                    den = coin.column(m["Denominator"])
                    data[m["iCode"]] = denominate(data[m["iCode"]], [den[r] for r in rows])
            out["Denominated"] = {k: list(v) for k, v in data.items()}
        elif step == "impute":
            g = [groups[r] for r in rows]
            data = {k: impute_column(v, "i_mean_grp", g) for k, v in data.items()}
            out["Imputed"] = {k: list(v) for k, v in data.items()}
        elif step == "screen":
            keep, avail = screen_units(data, dat_thresh=0.9, unit_screen="byNA")
            out["avail"] = dict(zip([units[i] for i in range(len(rows))], avail))
            rows = [r for r, k in zip(rows, keep) if k]
            units = [u for u, k in zip(units, keep) if k]
            data = {c: [v for v, k in zip(col, keep) if k] for c, col in data.items()}
            out["Screened"] = {k: list(v) for k, v in data.items()}
        elif step == "treat":
            for m in coin.ind:
                data[m["iCode"]], out["treat"][m["iCode"]] = treat_column(data[m["iCode"]], winmax=5)
            out["Treated"] = {k: list(v) for k, v in data.items()}
    norm = {m["iCode"]: normalise_column(data[m["iCode"]], float(m["Direction"]), f_n, f_n_para)
            for m in coin.ind}
    out["Normalised"] = norm
    agg = dict(norm)
    weight = {m["iCode"]: float(m["Weight"]) for m in coin.meta if m["Type"] in ("Indicator", "Aggregate")}
    for lev in (2, 3, 4):
        for m in coin.agg:
            if float(m["Level"]) != lev:
                continue
            kids = [k["iCode"] for k in coin.meta if k["Parent"] == m["iCode"]]
            w = [weight[k] for k in kids]
            if f_ag == "a_copeland":  # Aggregate(by_df = TRUE): the whole table at once
                agg[m["iCode"]] = a_copeland([[agg[k][u] for k in kids] for u in range(len(units))], w)
            else:
                f = {"a_amean": a_amean, "a_gmean": a_gmean, "a_hmean": a_hmean}[f_ag]
                agg[m["iCode"]] = [f([agg[k][u] for k in kids], w) for u in range(len(units))]
    out["Aggregated"] = agg
    out["units"] = units
    out["names"] = {r["uCode"]: r["uName"] for r in coin.rows}
    out["rank"] = {code: dict(zip(units, rank_min([NAN if isna(v) else -v for v in col])))
                   for code, col in agg.items()}
    out["meta"] = coin.meta
    out["groups"] = {r["uCode"]: r for r in coin.rows}
    return out


def group_ranks(scores, units, group_of):
    """R/utils.R rank_df(use_group): min ranks of -x within each group;
    a unit with no group gets NA."""
    out = {}
    for g in set(group_of[u] for u in units if group_of[u] is not None):
        us = [u for u in units if group_of[u] == g]
        rk = rank_min([NAN if isna(scores[u]) else -scores[u] for u in us])
        out.update(zip(us, rk))
    for u in units:
        if group_of[u] is None:
            out[u] = NAN
    return out


if __name__ == "__main__":
    res = build_example_coin()
    agg = res["Aggregated"]
    order = sorted(range(len(res["units"])), key=lambda i: -agg["Index"][i])
    cols = ["Index", "Conn", "Sust", "Physical", "ConEcFin", "Political", "Instit", "P2P",
            "Environ", "Social", "SusEcFin"]
    print("uCode Rank " + " ".join(cols))
    for i in order:
        u = res["units"][i]
        print(u, res["rank"]["Index"][u], " ".join("%.2f" % agg[c][i] for c in cols))
    for k, v in res["treat"].items():
        if v["treatment"]:
            print(k, v)
