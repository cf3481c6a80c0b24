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

/* The double whose desc_word is w (0.0 for the word of -0.0). */
static double word_key(uint64_t w) {
  uint64_t u = ~w;
  u = (u >> 63) ? u & ~((uint64_t)1 << 63) : ~u;
  double x;
  memcpy(&x, &u, sizeof x);
  return x;
}

/* The sort word a pair holds in its key's bytes while it is sorted. */
static uint64_t word_of(const gs_keyrow *r) {
  uint64_t w;
  memcpy(&w, &r->key, sizeof w);
  return w;
}

int gs_keysort(gs_keyrow *it, size_t n) {
  if (n < 512) {
    qsort(it, n, sizeof *it, cmp);
    return 0;
  }
  /* The pairs are sorted where they are, with one buffer of n pairs: each
   * key's bytes hold its sort word meanwhile (moved by memcpy, never as a
   * double), and get the key back at the end. */
  gs_keyrow *tmp = malloc(n * sizeof *tmp);
  size_t(*count)[256] = calloc(8, sizeof *count);
  if (!tmp || !count) {
    free(tmp);
    free(count);
    return -1;
  }
  for (size_t i = 0; i < n; i++) {
    uint64_t w = desc_word(it[i].key);
    memcpy(&it[i].key, &w, sizeof w);
    for (int p = 0; p < 8; p++) count[p][(w >> (8 * p)) & 0xFF]++;
  }
  gs_keyrow *a = it, *b = tmp;
  for (int p = 0; p < 8; p++) {
    size_t *c = count[p];
    if (c[(word_of(&a[0]) >> (8 * p)) & 0xFF] == n) continue; /* one value: nothing moves */
    size_t sum = 0;
    for (int v = 0; v < 256; v++) {
      size_t k = c[v];
      c[v] = sum;
      sum += k;
    }
    for (size_t i = 0; i < n; i++) memcpy(&b[c[(word_of(&a[i]) >> (8 * p)) & 0xFF]++], &a[i], sizeof *a);
    gs_keyrow *t = a;
    a = b;
    b = t;
  }
  if (a != it) memcpy(it, a, n * sizeof *it);
  for (size_t i = 0; i < n; i++) it[i].key = word_key(word_of(&it[i]));
  free(tmp);
  free(count);
  return 0;
}
