/* test_analysis.c - engine/core/analysis.c and bod.c against hand-worked
 * values (each derivation in the comment above its check). */
#include "analysis.h"
#include "bod.h"
#include "dynlib.h"
#include "harness.h"
#include "method.h"
#include "panelsplit.h"

#define TOL 1e-12
static const double NA = NAN;

/* Cronbach's alpha, classic form k/(k-1) (1 - sum var_i / var(total)).
 * Columns a = 1,2,3,4 (var 5/3), b = 2,3,3,5 (var 4.75/3), c = 3,3,4,5
 * (var 2.75/3); totals 6,8,10,14 (var 35/3):
 * alpha = 1.5 (1 - 12.5/35) = 33.75/35. */
static void test_cronbach(void) {
  const double X[] = {1, 2, 3, 2, 3, 3, 3, 3, 4, 4, 5, 5};
  T_NEAR(gs_a_cronbach(X, 4, 3), 33.75 / 35.0, TOL);
  /* two identical columns: var(total) = 4 var, alpha = 2 (1 - 2/4) = 1 */
  const double Y[] = {1, 1, 2, 2, 4, 4};
  T_NEAR(gs_a_cronbach(Y, 3, 2), 1.0, TOL);
  /* x and -x: sum of covariances 0 -> NaN */
  const double Z[] = {1, -1, 2, -2, 4, -4};
  T_OK(isnan(gs_a_cronbach(Z, 3, 2)), "alpha of x, -x is NaN");
  T_OK(isnan(gs_a_cronbach(X, 4, 1)), "one column: NaN");
  /* pairwise complete: a missing value in column 2 of row 4.  Columns
   * 1 = 1,2,3,4 (var 5/3), 2 = 1,2,4 (var 7/3), cov over rows 1-3 of
   * (1,2,3) and (1,2,4): means 2, 7/3; sum (-1)(-4/3) + 0 + (1)(5/3) = 3,
   * cov 3/2.  sum C = 5/3 + 7/3 + 2 * 3/2 = 7; alpha = 4 * (3/2) / 7 = 6/7. */
  const double W[] = {1, 1, 2, 2, 3, 4, 4, NA};
  T_NEAR(gs_a_cronbach(W, 4, 2), 6.0 / 7.0, TOL);
}

/* PCA.  Columns (means 0) c1 = (1,1,-1,-1), c2 = (2,0,-2,0) = c1 + c4 with
 * c4 = (1,-1,-1,1), c3 = (1,-1,1,-1): c1, c3, c4 are orthogonal, so
 * corr(c1,c2) = 4 / (2 * sqrt 8) = 1/sqrt 2 = r, corr(c1,c3) = corr(c2,c3) = 0.
 * The correlation matrix [[1,r,0],[r,1,0],[0,0,1]] has eigenvalues 1 + r,
 * 1, 1 - r with eigenvectors (1,1,0)/sqrt 2, (0,0,1), (1,-1,0)/sqrt 2. */
