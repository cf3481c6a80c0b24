/* method.c - pure numeric methods for composite indicators; see method.h. */
#include "method.h"

#include <math.h>
#include <string.h>

#include "dynlib.h"

const char *gs_m_strerror(int status) {
  switch (status) {
  case GS_M_OK: return "ok";
  case GS_M_EINVAL: return "invalid argument";
  case GS_M_EDOMAIN: return "value outside the method's domain";
  case GS_M_ENODATA: return "not enough data";
  case GS_M_EDEGEN: return "degenerate data (no spread or too few values)";
  case GS_M_ENOLIB: return gs_dynlib_last_error();
  default: return "unknown error";
  }
}

static void set_status(int *status, int s) {
  if (status) *status = s;
}

/* ---------------------------------------------------------------- stats */

double gs_m_mean(const double *x, size_t n) {
  double s = 0;
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (!isnan(x[i])) { s += x[i]; k++; }
  return k ? s / (double)k : NAN;
}

/* Average rank (1-based) of value v among the non-NaN x[j] (with mask). */
static double avg_rank(double v, const double *x, size_t n, double dir, const double *mask) {
  size_t below = 0, equal = 0;
  for (size_t j = 0; j < n; j++) {
    if (isnan(x[j]) || (mask && isnan(mask[j]))) continue;
    double xj = dir * x[j];
    if (xj < v) below++;
    else if (xj == v) equal++;
  }
  return 1.0 + (double)below + ((double)equal - 1.0) / 2.0;
}

/* Weighted median of v over entries where v is not NaN and, if grp != NULL,
 * grp[i] == g.  w may be NULL.  Returns NaN if nothing is selected. */
static double wmedian(const double *v, const double *w, size_t m, const int *grp, int g) {
  double W = 0;
  for (size_t i = 0; i < m; i++) {
    if (isnan(v[i]) || (grp && grp[i] != g)) continue;
    W += w ? w[i] : 1.0;
  }
  if (!(W > 0)) return NAN;
  double half = W / 2, tol = 1e-12 * W;
  for (size_t i = 0; i < m; i++) {
    if (isnan(v[i]) || (grp && grp[i] != g) || (w && w[i] == 0)) continue;
    double below = 0, upto = 0;
    for (size_t j = 0; j < m; j++) {
      if (isnan(v[j]) || (grp && grp[j] != g)) continue;
      double wj = w ? w[j] : 1.0;
      if (v[j] < v[i]) below += wj;
      if (v[j] <= v[i]) upto += wj;
    }
    if (fabs(upto - half) <= tol) { /* even split: average with the next value */
      double next = INFINITY;
      for (size_t j = 0; j < m; j++) {
        if (isnan(v[j]) || (grp && grp[j] != g) || (w && w[j] == 0)) continue;
        if (v[j] > v[i] && v[j] < next) next = v[j];
      }
      return isinf(next) ? v[i] : (v[i] + next) / 2;
    }
    if (below < half - tol && upto > half + tol) return v[i];
  }
  return NAN; /* unreachable for positive W */
}

double gs_m_median(const double *x, size_t n) { return wmedian(x, NULL, n, NULL, 0); }

double gs_m_sd(const double *x, size_t n) {
  double m = gs_m_mean(x, n), ss = 0;
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (!isnan(x[i])) { ss += (x[i] - m) * (x[i] - m); k++; }
  return k < 2 ? NAN : sqrt(ss / (double)(k - 1));
}

/* Central moment sums s2, s3, s4 over the non-NaN values; returns count. */
static size_t moments(const double *x, size_t n, double *s2, double *s3, double *s4) {
  double m = gs_m_mean(x, n);
  size_t k = 0;
  *s2 = *s3 = *s4 = 0;
  for (size_t i = 0; i < n; i++) {
    if (isnan(x[i])) continue;
    double d = x[i] - m, d2 = d * d;
    *s2 += d2; *s3 += d2 * d; *s4 += d2 * d2;
    k++;
  }
  return k;
}

