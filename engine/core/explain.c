/* explain.c - one unit's score and rank explained (see explain.h). */
#include "explain.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rankq.h"
#include "score.h"

/* Whether x is written exactly (up to 1e-9) with dg decimals. */
static int on_grid(double x, int dg) {
  /* 10^0..10^6 are exact: the values pow gives, without a pow per value */
  static const double p10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6};
  double y = x * (dg >= 0 && dg <= 6 ? p10[dg] : pow(10.0, dg));
  return fabs(y - nearbyint(y)) <= 1e-9 * fmax(1, fabs(y));
}

/* The number of decimals (0..6) needed to write every pillar value of d
 * exactly: the grid gains move on.  *exact is 0 when some value needs more
 * than 6 (data published unrounded, as the GCI 2024 file). */
static int step_digits(const gs_dataset *d, int *exact) {
  int dg = 0;
  *exact = 1;
  for (size_t p = 0; p < d->npillar; p++)
    for (size_t i = 0; i <= d->n; i++) {
      /* the pillar's maximum counts too: a gain may end exactly there */
      double x = i < d->n ? gs_dataset_pv(d, i, p) : d->pmax[p];
      while (dg < 6 && !on_grid(x, dg)) dg++;
      if (!on_grid(x, dg)) *exact = 0;
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

/* Rows i != u with v[i] == level (ranks or rounded scores; NaN matches
 * nothing), into a new array. */
static size_t *collect(const double *v, size_t n, size_t u, double level, size_t *count) {
  size_t m = 0;
  for (size_t i = 0; i < n; i++) m += i != u && v[i] == level;
  size_t *out = malloc((m ? m : 1) * sizeof *out);
  if (!out) return NULL;
  m = 0;
  for (size_t i = 0; i < n; i++)
    if (i != u && v[i] == level) out[m++] = i;
  *count = m;
  return out;
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
  if (!on_grid(x, sd)) return x + g;
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
  size_t n = d->n, k = d->npillar;
  if (k == 0) { snprintf(err, errlen, "%s has no pillars", d->source); return NULL; }
  if (u >= n) { snprintf(err, errlen, "row %zu out of range", u); return NULL; }
  if (spec->agg != GS_AGG_ARITHMETIC) {
    snprintf(err, errlen, "a %s mean has no pillar contributions (only the arithmetic mean's points add up)",
             gs_agg_name(spec->agg));
    return NULL;
  }
  gs_explain *e = calloc(1, sizeof *e);
  double *rd = malloc(n * sizeof *rd), *y = malloc(k * sizeof *y);
  gs_rankq *q = NULL;
  if (!e || !rd || !y) goto oom;
  e->unit = u;
  e->n = n;
  e->k = k;
  e->best = -1;
  e->scores = malloc(n * sizeof *e->scores);
  e->ranks = malloc(n * sizeof *e->ranks);
  e->points = malloc(8 * k * sizeof *e->points);
  if (!e->scores || !e->ranks || !e->points) goto oom;
  e->share = e->points + k;
  e->gap = e->share + k;
  e->gap_points = e->gap + k;
  e->gain = e->gap_points + k;
  e->new_value = e->gain + k;
  e->new_score = e->new_value + k;
  e->new_rank = e->new_score + k;
  /* gs_score_dataset validates the spec for us. */
  if (gs_score_dataset(d, spec, e->scores, err, errlen) != 0) goto fail;
  if (gs_rank(e->scores, n, spec->digits, spec->ties, e->ranks) != 0) goto oom;
  /* S(max) as score.c computes it, so that a gained score below is the
   * double d:score would compute */
  double smax;
  if (gs_score_max(d, spec, &smax, err, errlen) != 0) goto fail;
  e->factor = spec->scale > 0 ? spec->scale / smax : 1;
  e->score = e->scores[u];
  e->rank = e->ranks[u];
  e->step_digits = step_digits(d, &e->grid_exact);
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
   * nearest strictly higher (lower) rounded score. */
  double me = e->rank, up = -INFINITY, down = INFINITY;
  for (size_t i = 0; i < n; i++) {
    if (e->ranks[i] < me && e->ranks[i] > up) up = e->ranks[i];
    if (e->ranks[i] > me && e->ranks[i] < down) down = e->ranks[i];
  }
  for (size_t i = 0; i < n; i++) rd[i] = gs_round(e->scores[i], spec->digits);
  if (!(e->above = collect(e->ranks, n, u, up, &e->nabove)) ||
      !(e->below = collect(e->ranks, n, u, down, &e->nbelow)) || !(e->tied = collect(rd, n, u, rd[u], &e->ntied)))
    goto oom;
  /* The gains: for each pillar alone, the fewest steps that give a rank
   * better than now, by bisection (value + gain, the score and so the
   * rank move monotonically with the steps, float rounding included). */
  e->first = !(e->rank > 1);
  if (!e->first && !(q = gs_rankq_new(e->scores, n, u, spec->digits))) goto oom;
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
  free(rd);
  free(y);
  gs_rankq_free(q);
  return e;
oom:
  snprintf(err, errlen, "out of memory");
fail:
  free(rd);
  free(y);
  gs_rankq_free(q);
  gs_explain_free(e);
  return NULL;
}
