/* bod.h - benefit-of-the-doubt weights (Compind ci_bod, ci_bod_constr),
 * solved as linear programs by GLPK.
 *
 * For each unit o of the n x m row-major matrix Y (indicators oriented so
 * that higher is better, all values >= 0, none missing), the most favourable
 * weights w_1..w_m solve
 *   maximise  sum_k w_k y_ok
 *   subject to sum_k w_k y_jk <= 1   for every unit j,   w_k >= 0,
 * and, with share bounds lo <= up (lo = 0, up = 1 means none), each
 * indicator's share of the unit's score, w_k y_ok / sum_l w_l y_ol, lies in
 * [lo, up] (written linearly: w_k y_ok - lo sum_l w_l y_ol >= 0 and
 * up sum_l w_l y_ol - w_k y_ok >= 0, as ci_bod_constr does).
 * The score is the optimum (in [0, 1]; 1 = on the frontier); the
 * unconstrained score equals Compind ci_bod's (Benchmarking::dea, input
 * orientation, constant returns to scale, one unit input: its dual).
 * Cost: n linear programs of n + 2m rows; a country index has a few hundred
 * units. */
#ifndef GS_BOD_H
#define GS_BOD_H
#include <stddef.h>

/* Writes score[n] and share[n*m] (share[o*m + k] = w_k y_ok / score_o, the
 * weights as shares of the unit's score; 0s when the score is 0) and, if
 * weight != NULL, weight[n*m] (the raw w_k).  Returns 0, or -1 with a
 * message in err (a negative or missing value, bounds outside 0 <= lo <=
 * up <= 1 or with m*lo > 1 or m*up < 1, or a solver failure). */
int gs_bod(const double *Y, size_t n, size_t m, double lo, double up, double *score, double *share,
           double *weight, char *err, size_t errlen);

#endif
