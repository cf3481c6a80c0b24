/* spec.c - the scoring spec's defaults and checks (see spec.h). */
#include "spec.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const agg_names[GS_AGG_COUNT] = {"arithmetic", "geometric", "harmonic", "power",
                                                    "median",     "min",       "copeland"};

int gs_agg_parse(const char *name) {
  for (int i = 0; name && i < GS_AGG_COUNT; i++)
    if (strcmp(name, agg_names[i]) == 0) return i;
  return -1;
}

const char *gs_agg_name(gs_agg a) { return (unsigned)a < GS_AGG_COUNT ? agg_names[a] : "?"; }

void gs_spec_init(gs_spec *s, const double *w) {
  s->w = w;
  s->agg = GS_AGG_ARITHMETIC;
  s->offset = GS_GEO_OFFSET_DEFAULT;
  s->scale = 0;
  s->digits = 2;
  s->ties = GS_TIES_DENSE;
}

/* The one check of both entry points; d (may be NULL) names the weights. */
static int check(const gs_spec *s, size_t k, const gs_dataset *d, char *err, size_t errlen) {
  if ((unsigned)s->agg >= GS_AGG_COUNT) { snprintf(err, errlen, "unknown aggregation %d", (int)s->agg); return -1; }
  if ((unsigned)s->agg >= GS_AGG_SCORES) {
    snprintf(err, errlen, "a score of pillars is an arithmetic or geometric mean, not %s", gs_agg_name(s->agg));
    return -1;
  }
  if ((unsigned)s->ties > GS_TIES_FRACTIONAL) { snprintf(err, errlen, "unknown tie rule %d", (int)s->ties); return -1; }
  if (s->digits > GS_SPEC_DIGITS_MAX) {
    snprintf(err, errlen, "digits must be at most %d, got %d", GS_SPEC_DIGITS_MAX, s->digits);
    return -1;
  }
  if (isnan(s->scale) || isinf(s->scale)) { snprintf(err, errlen, "scale must be a finite number"); return -1; }
  if (!s->w) { snprintf(err, errlen, "no weights"); return -1; }
  double W = 0;
  for (size_t i = 0; i < k; i++) {
    if (!(s->w[i] >= 0) || !isfinite(s->w[i])) {
      if (d) snprintf(err, errlen, "weight of '%s' must be a finite number >= 0", d->col[d->pillar[i]].name);
      else snprintf(err, errlen, "weight %zu must be a finite number >= 0", i + 1);
      return -1;
    }
    W += s->w[i];
  }
  if (!isfinite(W)) { snprintf(err, errlen, "the weights' total overflows"); return -1; }
  if (!(W > 0)) { snprintf(err, errlen, "weights must not all be zero"); return -1; }
  if (!(s->offset >= 0) || !isfinite(s->offset)) { snprintf(err, errlen, "offset must be a finite number >= 0"); return -1; }
  return 0;
}

int gs_spec_check(const gs_spec *s, size_t k, char *err, size_t errlen) { return check(s, k, NULL, err, errlen); }

int gs_spec_check_dataset(const gs_spec *s, const gs_dataset *d, char *err, size_t errlen) {
  size_t k = d->npillar;
  if (k == 0) { snprintf(err, errlen, "dataset has no pillars to score"); return -1; }
  if (check(s, k, d, err, errlen) != 0) return -1;
  if (s->agg == GS_AGG_GEOMETRIC)
    for (size_t i = 0; i < k; i++)
      if (d->pmin[i] + s->offset <= 0 && s->w[i] > 0) {
        snprintf(err, errlen, "geometric mean needs pillar '%s' + offset > 0; give offset > %g",
                 d->col[d->pillar[i]].name, -d->pmin[i]);
        return -1;
      }
  return 0;
}
