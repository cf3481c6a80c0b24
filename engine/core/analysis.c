/* analysis.c - see analysis.h. */
#include "analysis.h"

#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dynlib.h"
#include "method.h"

/* LAPACKE, opened the first time a PCA runs (dynlib.h says why). */
#define LAPACKE_SYMBOLS(X, t) X(t, LAPACKE_dsyev)
GS_DYNLIB_TABLE(lapacke, LAPACKE_SYMBOLS, GS_SONAME_LAPACKE, GS_PACKAGE_LAPACKE);

/* ------------------------------------------- strengths and weaknesses */

typedef struct {
  double rank;
  size_t j;
} sw_item;

static int sw_cmp(const void *a, const void *b) {
  const sw_item *x = a, *y = b;
  if (x->rank != y->rank) return x->rank < y->rank ? -1 : 1;
  return (x->j > y->j) - (x->j < y->j); /* stable: column order */
}

int gs_a_str_weak(const double *X, size_t n, size_t k, size_t u, int min_discard, double *rank,
                  size_t *order, size_t *m) {
  if (!X || !rank || !order || !m || u >= n) return GS_M_EINVAL;
  sw_item *it = malloc((k ? k : 1) * sizeof *it);
  if (!it) return GS_M_EINVAL;
  size_t c = 0;
  for (size_t j = 0; j < k; j++) {
    double xu = X[u * k + j];
    rank[j] = NAN;
    if (isnan(xu)) continue;
    size_t above = 0;
    double worst = 0; /* the largest rank in the column: 1 + #{values above its minimum} */
    double mn = INFINITY;
    for (size_t i = 0; i < n; i++) {
      double v = X[i * k + j];
      if (isnan(v)) continue;
      if (v > xu) above++;
      if (v < mn) mn = v;
    }
    for (size_t i = 0; i < n; i++) {
      double v = X[i * k + j];
      if (!isnan(v) && v > mn) worst++;
    }
    rank[j] = 1.0 + (double)above;
    if (min_discard && rank[j] == worst + 1.0) continue;
    it[c++] = (sw_item){rank[j], j};
  }
  qsort(it, c, sizeof *it, sw_cmp);
  for (size_t i = 0; i < c; i++) order[i] = it[i].j;
  *m = c;
  free(it);
  return GS_M_OK;
}

/* --------------------------------------------------- Cronbach's alpha */

/* Sample covariance of columns a and b over the rows where both have a
 * value (means over those rows, as R's pairwise.complete.obs); NaN if
 * fewer than 2 such rows. */
static double pair_cov(const double *X, size_t n, size_t k, size_t a, size_t b) {
  double sa = 0, sb = 0;
  size_t c = 0;
  for (size_t i = 0; i < n; i++) {
    double x = X[i * k + a], y = X[i * k + b];
    if (isnan(x) || isnan(y)) continue;
    sa += x;
    sb += y;
    c++;
  }
  if (c < 2) return NAN;
  double ma = sa / (double)c, mb = sb / (double)c, s = 0;
  for (size_t i = 0; i < n; i++) {
    double x = X[i * k + a], y = X[i * k + b];
    if (isnan(x) || isnan(y)) continue;
    s += (x - ma) * (y - mb);
  }
  return s / (double)(c - 1);
}

double gs_a_cronbach(const double *X, size_t n, size_t k) {
  if (!X || k < 2) return NAN;
  double all = 0, diag = 0;
  for (size_t a = 0; a < k; a++)
    for (size_t b = 0; b < k; b++) {
      double c = pair_cov(X, n, k, a, b);
      if (isnan(c)) continue;
      all += c;
      if (a == b) diag += c;
    }
  if (!(all != 0) || isnan(all)) return NAN;
  double kk = (double)k;
  double offmean = (all - diag) / (kk * (kk - 1));
  return kk * kk * offmean / all;
}

/* --------------------------------------------------------------- PCA */

int gs_a_pca(const double *X, size_t n, size_t k, double *eig, double *load, size_t *n_used) {
  if (!X || !eig || !load) return GS_M_EINVAL;
  if (n_used) *n_used = 0;
  if (k < 1) return GS_M_ENODATA;
  /* complete rows, standardised: Z (c x k) */
  double *Z = malloc(n * k * sizeof *Z + 1), *R = malloc(k * k * sizeof *R), *w = malloc(k * sizeof *w);
  if (!Z || !R || !w) {
    free(Z), free(R), free(w);
    return GS_M_EINVAL;
  }
  size_t c = 0;
  for (size_t i = 0; i < n; i++) {
    int full = 1;
    for (size_t j = 0; j < k; j++)
      if (isnan(X[i * k + j])) full = 0;
    if (!full) continue;
    memcpy(Z + c * k, X + i * k, k * sizeof *Z);
    c++;
  }
  int st = GS_M_OK;
  if (n_used) *n_used = c;
  if (c < 2) {
    st = GS_M_ENODATA;
    goto out;
  }
  for (size_t j = 0; j < k; j++) {
    double s = 0, ss = 0;
    for (size_t i = 0; i < c; i++) s += Z[i * k + j];
    double mean = s / (double)c;
    for (size_t i = 0; i < c; i++) ss += (Z[i * k + j] - mean) * (Z[i * k + j] - mean);
    double sd = sqrt(ss / (double)(c - 1));
    if (!(sd > 0)) {
      st = GS_M_EDEGEN;
      goto out;
    }
    for (size_t i = 0; i < c; i++) Z[i * k + j] = (Z[i * k + j] - mean) / sd;
  }
  /* correlation matrix R = Z'Z / (c - 1) */
  for (size_t a = 0; a < k; a++)
    for (size_t b = a; b < k; b++) {
      double s = 0;
      for (size_t i = 0; i < c; i++) s += Z[i * k + a] * Z[i * k + b];
      R[a * k + b] = R[b * k + a] = s / (double)(c - 1);
    }
  /* eigenvalues ascending in w, eigenvectors as the columns of R */
  if (gs_dynlib_load(&lapacke_lib, NULL, 0) != 0) {
    st = GS_M_ENOLIB;
    goto out;
  }
  if (lapacke.LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)k, R, (lapack_int)k, w) != 0) {
    st = GS_M_EDEGEN;
    goto out;
  }
  for (size_t cpt = 0; cpt < k; cpt++) {
    size_t src = k - 1 - cpt; /* largest first */
    eig[cpt] = w[src];
    double sum = 0;
    for (size_t j = 0; j < k; j++) sum += R[j * k + src];
    double sgn = sum < 0 ? -1.0 : 1.0;
    for (size_t j = 0; j < k; j++) load[j * k + cpt] = sgn * R[j * k + src];
  }
