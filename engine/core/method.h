/* method.h - pure numeric methods for composite indicators (COINr-style).
 *
 * Normalisation, aggregation (incl. Copeland), imputation, data availability,
 * outlier treatment (skew/kurtosis winsorisation, log fallback), tiers,
 * correlation and descriptive statistics.  Everything works on caller-owned
 * double arrays; missing values are NaN throughout and stay NaN.  No
 * function allocates memory or keeps a pointer after it returns.  Unless a
 * contract says otherwise, an output array must not overlap an input array.
 *
 * "Direction" d is +1 (higher is better) or -1 (lower is better).  As in
 * COINr's Normalise.numeric, a column is first oriented, x' = d*x, so that
 * after normalisation better is always higher.
 *
 * Several functions are O(n^2) on purpose (ranks and medians are computed by
 * counting rather than sorting) so that they need no scratch memory; with the
 * few hundred units of a country index this is negligible. */
#ifndef GS_METHOD_H
#define GS_METHOD_H
#include <stddef.h>

#include "spec.h"

/* Status codes returned (or stored through `int *status`) by this module. */
enum {
  GS_M_OK = 0,
  GS_M_EINVAL = -1,  /* bad argument (direction not +-1, hi <= lo, negative weight, ...) */
  GS_M_EDOMAIN = -2, /* a value outside the method's domain (e.g. v <= 0 in a geometric mean) */
  GS_M_ENODATA = -3, /* no usable value, or data share below the minimum */
  GS_M_EDEGEN = -4,  /* degenerate column: zero range, zero sd, too few values */
  GS_M_ENOLIB = -5   /* a library the method opens on first use cannot be loaded (dynlib.h) */
};
/* A static English description of a status code (never NULL). */
const char *gs_m_strerror(int status);

/* ---------------------------------------------------------------- stats */

/* Mean of the non-NaN values; NaN if none. */
double gs_m_mean(const double *x, size_t n);
/* Median of the non-NaN values (mean of the two middle values when their
 * number is even); NaN if none. */
double gs_m_median(const double *x, size_t n);
/* Sample standard deviation sqrt(sum (x-mean)^2 / (k-1)) over the k non-NaN
 * values; NaN if k < 2. */
double gs_m_sd(const double *x, size_t n);
/* Sample skewness as COINr `skew` (= e1071 type 2 = Excel SKEW), over the k
 * non-NaN values, d = x - mean:
 *   g = sqrt(k) * sum d^3 / (sum d^2)^(3/2);  G = g * sqrt(k(k-1)) / (k-2).
 * NaN if k < 3 or all values are equal. */
double gs_m_skew(const double *x, size_t n);
/* Excess kurtosis as COINr `kurt` (= e1071 type 2 = Excel KURT):
 *   r = k * sum d^4 / (sum d^2)^2;
 *   K = ((k+1)(r-3) + 6)(k-1) / ((k-2)(k-3)).
 * NaN if k < 4 or all values are equal. */
double gs_m_kurt(const double *x, size_t n);

/* -------------------------------------------------------- normalisation
 * Each function writes n values to out (caller-owned, n doubles, must not
 * overlap x); NaN inputs give NaN outputs.  Returns GS_M_OK; GS_M_EINVAL for
 * a bad argument (out is then untouched); GS_M_EDEGEN when the column cannot
 * be scaled (every non-NaN output is then NaN, as COINr returns NaN); and
 * GS_M_ENODATA when x has no value at all (all outputs NaN). */

/* Min-max:  out = lo + (hi - lo) * (x' - min x') / (max x' - min x').
 * Needs hi > lo (else EINVAL); EDEGEN when max x' == min x'. */
int gs_m_norm_minmax(const double *x, size_t n, int dir, double lo, double hi, double *out);

/* Z-score:  out = mean + sd * (x' - mean(x')) / sd(x'), sd(x') the sample
 * sd (k-1, as COINr n_zscore); COINr's default is mean 0, sd 1.  Needs
 * sd > 0; EDEGEN for fewer than 2 values or zero spread. */
int gs_m_norm_zscore(const double *x, size_t n, int dir, double mean, double sd, double *out);

/* Rank (COINr n_rank = R rank(x', ties.method = "min")): worst = 1; tied
 * values share the lowest rank they span:
 *   rank_i = 1 + #{j: x'_j < x'_i}. */
int gs_m_norm_rank(const double *x, size_t n, int dir, double *out);

