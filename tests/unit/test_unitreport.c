/* test_unitreport.c - engine/core/unitreport.c (a unit's report on an index
 * result, group ids) against hand-worked values (derivations in comments). */
#include <stdlib.h>

#include "csvload.h"
#include "harness.h"
#include "hieradd.h"
#include "hier.h"
#include "unitreport.h"

#define TOL 1e-9
static const double NA = NAN;


/* The tree and data of test_hier.c's small case:
 *   P1 = {i1, i2 (direction -1)}, P2 = {i3 / pop, i4 (weight 3)},
 *   Index = {P1 (weight 2), P2}; three units, min-max 0..100:
 *        i1   i2   i3   i4    P1     P2     Index
 *   U1    0   50    0    0    25      0     50/3
 *   U2   50    0   25  100    25   81.25   43.75
 *   U3  100  100  100  NaN   100    100     100                    */
static const char *const cols[] = {"i1", "i2", "i3", "i4", "pop"};
static const double data[] = {0, 10, 100, 1, 10, 5, 20, 300, 3, 20, 10, 0, 600, NA, 20};

static void test_report(void) {
  gs_hier *h = small_tree();
  char err[256] = "";
  int rc = gs_h_validate(h, "t", err, sizeof err);
  T_INT(rc, 0);
  gs_h_data d = {3, 5, cols, data};
  gs_h_result *r = gs_h_eval(h, &d, NULL, err, sizeof err);
  T_OK(r != NULL, "eval: %s", err);
  if (!r) { gs_h_free(h); return; }
  /* U1 and U2 in one group, U3 in none */
  const int groups[] = {0, 0, -1};
  gs_ur_spec spec = {.digits = -1, .ties = GS_TIES_COMPETITION, .groups = groups, .top = 2, .bottom = 2,
                     .min_discard = 1};
  int st = 1;
  gs_unit_report *ur = gs_unit_report_new(h, r, 1, &spec, &st);
  T_OK(ur != NULL && st == 0, "report of U2");
  if (ur) {
    /* highest level first, node order within a level */
    static const char *const order[] = {"Index", "P1", "P2", "i1", "i2", "i3", "i4"};
    T_INT(ur->n, 7);
    for (size_t q = 0; q < 7 && q < ur->n; q++) T_INT(ur->row[q].node, gs_h_find(h, order[q]));
    /* scores; ranks with competition ties (P1: U1 and U2 tie at 25 below
     * U3: both rank 2); i4: U3 has none, so 2 units ranked */
    const double score[] = {43.75, 25, 81.25, 50, 0, 25, 100};
    const double rank[] = {2, 2, 2, 2, 3, 2, 1};
    const size_t ranked[] = {3, 3, 3, 3, 3, 3, 2};
    /* within {U1, U2}: U2 is first except on i2 (0 < 50); P1 ties at 1 */
    const double grank[] = {1, 1, 1, 1, 2, 1, 1};
    for (size_t q = 0; q < 7; q++) {
      T_NEAR(ur->row[q].score, score[q], TOL);
      T_NEAR(ur->row[q].rank, rank[q], 0);
      T_INT(ur->row[q].ranked, ranked[q]);
      T_NEAR(ur->row[q].group_rank, grank[q], 0);
      T_INT(ur->row[q].group_ranked, 2);
    }
    /* strengths: U2's indicator ranks i1 2, i2 3, i3 2, i4 1; i2's 3 is
     * that column's worst (min_discard), so the order is i4, i1, i3 (i1
     * before i3 on the tie, column order): top 2 = i4, i1; bottom 2 = i1, i3 */
    T_INT(ur->nstr, 2);
    T_INT(ur->nweak, 2);
    T_INT(ur->str[0], 6);
    T_INT(ur->str[1], 3);
    T_INT(ur->weak[0], 3);
    T_INT(ur->weak[1], 5);
    T_INT(ur->row[3].strength, 2);
    T_INT(ur->row[3].weakness, 1);
    T_INT(ur->row[5].weakness, 2);
    T_INT(ur->row[4].strength + ur->row[4].weakness, 0);
  }
  gs_unit_report_free(ur);
  /* without min_discard i2 comes back last: weaknesses i3, i2 */
  spec.min_discard = 0;
  ur = gs_unit_report_new(h, r, 1, &spec, NULL);
  T_OK(ur && ur->nweak == 2 && ur->weak[0] == 5 && ur->weak[1] == 4, "min_discard off: weaknesses i3, i2");
  gs_unit_report_free(ur);
  /* U3 has no group: no group ranks; no groups at all: none either */
  ur = gs_unit_report_new(h, r, 2, &spec, NULL);
  T_OK(ur && isnan(ur->row[0].group_rank) && ur->row[0].group_ranked == 0 && ur->row[0].rank == 1,
       "a unit with no group has no group rank");
  gs_unit_report_free(ur);
  spec.groups = NULL;
  ur = gs_unit_report_new(h, r, 1, &spec, NULL);
  T_OK(ur && isnan(ur->row[0].group_rank), "no groups: no group ranks");
  gs_unit_report_free(ur);
  /* strengths on the raw data times the direction: U2's i1 5 of 0, 5, 10
   * (rank 2), i2 -20 of -10, -20, 0 (rank 3, the worst), i3 300 of 100,
   * 300, 600 (rank 2: not divided by pop - COINr's "Raw"), i4 3 of 1, 3
   * (rank 1); aggregates have no such rank */
  spec.raw = &d;
  spec.min_discard = 1;
  ur = gs_unit_report_new(h, r, 1, &spec, NULL);
  T_OK(ur != NULL, "raw report");
  if (ur) {
    T_OK(isnan(ur->row[0].sw_rank), "an aggregate has no strengths rank");
    T_NEAR(ur->row[3].sw_rank, 2, 0);
    T_NEAR(ur->row[4].sw_rank, 3, 0);
    T_NEAR(ur->row[5].sw_rank, 2, 0);
    T_NEAR(ur->row[6].sw_rank, 1, 0);
    T_INT(ur->str[0], 6);
  }
  gs_unit_report_free(ur);
  /* a raw matrix without the indicator's column: no rank there */
  static const char *const cols2[] = {"i1", "i2", "i3", "zz", "pop"};
  gs_h_data d2 = {3, 5, cols2, data};
  spec.raw = &d2;
  ur = gs_unit_report_new(h, r, 1, &spec, NULL);
  T_OK(ur && isnan(ur->row[6].sw_rank) && ur->row[6].strength == 0, "no raw column: no rank");
  gs_unit_report_free(ur);
  spec.raw = NULL;
  /* bad arguments */
  st = 0;
  T_OK(gs_unit_report_new(h, r, 3, &spec, &st) == NULL && st == -1, "unit out of range");
  T_OK(gs_unit_report_new(NULL, r, 0, &spec, NULL) == NULL, "no tree");
  gs_unit_report_free(NULL);
  gs_h_result_free(r);
  gs_h_free(h);
}