double gs_m_skew(const double *x, size_t n) {
  double s2, s3, s4;
  size_t k = moments(x, n, &s2, &s3, &s4);
  if (k < 3 || !(s2 > 0)) return NAN;
  double kk = (double)k;
  double g = sqrt(kk) * s3 / pow(s2, 1.5);
  return g * sqrt(kk * (kk - 1)) / (kk - 2);
}

double gs_m_kurt(const double *x, size_t n) {
  double s2, s3, s4;
  size_t k = moments(x, n, &s2, &s3, &s4);
  if (k < 4 || !(s2 > 0)) return NAN;
  double kk = (double)k;
  double r = kk * s4 / (s2 * s2);
  return ((kk + 1) * (r - 3) + 6) * (kk - 1) / ((kk - 2) * (kk - 3));
}

/* -------------------------------------------------------- normalisation */

static int bad_dir(int dir) { return dir != 1 && dir != -1; }

/* Oriented min/max over non-NaN values; returns count. */
static size_t orient_range(const double *x, size_t n, double d, double *mn, double *mx) {
  size_t k = 0;
  *mn = INFINITY; *mx = -INFINITY;
  for (size_t i = 0; i < n; i++) {
    if (isnan(x[i])) continue;
    double v = d * x[i];
    if (v < *mn) *mn = v;
    if (v > *mx) *mx = v;
    k++;
  }
  return k;
}

/* Fills out with NaN and returns status (for degenerate / empty columns). */
static int fill_nan(double *out, size_t n, int status) {
  for (size_t i = 0; i < n; i++) out[i] = NAN;
  return status;
}

int gs_m_norm_minmax(const double *x, size_t n, int dir, double lo, double hi, double *out) {
  if (bad_dir(dir) || !(hi > lo) || !isfinite(lo) || !isfinite(hi)) return GS_M_EINVAL;
  double mn, mx, d = dir;
  size_t k = orient_range(x, n, d, &mn, &mx);
  if (k == 0) return fill_nan(out, n, GS_M_ENODATA);
  if (!(mx > mn)) return fill_nan(out, n, GS_M_EDEGEN);
  for (size_t i = 0; i < n; i++)
    out[i] = isnan(x[i]) ? NAN : lo + (hi - lo) * (d * x[i] - mn) / (mx - mn);
  return GS_M_OK;
}

int gs_m_norm_zscore(const double *x, size_t n, int dir, double mean, double sd, double *out) {
  if (bad_dir(dir) || !(sd > 0) || !isfinite(mean) || !isfinite(sd)) return GS_M_EINVAL;
  double d = dir, m = gs_m_mean(x, n), s = gs_m_sd(x, n); /* sd(d*x) == sd(x) */
  if (isnan(m)) return fill_nan(out, n, GS_M_ENODATA);
  if (!(s > 0)) return fill_nan(out, n, GS_M_EDEGEN);
  for (size_t i = 0; i < n; i++)
    out[i] = isnan(x[i]) ? NAN : mean + sd * d * (x[i] - m) / s;
  return GS_M_OK;
}

/* Min rank (1-based) of v among the oriented non-NaN x[j]: 1 + #{x'_j < v}. */
static double min_rank(double v, const double *x, size_t n, double dir) {
  size_t below = 0;
  for (size_t j = 0; j < n; j++)
    if (!isnan(x[j]) && dir * x[j] < v) below++;
  return 1.0 + (double)below;
}

int gs_m_norm_rank(const double *x, size_t n, int dir, double *out) {
  if (bad_dir(dir)) return GS_M_EINVAL;
  double d = dir;
  size_t k = 0;
  for (size_t i = 0; i < n; i++) k += !isnan(x[i]);
  if (k == 0) return fill_nan(out, n, GS_M_ENODATA);
  for (size_t i = 0; i < n; i++)
    out[i] = isnan(x[i]) ? NAN : min_rank(d * x[i], x, n, d);
  return GS_M_OK;
}

