/* rankq.c - rank queries for one unit (see rankq.h).
 *
 * The other units' rounded scores are sorted as gs_rank sorts them
 * (descending, then by row), with a prefix count of distinct levels, so
 * that every count is one or two binary searches. */
#include "rankq.h"

#include "keysort.h"

#include <math.h>
#include <stdlib.h>

typedef gs_keyrow item;

struct gs_rankq {
  size_t m, u;
  int digits;
  item *it;       /* m others, descending by key, then by row */
  size_t *level;  /* m + 1: distinct keys among it[0..i-1] */
};

gs_rankq *gs_rankq_new(const double *score, size_t n, size_t u, int digits) {
  gs_rankq *q = calloc(1, sizeof *q);
  if (!q) return NULL;
  q->u = u;
  q->digits = digits;
  q->it = malloc((n ? n : 1) * sizeof *q->it);
  q->level = malloc((n + 1) * sizeof *q->level);
  if (!q->it || !q->level) { gs_rankq_free(q); return NULL; }
  for (size_t i = 0; i < n; i++) {
    if (i == u || isnan(score[i])) continue;
    q->it[q->m].key = gs_round(score[i], digits);
    q->it[q->m].idx = i;
    q->m++;
  }
  if (gs_keysort(q->it, q->m) != 0) { gs_rankq_free(q); return NULL; }
  q->level[0] = 0;
  for (size_t i = 0; i < q->m; i++)
    q->level[i + 1] = q->level[i] + (i == 0 || q->it[i].key != q->it[i - 1].key);
  return q;
}

void gs_rankq_free(gs_rankq *q) {
  if (!q) return;
  free(q->it);
  free(q->level);
  free(q);
}

/* The first position in [lo, hi) whose item is not "before" (key, idx) in
 * the sort order, with ties on key decided by `strict`: the first with
 * key <= r (strict = 0, idx ignored) or key < r (strict = 1). */
static size_t first_not_above(const gs_rankq *q, double r, int strict) {
  size_t lo = 0, hi = q->m;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    double k = q->it[mid].key;
    if (strict ? k >= r : k > r) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

gs_rankq_counts gs_rankq_count(const gs_rankq *q, double s) {
  gs_rankq_counts c = {0, 0, 0, 0};
  double r = gs_round(s, q->digits);
  if (isnan(r)) return c;
  size_t a = first_not_above(q, r, 0), b = first_not_above(q, r, 1);
  c.above = a;
  c.equal = b - a;
  c.levels_above = q->level[a];
  /* rows before u among the equal keys, which are sorted by row */
  size_t lo = a, hi = b;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (q->it[mid].idx < q->u) lo = mid + 1;
    else hi = mid;
  }
  c.equal_before = lo - a;
  return c;
}

double gs_rankq_rank(const gs_rankq *q, double s, gs_ties ties) {
  if (isnan(s)) return NAN;
  gs_rankq_counts c = gs_rankq_count(q, s);
  switch (ties) {
  case GS_TIES_DENSE: return (double)c.levels_above + 1;
  case GS_TIES_COMPETITION: return (double)c.above + 1;
  case GS_TIES_ORDINAL: return (double)(c.above + c.equal_before) + 1;
  default: return (double)(c.above + 1) + (double)c.equal / 2.0;
  }
}