/* Percentile rank in [0,1] (COINr n_prank):  out = (rank_i - 1) / (k - 1),
 * rank_i as in gs_m_norm_rank (min ranks), k = number of non-NaN values.
 * EDEGEN if k < 2. */
int gs_m_norm_prank(const double *x, size_t n, int dir, double *out);

/* Goalposts (COINr n_goalposts, trunc2posts = TRUE), lo < hi:
 *   d = +1:  y = (x - lo) / (hi - lo);   d = -1:  y = (hi - x) / (hi - lo);
 *   y clamped to [0,1];  out = scale * y.
 * So goalposts 0..10 map 1 to 0.1, and to 0.9 reversed (scale 1).
 * (COINr also negates the scale when d = -1; here the scale is kept.) */
int gs_m_norm_goalposts(const double *x, size_t n, int dir, double lo, double hi,
                        double scale, double *out);

/* Distance to the best performer (COINr n_dist2max), in [0,1]:
 *   out = 1 - (max x' - x') / (max x' - min x').
 * EDEGEN when max x' == min x'. */
int gs_m_norm_dist2max(const double *x, size_t n, int dir, double *out);

/* Distance to a target (COINr n_dist2targ), with t' = d*target:
 *   out = 1 - (t' - x') / (t' - min x');  if cap, out = min(out, 1).
 * For d = -1 this is 1 - (x - target)/(max x - target).  Values beyond the
 * target score above 1 unless capped; a target worse than every value gives
 * negative scores (allowed, as COINr only warns).  EDEGEN when t' == min x';
 * EINVAL when the target is NaN. */
int gs_m_norm_dist2targ(const double *x, size_t n, int dir, double target, int cap, double *out);

/* A normalisation spec, as the hierarchy stores it. */
typedef enum {
  GS_NORM_MINMAX,    /* p1 = lo, p2 = hi               (COINr default 0, 100) */
  GS_NORM_ZSCORE,    /* p1 = mean, p2 = sd             (0, 1) */
  GS_NORM_RANK,      /* no parameter */
  GS_NORM_PRANK,     /* no parameter */
  GS_NORM_GOALPOSTS, /* p1 = lo, p2 = hi, p3 = scale */
  GS_NORM_DIST2MAX,  /* no parameter */
  GS_NORM_DIST2TARG, /* p1 = target (NaN: the indicator's metadata target), cap */
  GS_NORM_NONE       /* copy x' = d*x unchanged */
} gs_m_norm_kind;
typedef struct {
  gs_m_norm_kind kind;
  double p1, p2, p3;
  int cap;
} gs_m_norm_spec;

/* Fills *s with the kind's default parameters (minmax 0..100, zscore 0/1,
 * goalposts 0..100 scale 1, dist2targ target NaN and cap 0 as COINr;
 * other parameters NaN/0). */
void gs_m_norm_default(gs_m_norm_kind kind, gs_m_norm_spec *s);
/* "minmax", "zscore", "rank", "prank", "goalposts", "dist2max", "dist2targ",
 * "none" -> kind; -1 for any other name (or NULL). */
int gs_m_norm_parse(const char *name);
const char *gs_m_norm_name(gs_m_norm_kind kind);
/* Dispatches to the function of s->kind; same contract. */
int gs_m_normalise(const gs_m_norm_spec *s, const double *x, size_t n, int dir, double *out);

/* ---------------------------------------------------------- aggregation
 * One unit's m children: values v[m] (NaN = missing) and weights w[m]
 * (w == NULL means equal weights; weights must be finite and >= 0).
 * Missing values are skipped together with their weights, and the remaining
 * weights are renormalised to sum 1.  Each returns the aggregate, or NaN with
 * *status (if status != NULL) set to the reason: ENODATA when no value (or
 * only zero weight) is left, EDOMAIN for a value outside the domain, EINVAL
 * for a bad weight.  *status is GS_M_OK on success. */

/* Weighted arithmetic mean: sum w_i v_i / sum w_i. */
double gs_m_agg_arith(const double *v, const double *w, size_t m, int *status);
/* Weighted geometric mean: prod v_i^(w_i / sum w) = exp(sum w_i ln v_i / sum w).
 * EDOMAIN if any available v_i <= 0 (COINr a_gmean stops there too). */
