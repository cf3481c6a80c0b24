/* score.c - composite scores (see score.h). */
#include "score.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

double gs_score_scaled(const double *x, size_t k, const gs_spec *s, double smax) {
  double v = gs_score_unit(x, s->w, k, s->agg, s->offset);
  return s->scale > 0 ? s->scale * v / smax : v;
}

int gs_score_max(const gs_dataset *d, const gs_spec *s, double *smax, char *err, size_t errlen) {
  *smax = 1;
  if (!(s->scale > 0)) return 0;
  size_t k = d->npillar;
  double *x = malloc((k ? k : 1) * sizeof *x);
  if (!x) { snprintf(err, errlen, "out of memory"); return -1; }
  for (size_t i = 0; i < k; i++) x[i] = d->pmax[i];
  *smax = gs_score_unit(x, s->w, k, s->agg, s->offset);
  free(x);
  if (!(*smax > 0)) { snprintf(err, errlen, "cannot rescale: the maximum score is not positive"); return -1; }
  return 0;
}

int gs_score_dataset(const gs_dataset *d, const gs_spec *s, double *out, char *err, size_t errlen) {
  size_t k = d->npillar;
  double smax;
  if (gs_spec_check_dataset(s, d, err, errlen) != 0 || gs_score_max(d, s, &smax, err, errlen) != 0) return -1;
  double x[64];
  double *xs = k <= 64 ? x : malloc(k * sizeof *xs);
  if (!xs) { snprintf(err, errlen, "out of memory"); return -1; }
  for (size_t r = 0; r < d->n; r++) {
    for (size_t i = 0; i < k; i++) xs[i] = gs_dataset_pv(d, r, i);
    out[r] = gs_score_scaled(xs, k, s, smax);
  }
  if (xs != x) free(xs);
  return 0;
}
