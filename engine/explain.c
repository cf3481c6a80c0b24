/* explain.c - one unit's score and rank explained (see explain.h). */
#include "explain.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "score.h"
#include "target.h"

/* The number of decimals (0..6) needed to write every pillar value of d
 * exactly (up to 1e-9): the grid gains move on. */
static int step_digits(const gs_dataset *d) {
  int dg = 0;
  for (size_t p = 0; p < d->npillar; p++)
    for (size_t i = 0; i <= d->n; i++) {
      /* the pillar's maximum counts too: a gain may end exactly there */
      double x = i < d->n ? gs_dataset_pv(d, i, p) : d->pmax[p];
      while (dg < 6) {
        double y = x * pow(10.0, dg);
        if (fabs(y - nearbyint(y)) <= 1e-9 * fmax(1, fabs(y))) break;
        dg++;
      }
    }
  return dg;
}

void gs_explain_free(gs_explain *e) {
  if (!e) return;
  free(e->scores);
  free(e->ranks);
  free(e->points); /* the per-pillar arrays share one block */
  free(e->above);
  free(e->below);
  free(e->tied);
  free(e);
}

/* Rows whose rounded score equals `level`, other than u, into a new array. */
static size_t *collect(const double *rd, size_t n, size_t u, double level, size_t *count) {
  size_t m = 0;
  for (size_t i = 0; i < n; i++) m += i != u && rd[i] == level;
  size_t *out = malloc((m ? m : 1) * sizeof *out);
  if (!out) return NULL;
  m = 0;
  for (size_t i = 0; i < n; i++)
    if (i != u && rd[i] == level) out[m++] = i;
  *count = m;
  return out;
}

gs_explain *gs_explain_unit(const gs_dataset *d, size_t u, const gs_explain_spec *spec, char *err,
                            size_t errlen) {
  size_t n = d->n, k = d->npillar;
  if (k == 0) { snprintf(err, errlen, "%s has no pillars", d->source); return NULL; }
  if (u >= n) { snprintf(err, errlen, "row %zu out of range", u); return NULL; }
  gs_explain *e = calloc(1, sizeof *e);
  double *rd = malloc(n * sizeof *rd), *y = malloc(k * sizeof *y);
  gs_target_result *t = NULL;
  if (!e || !rd || !y) goto oom;
  e->unit = u;
  e->n = n;
  e->k = k;
  e->best = -1;
  e->scores = malloc(n * sizeof *e->scores);
  e->ranks = malloc(n * sizeof *e->ranks);
  e->points = malloc(7 * k * sizeof *e->points);
  if (!e->scores || !e->ranks || !e->points) goto oom;
  e->share = e->points + k;
  e->gap = e->share + k;
  e->gap_points = e->gap + k;
  e->gain = e->gap_points + k;
  e->new_score = e->gain + k;
  e->new_rank = e->new_score + k;
  /* gs_score_dataset validates the weights and the scale for us. */
  if (gs_score_dataset(d, spec->w, GS_AGG_ARITHMETIC, spec->scale, 0, e->scores, err, errlen) != 0) goto fail;
  if (gs_rank(e->scores, n, spec->digits, spec->ties, e->ranks) != 0) goto oom;
  /* S(max) exactly as score.c computes it, so that a gained score below
   * rounds as the ranks' scores do */
  double smax = 1;
  e->factor = 1;
  if (spec->scale > 0) {
    for (size_t p = 0; p < k; p++) y[p] = d->pmax[p];
    smax = gs_score_unit(y, spec->w, k, GS_AGG_ARITHMETIC, 0);
    e->factor = spec->scale / smax;
  }
  e->score = e->scores[u];
  e->rank = e->ranks[u];
  e->step_digits = step_digits(d);
  for (size_t p = 0; p < k; p++) {
    double x = gs_dataset_pv(d, u, p);
    e->points[p] = e->factor * spec->w[p] * x;
    e->share[p] = e->score != 0 ? e->points[p] / e->score : NAN;
    e->gap[p] = d->pmax[p] - x;
    e->gap_points[p] = e->factor * spec->w[p] * e->gap[p];
    e->gain[p] = e->new_score[p] = e->new_rank[p] = NAN;
  }
  /* neighbours on the rounded scores the ranks use */
  for (size_t i = 0; i < n; i++) rd[i] = gs_round(e->scores[i], spec->digits);
  double me = rd[u], up = INFINITY, down = -INFINITY;
  for (size_t i = 0; i < n; i++) {
    if (rd[i] > me && rd[i] < up) up = rd[i];
    if (rd[i] < me && rd[i] > down) down = rd[i];
  }
  if (!(e->above = collect(rd, n, u, up, &e->nabove)) || !(e->below = collect(rd, n, u, down, &e->nbelow)) ||
      !(e->tied = collect(rd, n, u, me, &e->ntied)))
    goto oom;
  /* The gains: target.c's search for the next better rank.  Fractional
   * ranks move in halves; the others in whole ranks. */
  double better = e->rank - (spec->ties == GS_TIES_FRACTIONAL ? 0.5 : 1);
  e->first = better < 1;
  if (!e->first) {
    gs_target_spec ts = {.w = spec->w, .method = GS_AGG_ARITHMETIC, .scale = spec->scale, .offset = 0,
                         .digits = spec->digits, .ties = spec->ties, .step_digits = e->step_digits,
                         .rank = better};
    if (!(t = gs_target(d, u, &ts, err, errlen))) goto fail;
    for (size_t p = 0; p < k; p++) {
      if (isnan(t->alone[p])) continue;
      double x = gs_dataset_pv(d, u, p);
      e->gain[p] = gs_round(t->alone[p] - x, e->step_digits);
      for (size_t q = 0; q < k; q++) y[q] = gs_dataset_pv(d, u, q);
      y[p] = t->alone[p];
      double s = gs_score_unit(y, spec->w, k, GS_AGG_ARITHMETIC, 0);
      if (spec->scale > 0) s = spec->scale * s / smax;
      e->new_score[p] = s;
      /* the new rank: everyone else as they are, this unit at s */
      double keep = e->scores[u];
      e->scores[u] = s;
      int bad = gs_rank(e->scores, n, spec->digits, spec->ties, rd) != 0;
      e->scores[u] = keep;
      if (bad) goto oom;
      e->new_rank[p] = rd[u];
      if (e->best < 0 || e->gain[p] < e->gain[e->best]) e->best = (long)p;
    }
  }
  gs_target_result_free(t);
  free(rd);
  free(y);
  return e;
oom:
  snprintf(err, errlen, "out of memory");
fail:
  gs_target_result_free(t);
  free(rd);
  free(y);
  gs_explain_free(e);
  return NULL;
}