int gs_m_norm_prank(const double *x, size_t n, int dir, double *out) {
  if (bad_dir(dir)) return GS_M_EINVAL;
  double d = dir;
  size_t k = 0;
  for (size_t i = 0; i < n; i++) k += !isnan(x[i]);
  if (k == 0) return fill_nan(out, n, GS_M_ENODATA);
  if (k < 2) return fill_nan(out, n, GS_M_EDEGEN);
  for (size_t i = 0; i < n; i++)
    out[i] = isnan(x[i]) ? NAN : (min_rank(d * x[i], x, n, d) - 1) / (double)(k - 1);
  return GS_M_OK;
}

int gs_m_norm_goalposts(const double *x, size_t n, int dir, double lo, double hi,
                        double scale, double *out) {
  if (bad_dir(dir) || !(hi > lo) || !isfinite(lo) || !isfinite(hi) || !isfinite(scale))
    return GS_M_EINVAL;
  for (size_t i = 0; i < n; i++) {
    if (isnan(x[i])) { out[i] = NAN; continue; }
    double y = dir == 1 ? (x[i] - lo) / (hi - lo) : (hi - x[i]) / (hi - lo);
    if (y < 0) y = 0;
    if (y > 1) y = 1;
    out[i] = scale * y;
  }
  return GS_M_OK;
}

int gs_m_norm_dist2max(const double *x, size_t n, int dir, double *out) {
  if (bad_dir(dir)) return GS_M_EINVAL;
  double mn, mx, d = dir;
  size_t k = orient_range(x, n, d, &mn, &mx);
  if (k == 0) return fill_nan(out, n, GS_M_ENODATA);
  if (!(mx > mn)) return fill_nan(out, n, GS_M_EDEGEN);
  for (size_t i = 0; i < n; i++)
    out[i] = isnan(x[i]) ? NAN : 1 - (mx - d * x[i]) / (mx - mn);
  return GS_M_OK;
}

int gs_m_norm_dist2targ(const double *x, size_t n, int dir, double target, int cap, double *out) {
  if (bad_dir(dir) || !isfinite(target)) return GS_M_EINVAL;
  double mn, mx, d = dir, t = d * target;
  size_t k = orient_range(x, n, d, &mn, &mx);
  if (k == 0) return fill_nan(out, n, GS_M_ENODATA);
  if (t == mn) return fill_nan(out, n, GS_M_EDEGEN);
  for (size_t i = 0; i < n; i++) {
    if (isnan(x[i])) { out[i] = NAN; continue; }
    double y = 1 - (t - d * x[i]) / (t - mn);
    out[i] = (cap && y > 1) ? 1 : y;
  }
  return GS_M_OK;
}

static const char *const norm_names[] = {"minmax", "zscore", "rank", "prank",
                                         "goalposts", "dist2max", "dist2targ", "none"};

void gs_m_norm_default(gs_m_norm_kind kind, gs_m_norm_spec *s) {
  s->kind = kind;
  s->p1 = s->p2 = s->p3 = NAN;
  s->cap = 0;
  switch (kind) {
  case GS_NORM_MINMAX: s->p1 = 0; s->p2 = 100; break;
  case GS_NORM_ZSCORE: s->p1 = 0; s->p2 = 1; break;
  case GS_NORM_GOALPOSTS: s->p1 = 0; s->p2 = 100; s->p3 = 1; break;
  default: break;
  }
}

int gs_m_norm_parse(const char *name) {
  if (!name) return -1;
  for (size_t i = 0; i < sizeof norm_names / sizeof *norm_names; i++)
    if (strcmp(name, norm_names[i]) == 0) return (int)i;
  return -1;
}

const char *gs_m_norm_name(gs_m_norm_kind kind) {
  return (unsigned)kind < sizeof norm_names / sizeof *norm_names ? norm_names[kind] : "?";
}

