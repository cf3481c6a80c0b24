/* test_explain.c - unit tests of explain.c on a four-country dataset whose
 * answers are worked out by hand in the comments. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvload.h"
#include "explain.h"
#include "explaintable.h"
#include "harness.h"
#include "score.h"
#include "target.h"
#include "ties.h"

static gs_dataset *load(const char *text) {
  static const char *const pil[] = {"a", "b"};
  gs_load_opts o = {.pillars = pil, .npillars = 2};
  char err[512];
  gs_dataset *d = gs_load_csv_mem("t.csv", text, strlen(text), &o, err, sizeof err);
  T_OK(d != NULL, "load: %s", err);
  return d;
}

/* gs_explain_unit of row u, checked not to fail (NULL when it did). */
static gs_explain *explain(const gs_dataset *d, size_t u, const gs_spec *s) {
  char err[256];
  gs_explain *e = gs_explain_unit(d, u, s, err, sizeof err);
  T_OK(e != NULL, "explain: %s", err);
  return e;
}

/* weights a=2, b=1 (pillars 0..20):
 *   AAA 2*10+10 = 30, BBB 2*8+9 = 25, CCC 2*9+8 = 26, DDD 2*5+5.5 = 15.5
 * dense ranks: AAA 1, CCC 2, BBB 3, DDD 4. */
static const char data[] = "iso3,country,a,b\nAAA,A,10,10\nBBB,B,8,9\nCCC,C,9,8\nDDD,D,5,5.5\n";

static void test_ccc(void) {
  gs_dataset *d = load(data);
  if (!d) return;
  const double w[] = {2, 1};
  gs_spec s = {.w = w, .digits = 2, .ties = GS_TIES_DENSE};
  gs_explain *e = explain(d, 2, &s);
  if (!e) { gs_dataset_free(d); return; }
  T_INT(e->step_digits, 1); /* 5.5 is the finest value */
  T_NEAR(e->score, 26, 0);
  T_NEAR(e->rank, 2, 0);
  T_NEAR(e->points[0], 18, 0);
  T_NEAR(e->points[1], 8, 0);
  T_NEAR(e->share[0], 18.0 / 26, 1e-15);
  T_NEAR(e->gap[0], 11, 0);
  T_NEAR(e->gap_points[0], 22, 0);
  T_INT(e->nabove, 1);
  T_INT(e->above[0], 0); /* AAA */
  T_INT(e->nbelow, 1);
  T_INT(e->below[0], 1); /* BBB */
  T_INT(e->ntied, 0);
  /* rank 1 needs 30 (a tie with AAA is dense rank 1): a 9 -> 11 (+2), b 8 -> 12 (+4) */
  T_NEAR(e->gain[0], 2, 1e-12);
  T_NEAR(e->gain[1], 4, 1e-12);
  T_NEAR(e->new_rank[0], 1, 0);
  T_NEAR(e->new_score[1], 30, 1e-12);
  T_INT(e->best, 0);
  T_INT(e->first, 0);
  gs_explain_free(e);

  /* scale 100: S(max) = 60, factor 100/60; points and score scale alike */
  s.scale = 100;
  e = explain(d, 2, &s); /* scaled */
  if (e) {
    T_NEAR(e->factor, 100.0 / 60, 1e-15);
    T_NEAR(e->score, 2600.0 / 60, 1e-12);
    T_NEAR(e->points[0] + e->points[1], e->score, 1e-12);
    T_NEAR(e->gain[0], 2, 1e-12); /* ranks do not change with a common factor */
  }
  gs_explain_free(e);
  gs_dataset_free(d);
}

