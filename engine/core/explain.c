/* explain.c - one unit's score and rank explained (see explain.h). */
#include "explain.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rankq.h"
#include "score.h"

void gs_explain_free(gs_explain *e) {
  if (!e) return;
  if (!e->borrowed) {
    free(e->scores);
    free(e->ranks);
  }
  free(e->points); /* the per-pillar arrays share one block */
  free(e->above);
  free(e->below);
  free(e->tied);
  free(e);
}


/* What the gain search needs, borrowed from gs_explain_unit. */
typedef struct {
  const gs_dataset *d;
  const gs_spec *spec;
  size_t u;
  int sd;               /* gains move in steps of 10^-sd */
  double smax;          /* S(max) when scaled */
  const gs_rankq *q;    /* everyone else's score now, for rank queries */
  double *y;            /* k: scratch */
} search;

/* The score of unit u with pillar p at v and the others as they are,
 * computed as gs_score_dataset computes it (the same operations in the
 * same order, so the same double). */
static double score_with(const search *c, size_t p, double v) {
  size_t k = c->d->npillar;
  for (size_t q = 0; q < k; q++) c->y[q] = gs_dataset_pv(c->d, c->u, q);
  c->y[p] = v;
  return gs_score_scaled(c->y, k, c->spec, c->smax);
}

/* The rank unit u gets with score s, everyone else as they are: the rank
 * gs_rank itself would give (rankq.h), so that it is the rank
 * d:with(...):score():rank gives, ordinal ties broken by file order
 * included, in O(log n) per bisection step instead of a sort. */
static double rank_with(const search *c, double s) {
  return gs_rankq_rank(c->q, s, c->spec->ties);
}

/* Steps are counted in doubles, whole up to 2^53: a wide range on a fine
 * grid would overflow a long.  Past that many steps the last candidate is
 * the maximum itself. */
#define MAX_STEPS 9007199254740992.0

/* The gain of candidate m (a whole number of steps of 10^-sd, >= 1),
 * capped so that value + gain stays within the pillar's maximum: the
 * capped candidate is max - value, which may be off the grid. */
static double candidate(double x, double max, int sd, double m) {
  double g = m / pow(10.0, sd); /* the double nearest m * 10^-sd */
  if (m >= MAX_STEPS || x + g > max) {
    g = max - x;
    while (g > 0 && x + g > max) g = nextafter(g, 0);
  }
  return g;
}

/* The value shown for x + g: on the grid when x is (16.31 + 0.04 is
 * 16.350000000000001 in binary; 16.35 is what people read and set), else
 * x + g itself, the value adding g gives. */
static double shown(double x, double g, double max, int sd) {
  if (!gs_on_grid(x, sd)) return x + g;
  double v = gs_round(x + g, sd);
  return v > max ? max : v;
}

/* Whether candidate m for pillar p gives unit u a rank better than `now`,
 * both ways a user may apply it: adding the gain (d:with{ISO = {pillar =
 * {add = gain}}}) and setting the value shown.  *rank gets the rank adding it gives (NaN
 * when out of memory, which is then "not better"). */
static int better(const search *c, size_t p, double m, double now, double *rank) {
  double x = gs_dataset_pv(c->d, c->u, p), max = c->d->pmax[p];
  double g = candidate(x, max, c->sd, m);
  *rank = rank_with(c, score_with(c, p, x + g));
  if (!(*rank < now)) return 0;
  double v = shown(x, g, max, c->sd);
  return v == x + g || rank_with(c, score_with(c, p, v)) < now;
}

gs_explain *gs_explain_unit(const gs_dataset *d, size_t u, const gs_spec *spec, char *err,
                            size_t errlen) {
  return gs_explain_unit_ranked(d, u, spec, NULL, NULL, NULL, 0, err, errlen);
}

/* The rows of it[from..to) but `skip`, into a new array (*count of them):
 * a group of one rank or one key, whose rows ascend with the positions. */
static size_t *rows_of(const gs_keyrow *it, size_t from, size_t to, size_t skip, size_t *count) {
  size_t *out = malloc((to > from ? to - from : 1) * sizeof *out), m = 0;
  if (!out) return NULL;
  for (size_t j = from; j < to; j++)
    if (it[j].idx != skip) out[m++] = it[j].idx;
  *count = m;
  return out;
}

