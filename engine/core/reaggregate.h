/* reaggregate.h - the index again from a result's normalised indicators
 * with other weights: COINr's remove_elements (an element's weight set to
 * 0, everything else as it was).
 *
 * Weights act only in aggregation, so the denominated, imputed, treated and
 * normalised indicators of an evaluation (gs_h_result_get of each level-1
 * code) are re-aggregated through gs_h_eval on a copy of the tree whose
 * indicators take their values as they are (normalisation "none", direction
 * +1) and where one node weighs 0.  Units that screening left out stay
 * without a score.  Ownership: nothing is kept; outputs are caller-owned. */
#ifndef GS_REAGGREGATE_H
#define GS_REAGGREGATE_H
#include <stddef.h>

#include "hier.h"

/* A copy of the validated tree h with every indicator's direction +1 and
 * normalisation "none", and the node `zero` (NULL = none) weighing 0.
 * Returns a new tree (gs_h_free), or NULL with a message in err. */
gs_hier *gs_ra_copy(const gs_hier *h, const char *zero, char *err, size_t errlen);

/* As gs_ra_copy, with the m nodes codes[] weighing w[] instead (each w >= 0,
 * finite; an unknown code is an error). */
gs_hier *gs_ra_copy_w(const gs_hier *h, const char *const *codes, const double *w, size_t m, char *err,
                      size_t errlen);

/* Re-aggregates r with the m nodes codes[] weighing w[] and writes the
 * scores of node `target` to out, as gs_ra_scores. */
int gs_ra_scores_w(const gs_hier *h, const gs_h_result *r, const char *const *codes, const double *w,
                   size_t m, const char *target, double *out, char *err, size_t errlen);

/* Re-aggregates r (computed from h) with node `zero` weighing 0 (NULL =
 * nominal weights) and writes the n_units scores of node `target` to
 * out (caller-owned, gs_h_result_units(r) doubles).  Returns 0, or -1 with a
 * message in err. */
int gs_ra_scores(const gs_hier *h, const gs_h_result *r, const char *zero, const char *target,
                 double *out, char *err, size_t errlen);

#endif
