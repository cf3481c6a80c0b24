/* rankq.c - rank queries for one unit (see rankq.h).
 *
 * The other units' rounded scores are sorted as gs_rank sorts them
 * (descending, then by row), with a prefix count of distinct levels, so
 * that every count is one or two binary searches. */
#include "rankq.h"

#include "keysort.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

typedef gs_keyrow item;

/* Two forms.  Built (gs_rankq_new): it = the m others, sorted here, with a
 * level prefix.  A view (gs_rankq_view): it = the caller's sorted rows,
 * u among them at position pu, whose counts are taken out of every
 * answer; the levels come from the caller's dense ranks. */
struct gs_rankq {
  size_t m, u;
  int digits;
  const item *it; /* m rows, descending by key, then by row */
  item *own;      /* built: it, owned */
  size_t *level;  /* built: m + 1, distinct keys among it[0..i-1] */
  size_t pu;      /* view: u's position in it, SIZE_MAX when u is unranked */
  int uunique;    /* view: no other row has u's key */
  const double *rank; /* view: the rows' ranks (borrowed) */
  gs_ties rties;  /* view: their tie rule */
};

/* The level prefix of q->it[0..m-1]. */
static void levels(gs_rankq *q) {
  q->level[0] = 0;
  for (size_t i = 0; i < q->m; i++)
    q->level[i + 1] = q->level[i] + (i == 0 || q->it[i].key != q->it[i - 1].key);
}

gs_rankq *gs_rankq_new(const double *score, size_t n, size_t u, int digits) {
  gs_rankq *q = calloc(1, sizeof *q);
  if (!q) return NULL;
  q->u = u;
  q->digits = digits;
  q->pu = SIZE_MAX;
  q->it = q->own = malloc((n ? n : 1) * sizeof *q->own);
  q->level = malloc((n + 1) * sizeof *q->level);
  if (!q->own || !q->level) { gs_rankq_free(q); return NULL; }
  for (size_t i = 0; i < n; i++) {
    if (i == u || isnan(score[i])) continue;
    q->own[q->m].key = gs_round(score[i], digits);
    q->own[q->m].idx = i;
    q->m++;
  }
  if (gs_keysort(q->own, q->m) != 0) { gs_rankq_free(q); return NULL; }
  levels(q);
  return q;
}

void gs_rankq_free(gs_rankq *q) {
  if (!q) return;
  free(q->own);
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

/* The first position in [lo, hi) whose row is not below u (the rows of
 * one key ascend). */
static size_t first_row(const gs_rankq *q, size_t lo, size_t hi, size_t u) {
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (q->it[mid].idx < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

gs_rankq *gs_rankq_view(const double *score, size_t n, const gs_keyrow *sorted, size_t m, const double *rank,
                        gs_ties ties, size_t u, int digits) {
  gs_rankq *q = calloc(1, sizeof *q);
  if (!q) return NULL;
  q->u = u;
  q->digits = digits;
  q->it = sorted;
  q->m = m;
  q->rank = rank;
  q->rties = ties;
  q->pu = SIZE_MAX;
  double key = u < n ? gs_round(score[u], digits) : NAN;
  if (!isnan(key)) {
    size_t a = first_not_above(q, key, 0), b = first_not_above(q, key, 1);
    size_t p = first_row(q, a, b, u);
    if (p == b || sorted[p].idx != u) { /* not the rows gs_rank_sorted gave */
      free(q);
      return gs_rankq_new(score, n, u, digits);
    }
    q->pu = p;
    q->uunique = b - a == 1;
  }
  return q;
}

/* first_not_above from a guess: a few steps from `from`, else the binary
 * search.  A score that moved by a little from the last one asked (each
 * greedy step of a target) costs O(1), not O(log n). */
static size_t seek(const gs_rankq *q, double r, int strict, size_t from) {
  size_t p = from > q->m ? q->m : from;
  for (int t = 0; t < 16; t++) {
    if (p > 0 && !(strict ? q->it[p - 1].key >= r : q->it[p - 1].key > r)) p--;
    else if (p < q->m && (strict ? q->it[p].key >= r : q->it[p].key > r)) p++;
    else return p;
  }
  return first_not_above(q, r, strict);
}

/* The counts for s; levels_above only when `levels` is set (a view takes
 * O(n) for it under other than dense ranks); hint (NULL: none) holds the
 * two positions of the last call's answer and gets this one's. */
static gs_rankq_counts count(const gs_rankq *q, double s, int levels, size_t *hint) {
  gs_rankq_counts c = {0, 0, 0, 0};
  double r = gs_round(s, q->digits);
  if (isnan(r)) return c;
  size_t a, b;
  if (hint) {
    a = hint[0] = seek(q, r, 0, hint[0]);
    b = hint[1] = seek(q, r, 1, hint[1] < a ? a : hint[1]);
  } else {
    a = first_not_above(q, r, 0);
    b = first_not_above(q, r, 1);
  }
  c.above = a;
  c.equal = b - a;
  if (q->level) {
    c.levels_above = q->level[a];
  } else { /* a view: the distinct keys of it[0..a-1], then u taken out */
    size_t lv = 0;
    if (a && q->rties == GS_TIES_DENSE) {
      lv = (size_t)q->rank[q->it[a - 1].idx]; /* the lowest key above r: its dense rank */
    } else if (levels) {
      for (size_t i = 0; i < a; i++) lv += i == 0 || q->it[i].key != q->it[i - 1].key;
    }
    int u_above = q->pu < a, u_equal = q->pu != SIZE_MAX && q->pu >= a && q->pu < b;
    c.above -= (size_t)u_above;
    c.equal -= (size_t)u_equal;
    c.levels_above = lv ? lv - (size_t)(u_above && q->uunique) : 0;
  }
  /* rows before u among the equal keys, which are sorted by row (u itself
   * is not before u) */
  c.equal_before = first_row(q, a, b, q->u) - a;
  return c;
}

gs_rankq_counts gs_rankq_count(const gs_rankq *q, double s) { return count(q, s, 1, NULL); }

gs_rankq_counts gs_rankq_count_near(const gs_rankq *q, double s, size_t hint[2]) { return count(q, s, 1, hint); }

size_t gs_rankq_position(const gs_rankq *q) { return q->level ? SIZE_MAX : q->pu; }

double gs_rankq_rank(const gs_rankq *q, double s, gs_ties ties) {
  if (isnan(s)) return NAN;
  gs_rankq_counts c = count(q, s, ties == GS_TIES_DENSE, NULL);
  switch (ties) {
  case GS_TIES_DENSE: return (double)c.levels_above + 1;
  case GS_TIES_COMPETITION: return (double)c.above + 1;
  case GS_TIES_ORDINAL: return (double)(c.above + c.equal_before) + 1;
  default: return (double)(c.above + 1) + (double)c.equal / 2.0;
  }
}