double gs_m_agg_geom(const double *v, const double *w, size_t m, int *status);
/* Weighted harmonic mean (COINr a_hmean): sum w_i / sum (w_i / v_i).
 * EDOMAIN if an available v_i is 0 (COINr stops there; negative values are
 * allowed, as in COINr). */
double gs_m_agg_harm(const double *v, const double *w, size_t m, int *status);
/* Generalised (power) mean: (sum w_i v_i^p / sum w_i)^(1/p); p = 0 is the
 * geometric mean, p = -1 the harmonic, p = 1 the arithmetic.  EDOMAIN if an
 * available v_i <= 0 when p <= 0, or v_i < 0 when p > 0; EINVAL if p is not
 * finite. */
double gs_m_agg_power(const double *v, const double *w, size_t m, double p, int *status);
/* Weighted median.  With W = sum of available weights, the result is the
 * value v* such that the weight of values below v* is < W/2 and the weight of
 * values up to and including v* is > W/2.  Even split: when the weight up to
 * and including some value a is exactly W/2 (to 1e-12 relative), the result
 * is (a + b)/2, b the next larger value - with equal weights this is the
 * ordinary median. */
double gs_m_agg_median(const double *v, const double *w, size_t m, int *status);
/* Minimum of the available values (weights only checked, zero-weight
 * values ignored). */
double gs_m_agg_min(const double *v, const double *w, size_t m, int *status);

/* The aggregations are spec.h's one enum, gs_agg (GS_AGG_COPELAND works
 * across units: see gs_m_copeland; not valid in gs_m_aggregate).  COINr's
 * short names: "arith"/"mean", "geom", "harm", "power", "median", "min",
 * "copeland" -> the aggregation; -1 otherwise. */
int gs_m_agg_parse(const char *name);
const char *gs_m_agg_name(gs_agg kind);

/* Data availability of one unit's children, COINr style (by count, not by
 * weight): share = #{non-NaN v_i} / m; 0 when m == 0. */
double gs_m_share(const double *v, size_t m);

/* Aggregates with method `kind` (p = the power-mean exponent, else ignored),
 * first applying the minimum data share: if gs_m_share(v, m) < min_share the
 * result is NaN with ENODATA (COINr dat_thresh: strictly below is dropped;
 * min_share <= 0 disables the check).  GS_AGG_COPELAND gives EINVAL. */
double gs_m_aggregate(gs_agg kind, double p, const double *v, const double *w,
                      size_t m, double min_share, int *status);

/* Copeland scores across n units on m indicators, as COINr a_copeland
 * (aggregate.R outrankMatrix + row sums).  x is n x m row-major
 * (x[i*m + j]), w[m] the weights (NULL = equal), rescaled to sum 1 over all
 * m indicators.  For a < b (in row order) the outranking entry is
 *   o(a,b) = sum of w_j where x_aj > x_bj + half the sum of w_j where x_aj == x_bj,
 * comparisons with a NaN left out; o(b,a) = 1 - o(a,b) (as COINr fills the
 * lower triangle, so with missing values the result depends on row order).
 *   score_a = sum over b != a of o(a,b).
 * score is caller-owned, n doubles.  Returns GS_M_OK, or GS_M_EINVAL for a
 * bad weight or weights summing to 0. */
int gs_m_copeland(const double *x, size_t n, size_t m, const double *w, double *score);

/* --------------------------------------------------------- missing data */
typedef enum { GS_IMP_MEAN, GS_IMP_MEDIAN, GS_IMP_GROUP_MEAN, GS_IMP_GROUP_MEDIAN } gs_m_impute_kind;
/* "mean", "median", "group_mean", "group_median" -> kind; -1 otherwise. */
int gs_m_impute_parse(const char *name);

/* Imputes one column as COINr i_mean / i_median / i_mean_grp /
 * i_median_grp: out[i] = x[i] where x[i] is not NaN, else the mean or
 * median of the non-NaN values of x (the overall kinds) or of the non-NaN
 * values of the units with group[j] == group[i] (the group kinds).  A group
 * with no value of its own stays missing (COINr: the mean of nothing is
 * NaN); a unit with no group (group[i] < 0) is left as it is (skip_f_na).
 * Only observed values are used, never imputed ones.  group (n ints) is
 * needed for the group kinds and ignored otherwise.  out: caller-owned, n
 * doubles, must not overlap x.  *n_imputed (may be NULL) receives the number
 * of cells filled.  Returns GS_M_OK, EINVAL, or ENODATA when x has no value
 * (out is then a copy of x). */
