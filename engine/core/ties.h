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

typedef enum { GS_TIES_DENSE, GS_TIES_COMPETITION, GS_TIES_ORDINAL, GS_TIES_FRACTIONAL } gs_ties;

/* Parses "dense", "competition", "ordinal" or "fractional"; -1 otherwise. */
int gs_ties_parse(const char *name);
const char *gs_ties_name(gs_ties t);

/* Rounds x to `digits` decimals, half away from zero; digits < 0 returns x. */
double gs_round(double x, int digits);

/* Ranks n scores into rank[0..n-1] (caller-owned, n doubles).  Returns 0,
 * or -1 when out of memory (rank is then unspecified). */
int gs_rank(const double *score, size_t n, int digits, gs_ties ties, double *rank);

#endif