static void test_pca(void) {
  const double X[] = {1, 2, 1, 1, 0, -1, -1, -2, 1, -1, 0, -1};
  double eig[3], ld[9];
  size_t used = 0;
  double r = 1 / sqrt(2.0), s = 1 / sqrt(2.0);
  T_INT(gs_a_pca(X, 4, 3, eig, ld, &used), GS_M_OK);
  T_INT(used, 4);
  T_NEAR(eig[0], 1 + r, 1e-12);
  T_NEAR(eig[1], 1, 1e-12);
  T_NEAR(eig[2], 1 - r, 1e-12);
  /* ld[j*3 + c]: indicator j on component c; signs: loadings sum >= 0 */
  T_NEAR(ld[0 * 3 + 0], s, 1e-12);
  T_NEAR(ld[1 * 3 + 0], s, 1e-12);
  T_NEAR(ld[2 * 3 + 0], 0, 1e-12);
  T_NEAR(fabs(ld[2 * 3 + 1]), 1, 1e-12);
  T_NEAR(fabs(ld[0 * 3 + 2]), s, 1e-12);
  T_NEAR(ld[0 * 3 + 2] + ld[1 * 3 + 2], 0, 1e-12);
  /* listwise deletion: a fifth row with a missing value changes nothing */
  const double X5[] = {1, 2, 1, 1, 0, -1, -1, -2, 1, -1, 0, -1, 7, NA, 3};
  T_INT(gs_a_pca(X5, 5, 3, eig, ld, &used), GS_M_OK);
  T_INT(used, 4);
  T_NEAR(eig[0], 1 + r, 1e-12);
  /* a constant column */
  const double K[] = {1, 5, 2, 5, 3, 5};
  T_INT(gs_a_pca(K, 3, 2, eig, ld, &used), GS_M_EDEGEN);
  T_INT(gs_a_pca(K, 1, 2, eig, ld, &used), GS_M_ENODATA);
}

/* MPI: one unit (100, 110, 90): M = 100, sample S = 10, cv = 0.1,
 * MPI = 100 - 10 * 0.1 = 99 (positive polarity), 101 (negative); a
 * balanced unit (95, 95, 95) keeps 95. */
static void test_mpi(void) {
  const double Z[] = {100, 110, 90, 95, 95, 95, 100, NA, 100};
  double out[3];
  T_INT(gs_a_mpi(Z, 3, 3, 1, out), GS_M_OK);
  T_NEAR(out[0], 99, TOL);
  T_NEAR(out[1], 95, TOL);
  T_OK(isnan(out[2]), "a missing value gives NaN");
  T_INT(gs_a_mpi(Z, 3, 3, -1, out), GS_M_OK);
  T_NEAR(out[0], 101, TOL);
  T_INT(gs_a_mpi(Z, 3, 1, 1, out), GS_M_EINVAL);
  /* standardisation: column 1 = 1, 2, 3 (mean 2, sd 1) -> 90, 100, 110;
   * column 2 = 10, 20, 30 with direction -1 -> 110, 100, 90 */
  const double X[] = {1, 10, 2, 20, 3, 30};
  const int dir[] = {1, -1};
  double S[6];
  T_INT(gs_a_standardise(X, 3, 2, dir, S), GS_M_OK);
  T_NEAR(S[0], 90, TOL);
  T_NEAR(S[2], 100, TOL);
  T_NEAR(S[4], 110, TOL);
  T_NEAR(S[1], 110, TOL);
  T_NEAR(S[5], 90, TOL);
  /* AMPI: column 1 = 0, 10, 20 with goalpost 10: delta 10, range 0..20
   * maps to 70..130; column 2 = 0, 5, 10 goalpost 5, direction -1: 130,
   * 100, 70.  Unit 1 (70, 130): M = 100, population S = 30, cv = 0.3,
   * AMPI = 100 - 9 = 91; unit 2 (100, 100): 100. */
  const double A[] = {0, 0, 10, 5, 20, 10};
  const double gp[] = {10, 5};
  double o[3];
  T_INT(gs_a_ampi(A, 3, 2, dir, gp, 1, o), GS_M_OK);
  T_NEAR(o[0], 91, TOL);
  T_NEAR(o[1], 100, TOL);
  T_NEAR(o[2], 91, TOL);
  T_INT(gs_a_ampi(A, 3, 2, dir, gp, -1, o), GS_M_OK);
  T_NEAR(o[0], 109, TOL);
}

