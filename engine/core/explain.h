/* explain.h - why one unit has its score and rank: the score broken into
 * each pillar's weighted points, the gap to each pillar's maximum, the
 * units just above and just below, and the smallest single-pillar gain
 * that gives a better rank.  Pure C over a gs_dataset and a scoring spec
 * (spec.h) whose aggregation is arithmetic (score.h's, the only one whose
 * points add up; its offset is not used).
 *
 * With weights w_i, pillar values x_i and factor f (1, or s / S(max) when
 * the score is rescaled to s), pillar i contributes points_i = f w_i x_i,
 * and the points sum to the score.  "Just above" are the units at the
 * nearest better rank (every unit sharing it), "just below" those at the
 * nearest worse one: under dense, competition and fractional ties the
 * nearest strictly higher (lower) rounded score; under ordinal ties, whose
 * equal scores are ranked in file order, possibly a unit with the same
 * score.  The gain of a pillar is the smallest increase of that pillar
 * alone, in whole steps of 10^-step (step = the most decimals any pillar
 * value has, at most 6) or up to the pillar's maximum, whose rank (same
 * digits and tie rule, computed by gs_rank on the very doubles d:score
 * computes) is better than now.  It is checked as a user applies it:
 * value + gain gives the new rank, and so does setting new_value. */
#ifndef GS_EXPLAIN_H
#define GS_EXPLAIN_H
#include <stddef.h>

#include "dataset.h"
#include "keysort.h"
#include "spec.h"

typedef struct {
  size_t unit, n, k;    /* the unit's row; rows; pillars */
  int step_digits;      /* the grid of the gains: 10^-step_digits */
  int grid_exact;       /* every pillar value is on that grid (0: some value
                           has more than 6 decimals, new values are off it) */
  double factor;        /* f above */
  double score, rank;   /* the unit's, rank under spec's digits and ties */
  double *scores;       /* n: every unit's score */
  double *ranks;        /* n: every unit's rank */
  int borrowed;         /* scores and ranks are the caller's (gs_explain_unit_ranked):
                           valid while the caller keeps them */
  /* per pillar (k each) */
  double *points;       /* f w_i x_i */
  double *share;        /* points / score (NaN when the score is 0) */
  double *gap;          /* max_i - x_i */
  double *gap_points;   /* f w_i (max_i - x_i) */
  double *gain;         /* smallest increase of x_i alone to a better rank; NaN: not possible */
  double *new_value;    /* x_i + gain, on the grid when x_i is (NaN when none) */
  double *new_score;    /* the score with that gain (NaN when none) */
  double *new_rank;     /* the rank with that gain (NaN when none) */
  long best;            /* the pillar needing the smallest gain (first on ties), -1: none */
  int first;            /* no better rank exists (the unit ranks first) */
  /* neighbours: row indices, in file order */
  size_t *above, nabove;  /* units at the nearest strictly higher rounded score */
  size_t *below, nbelow;  /* units at the nearest strictly lower rounded score */
  size_t *tied, ntied;    /* other units with the same rounded score */
} gs_explain;

/* Explains row u of d under spec (borrowed during the call).  Returns a
 * result the caller frees with gs_explain_free (NULL is fine), or NULL
 * with a message in err (a spec gs_spec_check_dataset refuses, an
 * aggregation other than arithmetic, no pillars, out of memory). */
gs_explain *gs_explain_unit(const gs_dataset *d, size_t u, const gs_spec *spec, char *err,
                            size_t errlen);
/* The same, from every row's score, rank and sorted rows already at hand
 * (a result's): score[] as gs_score_dataset gives it under spec, and
 * rank[] and sorted[0..m-1] as gs_rank_sorted (ties.h) gives them at
 * spec's digits and ties.  Nothing is scored, ranked or sorted again, and
 * nothing copied: the result's scores and ranks point into the caller's
 * arrays (borrowed is set), which must outlive it; sorted is read during
 * the call only.  Apart from the O(n k) check of the grid, cached in the
 * dataset (gs_dataset_grid), O(log n) per gain step and the size of the
 * neighbour groups.  NULL score, rank or sorted: as gs_explain_unit. */
gs_explain *gs_explain_unit_ranked(const gs_dataset *d, size_t u, const gs_spec *spec, const double *score,
                                   const double *rank, const gs_keyrow *sorted, size_t m, char *err,
                                   size_t errlen);
void gs_explain_free(gs_explain *e);
#endif