int gs_m_impute(const double *x, size_t n, gs_m_impute_kind kind, const int *group,
                double *out, size_t *n_imputed);

/* Data availability per unit over selected columns of the row-major n x ncol
 * matrix X: share[i] = #{non-NaN X[i][cols[k]]} / nsel.  cols == NULL selects
 * all ncol columns (nsel is then ignored).  share: caller-owned, n doubles.
 * Returns GS_M_OK, or EINVAL for a column index out of range or no column. */
int gs_m_availability(const double *X, size_t n, size_t ncol, const size_t *cols, size_t nsel,
                      double *share);
/* Screening (COINr Screen, dat_thresh): keep[i] = share[i] >= threshold.
 * Returns the number of units kept.  keep: caller-owned, n ints. */
size_t gs_m_screen(const double *share, size_t n, double threshold, int *keep);

/* -------------------------------------------------------------- outliers */
typedef struct {
  int treated;         /* 1 if the column failed the check and was changed */
  int n_winsorised;    /* distinct points winsorised in the final result (0 if
                        * log-transformed or untreated) */
  int log_transformed; /* 1 if winsorisation failed and log_CT was applied */
  int passes;          /* 1 if the final column passes the check */
  int check_na;        /* 1 if the check was NA (NaN skew/kurtosis): column left as it was */
  double skew0, kurt0; /* before */
  double skew1, kurt1; /* after */
} gs_m_treat_report;

/* COINr's default Treat on one column (treat.R: Treat.numeric with f1 =
 * winsorise, f2 = log_CT, f_pass = check_SkewKurt, combine_treat = FALSE).
 * The check is (|skew| < skew_thresh) OR (kurt < kurt_thresh) with
 * gs_m_skew and gs_m_kurt, evaluated as R does: a NaN statistic (fewer than
 * 3 or 4 values, or no spread) makes its comparison NA, so the check is
 * true if the other comparison is true and NA otherwise.  COINr's defaults
 * are 2, 3.5 and max_points (winmax) 5.
 *  0. If the check is true or NA, the column is returned as it is
 *     (passes = 1, or check_na = 1: not a pass).
 *  1. out = x.  While the check fails and nwin < max_points: if skew >= 0,
 *     every point equal to the maximum is set to the largest value below it
 *     (else every point equal to the minimum to the smallest value above
 *     it); nwin = (points moved at the latest high step) + (points moved at
 *     the latest low step).  A point moved earlier equals the next extreme,
 *     so it moves and counts again with it: nwin counts distinct points (one
 *     new point a step gives 1, 2, 3, ...), and ties can take it past
 *     max_points, as in COINr.  The loop also stops when no value is inside.
 *  2. If the check then passes, done (n_winsorised = nwin).  If it fails,
 *     the winsorisation is undone and log_CT is applied to the original
 *     values:  out = ln(x - min x + 0.01 (max x - min x))  (whatever the side
 *     of the skew), and the check is evaluated again for `passes`.
 *  3. An NA check after step 1 or 2 returns the original column (check_na).
 * out: caller-owned, n doubles, must not overlap x.  rep may be NULL.
 * Returns GS_M_OK or EINVAL (max_points < 0). */
int gs_m_treat(const double *x, size_t n, double skew_thresh, double kurt_thresh, int max_points,
               double *out, gs_m_treat_report *rep);

/* ----------------------------------------------------------------- tiers */
/* GCI 2024 tier thresholds: >= 95 Tier 1, >= 85 Tier 2, >= 55 Tier 3,
 * >= 20 Tier 4, else Tier 5. */
extern const double gs_m_gci2024_tiers[4];
/* Tier of a score against k descending thresholds: the smallest t (1-based)
 * with score >= thr[t-1], else k + 1; 0 when the score is NaN. */
int gs_m_tier(double score, const double *thr, size_t k);

/* ----------------------------------------------------------- correlation */
/* Pearson correlation over the units where both x and y are non-NaN:
 * sum dx dy / sqrt(sum dx^2 sum dy^2).  NaN if fewer than 2 such units or a
 * column has no spread there. */
double gs_m_pearson(const double *x, const double *y, size_t n);
/* Spearman correlation: Pearson of the average ranks, ranks taken within the
 * pairwise non-NaN units. */
double gs_m_spearman(const double *x, const double *y, size_t n);

#endif