/* AMPI over two periods (Compind ci_ampi with `time`), worked by hand.
 * Rows A0 (2, 10), B0 (4, 30) in period 0, A1 (6, 20), B1 (8, 40) in
 * period 1; column 2 has direction -1.
 *   column 1: min 2, max 8 over both periods -> Delta 3; goalpost = the
 *   base period's mean 3 -> [0, 6] -> y = 70 + 10 x: 90, 110, 130, 150;
 *   column 2: min 10, max 40 -> Delta 15; goalpost 20 -> [5, 35] ->
 *   y = 70 + 2 (35 - x) = 140 - 2 x: 120, 80, 100, 60.
 *   A0 (90, 120): M 105, S 15, AMPI = 105 - 15 * 15/105 = 720/7;
 *   B0 (110, 80): M 95, S 15: 95 - 225/95 = 1760/19;
 *   A1 (130, 100): M 115, S 15: 115 - 225/115 = 2600/23;
 *   B1 (150, 60): M 105, S 45: 105 - 2025/105 = 600/7.
 * Base period 1: goalposts 7 and 30 -> A0 (50, 140): M 95, S 45:
 *   95 - 2025/95 = 1400/19. */
static void test_ampi_periods(void) {
  const double X[] = {2, 10, 4, 30, 6, 20, 8, 40};
  const size_t per[] = {0, 0, 1, 1};
  const int dir[] = {1, -1};
  double o[4];
  T_INT(gs_a_ampi_periods(X, 4, 2, per, 2, 0, dir, NULL, 1, o), GS_M_OK);
  T_NEAR(o[0], 720.0 / 7, TOL);
  T_NEAR(o[1], 1760.0 / 19, TOL);
  T_NEAR(o[2], 2600.0 / 23, TOL);
  T_NEAR(o[3], 600.0 / 7, TOL);
  T_INT(gs_a_ampi_periods(X, 4, 2, per, 2, 1, dir, NULL, 1, o), GS_M_OK);
  T_NEAR(o[0], 1400.0 / 19, TOL);
  /* explicit goalposts win over the base period: those of base 1 */
  const double gp[] = {7, 30};
  T_INT(gs_a_ampi_periods(X, 4, 2, per, 2, 0, dir, gp, 1, o), GS_M_OK);
  T_NEAR(o[0], 1400.0 / 19, TOL);
  /* rows stacked in any order: row order does not matter */
  const double Y[] = {6, 20, 2, 10, 8, 40, 4, 30};
  const size_t perY[] = {1, 0, 1, 0};
  T_INT(gs_a_ampi_periods(Y, 4, 2, perY, 2, 0, dir, NULL, 1, o), GS_M_OK);
  T_NEAR(o[0], 2600.0 / 23, TOL);
  T_NEAR(o[1], 720.0 / 7, TOL);
  /* a base period with no value in a column; bad periods */
  const double Z[] = {2, NA, 4, NA, 6, 20, 8, 40};
  T_INT(gs_a_ampi_periods(Z, 4, 2, per, 2, 0, dir, NULL, 1, o), GS_M_ENODATA);
  T_INT(gs_a_ampi_periods(X, 4, 2, per, 2, 2, dir, NULL, 1, o), GS_M_EINVAL);
  const size_t bad[] = {0, 0, 1, 2};
  T_INT(gs_a_ampi_periods(X, 4, 2, bad, 2, 0, dir, NULL, 1, o), GS_M_EINVAL);
}

/* Strengths and weaknesses: unit 0 in columns (5 units)
 *   c0: 9 of 9,8,7,6,5    rank 1
 *   c1: 1 of 1,5,4,3,2    rank 5 = the worst: dropped by min_discard
 *   c2: 3 of 3,4,5,3,1    rank 3 (the worst is 5, unit 4's)
 *   c3: 4 of 4,4,9,1,NaN  rank 2 (one above; a tie at 4 shares it)
 *   c4: NaN              no rank */
