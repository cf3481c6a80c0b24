/* target.h - what it would take for one unit to reach a target rank or a
 * score threshold (a tier), with the other units' scores held fixed.
 *
 * The unit's pillar values move in steps of 10^-step_digits (0.01 for the
 * GCI's 2-decimal pillars), never past their maxima.  For each pillar alone
 * the smallest value that reaches the target is found by bisection (the
 * score rises with every pillar when weights are >= 0, and the rank with
 * the score); the spread answer raises, step by step, whichever pillar
 * gains the most score per step until the target is reached, which is the
 * smallest total increase for the arithmetic mean (fill the heaviest
 * weights first; among equal weights, the earlier pillar) and a close
 * approximation for the geometric mean. */
#ifndef GS_TARGET_H
#define GS_TARGET_H
#include <stddef.h>

#include "dataset.h"
#include "spec.h"

typedef struct {
  gs_spec spec;        /* how scores and ranks are made (spec.h) */
  int step_digits;     /* pillar steps of 10^-step_digits; default 2 */
  double rank;         /* target rank (> 0), or 0 when a score threshold is used */
  double min_score;    /* score threshold (rank == 0) */
} gs_target_spec;

typedef struct {
  double score, rank;  /* now */
  int reached;         /* already at the target */
  double *alone;       /* npillar: smallest value alone reaching it, NaN if it cannot */
  int spread_ok;       /* the spread answer exists (all pillars at max reach it) */
  double *spread;      /* npillar values of the spread answer */
  double spread_total; /* its total increase */
  double spread_score, spread_rank;
} gs_target_result;

/* Computes the target answer for row u of d.  Returns a result the caller
 * frees with gs_target_result_free, or NULL with a message in err (a spec
 * gs_spec_check_dataset refuses, out of memory). */
gs_target_result *gs_target(const gs_dataset *d, size_t u, const gs_target_spec *spec, char *err,
                            size_t errlen);
void gs_target_result_free(gs_target_result *r);
#endif