static void test_bbb_competition_and_first(void) {
  gs_dataset *d = load(data);
  if (!d) return;
  const double w[] = {2, 1};
  gs_spec s = {.w = w, .digits = 2, .ties = GS_TIES_COMPETITION};
  char err[256];
  /* BBB 25, rank 3; tying CCC's 26 gives competition rank 2:
   * a 8 -> 8.5 (+0.5), b 9 -> 10 (+1) */
  gs_explain *e = gs_explain_unit(d, 1, &s, err, sizeof err);
  T_OK(e != NULL, "explain: %s", err);
  if (e) {
    T_NEAR(e->rank, 3, 0);
    T_NEAR(e->gain[0], 0.5, 1e-12);
    T_NEAR(e->gain[1], 1, 1e-12);
    T_NEAR(e->new_rank[0], 2, 0);
    T_INT(e->best, 0);
  }
  gs_explain_free(e);
  /* AAA is first: nothing above, no gains */
  e = explain(d, 0, &s);
  if (e) {
    T_INT(e->first, 1);
    T_INT(e->nabove, 0);
    T_INT(e->best, -1);
    T_OK(isnan(e->gain[0]) && isnan(e->gain[1]), "no gains for the first");
  }
  gs_explain_free(e);
  /* DDD is last: nothing below */
  e = gs_explain_unit(d, 3, &s, err, sizeof err);
  T_OK(e != NULL, "explain DDD: %s", err);
  if (e) T_INT(e->nbelow, 0);
  gs_explain_free(e);
  /* all-zero weights are refused with a message */
  const double z[] = {0, 0};
  s.w = z;
  e = gs_explain_unit(d, 0, &s, err, sizeof err);
  T_OK(e == NULL, "zero weights refused");
  T_CONTAINS(err, "weights");
  gs_explain_free(NULL);
  gs_dataset_free(d);
}

static void test_pillar_not_enough(void) {
  /* AAA 20+20 = 40, BBB 19.95+0 = 19.95 (weights 1): BBB needs 40 for
   * rank 1; a at its maximum gives 20, b at its maximum 39.95: neither
   * pillar alone suffices. */
  gs_dataset *d = load("iso3,country,a,b\nAAA,A,20,20\nBBB,B,19.95,0\n");
  if (!d) return;
  const double w[] = {1, 1};
  gs_spec s = {.w = w, .digits = 2, .ties = GS_TIES_DENSE};
  gs_explain *e = explain(d, 1, &s);
  if (e) {
    T_INT(e->step_digits, 2);
    T_OK(isnan(e->gain[0]) && isnan(e->gain[1]), "neither pillar suffices");
    T_INT(e->best, -1);
    T_INT(e->first, 0);
  }
  gs_explain_free(e);
  gs_dataset_free(d);
}

static void test_ordinal_neighbours(void) {
  /* a = b = 10 for AAA, BBB, CCC (score 20), DDD first in the file at
   * 5 + 10 = 15.  Ordinal ranks (equal scores in file order): AAA 1, BBB 2,
   * CCC 3, DDD 4.  BBB's neighbours are AAA (above, same score) and CCC
   * (below).  DDD needs +5 on a (or b) to reach 20, where it ties the
   * three and, first in the file, ranks 1; +4 leaves it at 19, rank 4. */
  gs_dataset *d = load("iso3,country,a,b\nDDD,D,5,10\nAAA,A,10,10\nBBB,B,10,10\nCCC,C,10,10\n");
  if (!d) return;
  const double w[] = {1, 1};
  gs_spec s = {.w = w, .digits = 2, .ties = GS_TIES_ORDINAL};
  gs_explain *e = explain(d, 2, &s);
  if (e) {
    T_NEAR(e->rank, 2, 0);
    T_INT(e->nabove, 1);
    if (e->nabove == 1) T_INT(e->above[0], 1); /* AAA */
    T_INT(e->nbelow, 1);
    if (e->nbelow == 1) T_INT(e->below[0], 3); /* CCC */
    T_INT(e->ntied, 2);                        /* AAA and CCC share the score */
  }
  gs_explain_free(e);
  e = explain(d, 0, &s);
  if (e) {
    T_NEAR(e->rank, 4, 0);
    T_INT(e->step_digits, 0);
    T_NEAR(e->gain[0], 5, 0);
    T_NEAR(e->gain[1], 5, 0);
    T_NEAR(e->new_rank[0], 1, 0);
    T_NEAR(e->new_value[1], 15, 0);
  }
  gs_explain_free(e);
  gs_dataset_free(d);
}