int gs_m_normalise(const gs_m_norm_spec *s, const double *x, size_t n, int dir, double *out) {
  switch (s->kind) {
  case GS_NORM_MINMAX: return gs_m_norm_minmax(x, n, dir, s->p1, s->p2, out);
  case GS_NORM_ZSCORE: return gs_m_norm_zscore(x, n, dir, s->p1, s->p2, out);
  case GS_NORM_RANK: return gs_m_norm_rank(x, n, dir, out);
  case GS_NORM_PRANK: return gs_m_norm_prank(x, n, dir, out);
  case GS_NORM_GOALPOSTS: return gs_m_norm_goalposts(x, n, dir, s->p1, s->p2, s->p3, out);
  case GS_NORM_DIST2MAX: return gs_m_norm_dist2max(x, n, dir, out);
  case GS_NORM_DIST2TARG: return gs_m_norm_dist2targ(x, n, dir, s->p1, s->cap, out);
  case GS_NORM_NONE:
    if (bad_dir(dir)) return GS_M_EINVAL;
    for (size_t i = 0; i < n; i++) out[i] = dir * x[i];
    return GS_M_OK;
  }
  return GS_M_EINVAL;
}

/* ---------------------------------------------------------- aggregation */

/* Checks weights; sums the weight of available values.  Returns status. */
static int agg_prep(const double *v, const double *w, size_t m, double *W) {
  *W = 0;
  for (size_t i = 0; i < m; i++) {
    double wi = w ? w[i] : 1.0;
    if (!isfinite(wi) || wi < 0) return GS_M_EINVAL;
    if (!isnan(v[i])) *W += wi;
  }
  return *W > 0 ? GS_M_OK : GS_M_ENODATA;
}

#define WI(i) (w ? w[i] : 1.0)

double gs_m_agg_arith(const double *v, const double *w, size_t m, int *status) {
  double W, s = 0;
  int st = agg_prep(v, w, m, &W);
  set_status(status, st);
  if (st) return NAN;
  for (size_t i = 0; i < m; i++)
    if (!isnan(v[i])) s += WI(i) * v[i];
  return s / W;
}

double gs_m_agg_geom(const double *v, const double *w, size_t m, int *status) {
  double W, s = 0;
  int st = agg_prep(v, w, m, &W);
  if (!st)
    for (size_t i = 0; i < m; i++)
      if (!isnan(v[i]) && !(v[i] > 0)) st = GS_M_EDOMAIN;
  set_status(status, st);
  if (st) return NAN;
  for (size_t i = 0; i < m; i++)
    if (!isnan(v[i]) && WI(i) > 0) s += WI(i) * log(v[i]);
  return exp(s / W);
}

double gs_m_agg_harm(const double *v, const double *w, size_t m, int *status) {
  double W, s = 0;
  int st = agg_prep(v, w, m, &W);
  if (!st)
    for (size_t i = 0; i < m; i++)
      if (!isnan(v[i]) && v[i] == 0) st = GS_M_EDOMAIN;
  set_status(status, st);
  if (st) return NAN;
  for (size_t i = 0; i < m; i++)
    if (!isnan(v[i])) s += WI(i) / v[i];
  return W / s;
}

double gs_m_agg_power(const double *v, const double *w, size_t m, double p, int *status) {
  if (!isfinite(p)) { set_status(status, GS_M_EINVAL); return NAN; }
  if (p == 0) return gs_m_agg_geom(v, w, m, status);
  double W, s = 0;
  int st = agg_prep(v, w, m, &W);
  if (!st)
    for (size_t i = 0; i < m; i++)
      if (!isnan(v[i]) && (p < 0 ? !(v[i] > 0) : v[i] < 0)) st = GS_M_EDOMAIN;
  set_status(status, st);
  if (st) return NAN;
  for (size_t i = 0; i < m; i++)
    if (!isnan(v[i]) && WI(i) > 0) s += WI(i) * pow(v[i], p);
  return pow(s / W, 1 / p);
}