static void test_str_weak(void) {
  const double X[] = {9, 1, 3, 4, NA, 8, 5, 4, 4, 1, 7, 4, 5, 9, 2, 6, 3, 3, 1, 3, 5, 2, 1, NA, 4};
  double rank[5];
  size_t order[5], m;
  T_INT(gs_a_str_weak(X, 5, 5, 0, 1, rank, order, &m), GS_M_OK);
  T_NEAR(rank[0], 1, 0);
  T_NEAR(rank[1], 5, 0);
  T_NEAR(rank[2], 3, 0);
  T_NEAR(rank[3], 2, 0);
  T_OK(isnan(rank[4]), "missing value: no rank");
  T_INT(m, 3);
  T_INT(order[0], 0);
  T_INT(order[1], 3);
  T_INT(order[2], 2);
  T_INT(gs_a_str_weak(X, 5, 5, 0, 0, rank, order, &m), GS_M_OK);
  T_INT(m, 4);
  T_INT(order[3], 1);
  T_INT(gs_a_str_weak(X, 5, 5, 5, 0, rank, order, &m), GS_M_EINVAL);
}

/* Benefit of the doubt, three units on two indicators: A (2,1), B (1,2),
 * C (1,1).  A and B are on the frontier (score 1).  C maximises w1 + w2
 * under 2w1 + w2 <= 1 and w1 + 2w2 <= 1: w1 = w2 = 1/3, score 2/3, shares
 * 1/2 each.  With shares bounded to [0.4, 0.6], A's share of indicator 2
 * must be >= 0.4: with S = 2w1 + w2, w2 = 0.4 S and w1 = 0.3 S at best,
 * and B's constraint 0.3 S + 0.8 S <= 1 gives S = 10/11, shares (0.6, 0.4). */
static void test_bod(void) {
  const double Y[] = {2, 1, 1, 2, 1, 1};
  double score[3], share[6], w[6];
  char err[128];
  T_INT(gs_bod(Y, 3, 2, 0, 1, score, share, w, err, sizeof err), 0);
  T_NEAR(score[0], 1, 1e-9);
  T_NEAR(score[1], 1, 1e-9);
  T_NEAR(score[2], 2.0 / 3.0, 1e-9);
  T_NEAR(w[4], 1.0 / 3.0, 1e-9);
  T_NEAR(share[4], 0.5, 1e-9);
  T_NEAR(share[5], 0.5, 1e-9);
  T_INT(gs_bod(Y, 3, 2, 0.4, 0.6, score, share, NULL, err, sizeof err), 0);
  T_NEAR(score[0], 10.0 / 11.0, 1e-9);
  T_NEAR(share[0], 0.6, 1e-9);
  T_NEAR(share[1], 0.4, 1e-9);
  T_NEAR(score[1], 10.0 / 11.0, 1e-9);
  T_NEAR(score[2], 2.0 / 3.0, 1e-9);
  /* A zero: A (2, 0), B (1, 2), C (1, 1), shares in [0.3, 0.7].  A's
   * indicator 2 must carry 30% of a score it adds nothing to: only w with
   * score 0 is feasible.  B: w1 + 2w2 = 1 at w = (0.5, 0.25) (share 0.5,
   * A's row 2w1 = 1 holds): 1.  C: max w1 + w2 under 2w1 <= 1 and
   * w1 + 2w2 <= 1 is w = (0.5, 0.25), 0.75, share 2/3 within the bounds.
   * (A regression: the warm-started simplex met a singular basis here.) */
  const double Z[] = {2, 0, 1, 2, 1, 1};
  T_INT(gs_bod(Z, 3, 2, 0.3, 0.7, score, share, NULL, err, sizeof err), 0);
  T_NEAR(score[0], 0, 1e-9);
  T_NEAR(score[1], 1, 1e-9);
  T_NEAR(score[2], 0.75, 1e-9);
  const double bad[] = {1, -1, 1, 1};
  T_INT(gs_bod(bad, 2, 2, 0, 1, score, share, NULL, err, sizeof err), -1);
  T_CONTAINS(err, ">= 0");
  T_INT(gs_bod(Y, 3, 2, 0.6, 0.7, score, share, NULL, err, sizeof err), -1);
  T_CONTAINS(err, "bounds");
}

/* Panel split: the records of other years become their newlines only (a
 * quoted field's newline included), so line numbers survive. */