static void test_off_grid(void) {
  /* AAA 10.123456789 + 10 = 20.123456789 (rounds to 20.12), BBB 10 + 10.
   * The grid is 10^-6 (values with more than 6 decimals).  BBB needs a
   * score >= 20.115 (rounds half up to 20.12): a gain of at least 0.115,
   * i.e. 115000 steps of 10^-6, new value 10.115 exactly (BBB is on the
   * grid).  AAA is first. */
  gs_dataset *d = load("iso3,country,a,b\nAAA,A,10.123456789,10\nBBB,B,10,10\n");
  if (!d) return;
  const double w[] = {1, 1};
  gs_spec s = {.w = w, .digits = 2, .ties = GS_TIES_DENSE};
  gs_explain *e = explain(d, 1, &s);
  if (e) {
    T_INT(e->step_digits, 6);
    T_INT(e->grid_exact, 0);
    T_NEAR(e->gain[0], 0.115, 1e-15);
    T_NEAR(e->new_value[0], 10.115, 1e-15);
    T_NEAR(e->new_rank[0], 1, 0);
  }
  gs_explain_free(e);
  gs_dataset_free(d);
}

static void test_wide_range(void) {
  /* Pillars 0..1e13 on a 10^-6 grid: 10^19 steps, more than a long holds.
   * AAA 5e12 + 0.000001, BBB 1 + 0.000001: BBB needs a >= 5e12 - 0.005 for
   * rank 1, more than 2^53 steps, so the gain is the maximum's: a up to
   * 1e13 (+ 1e13 - 1), which gives rank 1; likewise b (1 + 1e13 > 5e12). */
  static const char *const pil[] = {"a", "b"};
  gs_load_opts o = {.pillars = pil, .npillars = 2, .has_range = 1, .pmin = 0, .pmax = 1e13};
  static const char text[] = "iso3,country,a,b\nAAA,A,5000000000000,0.000001\nBBB,B,1,0.000001\n";
  char err[256];
  gs_dataset *d = gs_load_csv_mem("t.csv", text, strlen(text), &o, err, sizeof err);
  T_OK(d != NULL, "load: %s", err);
  if (!d) return;
  const double w[] = {1, 1};
  gs_spec s = {.w = w, .digits = 2, .ties = GS_TIES_DENSE};
  gs_explain *e = gs_explain_unit(d, 1, &s, err, sizeof err);
  T_OK(e != NULL, "explain: %s", err);
  if (e) {
    T_INT(e->step_digits, 6);
    T_NEAR(e->new_value[0], 1e13, 0);
    T_NEAR(e->gain[0], 1e13 - 1, 0);
    T_NEAR(e->new_rank[0], 1, 0);
    T_NEAR(e->new_rank[1], 1, 0);
  }
  gs_explain_free(e);
  gs_dataset_free(d);
}

/* The scoring spec shared with target.h (same data, weights a=2, b=1):
 * explain takes the arithmetic mean only; gs_target checks its spec as
 * d:score does.  CCC (26, rank 2) reaches rank 1 when its score rounds to
 * AAA's 30 (dense: no level above): a alone 2a + 8 >= 30 -> a = 11; b
 * alone 18 + b >= 30 -> b = 12. */