double gs_m_agg_median(const double *v, const double *w, size_t m, int *status) {
  double W;
  int st = agg_prep(v, w, m, &W);
  set_status(status, st);
  if (st) return NAN;
  return wmedian(v, w, m, NULL, 0);
}

double gs_m_agg_min(const double *v, const double *w, size_t m, int *status) {
  double W, mn = INFINITY;
  int st = agg_prep(v, w, m, &W);
  set_status(status, st);
  if (st) return NAN;
  for (size_t i = 0; i < m; i++)
    if (!isnan(v[i]) && WI(i) > 0 && v[i] < mn) mn = v[i];
  return mn;
}

static const char *const agg_names[] = {"arith", "geom", "harm", "power", "median", "min", "copeland"};

int gs_m_agg_parse(const char *name) {
  if (!name) return -1;
  if (strcmp(name, "mean") == 0) return GS_AGG_ARITHMETIC;
  for (size_t i = 0; i < sizeof agg_names / sizeof *agg_names; i++)
    if (strcmp(name, agg_names[i]) == 0) return (int)i;
  return -1;
}

const char *gs_m_agg_name(gs_agg kind) {
  return (unsigned)kind < sizeof agg_names / sizeof *agg_names ? agg_names[kind] : "?";
}

double gs_m_share(const double *v, size_t m) {
  size_t k = 0;
  for (size_t i = 0; i < m; i++) k += !isnan(v[i]);
  return m ? (double)k / (double)m : 0.0;
}

double gs_m_aggregate(gs_agg kind, double p, const double *v, const double *w,
                      size_t m, double min_share, int *status) {
  if (min_share > 0 && gs_m_share(v, m) < min_share) {
    set_status(status, GS_M_ENODATA);
    return NAN;
  }
  switch (kind) {
  case GS_AGG_ARITHMETIC: return gs_m_agg_arith(v, w, m, status);
  case GS_AGG_GEOMETRIC: return gs_m_agg_geom(v, w, m, status);
  case GS_AGG_HARMONIC: return gs_m_agg_harm(v, w, m, status);
  case GS_AGG_POWER: return gs_m_agg_power(v, w, m, p, status);
  case GS_AGG_MEDIAN: return gs_m_agg_median(v, w, m, status);
  case GS_AGG_MIN: return gs_m_agg_min(v, w, m, status);
  default: set_status(status, GS_M_EINVAL); return NAN;
  }
}

int gs_m_copeland(const double *x, size_t n, size_t m, const double *w, double *score) {
  double W = 0;
  for (size_t j = 0; j < m; j++) {
    if (!isfinite(WI(j)) || WI(j) < 0) return GS_M_EINVAL;
    W += WI(j);
  }
  if (!(W > 0)) return GS_M_EINVAL;
  for (size_t a = 0; a < n; a++) score[a] = 0;
  /* outrankMatrix: the upper triangle is computed, the lower is 1 - upper */
  for (size_t a = 0; a < n; a++)
    for (size_t b = a + 1; b < n; b++) {
      double gt = 0, eq = 0;
      for (size_t j = 0; j < m; j++) {
        double xa = x[a * m + j], xb = x[b * m + j];
        if (isnan(xa) || isnan(xb)) continue;
        if (xa > xb) gt += WI(j) / W;
        else if (xa == xb) eq += WI(j) / W;
      }
      double o = gt + eq / 2;
      score[a] += o;
      score[b] += 1 - o;
    }
  return GS_M_OK;
}

/* --------------------------------------------------------- missing data */

int gs_m_impute_parse(const char *name) {
  static const char *const names[] = {"mean", "median", "group_mean", "group_median"};
  if (!name) return -1;
  for (size_t i = 0; i < 4; i++)
    if (strcmp(name, names[i]) == 0) return (int)i;
  return -1;
}