static void test_panel_split(void) {
  const char *t = "k,y,v\nA,1,x\nB,2,\"multi\nline\"\nC,1,z\n";
  char err[128];
  gs_panel *p = gs_panel_split(t, strlen(t), "y", "t.csv", err, sizeof err);
  T_OK(p != NULL, "split: %s", err);
  if (!p) return;
  T_INT(p->n, 2);
  T_STR(p->year[0], "1");
  T_STR(p->year[1], "2");
  T_STR(p->text[0], "k,y,v\nA,1,x\n\n\nC,1,z\n");
  T_STR(p->text[1], "k,y,v\n\nB,2,\"multi\nline\"\n\n");
  gs_panel_free(p);
  T_OK(gs_panel_split(t, strlen(t), "year", "t.csv", err, sizeof err) == NULL, "no such column");
  T_STR(err, "t.csv:1:1: no 'year' column in the header");
  const char *e = "k,y\nA,1\nB,\n";
  T_OK(gs_panel_split(e, strlen(e), "y", "t.csv", err, sizeof err) == NULL, "empty year");
  T_STR(err, "t.csv:3:2: empty year (column 'y')");
  const char *q = "k,y\nA,\"1\n";
  T_OK(gs_panel_split(q, strlen(q), "y", "t.csv", err, sizeof err) == NULL, "unterminated quote");
  gs_panel_free(NULL);
}

/* dynlib: the analyses' libraries are opened on first use.  A library that
 * is not there is an error naming it and its package, tried once (a second
 * call gives the same error without a new dlopen), and its slots stay
 * unset; a real one (libm's cos, any glibc system has it) fills its slot
 * with the function, which computes cos(0) = 1. */
static void test_dynlib(void) {
  static const char *const names[] = {"cos", NULL};
  double (*fn)(double) = NULL;
  void **const missing_slots[] = {(void **)&fn};
  gs_dynlib missing = GS_DYNLIB("libgcisim-no-such-library.so.9", "no-such-package", names, missing_slots);
  char err[300] = "";
  T_INT(gs_dynlib_load(&missing, err, sizeof err), -1);
  T_CONTAINS(err, "cannot load libgcisim-no-such-library.so.9 (Debian package no-such-package): ");
  T_OK(fn == NULL, "a failed load leaves its slots unset");
  T_CONTAINS(gs_dynlib_last_error(), "libgcisim-no-such-library.so.9");
  err[0] = '\0';
  T_INT(gs_dynlib_load(&missing, err, sizeof err), -1);
  T_CONTAINS(err, "no-such-package");
  T_STR(gs_m_strerror(GS_M_ENOLIB), gs_dynlib_last_error());

  static const char *const bad_names[] = {"cos", "gcisim_no_such_symbol", NULL};
  double (*c2)(double) = NULL, (*c3)(double) = NULL;
  void **const bad_slots[] = {(void **)&c2, (void **)&c3};
  gs_dynlib bad = GS_DYNLIB("libm.so.6", "libc6", bad_names, bad_slots);
  T_INT(gs_dynlib_load(&bad, err, sizeof err), -1);
  T_CONTAINS(err, "no symbol gcisim_no_such_symbol");
  T_OK(c2 == NULL && c3 == NULL, "a library missing a symbol leaves every slot unset");

  void **const slots[] = {(void **)&fn};
  gs_dynlib m = GS_DYNLIB("libm.so.6", "libc6", names, slots);
  T_INT(gs_dynlib_load(&m, err, sizeof err), 0);
  T_OK(fn != NULL && fn(0.0) == 1.0, "cos from libm.so.6");
  T_INT(gs_dynlib_load(&m, NULL, 0), 0);
}

int main(void) {
  test_dynlib();
  test_ampi_periods();
  test_panel_split();
  test_cronbach();
  test_pca();
  test_mpi();
  test_str_weak();
  test_bod();
  return t_done();
}