static void test_spec_shared(void) {
  gs_dataset *d = load(data);
  if (!d) return;
  const double w[] = {2, 1}, w0[] = {0, 0};
  char err[256];
  gs_spec s;
  gs_spec_init(&s, w);
  s.agg = GS_AGG_GEOMETRIC;
  T_OK(gs_explain_unit(d, 2, &s, err, sizeof err) == NULL, "explain refuses a geometric mean");
  T_CONTAINS(err, "arithmetic");
  gs_target_spec t = {.step_digits = 2, .rank = 1};
  gs_spec_init(&t.spec, w);
  gs_target_result *r = gs_target(d, 2, &t, err, sizeof err);
  T_OK(r != NULL, "target: %s", err);
  if (r) {
    T_NEAR(r->score, 26, 1e-12);
    T_NEAR(r->rank, 2, 0);
    T_NEAR(r->alone[0], 11, 1e-9);
    T_NEAR(r->alone[1], 12, 1e-9);
  }
  gs_target_result_free(r);
  t.spec.w = w0;
  T_OK(gs_target(d, 2, &t, err, sizeof err) == NULL, "target refuses all-zero weights");
  T_STR(err, "weights must not all be zero");
  gs_dataset_free(d);
}

/* ---- the grid and the ranked path, against references written here ---- */

/* The grid test as explain first wrote it: nearbyint and fmax. */
static int ref_on_grid(double x, int dg) {
  double y = x * pow(10.0, dg);
  return fabs(y - nearbyint(y)) <= 1e-9 * fmax(1, fabs(y));
}

/* gs_on_grid (the branch-free form scans use) against it, on values of
 * every size, halves, near-halves, the 2^51 and 2^52 boundaries, NaN and
 * infinities. */
static void test_on_grid_matches_reference(void) {
  static const double fixed[] = {0, -0.0, 0.5, 1.5, 2.5, -2.5, 1e-10, 0.1, 0.30000000000000004, 16.31, 1.005,
                                 0x1p51 - 0.5, 0x1p51, 0x1p51 + 1, 0x1p52 - 0.5, 0x1p52, 0x1p53 + 2, 1e300,
                                 INFINITY, -INFINITY, NAN, 123456.789, 2e-9, 0.9999999995};
  int bad = 0, n = 0;
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
    for (int dg = 0; dg <= 6; dg++, n++)
      if (gs_on_grid(fixed[i], dg) != ref_on_grid(fixed[i], dg) && bad++ < 5)
        fprintf(stderr, "on_grid(%.17g, %d)\n", fixed[i], dg);
  for (int i = 0; i < 200000; i++, n++) {
    uint64_t r = t_next();
    double x = (double)(int64_t)(r >> 20) / pow(10.0, (double)(r % 9)); /* decimals 0..8 */
    if (r % 5 == 0) x = ldexp((double)(r >> 11) * 0x1p-53, (int)(r % 120) - 40); /* anything */
    int dg = (int)(t_next() % 7);
    if (gs_on_grid(x, dg) != ref_on_grid(x, dg) && bad++ < 5) fprintf(stderr, "on_grid(%.17g, %d)\n", x, dg);
  }
  T_INT(bad, 0);
  T_OK(n > 200000, "%d values", n);
}

/* The grid of a dataset as explain first computed it, value by value. */
static int ref_grid(const gs_dataset *d, int *exact) {
  int dg = 0;
  *exact = 1;
  for (size_t p = 0; p < d->npillar; p++)
    for (size_t i = 0; i <= d->n; i++) {
      double x = i < d->n ? gs_dataset_pv(d, i, p) : d->pmax[p];
      while (dg < 6 && !ref_on_grid(x, dg)) dg++;
      if (!ref_on_grid(x, dg)) *exact = 0;
    }
  return dg;
}

/* gs_dataset_grid (block by block, cached) against it on 1,000 rows: the
 * finest value alone in a late block, in the last row, in the second
 * pillar, beyond 6 decimals, or only in the maximum. */