gs_explain *gs_explain_unit_ranked(const gs_dataset *d, size_t u, const gs_spec *spec, const double *score,
                                   const double *rank, const gs_keyrow *sorted, size_t m, char *err,
                                   size_t errlen) {
  size_t n = d->n, k = d->npillar;
  if (k == 0) { snprintf(err, errlen, "%s has no pillars", d->source); return NULL; }
  if (u >= n) { snprintf(err, errlen, "row %zu out of range", u); return NULL; }
  if (spec->agg != GS_AGG_ARITHMETIC) {
    snprintf(err, errlen, "a %s mean has no pillar contributions (only the arithmetic mean's points add up)",
             gs_agg_name(spec->agg));
    return NULL;
  }
  gs_explain *e = calloc(1, sizeof *e);
  double *y = malloc(k * sizeof *y);
  gs_keyrow *own = NULL; /* the sorted rows when the caller has none */
  gs_rankq *q = NULL;
  if (!e || !y) goto oom;
  e->unit = u;
  e->n = n;
  e->k = k;
  e->best = -1;
  e->points = malloc(8 * k * sizeof *e->points);
  if (!e->points) goto oom;
  e->share = e->points + k;
  e->gap = e->share + k;
  e->gap_points = e->gap + k;
  e->gain = e->gap_points + k;
  e->new_value = e->gain + k;
  e->new_score = e->new_value + k;
  e->new_rank = e->new_score + k;
  /* gs_score_dataset validates the spec; given scores, it is checked here */
  if (score && rank && sorted) {
    if (gs_spec_check_dataset(spec, d, err, errlen) != 0) goto fail;
    e->borrowed = 1;
    e->scores = (double *)score; /* borrowed, never written (explain.h) */
    e->ranks = (double *)rank;
  } else {
    e->scores = malloc(n * sizeof *e->scores);
    e->ranks = malloc(n * sizeof *e->ranks);
    own = malloc((n ? n : 1) * sizeof *own);
    if (!e->scores || !e->ranks || !own) goto oom;
    if (gs_score_dataset(d, spec, e->scores, err, errlen) != 0) goto fail;
    if (gs_rank_sorted(e->scores, n, spec->digits, spec->ties, e->ranks, own, &m) != 0) goto oom;
    sorted = own;
  }
  /* S(max) as score.c computes it, so that a gained score below is the
   * double d:score would compute */
  double smax;
  if (gs_score_max(d, spec, &smax, err, errlen) != 0) goto fail;
  e->factor = spec->scale > 0 ? spec->scale / smax : 1;
  e->score = e->scores[u];
  e->rank = e->ranks[u];
  e->step_digits = gs_dataset_grid(d, &e->grid_exact);
  for (size_t p = 0; p < k; p++) {
    double x = gs_dataset_pv(d, u, p);
    e->points[p] = e->factor * spec->w[p] * x;
    e->share[p] = e->score != 0 ? e->points[p] / e->score : NAN;
    e->gap[p] = d->pmax[p] - x;
    e->gap_points[p] = e->factor * spec->w[p] * e->gap[p];
    e->gain[p] = e->new_value[p] = e->new_score[p] = e->new_rank[p] = NAN;
  }
  /* Neighbours by rank, not by score: under ordinal ties the unit ranked
   * just above may share the score (a tie broken by file order).  Under
   * the other rules ranks follow the rounded scores, so this is the
   * nearest strictly higher (lower) rounded score.  All are next to u in
   * the sorted rows (descending key, then row), whose groups of one rank
   * or one key list their rows in file order. */
  if (!(q = gs_rankq_view(e->scores, n, sorted, m, e->ranks, spec->ties, u, spec->digits))) goto oom;
  size_t pu = gs_rankq_position(q), gs = pu, ge = pu;
  if (pu < m) {
    double me = e->rank;
    while (gs > 0 && e->ranks[sorted[gs - 1].idx] == me) gs--;
    while (ge < m && e->ranks[sorted[ge].idx] == me) ge++;
  }
  size_t as = gs, ts = gs, te = ge;
  if (pu < m && gs > 0) { /* the rank just above: its whole group */
    double up = e->ranks[sorted[gs - 1].idx];
    while (as > 0 && e->ranks[sorted[as - 1].idx] == up) as--;
  }
  size_t be = ge;
  if (pu < m && ge < m) {
    double down = e->ranks[sorted[ge].idx];
    while (be < m && e->ranks[sorted[be].idx] == down) be++;
  }
  if (pu < m && spec->ties == GS_TIES_ORDINAL) { /* the same rounded score, ranks apart */
    double key = sorted[pu].key;
    ts = te = pu;
    while (ts > 0 && sorted[ts - 1].key == key) ts--;
    while (te < m && sorted[te].key == key) te++;
  }
  if (!(e->above = rows_of(sorted, as, gs, SIZE_MAX, &e->nabove)) ||
      !(e->below = rows_of(sorted, ge, be, SIZE_MAX, &e->nbelow)) ||
      !(e->tied = rows_of(sorted, ts, te, u, &e->ntied)))
    goto oom;
  /* The gains: for each pillar alone, the fewest steps that give a rank
   * better than now, by bisection (value + gain, the score and so the
   * rank move monotonically with the steps, float rounding included). */
  e->first = !(e->rank > 1);
  search c = {.d = d, .spec = spec, .u = u, .sd = e->step_digits, .smax = smax, .q = q, .y = y};
  for (size_t p = 0; !e->first && p < k; p++) {
    double x = gs_dataset_pv(d, u, p), max = d->pmax[p], r;
    if (!(x < max) || !isfinite(max)) continue;
    /* the fewest steps that reach the maximum (the last one capped there) */
    double hi = fmin(fmax(ceil((max - x) * pow(10.0, e->step_digits) - 1e-6), 1), MAX_STEPS);
    if (!better(&c, p, hi, e->rank, &r)) {
      if (isnan(r)) goto oom;
      continue;
    }
    double lo = 1; /* invariant: hi is better; every m < lo is not */
    while (lo < hi) {
      double mid = lo + floor((hi - lo) / 2);
      if (better(&c, p, mid, e->rank, &r)) hi = mid;
      else if (isnan(r)) goto oom;
      else lo = mid + 1;
    }
    double g = candidate(x, max, e->step_digits, hi);
    e->gain[p] = g;
    e->new_value[p] = shown(x, g, max, e->step_digits);
    e->new_score[p] = score_with(&c, p, x + g);
    e->new_rank[p] = rank_with(&c, e->new_score[p]);
    if (isnan(e->new_rank[p])) goto oom;
    if (e->best < 0 || g < e->gain[e->best]) e->best = (long)p;
  }
  free(y);
  gs_rankq_free(q);
  free(own);
  return e;
oom:
  snprintf(err, errlen, "out of memory");
fail:
  free(y);
  gs_rankq_free(q);
  free(own);
  gs_explain_free(e);
  return NULL;
}
