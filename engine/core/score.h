/* score.h - composite scores of a dataset's pillars, computed in C.
 *
 * With weights w_i (W = sum of w_i) over pillar values x_i:
 *   arithmetic  S = sum w_i x_i                      (weights of 1: the GCI sum)
 *   geometric   S = W * (prod (x_i + c)^(w_i/W) - c) (c = offset, default 1, so that
 *                                                     a zero pillar does not zero S)
 * Both are W times a weighted mean, so they share a scale.  With scale s > 0
 * the score is s * S / S(max), where S(max) is the score of a unit with
 * every pillar at its maximum: that unit scores s. */
#ifndef GS_SCORE_H
#define GS_SCORE_H
#include <stddef.h>

#include "dataset.h"

typedef enum { GS_AGG_ARITHMETIC = 0, GS_AGG_GEOMETRIC = 1 } gs_agg;

#define GS_GEO_OFFSET_DEFAULT 1.0

/* Parses "arithmetic" or "geometric"; -1 otherwise. */
int gs_agg_parse(const char *name);
const char *gs_agg_name(gs_agg a);

/* One unit's score from k values, weights and method (see above; no scale). */
double gs_score_unit(const double *x, const double *w, size_t k, gs_agg m, double offset);

/* Scores every row of d into out[0..n-1] (caller-owned).  w has d->npillar
 * non-negative weights with a positive total.  scale <= 0 means no
 * rescaling.  Returns 0, or -1 with a message in err. */
int gs_score_dataset(const gs_dataset *d, const double *w, gs_agg m, double scale, double offset,
                     double *out, char *err, size_t errlen);
#endif
