/* spec.h - the one scoring spec: how pillar values become a score and a
 * rank (weights, aggregation, offset, scale, digits, ties), with its
 * defaults and its checks in one place, and the one aggregation enum.
 * Score (score.h), explain (explain.h), target (target.h) and the
 * uncertainty analysis (ua.h) all take it.
 *
 * The formulas are score.h's: with weights w_i (W = sum w_i),
 *   arithmetic  S = sum w_i x_i
 *   geometric   S = W * (prod (x_i + c)^(w_i/W) - c),  c = offset;
 * scale s > 0 rescales S so that a unit with every pillar at its maximum
 * scores s.  Ranks: scores rounded to `digits` decimals (< 0: exact), ties
 * by `ties` (ties.h). */
#ifndef GS_SPEC_H
#define GS_SPEC_H
#include <stddef.h>

#include "dataset.h"
#include "ties.h"

/* The aggregation of values into one: of pillars into a score (the first
 * GS_AGG_SCORES: score.h, the uncertainty analysis), of an index node's
 * children (all but Copeland: method.h's gs_m_aggregate), or Copeland's
 * outranking across units (method.h's gs_m_copeland). */
typedef enum {
  GS_AGG_ARITHMETIC, GS_AGG_GEOMETRIC, GS_AGG_HARMONIC, GS_AGG_POWER, GS_AGG_MEDIAN, GS_AGG_MIN,
  GS_AGG_COPELAND
} gs_agg;
#define GS_AGG_COUNT 7
#define GS_AGG_SCORES 2 /* arithmetic and geometric score pillars */
/* The bit of aggregation a in a set of them (ua.h's `methods`). */
#define GS_AGG_BIT(a) (1u << (unsigned)(a))

/* The offset c of the geometric mean, so that a zero pillar does not zero
 * the score. */
#define GS_GEO_OFFSET_DEFAULT 1.0
/* Largest digits of rounding before ranking. */
#define GS_SPEC_DIGITS_MAX 12

/* Parses a name: "arithmetic", "geometric", "harmonic", "power", "median",
 * "min" or "copeland"; -1 otherwise (method.h's gs_m_agg_parse reads
 * COINr's short names).  gs_agg_name gives that name ("?" for none). */
int gs_agg_parse(const char *name);
const char *gs_agg_name(gs_agg a);

typedef struct {
  const double *w;  /* k weights, finite, >= 0 (0 leaves a pillar out), positive
                       total; borrowed: the caller keeps them alive during a call */
  gs_agg agg;
  double offset;    /* c of the geometric mean, finite, >= 0 */
  double scale;     /* > 0: rescaled so that all-maximum scores `scale`; <= 0: none */
  int digits;       /* rounding before ranking: < 0 exact, at most GS_SPEC_DIGITS_MAX */
  gs_ties ties;
} gs_spec;

/* The defaults: weights w (borrowed), arithmetic, offset
 * GS_GEO_OFFSET_DEFAULT, no scale, 2 digits (the GCI's; callers whose
 * defaults follow the data set gs_dataset_score_digits), dense ties. */
void gs_spec_init(gs_spec *s, const double *w);

/* Checks s for k pillars: the aggregation (one that scores pillars), tie
 * rule, digits, scale and
 * offset, then every weight ("weight 2 must be a finite number >= 0") and
 * their total.  Returns 0, or -1 with a message in err. */
int gs_spec_check(const gs_spec *s, size_t k, char *err, size_t errlen);

/* gs_spec_check for d's pillars, which name the weights in messages
 * ("weight of 'legal' must be ..."), and, for the geometric mean, every
 * weighted pillar's minimum + offset > 0. */
int gs_spec_check_dataset(const gs_spec *s, const gs_dataset *d, char *err, size_t errlen);
#endif
