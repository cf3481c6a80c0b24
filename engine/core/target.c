/* target.c - minimal changes to reach a rank or a score (see target.h). */
#include "target.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rankq.h"
#include "score.h"

typedef struct {
  const gs_dataset *d;
  size_t u, k;
  const gs_target_spec *t;
  const gs_spec *s;  /* &t->spec */
  double *all;     /* n scores (unit u's as it is now) */
  gs_rankq *q;     /* the other units' scores, for O(log n) rank queries */
  double smax;     /* score of all-max, for scale */
} ctx;

static double unit_score(const ctx *c, const double *x) { return gs_score_scaled(x, c->k, c->s, c->smax); }

/* The rank the unit would have with score s, under the spec's tie rule
 * (ordinal: ties counted against the unit, the conservative reading).
 * O(log n): called at every bisection and greedy step. */
static double rank_with_near(const ctx *c, double s, size_t *hint) {
  gs_rankq_counts k = hint ? gs_rankq_count_near(c->q, s, hint) : gs_rankq_count(c->q, s);
  switch (c->s->ties) {
  case GS_TIES_DENSE: return (double)k.levels_above + 1;
  case GS_TIES_COMPETITION: return (double)k.above + 1;
  case GS_TIES_ORDINAL: return (double)(k.above + k.equal) + 1;
  default: return (double)k.above + 1 + (double)k.equal / 2;
  }
}

static double rank_with(const ctx *c, double s) { return rank_with_near(c, s, NULL); }

/* Whether score s reaches the target; hint as gs_rankq_count_near's
 * (NULL: none). */
static int reaches(const ctx *c, double s, size_t *hint) {
  if (c->t->rank > 0) return rank_with_near(c, s, hint) <= c->t->rank;
  return gs_round(s, c->s->digits) >= c->t->min_score;
}

static int ok(const ctx *c, const double *x) { return reaches(c, unit_score(c, x), NULL); }

void gs_target_result_free(gs_target_result *r) {
  if (!r) return;
  free(r->alone);
  free(r->spread);
  free(r);
}

gs_target_result *gs_target(const gs_dataset *d, size_t u, const gs_target_spec *spec, char *err,
                            size_t errlen) {
  size_t k = d->npillar;
  if (k == 0) { snprintf(err, errlen, "dataset has no pillars"); return NULL; }
  ctx c = {.d = d, .u = u, .k = k, .t = spec, .s = &spec->spec, .smax = 1};
  if (gs_spec_check_dataset(c.s, d, err, errlen) != 0 || gs_score_max(d, c.s, &c.smax, err, errlen) != 0)
    return NULL;
  gs_target_result *r = calloc(1, sizeof *r);
  double *x = malloc(k * sizeof *x), *y = malloc(k * sizeof *y);
  c.all = malloc((d->n ? d->n : 1) * sizeof *c.all);
  if (r) {
    r->alone = malloc(k * sizeof *r->alone);
    r->spread = malloc(k * sizeof *r->spread);
  }
  if (!r || !x || !y || !c.all || !r->alone || !r->spread) {
    snprintf(err, errlen, "out of memory");
    goto fail;
  }
  for (size_t i = 0; i < d->n; i++) {
    for (size_t p = 0; p < k; p++) x[p] = gs_dataset_pv(d, i, p);
    c.all[i] = unit_score(&c, x);
  }
  if (!(c.q = gs_rankq_new(c.all, d->n, u, c.s->digits))) {
    snprintf(err, errlen, "out of memory");
    goto fail;
  }
  for (size_t p = 0; p < k; p++) x[p] = gs_dataset_pv(d, u, p);
  r->score = unit_score(&c, x);
  r->rank = rank_with(&c, r->score);
  r->reached = ok(&c, x);
  double step = pow(10.0, -(spec->step_digits >= 0 ? spec->step_digits : 2));
  /* Each pillar alone: bisection over whole steps in [x_p, max_p]. */
  for (size_t p = 0; p < k; p++) {
    memcpy(y, x, k * sizeof *y);
    if (r->reached) { r->alone[p] = x[p]; continue; }
    y[p] = d->pmax[p];
    if (!ok(&c, y)) { r->alone[p] = NAN; continue; }
    long lo = (long)ceil(x[p] / step - 1e-9), hi = (long)floor(d->pmax[p] / step + 1e-9);
    /* invariant: value hi*step (or max) reaches the target; lo-1 does not */
    while (lo < hi) {
      long mid = lo + (hi - lo) / 2;
      y[p] = mid * step;
      if (ok(&c, y)) hi = mid;
      else lo = mid + 1;
    }
    double v = hi * step;
    if (v > d->pmax[p]) v = d->pmax[p];
    y[p] = v;
    r->alone[p] = ok(&c, y) ? v : d->pmax[p];
  }
  /* Spread: greedy steps on the pillar with the largest score gain. */
  memcpy(y, x, k * sizeof *y);
  for (size_t p = 0; p < k; p++) y[p] = d->pmax[p];
  r->spread_ok = ok(&c, y);
  memcpy(y, x, k * sizeof *y);
  if (r->spread_ok) {
    /* each greedy step moves the score a little: rank queries from where
     * the last one was answered.  The step taken is the trial of the
     * pillar chosen, so its score is the next step's base: k scores a
     * step, not k + 2. */
    size_t hint[2] = {0, 0};
    double base = unit_score(&c, y);
    while (!reaches(&c, base, hint)) {
      double best = -1, next = base;
      size_t bp = k;
      for (size_t p = 0; p < k; p++) {
        if (y[p] >= d->pmax[p]) continue;
        double keep = y[p], up = keep + step < d->pmax[p] ? keep + step : d->pmax[p];
        y[p] = up;
        double s = unit_score(&c, y), gain = (s - base) / (up - keep);
        y[p] = keep;
        /* equal gains (up to rounding noise): the earlier pillar wins */
        if (gain > best + 1e-9 * fabs(best)) {
          best = gain;
          bp = p;
          next = s;
        }
      }
      if (bp == k) break; /* cannot happen: all at max reaches it */
      y[bp] = y[bp] + step < d->pmax[bp] ? y[bp] + step : d->pmax[bp];
      base = next;
    }
  }
  r->spread_total = 0;
  for (size_t p = 0; p < k; p++) {
    r->spread[p] = y[p];
    r->spread_total += y[p] - x[p];
  }
  r->spread_score = unit_score(&c, y);
  r->spread_rank = rank_with(&c, r->spread_score);
  free(x);
  free(y);
  free(c.all);
  gs_rankq_free(c.q);
  return r;
fail:
  free(x);
  free(y);
  free(c.all);
  gs_rankq_free(c.q);
  gs_target_result_free(r);
  return NULL;
}
