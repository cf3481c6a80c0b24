/* rankq.h - rank queries for one unit: the rank unit u would get with a
 * score s, every other unit's score held fixed, in O(log n) per query after
 * an O(n log n) build.  Target and explain ask this at every bisection and
 * greedy step; ranking all n units again at each step made them O(n^2).
 *
 * The answers are gs_rank's (ties.h) to the bit: the same rounding of
 * scores to `digits` decimals before comparing, the same tie rules
 * (ordinal ties broken by file order, u keeping its row), NaN scores
 * unranked. */
#ifndef GS_RANKQ_H
#define GS_RANKQ_H
#include <stddef.h>

#include "keysort.h"
#include "ties.h"

typedef struct gs_rankq gs_rankq;

/* Counts among the other units for a rounded score key. */
typedef struct {
  size_t above;        /* keys strictly higher */
  size_t equal;        /* keys equal */
  size_t levels_above; /* distinct keys strictly higher */
  size_t equal_before; /* keys equal, in rows before u */
} gs_rankq_counts;

/* Builds the query structure over score[0..n-1] without row u (u >= n: all
 * rows), ranking at `digits` (ties.h; < 0 exact).  The caller owns the
 * result (gs_rankq_free; NULL is fine); NULL when out of memory. */
gs_rankq *gs_rankq_new(const double *score, size_t n, size_t u, int digits);

/* The same queries over rows gs_rank_sorted has sorted (ties.h):
 * sorted[0..m-1] for score[0..n-1] at `digits`, and rank[] the ranks it
 * gave under `ties`, u among them; all three borrowed for the life of the
 * result.  O(log n) to build, nothing copied; every gs_rankq_rank is
 * O(log n).  levels_above (distinct keys above) comes from the ranks when
 * they are dense; from ranks of another rule gs_rankq_count counts it in
 * O(n) (gs_rankq_rank needs it under dense ties only).  Rows that are not
 * gs_rank_sorted's for these scores fall back to gs_rankq_new. */
gs_rankq *gs_rankq_view(const double *score, size_t n, const gs_keyrow *sorted, size_t m, const double *rank,
                        gs_ties ties, size_t u, int digits);
void gs_rankq_free(gs_rankq *q);

/* A view's position of u among the sorted rows; SIZE_MAX when u is not
 * ranked (a NaN score) or q was built by gs_rankq_new. */
size_t gs_rankq_position(const gs_rankq *q);

/* The counts for score s (rounded here as gs_rank rounds). */
gs_rankq_counts gs_rankq_count(const gs_rankq *q, double s);

/* gs_rankq_count for a score near the last one asked: hint (two
 * positions, {0, 0} at first) is where the last answer was found, and
 * becomes where this one is; a few steps from it cost O(1), farther an
 * O(log n) search.  The same counts as gs_rankq_count. */
gs_rankq_counts gs_rankq_count_near(const gs_rankq *q, double s, size_t hint[2]);

/* The rank gs_rank would give row u with score s; NaN for a NaN score. */
double gs_rankq_rank(const gs_rankq *q, double s, gs_ties ties);
#endif
