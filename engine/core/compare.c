/* compare.c - two rankings side by side (see compare.h). */
#include "compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct { double rank; size_t i; } ord_item;

static int ord_cmp(const void *a, const void *b) {
  const ord_item *x = a, *y = b;
  int xn = isnan(x->rank), yn = isnan(y->rank);
  if (xn != yn) return xn - yn;
  if (!xn && x->rank != y->rank) return x->rank < y->rank ? -1 : 1;
  return (x->i > y->i) - (x->i < y->i);
}

/* Ranks as gs_rank makes them are whole or half numbers from 1 to n
 * (fractional ties give p + (k-1)/2): twice a rank is then a bucket of a
 * counting sort, O(n) and stable (ties stay in row order).  Any other rank
 * (a published column, say) falls back to a comparison sort. */
static int counting_order(const double *rank, size_t n, size_t *order) {
  size_t nb = 2 * n + 3; /* buckets 2..2n+1 for ranks, the last one for NaN */
  for (size_t i = 0; i < n; i++) {
    double x = rank[i];
    if (isnan(x)) continue;
    if (!(x >= 1 && x <= (double)n) || 2 * x != floor(2 * x)) return 1;
  }
  size_t *count = calloc(nb + 1, sizeof *count);
  if (!count) return -1;
  for (size_t i = 0; i < n; i++) count[(isnan(rank[i]) ? nb - 1 : (size_t)(2 * rank[i])) + 1]++;
  for (size_t b = 1; b <= nb; b++) count[b] += count[b - 1];
  for (size_t i = 0; i < n; i++) order[count[isnan(rank[i]) ? nb - 1 : (size_t)(2 * rank[i])]++] = i;
  free(count);
  return 0;
}

int gs_rank_order(const double *rank, size_t n, size_t *order) {
  int c = counting_order(rank, n, order);
  if (c <= 0) return c;
  ord_item *it = malloc((n ? n : 1) * sizeof *it);
  if (!it) return -1;
  for (size_t i = 0; i < n; i++) it[i] = (ord_item){rank[i], i};
  qsort(it, n, sizeof *it, ord_cmp);
  for (size_t i = 0; i < n; i++) order[i] = it[i].i;
  free(it);
  return 0;
}

long gs_compare(const gs_dataset *a, const double *ra, const gs_dataset *b, const double *rb,
                gs_compare_row *rows) {
  size_t *ob = malloc((b->n ? b->n : 1) * sizeof *ob), *oa = malloc((a->n ? a->n : 1) * sizeof *oa);
  long *in_a = malloc((b->n ? b->n : 1) * sizeof *in_a);
  unsigned char *in_b = calloc(a->n ? a->n : 1, 1);
  if (!ob || !oa || !in_a || !in_b || gs_rank_order(rb, b->n, ob) != 0 || gs_rank_order(ra, a->n, oa) != 0) {
    free(ob);
    free(oa);
    free(in_a);
    free(in_b);
    return -1;
  }
  /* Matching in row order, where the keys lie in memory in order: a
   * scenario of the same file (d:with) has the same key on the same row,
   * checked first; other rows go through the hash index.  Each unit of a
   * is then in b exactly when some row of b matched it. */
  for (size_t j = 0; j < b->n; j++) {
    long i = j < a->n && strcmp(a->key[j], b->key[j]) == 0 ? (long)j : gs_dataset_row(a, b->key[j]);
    in_a[j] = i;
    if (i >= 0) in_b[i] = 1;
  }
  long k = 0;
  for (size_t q = 0; q < b->n; q++) {
    size_t j = ob[q];
    long i = in_a[j];
    rows[k].before = i;
    rows[k].after = (long)j;
    rows[k].rank_change = i >= 0 && !isnan(ra[i]) && !isnan(rb[j]) ? ra[i] - rb[j] : NAN;
    k++;
  }
  for (size_t q = 0; q < a->n; q++)
    if (!in_b[oa[q]]) rows[k++] = (gs_compare_row){(long)oa[q], -1, NAN};
  free(ob);
  free(oa);
  free(in_a);
  free(in_b);
  return k;
}