/* Mean of x over group g (grp NULL = all). */
static double group_mean(const double *x, size_t n, const int *grp, int g) {
  double s = 0;
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (!isnan(x[i]) && (!grp || grp[i] == g)) { s += x[i]; k++; }
  return k ? s / (double)k : NAN;
}

int gs_m_impute(const double *x, size_t n, gs_m_impute_kind kind, const int *group,
                double *out, size_t *n_imputed) {
  int by_group = kind == GS_IMP_GROUP_MEAN || kind == GS_IMP_GROUP_MEDIAN;
  int median = kind == GS_IMP_MEDIAN || kind == GS_IMP_GROUP_MEDIAN;
  if ((unsigned)kind > GS_IMP_GROUP_MEDIAN || (by_group && !group)) return GS_M_EINVAL;
  if (n_imputed) *n_imputed = 0;
  double overall = median ? gs_m_median(x, n) : gs_m_mean(x, n);
  memcpy(out, x, n * sizeof *out);
  if (isnan(overall)) return GS_M_ENODATA;
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (!isnan(x[i])) continue;
    double v = overall;
    if (by_group) {
      if (group[i] < 0) continue; /* no group: COINr's skip_f_na leaves it */
      v = median ? wmedian(x, NULL, n, group, group[i]) : group_mean(x, n, group, group[i]);
    }
    out[i] = v;
    k += !isnan(v);
  }
  if (n_imputed) *n_imputed = k;
  return GS_M_OK;
}

int gs_m_availability(const double *X, size_t n, size_t ncol, const size_t *cols, size_t nsel,
                      double *share) {
  size_t k = cols ? nsel : ncol;
  if (k == 0) return GS_M_EINVAL;
  if (cols)
    for (size_t c = 0; c < nsel; c++)
      if (cols[c] >= ncol) return GS_M_EINVAL;
  for (size_t i = 0; i < n; i++) {
    size_t avail = 0;
    for (size_t c = 0; c < k; c++)
      avail += !isnan(X[i * ncol + (cols ? cols[c] : c)]);
    share[i] = (double)avail / (double)k;
  }
  return GS_M_OK;
}

size_t gs_m_screen(const double *share, size_t n, double threshold, int *keep) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    keep[i] = share[i] >= threshold;
    k += (size_t)keep[i];
  }
  return k;
}

/* -------------------------------------------------------------- outliers */

/* check_SkewKurt as R evaluates it: (|skew| < st) | (kurt < kt), where a
 * comparison with NaN is NA and TRUE | NA is TRUE.  1 pass, 0 fail, -1 NA. */
static int sk_check(const double *x, size_t n, double st, double kt, double *s, double *k) {
  *s = gs_m_skew(x, n);
  *k = gs_m_kurt(x, n);
  int a = isnan(*s) ? -1 : fabs(*s) < st, b = isnan(*k) ? -1 : *k < kt;
  if (a == 1 || b == 1) return 1;
  return (a < 0 || b < 0) ? -1 : 0;
}

