/* compare.c - two rankings side by side (see compare.h). */
#include "compare.h"

#include <math.h>
#include <stdlib.h>

typedef struct { double rank; size_t i; } ord_item;

static int ord_cmp(const void *a, const void *b) {
  const ord_item *x = a, *y = b;
  int xn = isnan(x->rank), yn = isnan(y->rank);
  if (xn != yn) return xn - yn;
  if (!xn && x->rank != y->rank) return x->rank < y->rank ? -1 : 1;
  return (x->i > y->i) - (x->i < y->i);
}

int gs_rank_order(const double *rank, size_t n, size_t *order) {
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
  if (!ob || !oa || gs_rank_order(rb, b->n, ob) != 0 || gs_rank_order(ra, a->n, oa) != 0) {
    free(ob);
    free(oa);
    return -1;
  }
  long k = 0;
  for (size_t q = 0; q < b->n; q++) {
    size_t j = ob[q];
    long i = gs_dataset_row(a, b->key[j]);
    rows[k].before = i;
    rows[k].after = (long)j;
    rows[k].rank_change = i >= 0 && !isnan(ra[i]) && !isnan(rb[j]) ? ra[i] - rb[j] : NAN;
    k++;
  }
  for (size_t q = 0; q < a->n; q++) {
    size_t i = oa[q];
    if (gs_dataset_row(b, a->key[i]) >= 0) continue;
    rows[k++] = (gs_compare_row){(long)i, -1, NAN};
  }
  free(ob);
  free(oa);
  return k;
}