static void test_grid_matches_reference(void) {
  static const char *const pil[] = {"a", "b"};
  static const char *const odd[] = {"", "7.125", "7.1234567", "3.5", "0.001"};
  size_t n = 1000, cap = 64 * n + 64;
  char *text = malloc(cap);
  for (int c = 0; c < 14; c++) {
    size_t len = (size_t)snprintf(text, cap, "iso3,country,a,b\n");
    size_t at = c % 3 == 0 ? 700 : c % 3 == 1 ? n - 1 : 3;
    for (size_t i = 0; i < n; i++) {
      char a[32], b[32];
      snprintf(a, sizeof a, "%.2f", (double)(t_next() % 2001) / 100.0);
      snprintf(b, sizeof b, "%d", (int)(t_next() % 21));
      const char *o = odd[(c / 3) % 5];
      if (i == at && *o) snprintf(c % 2 ? b : a, 32, "%s", o);
      len += (size_t)snprintf(text + len, cap - len, "U%04zu,U,%s,%s\n", i, a, b);
    }
    gs_load_opts opt = {.pillars = pil, .npillars = 2};
    if (c >= 12) { /* the maximum has the finest value */
      opt.has_range = 1;
      opt.pmin = 0;
      opt.pmax = c == 12 ? 20.25 : 20.0000001;
    }
    char err[512];
    gs_dataset *d = gs_load_csv_mem("t.csv", text, len, &opt, err, sizeof err);
    T_OK(d != NULL, "load: %s", err);
    if (!d) continue;
    int ex, rex, dg = gs_dataset_grid(d, &ex), rdg = ref_grid(d, &rex);
    T_INT(dg, rdg);
    T_INT(ex, rex);
    T_INT(gs_dataset_grid(d, &ex), rdg); /* cached */
    gs_dataset_free(d);
  }
  free(text);
}

static int same_rows(const size_t *a, size_t na, const size_t *b, size_t nb) {
  return na == nb && (na == 0 || memcmp(a, b, na * sizeof *a) == 0);
}

/* Rows i != u whose v[i] equals level, ascending: the neighbours by their
 * definition (explain.h). */
static size_t ref_rows(const double *v, size_t n, size_t u, double level, size_t *out) {
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (i != u && v[i] == level) out[m++] = i;
  return m;
}

/* Explain from a result's scores, ranks and sorted rows (r:explain's path,
 * nothing ranked again) against explaining from scratch and against the
 * neighbours by definition: every unit of 300, coarse scores with many
 * ties, under each tie rule. */
static void test_ranked_path_matches(void) {
  static const char *const pil[] = {"a", "b"};
  size_t n = 300, cap = 40 * n + 64;
  char *text = malloc(cap);
  size_t len = (size_t)snprintf(text, cap, "iso3,country,a,b\n");
  for (size_t i = 0; i < n; i++)
    len += (size_t)snprintf(text + len, cap - len, "U%03zu,U,%.1f,%d\n", i, (double)(t_next() % 41) / 2,
                            (int)(t_next() % 5));
  gs_load_opts opt = {.pillars = pil, .npillars = 2};
  char err[512];
  gs_dataset *d = gs_load_csv_mem("t.csv", text, len, &opt, err, sizeof err);
  free(text);
  T_OK(d != NULL, "load: %s", err);
  if (!d) return;
  const double w[] = {1, 2};
  double *score = malloc(n * sizeof *score), *rank = malloc(n * sizeof *rank), *rd = malloc(n * sizeof *rd);
  size_t *ref = malloc(n * sizeof *ref), m;
  gs_keyrow *sorted = malloc(n * sizeof *sorted);
  int bad = 0, compared = 0;
  for (int t = 0; t < 4; t++) {
    gs_spec s = {.w = w, .digits = 0, .ties = (gs_ties)t};
    T_INT(gs_score_dataset(d, &s, score, err, sizeof err), 0);
    T_INT(gs_rank_sorted(score, n, s.digits, s.ties, rank, sorted, &m), 0);
    for (size_t i = 0; i < n; i++) rd[i] = gs_round(score[i], s.digits);
    for (size_t u = 0; u < n; u++) {
      gs_explain *a = gs_explain_unit_ranked(d, u, &s, score, rank, sorted, m, err, sizeof err);
      gs_explain *b = gs_explain_unit(d, u, &s, err, sizeof err);
      if (!a || !b) { bad++; gs_explain_free(a); gs_explain_free(b); continue; }
      compared++;
      int ok = a->borrowed && !b->borrowed && a->rank == b->rank && a->score == b->score && a->first == b->first &&
               a->best == b->best && same_rows(a->above, a->nabove, b->above, b->nabove) &&
               same_rows(a->below, a->nbelow, b->below, b->nbelow) && same_rows(a->tied, a->ntied, b->tied, b->ntied);
      for (size_t p = 0; p < 2; p++)
        ok &= (a->gain[p] == b->gain[p] || (isnan(a->gain[p]) && isnan(b->gain[p]))) &&
              (a->new_rank[p] == b->new_rank[p] || (isnan(a->new_rank[p]) && isnan(b->new_rank[p])));
      /* the neighbours by definition: the nearest better and worse ranks */
      double up = -INFINITY, down = INFINITY;
      for (size_t i = 0; i < n; i++) {
        if (rank[i] < rank[u] && rank[i] > up) up = rank[i];
        if (rank[i] > rank[u] && rank[i] < down) down = rank[i];
      }
      ok &= same_rows(a->above, a->nabove, ref, ref_rows(rank, n, u, up, ref));
      ok &= same_rows(a->below, a->nbelow, ref, ref_rows(rank, n, u, down, ref));
      ok &= same_rows(a->tied, a->ntied, ref, ref_rows(rd, n, u, rd[u], ref));
      if (!ok && bad++ < 5) fprintf(stderr, "ranked explain differs: ties %d unit %zu\n", t, u);
      gs_explain_free(a);
      gs_explain_free(b);
    }
  }
  T_INT(bad, 0);
  T_INT(compared, 4 * (int)n);
  free(score);
  free(rank);
  free(rd);
  free(ref);
  free(sorted);
  gs_dataset_free(d);
}

