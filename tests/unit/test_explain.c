/* test_explain.c - unit tests of explain.c on a four-country dataset whose
 * answers are worked out by hand in the comments. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "csvload.h"
#include "explain.h"
#include "harness.h"
#include "target.h"

static gs_dataset *load(const char *text) {
  static const char *const pil[] = {"a", "b"};
  gs_load_opts o = {.pillars = pil, .npillars = 2};
  char err[512];
  gs_dataset *d = gs_load_csv_mem("t.csv", text, strlen(text), &o, err, sizeof err);
  T_OK(d != NULL, "load: %s", err);
  return d;
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
  char err[256];
  gs_explain *e = gs_explain_unit(d, 2, &s, err, sizeof err);
  T_OK(e != NULL, "explain: %s", err);
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
  e = gs_explain_unit(d, 2, &s, err, sizeof err);
  T_OK(e != NULL, "explain scaled: %s", err);
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
  e = gs_explain_unit(d, 0, &s, err, sizeof err);
  T_OK(e != NULL, "explain: %s", err);
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
  char err[256];
  gs_explain *e = gs_explain_unit(d, 1, &s, err, sizeof err);
  T_OK(e != NULL, "explain: %s", err);
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
  char err[256];
  gs_explain *e = gs_explain_unit(d, 2, &s, err, sizeof err);
  T_OK(e != NULL, "explain: %s", err);
  if (e) {
    T_NEAR(e->rank, 2, 0);
    T_INT(e->nabove, 1);
    if (e->nabove == 1) T_INT(e->above[0], 1); /* AAA */
    T_INT(e->nbelow, 1);
    if (e->nbelow == 1) T_INT(e->below[0], 3); /* CCC */
    T_INT(e->ntied, 2);                        /* AAA and CCC share the score */
  }
  gs_explain_free(e);
  e = gs_explain_unit(d, 0, &s, err, sizeof err);
  T_OK(e != NULL, "explain: %s", err);
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
  char err[256];
  gs_explain *e = gs_explain_unit(d, 1, &s, err, sizeof err);
  T_OK(e != NULL, "explain: %s", err);
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

int main(void) {
  test_ccc();
  test_spec_shared();
  test_bbb_competition_and_first();
  test_pillar_not_enough();
  test_ordinal_neighbours();
  test_off_grid();
  test_wide_range();
  return t_done();
}