int gs_m_treat(const double *x, size_t n, double skew_thresh, double kurt_thresh, int max_points,
               double *out, gs_m_treat_report *rep) {
  gs_m_treat_report r = {0};
  if (max_points < 0) return GS_M_EINVAL;
  memcpy(out, x, n * sizeof *out);
  double s, k;
  int pass = sk_check(out, n, skew_thresh, kurt_thresh, &s, &k);
  r.skew0 = r.skew1 = s;
  r.kurt0 = r.kurt1 = k;
  r.passes = pass == 1;
  r.check_na = pass < 0;
  if (pass != 0) { /* passes, or NA: COINr returns the column untreated */
    if (rep) *rep = r;
    return GS_M_OK;
  }
  /* winsorise: nwin = |imax| + |imin|, the points moved at the latest high
   * and latest low step.  A moved point equals the next extreme, so it is
   * moved (and counted) again with it: the count is of distinct points. */
  size_t nhi = 0, nlo = 0, nwin = 0;
  while (pass == 0 && nwin < (size_t)max_points) {
    int hi = gs_m_skew(out, n) >= 0;
    /* the points at the extreme, set to the next value in */
    double ext = NAN;
    for (size_t i = 0; i < n; i++)
      if (!isnan(out[i]) && (isnan(ext) || (hi ? out[i] > ext : out[i] < ext))) ext = out[i];
    double next = NAN;
    for (size_t i = 0; i < n; i++)
      if (!isnan(out[i]) && out[i] != ext && (isnan(next) || (hi ? out[i] > next : out[i] < next))) next = out[i];
    if (isnan(ext) || isnan(next)) break; /* nothing inside to move to */
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
      if (!isnan(out[i]) && out[i] == ext) { out[i] = next; c++; }
    if (hi) nhi = c;
    else nlo = c;
    nwin = nhi + nlo;
    pass = sk_check(out, n, skew_thresh, kurt_thresh, &s, &k);
  }
  r.treated = 1;
  if (pass == 1) {
    r.n_winsorised = (int)nwin;
  } else {
    /* log_CT on the original values (combine_treat = FALSE) */
    double mn = INFINITY, mx = -INFINITY;
    for (size_t i = 0; i < n; i++)
      if (!isnan(x[i])) { if (x[i] < mn) mn = x[i]; if (x[i] > mx) mx = x[i]; }
    if (pass == 0) {
      for (size_t i = 0; i < n; i++)
        out[i] = isnan(x[i]) ? NAN : log(x[i] - mn + 0.01 * (mx - mn));
      r.log_transformed = 1;
      pass = sk_check(out, n, skew_thresh, kurt_thresh, &s, &k);
    }
    if (pass < 0) { /* an NA check after a treatment: COINr returns x as it was */
      memcpy(out, x, n * sizeof *out);
      r.treated = r.log_transformed = 0;
      s = r.skew0;
      k = r.kurt0;
    }
  }
  r.passes = pass == 1;
  r.check_na = pass < 0;
  r.skew1 = s;
  r.kurt1 = k;
  if (rep) *rep = r;
  return GS_M_OK;
}

/* ----------------------------------------------------------------- tiers */

const double gs_m_gci2024_tiers[4] = {95, 85, 55, 20};

int gs_m_tier(double score, const double *thr, size_t k) {
  if (isnan(score)) return 0;
  for (size_t t = 0; t < k; t++)
    if (score >= thr[t]) return (int)t + 1;
  return (int)k + 1;
}

/* ----------------------------------------------------------- correlation */

double gs_m_pearson(const double *x, const double *y, size_t n) {
  double sx = 0, sy = 0;
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (!isnan(x[i]) && !isnan(y[i])) { sx += x[i]; sy += y[i]; k++; }
  if (k < 2) return NAN;
  double mx = sx / (double)k, my = sy / (double)k, sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < n; i++) {
    if (isnan(x[i]) || isnan(y[i])) continue;
    double dx = x[i] - mx, dy = y[i] - my;
    sxy += dx * dy; sxx += dx * dx; syy += dy * dy;
  }
  if (!(sxx > 0) || !(syy > 0)) return NAN;
  return sxy / sqrt(sxx * syy);
}

double gs_m_spearman(const double *x, const double *y, size_t n) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) k += !isnan(x[i]) && !isnan(y[i]);
  if (k < 2) return NAN;
  double m = ((double)k + 1) / 2, sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < n; i++) {
    if (isnan(x[i]) || isnan(y[i])) continue;
    double dx = avg_rank(x[i], x, n, 1.0, y) - m, dy = avg_rank(y[i], y, n, 1.0, x) - m;
    sxy += dx * dy; sxx += dx * dx; syy += dy * dy;
  }
  if (!(sxx > 0) || !(syy > 0)) return NAN;
  return sxy / sqrt(sxx * syy);
}