/* Group ids: equal cells share the smallest row index among them; empty,
 * "NA" and missing numbers are no group. */
static void test_group_ids(void) {
  static const char csv[] = "iso3,country,g,n\nAAA,a,y,2\nBBB,b,x,1\nCCC,c,,2\nDDD,d,x,NA\nEEE,e,NA,1\n";
  static const char *const na[] = {"NA"};
  static const char *const nopillars[] = {NULL};
  gs_load_opts lo;
  memset(&lo, 0, sizeof lo);
  lo.pillars = nopillars;
  lo.na = na;
  lo.nna = 1;
  char err[256];
  gs_dataset *d = gs_load_csv_mem("g.csv", csv, sizeof csv - 1, &lo, err, sizeof err);
  T_OK(d != NULL, "load: %s", err);
  if (!d) return;
  int ids[5];
  T_INT(gs_group_ids(d, (size_t)gs_dataset_col(d, "g"), ids), 0);
  const int want_g[] = {0, 1, -1, 1, -1};
  for (int i = 0; i < 5; i++) T_INT(ids[i], want_g[i]);
  T_INT(gs_group_ids(d, (size_t)gs_dataset_col(d, "n"), ids), 0);
  const int want_n[] = {0, 1, 0, -1, 1};
  for (int i = 0; i < 5; i++) T_INT(ids[i], want_n[i]);
  T_INT(gs_group_ids(d, 99, ids), -1);
  gs_dataset_free(d);
}

int main(void) {
  test_report();
  test_group_ids();
  return t_done();
}