out:
  free(Z);
  free(R);
  free(w);
  return st;
}

/* ------------------------------------------------ Mazziotta-Pareto index */

int gs_a_standardise(const double *X, size_t n, size_t k, const int *dir, double *out) {
  if (!X || !out) return GS_M_EINVAL;
  for (size_t j = 0; j < k; j++) {
    double d = dir ? (double)dir[j] : 1.0, s = 0, ss = 0;
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
      if (!isnan(X[i * k + j])) s += d * X[i * k + j], c++;
    if (c < 2) return GS_M_EDEGEN;
    double mean = s / (double)c;
    for (size_t i = 0; i < n; i++)
      if (!isnan(X[i * k + j])) ss += (d * X[i * k + j] - mean) * (d * X[i * k + j] - mean);
    double sd = sqrt(ss / (double)(c - 1));
    if (!(sd > 0)) return GS_M_EDEGEN;
    for (size_t i = 0; i < n; i++) out[i * k + j] = 100.0 + 10.0 * (d * X[i * k + j] - mean) / sd;
  }
  return GS_M_OK;
}

/* M - sign S cv for one unit's k values; population (k) or sample (k - 1)
 * standard deviation. */
static double mp_row(const double *z, size_t k, int sign, int population) {
  double s = 0, ss = 0;
  for (size_t j = 0; j < k; j++) {
    if (isnan(z[j])) return NAN;
    s += z[j];
  }
  double m = s / (double)k;
  for (size_t j = 0; j < k; j++) ss += (z[j] - m) * (z[j] - m);
  double sd = sqrt(ss / (double)(population ? k : k - 1));
  double cv = sd / m;
  return m - (double)sign * sd * cv;
}

int gs_a_mpi(const double *Z, size_t n, size_t k, int sign, double *out) {
  if (!Z || !out || k < 2 || (sign != 1 && sign != -1)) return GS_M_EINVAL;
  for (size_t i = 0; i < n; i++) out[i] = mp_row(Z + i * k, k, sign, 0);
  return GS_M_OK;
}

int gs_a_ampi(const double *X, size_t n, size_t k, const int *dir, const double *gp, int sign,
              double *out) {
  if (!X || !out || k < 2 || (sign != 1 && sign != -1)) return GS_M_EINVAL;
  double *Y = malloc(n * k * sizeof *Y + 1);
  if (!Y) return GS_M_EINVAL;
  int st = GS_M_OK;
  for (size_t j = 0; j < k && st == GS_M_OK; j++) {
    double mn = INFINITY, mx = -INFINITY, s = 0;
    size_t c = 0;
    for (size_t i = 0; i < n; i++) {
      double v = X[i * k + j];
      if (isnan(v)) continue;
      if (v < mn) mn = v;
      if (v > mx) mx = v;
      s += v;
      c++;
    }
    if (c == 0 || !(mx > mn)) {
      st = GS_M_EDEGEN;
      break;
    }
    double delta = (mx - mn) / 2.0, g = gp ? gp[j] : s / (double)c;
    double lo = g - delta, hi = g + delta;
    int d = dir ? dir[j] : 1;
    for (size_t i = 0; i < n; i++) {
      double v = X[i * k + j];
      Y[i * k + j] = d > 0 ? (v - lo) / (hi - lo) * 60.0 + 70.0 : (hi - v) / (hi - lo) * 60.0 + 70.0;
    }
  }
  if (st == GS_M_OK)
    for (size_t i = 0; i < n; i++) out[i] = mp_row(Y + i * k, k, sign, 1);
  free(Y);
  return st;
}

int gs_a_ampi_periods(const double *X, size_t n, size_t k, const size_t *period, size_t np, size_t base,
                      const int *dir, const double *gp, int sign, double *out) {
  if (!X || !out || !period || base >= np || k < 2 || (sign != 1 && sign != -1)) return GS_M_EINVAL;
  for (size_t i = 0; i < n; i++)
    if (period[i] >= np) return GS_M_EINVAL;
  if (gp) return gs_a_ampi(X, n, k, dir, gp, sign, out);
  /* Delta over all periods and the goalposts from the base period: the
   * rescaling is one affine map per indicator, the same for every period,
   * so the periods stacked go through gs_a_ampi at once */
  double *g = malloc(k * sizeof *g);
  if (!g) return GS_M_EINVAL;
  int st = GS_M_OK;
  for (size_t j = 0; j < k && st == GS_M_OK; j++) {
    double s = 0;
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
      if (period[i] == base && !isnan(X[i * k + j])) s += X[i * k + j], c++;
    if (c == 0) st = GS_M_ENODATA;
    g[j] = c ? s / (double)c : NAN;
  }
  if (st == GS_M_OK) st = gs_a_ampi(X, n, k, dir, g, sign, out);
  free(g);
  return st;
}