/* The footer names at most 8 neighbours of a kind, then says how many
 * more; the result keeps them all.  20 units at a = 10 (one tie of 20),
 * one above at 12 and 12 below at 5: unit 0 is tied with 19. */
static void test_footer_names_eight(void) {
  char text[4096];
  size_t len = (size_t)snprintf(text, sizeof text, "iso3,country,a,b\nTOP,T,12,0\n");
  for (int i = 0; i < 20; i++) len += (size_t)snprintf(text + len, sizeof text - len, "T%02d,T,10,0\n", i);
  for (int i = 0; i < 12; i++) len += (size_t)snprintf(text + len, sizeof text - len, "B%02d,B,5,0\n", i);
  gs_dataset *d = load(text);
  if (!d) return;
  const double w[] = {1, 1};
  gs_spec s = {.w = w, .digits = 2, .ties = GS_TIES_DENSE};
  gs_explain *e = explain(d, 1, &s);
  gs_table *t = e ? gs_explain_table(d, 1, &s, e) : NULL;
  T_OK(t != NULL, "table");
  if (e && t) {
    T_INT(e->ntied, 19);
    T_INT(e->nbelow, 12);
    T_INT(e->nabove, 1);
    const char *f = gs_table_footer(t);
    T_CONTAINS(f, "T08 (T) rank 2, score 10 (+0); and 11 more");
    T_CONTAINS(f, "B07 (B) rank 3, score 5 (-5); and 4 more");
    T_CONTAINS(f, "just above: TOP (T) rank 1, score 12 (+2)\n");
    T_OK(strstr(f, "T09") == NULL && strstr(f, "B08") == NULL, "the ninth is not named");
  }
  gs_table_free(t);
  gs_explain_free(e);
  gs_dataset_free(d);
}

int main(void) {
  t_seed(0x9E3779B97F4A7C15u);
  test_ccc();
  test_spec_shared();
  test_bbb_competition_and_first();
  test_pillar_not_enough();
  test_ordinal_neighbours();
  test_off_grid();
  test_wide_range();
  test_on_grid_matches_reference();
  test_grid_matches_reference();
  test_ranked_path_matches();
  test_footer_names_eight();
  return t_done();
}
