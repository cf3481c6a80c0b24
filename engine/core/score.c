/* score.c - composite scores (see score.h). */
#include "score.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gs_agg_parse(const char *name) {
  if (strcmp(name, "arithmetic") == 0) return GS_AGG_ARITHMETIC;
  if (strcmp(name, "geometric") == 0) return GS_AGG_GEOMETRIC;
  return -1;
}

const char *gs_agg_name(gs_agg a) { return a == GS_AGG_GEOMETRIC ? "geometric" : "arithmetic"; }

double gs_score_unit(const double *x, const double *w, size_t k, gs_agg m, double offset) {
  double s = 0, W = 0;
  if (m == GS_AGG_ARITHMETIC) {
    for (size_t i = 0; i < k; i++) s += w[i] * x[i];
    return s;
  }
  for (size_t i = 0; i < k; i++) W += w[i];
  for (size_t i = 0; i < k; i++)
    if (w[i] != 0) s += w[i] / W * log(x[i] + offset);
  return W * (exp(s) - offset);
}

int gs_score_dataset(const gs_dataset *d, const double *w, gs_agg m, double scale, double offset,
                     double *out, char *err, size_t errlen) {
  size_t k = d->npillar;
  if (k == 0) { snprintf(err, errlen, "dataset has no pillars to score"); return -1; }
  double W = 0;
  for (size_t i = 0; i < k; i++) {
    if (!(w[i] >= 0) || !isfinite(w[i])) {
      snprintf(err, errlen, "weight of '%s' must be a finite number >= 0", d->col[d->pillar[i]].name);
      return -1;
    }
    W += w[i];
  }
  if (!(W > 0)) { snprintf(err, errlen, "weights must not all be zero"); return -1; }
  if (m == GS_AGG_GEOMETRIC) {
    if (!(offset >= 0) || !isfinite(offset)) { snprintf(err, errlen, "offset must be a finite number >= 0"); return -1; }
    for (size_t i = 0; i < k; i++)
      if (d->pmin[i] + offset <= 0 && w[i] > 0) {
        snprintf(err, errlen, "geometric mean needs pillar '%s' + offset > 0; give offset > %g",
                 d->col[d->pillar[i]].name, -d->pmin[i]);
        return -1;
      }
  }
  double x[64];
  double *xs = k <= 64 ? x : malloc(k * sizeof *xs);
  if (!xs) { snprintf(err, errlen, "out of memory"); return -1; }
  double smax = 1;
  if (scale > 0) {
    for (size_t i = 0; i < k; i++) xs[i] = d->pmax[i];
    smax = gs_score_unit(xs, w, k, m, offset);
    if (!(smax > 0)) {
      if (xs != x) free(xs);
      snprintf(err, errlen, "cannot rescale: the maximum score is not positive");
      return -1;
    }
  }
  for (size_t r = 0; r < d->n; r++) {
    for (size_t i = 0; i < k; i++) xs[i] = gs_dataset_pv(d, r, i);
    double s = gs_score_unit(xs, w, k, m, offset);
    out[r] = scale > 0 ? scale * s / smax : s;
  }
  if (xs != x) free(xs);
  return 0;
}
