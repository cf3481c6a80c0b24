/* compare.h - two rankings of units side by side (gci.compare): which row
 * of `before` and which row of `after` hold the same unit, matched by key
 * through the datasets' hash indexes, in O(n log n).
 *
 * Rows come in after's rank order (ties and unranked units by row, NaN
 * ranks last), then the units only `before` has, in before's rank order.
 * rank_change = rank_before - rank_after (positive: the unit moved up),
 * NaN when the unit is missing or unranked on either side. */
#ifndef GS_COMPARE_H
#define GS_COMPARE_H
#include <stddef.h>

#include "dataset.h"

typedef struct {
  long before, after;  /* the unit's row in each dataset; -1: not there */
  double rank_change;
} gs_compare_row;

/* Fills rows[0..] (caller-owned, room for a->n + b->n) with the comparison
 * of ranks ra (a->n, of dataset a) and rb (b->n, of dataset b).  Returns
 * the number of rows, or -1 when out of memory. */
long gs_compare(const gs_dataset *a, const double *ra, const gs_dataset *b, const double *rb,
                gs_compare_row *rows);

/* Fills order[0..n-1] with 0..n-1 in rank order (ties by row, NaN last).
 * Returns 0, or -1 when out of memory. */
int gs_rank_order(const double *rank, size_t n, size_t *order);
#endif
