/* optweights.h - weights optimised for the importance of each component,
 * as COINr's get_opt_weights, minimised by GSL's Nelder-Mead simplex
 * (gsl_multimin_fminimizer_nmsimplex2; COINr uses R's optim, also
 * Nelder-Mead).
 *
 * The m nodes of one level (all of them, across groups, as COINr) get
 * weights w = |x| / sum |x| (the absolute value keeps every candidate a
 * valid weight; COINr leaves the sign free).  For a candidate, the index
 * (the root) is aggregated again from the result's normalised indicators
 * (reaggregate.h) and c_j = the Pearson correlation of node j's scores with
 * the index, over the units with both.
 *   balance:  minimise  log( sum_j (t_j - c_j / sum c)^2 / m ),
 *             t the target importances scaled to sum 1 (COINr's objective);
 *   infomax:  minimise  - sum_j c_j.
 * The simplex starts at t (balance) or at the nominal weights (infomax),
 * with steps of half a start value (at least 0.05), and stops when its size
 * falls below tol or after maxiter iterations.  Ownership: outputs are
 * caller-owned; nothing is kept. */
#ifndef GS_OPTWEIGHTS_H
#define GS_OPTWEIGHTS_H
#include <stddef.h>

#include "hier.h"

typedef struct {
  int level;            /* the level whose weights are optimised (below the root's) */
  const double *target; /* m target importances in node order (balance); NULL = equal */
  int infomax;          /* 1: maximise the sum of correlations instead */
  double tol;           /* simplex size to stop at (default 1e-6) */
  int maxiter;          /* default 500 */
} gs_ow_opts;

void gs_ow_opts_default(gs_ow_opts *o);

/* Optimises the weights of the level's nodes (in gs_h_node order; m =
 * gs_h_count_level(h, level)).  Writes w[m] (summing to 1), corr[m] (the
 * correlations with the index at w) and *objective, *iterations, *converged
 * (each may be NULL).  Returns 0, or -1 with a message in err. */
int gs_ow_optimise(const gs_hier *h, const gs_h_result *r, const gs_ow_opts *o, double *w, double *corr,
                   double *objective, int *iterations, int *converged, char *err, size_t errlen);

#endif
