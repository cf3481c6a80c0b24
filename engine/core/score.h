/* score.h - composite scores of a dataset's pillars, computed in C.
 *
 * With weights w_i (W = sum of w_i) over pillar values x_i:
 *   arithmetic  S = sum w_i x_i                      (weights of 1: the GCI sum)
 *   geometric   S = W * (prod (x_i + c)^(w_i/W) - c) (c = offset, default 1, so that
 *                                                     a zero pillar does not zero S)
 * Both are W times a weighted mean, so they share a scale.  With scale s > 0
 * the score is s * S / S(max), where S(max) is the score of a unit with
 * every pillar at its maximum: that unit scores s.  Weights, aggregation,
 * offset and scale come in a gs_spec (spec.h); its digits and ties are for
 * ranking, not used here. */
#ifndef GS_SCORE_H
#define GS_SCORE_H
#include <stddef.h>

#include "dataset.h"
#include "spec.h"

/* One unit's score from k values, weights and aggregation (see above; no scale). */
double gs_score_unit(const double *x, const double *w, size_t k, gs_agg m, double offset);

/* S(max) of s over d's pillar maxima into *smax, or 1 when s has no scale.
 * Returns 0, or -1 with a message in err (out of memory, or a maximum
 * score that is not positive). */
int gs_score_max(const gs_dataset *d, const gs_spec *s, double *smax, char *err, size_t errlen);

/* One unit's score under s on its scale, from k values x and smax from
 * gs_score_max: the very double gs_score_dataset computes for the unit. */
double gs_score_scaled(const double *x, size_t k, const gs_spec *s, double smax);

/* Scores every row of d into out[0..n-1] (caller-owned) under s, checked
 * first with gs_spec_check_dataset.  Returns 0, or -1 with a message in
 * err. */
int gs_score_dataset(const gs_dataset *d, const gs_spec *s, double *out, char *err, size_t errlen);
#endif
