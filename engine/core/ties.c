/* ties.c - ranking with explicit tie rules (see ties.h). */
#include "ties.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "keysort.h"

static const char *const tie_names[] = {"dense", "competition", "ordinal", "fractional"};

int gs_ties_parse(const char *name) {
  for (int i = 0; i < 4; i++)
    if (strcmp(name, tie_names[i]) == 0) return i;
  return -1;
}

const char *gs_ties_name(gs_ties t) { return tie_names[t]; }

/* The nudge absorbs the binary representation error of decimal inputs, so
 * that 92.525 (stored as 92.52499999999999) rounds up as a person would.
 * It is far below the 1e-4 that separates any two 2-decimal scores. */
/* Powers of ten up to 10^22 are exact doubles, the values pow returns
 * for them: a table lookup gives the same p without a pow per score. */
static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

double gs_round(double x, int digits) {
  if (digits < 0 || !isfinite(x)) return x;
  double p = digits <= 22 ? pow10_exact[digits] : pow(10.0, digits);
  double y = x * p;
  y = y >= 0 ? floor(y + 0.5 + 1e-9) : -floor(-y + 0.5 + 1e-9);
  return y / p;
}

double gs_pow10(int dg) { return dg >= 0 && dg <= 22 ? pow10_exact[dg] : pow(10.0, dg); }

int gs_on_grid(double x, int dg) { return gs_on_grid_y(x * gs_pow10(dg)); }

int gs_rank(const double *score, size_t n, int digits, gs_ties ties, double *rank) {
  gs_keyrow *it = malloc((n ? n : 1) * sizeof *it);
  if (!it) return -1;
  size_t m;
  int rc = gs_rank_sorted(score, n, digits, ties, rank, it, &m);
  free(it);
  return rc;
}

int gs_rank_sorted(const double *score, size_t n, int digits, gs_ties ties, double *rank, gs_keyrow *it,
                   size_t *mp) {
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    if (isnan(score[i])) { rank[i] = NAN; continue; } /* missing: unranked */
    it[m].key = gs_round(score[i], digits);
    it[m].idx = i;
    m++;
  }
  *mp = m;
  /* descending by rounded score, then by row: the order ordinal ties use */
  if (gs_keysort(it, m) != 0) return -1;
  size_t dense = 0;
  for (size_t s = 0; s < m;) {
    size_t e = s + 1;
    while (e < m && it[e].key == it[s].key) e++;
    dense++;
    for (size_t j = s; j < e; j++) {
      double r;
      switch (ties) {
      case GS_TIES_DENSE: r = (double)dense; break;
      case GS_TIES_COMPETITION: r = (double)(s + 1); break;
      case GS_TIES_ORDINAL: r = (double)(j + 1); break;
      default: r = (double)(s + 1) + (double)(e - s - 1) / 2.0; break;
      }
      rank[it[j].idx] = r;
    }
    s = e;
  }
  return 0;
}
