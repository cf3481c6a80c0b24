/* keysort.c - (key, row) pairs into rank order (see keysort.h).
 *
 * Each key becomes a 64-bit word whose unsigned order is the descending
 * order of the doubles; a stable counting pass per byte, least significant
 * first, then sorts the words, and stability keeps the rows ascending among
 * equal keys.  Passes whose byte is the same for every key are skipped. */
#include "keysort.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b) {
  const gs_keyrow *x = a, *y = b;
  if (x->key > y->key) return -1;
  if (x->key < y->key) return 1;
  return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Unsigned order = descending order of the double (not NaN). */
static uint64_t desc_word(double x) {
  x += 0.0; /* -0.0 becomes 0.0 */
  uint64_t u;
  memcpy(&u, &x, sizeof u);
  u = (u >> 63) ? ~u : u | ((uint64_t)1 << 63); /* ascending */
  return ~u;
}

typedef struct {
  uint64_t w;
  gs_keyrow r;
} witem;

int gs_keysort(gs_keyrow *it, size_t n) {
  if (n < 512) {
    qsort(it, n, sizeof *it, cmp);
    return 0;
  }
  witem *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
  size_t(*count)[256] = calloc(8, sizeof *count);
  if (!a || !b || !count) {
    free(a);
    free(b);
    free(count);
    return -1;
  }
  for (size_t i = 0; i < n; i++) {
    a[i].w = desc_word(it[i].key);
    a[i].r = it[i];
    for (int p = 0; p < 8; p++) count[p][(a[i].w >> (8 * p)) & 0xFF]++;
  }
  for (int p = 0; p < 8; p++) {
    size_t *c = count[p];
    if (c[(a[0].w >> (8 * p)) & 0xFF] == n) continue; /* one value: nothing moves */
    size_t sum = 0;
    for (int v = 0; v < 256; v++) {
      size_t k = c[v];
      c[v] = sum;
      sum += k;
    }
    for (size_t i = 0; i < n; i++) b[c[(a[i].w >> (8 * p)) & 0xFF]++] = a[i];
    witem *t = a;
    a = b;
    b = t;
  }
  for (size_t i = 0; i < n; i++) it[i] = a[i].r;
  free(a);
  free(b);
  free(count);
  return 0;
}
