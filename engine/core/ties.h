/* ties.h - ranking with explicit tie rules.
 *
 * Scores rank descending (the highest score is rank 1).  Before ties are
 * detected, scores are rounded to `digits` decimals (half away from zero),
 * as the GCI ranks its published, rounded scores; digits < 0 compares the
 * exact values.  Tie rules for a group of k tied units whose best position
 * is p (1-based):
 *   dense        all get the number of distinct higher scores + 1;
 *   competition  all get p ("1224");
 *   ordinal      p, p+1, ..., p+k-1 in input order ("1234");
 *   fractional   all get p + (k-1)/2 ("1 2.5 2.5 4"). */
#ifndef GS_TIES_H
#define GS_TIES_H
#include <stddef.h>

#include "keysort.h"

typedef enum { GS_TIES_DENSE, GS_TIES_COMPETITION, GS_TIES_ORDINAL, GS_TIES_FRACTIONAL } gs_ties;

/* Parses "dense", "competition", "ordinal" or "fractional"; -1 otherwise. */
int gs_ties_parse(const char *name);
const char *gs_ties_name(gs_ties t);

/* Rounds x to `digits` decimals, half away from zero; digits < 0 returns x. */
double gs_round(double x, int digits);

/* Whether x is written exactly (up to 1e-9, relative above 1) with dg
 * decimals: gs_on_grid_y(x * gs_pow10(dg)). */
int gs_on_grid(double x, int dg);
/* 10^dg, exact for 0 <= dg <= 22. */
double gs_pow10(int dg);

/* The test on y = x * 10^dg, without branches or library calls so that a
 * scan over many values vectorises: |y - nearbyint(y)| <= 1e-9 max(1, |y|),
 * nearbyint taken by adding and taking away 2^52 (ties to even); from
 * 2^51 on, where that sum is not exact, every finite y passes (|y -
 * nearbyint(y)| <= 0.5 is within 1e-9 |y|); NaN and infinities fail. */
static inline int gs_on_grid_y(double y) {
  double a = y < 0 ? -y : y;
  double r = (a + 0x1p52) - 0x1p52, e = a - r;
  int near = (e < 0 ? -e : e) <= 1e-9 * (a > 1 ? a : 1);
  return a < 0x1p51 ? near : a <= 0x1.fffffffffffffp1023;
}

/* Ranks n scores into rank[0..n-1] (caller-owned, n doubles).  Returns 0,
 * or -1 when out of memory (rank is then unspecified). */
int gs_rank(const double *score, size_t n, int digits, gs_ties ties, double *rank);

/* gs_rank, also keeping what it sorted: sorted[0..*m-1] (caller-owned, n
 * entries) receives the ranked rows (NaN scores are not) in rank order,
 * descending by rounded score (the key), then by row.  Rank queries over
 * them need no second sort (rankq.h). */
int gs_rank_sorted(const double *score, size_t n, int digits, gs_ties ties, double *rank, gs_keyrow *sorted,
                   size_t *m);

#endif
