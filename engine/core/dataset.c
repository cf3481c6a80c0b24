/* dataset.c - the columnar dataset (see dataset.h). */
#include "dataset.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cpu.h"
#include "ties.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static void free_strv(char **v, size_t n) {
  if (!v) return;
  for (size_t i = 0; i < n; i++) free(v[i]);
  free(v);
}

void gs_dataset_free(gs_dataset *d) {
  if (!d) return;
  free(d->source);
  free_strv(d->key, d->n);
  free_strv(d->name, d->n);
  free(d->key_col);
  free(d->name_col);
  for (size_t c = 0; c < d->ncol && d->col; c++) {
    free(d->col[c].name);
    free(d->col[c].num);
    free_strv(d->col[c].text, d->n);
  }
  free(d->col);
  free(d->pillar);
  free(d->pmin);
  free(d->pmax);
  free(d->kslot);
  free(d);
}

static char *dupstr(const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s) + 1;
  char *p = malloc(n);
  if (p) memcpy(p, s, n);
  return p;
}

static char **dup_strv(char *const *v, size_t n) {
  char **o = calloc(n ? n : 1, sizeof *o);
  if (!o) return NULL;
  for (size_t i = 0; i < n; i++)
    if (!(o[i] = dupstr(v[i]))) { free_strv(o, n); return NULL; }
  return o;
}

static void *dupmem(const void *p, size_t bytes) {
  void *o = malloc(bytes ? bytes : 1);
  if (o && bytes) memcpy(o, p, bytes);
  return o;
}

gs_dataset *gs_dataset_copy(const gs_dataset *s) {
  gs_dataset *d = calloc(1, sizeof *d);
  if (!d) return NULL;
  d->n = s->n;
  d->ncol = 0;
  int ok = (d->source = dupstr(s->source)) && (d->key = dup_strv(s->key, s->n)) &&
           (d->name = dup_strv(s->name, s->n)) && (d->key_col = dupstr(s->key_col)) &&
           (d->name_col = dupstr(s->name_col)) &&
           (d->col = calloc(s->ncol ? s->ncol : 1, sizeof *d->col)) &&
           (d->pillar = dupmem(s->pillar, s->npillar * sizeof *s->pillar)) &&
           (d->pmin = dupmem(s->pmin, s->npillar * sizeof *s->pmin)) &&
           (d->pmax = dupmem(s->pmax, s->npillar * sizeof *s->pmax));
  d->npillar = s->npillar;
  for (size_t c = 0; ok && c < s->ncol; c++) {
    gs_column *dc = &d->col[c];
    const gs_column *sc = &s->col[c];
    d->ncol = c + 1;
    dc->type = sc->type;
    dc->decimals = sc->decimals;
    ok = (dc->name = dupstr(sc->name)) != NULL;
    if (ok && sc->type == GS_COL_NUMBER) ok = (dc->num = dupmem(sc->num, s->n * sizeof *sc->num)) != NULL;
    if (ok && sc->type == GS_COL_TEXT) ok = (dc->text = dup_strv(sc->text, s->n)) != NULL;
  }
  if (ok && s->kslot) {
    ok = (d->kslot = dupmem(s->kslot, (s->kmask + 1) * sizeof *s->kslot)) != NULL;
    d->kmask = s->kmask;
  }
  if (!ok) { gs_dataset_free(d); return NULL; }
  return d;
}

/* FNV-1a, 64 bits: keys are short codes; it spreads them well enough and
 * the table is at most half full. */
static size_t key_hash(const char *s) {
  uint64_t h = 1469598103934665603u;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
  return (size_t)(h ^ (h >> 29));
}

int gs_dataset_index(gs_dataset *d, size_t *dup_first, size_t *dup_second) {
  free(d->kslot);
  d->kslot = NULL;
  d->kmask = 0;
  size_t cap = 16;
  while (cap < 2 * d->n) cap *= 2;
  size_t *slot = calloc(cap, sizeof *slot);
  if (!slot) return -1;
  size_t mask = cap - 1;
  for (size_t i = 0; i < d->n; i++) {
    size_t h = key_hash(d->key[i]) & mask;
    while (slot[h]) {
      if (strcmp(d->key[slot[h] - 1], d->key[i]) == 0) {
        if (dup_first) *dup_first = slot[h] - 1;
        if (dup_second) *dup_second = i;
        free(slot);
        return 1;
      }
      h = (h + 1) & mask;
    }
    slot[h] = i + 1;
  }
  d->kslot = slot;
  d->kmask = mask;
  return 0;
}

long gs_dataset_row(const gs_dataset *d, const char *key) {
  if (d->kslot) {
    for (size_t h = key_hash(key) & d->kmask; d->kslot[h]; h = (h + 1) & d->kmask)
      if (strcmp(d->key[d->kslot[h] - 1], key) == 0) return (long)(d->kslot[h] - 1);
    return -1;
  }
  for (size_t i = 0; i < d->n; i++)
    if (strcmp(d->key[i], key) == 0) return (long)i;
  return -1;
}

long gs_dataset_row_nocase(const gs_dataset *d, const char *key) {
  long found = -1;
  for (size_t i = 0; i < d->n; i++)
    if (strcasecmp(d->key[i], key) == 0) {
      if (found >= 0) return -1; /* ambiguous */
      found = (long)i;
    }
  return found;
}

long gs_dataset_col(const gs_dataset *d, const char *name) {
  for (size_t c = 0; c < d->ncol; c++)
    if (strcmp(d->col[c].name, name) == 0) return (long)c;
  return -1;
}

void gs_dataset_numeric_matrix(const gs_dataset *d, const char **names, double *X) {
  size_t nc = d->ncol;
  for (size_t c = 0; c < nc; c++) {
    const gs_column *col = &d->col[c];
    names[c] = col->type == GS_COL_NUMBER ? col->name : NULL;
    for (size_t u = 0; u < d->n; u++) X[u * nc + c] = col->type == GS_COL_NUMBER ? col->num[u] : NAN;
  }
}

long gs_dataset_pillar_of(const gs_dataset *d, size_t col) {
  for (size_t p = 0; p < d->npillar; p++)
    if (d->pillar[p] == col) return (long)p;
  return -1;
}

int gs_dataset_col_digits(const gs_dataset *d, size_t c) {
  int k = c < d->ncol && d->col[c].type == GS_COL_NUMBER ? d->col[c].decimals : 0;
  return k < 0 ? 0 : k > GS_DIGITS_MAX ? GS_DIGITS_MAX : k;
}

int gs_dataset_score_digits(const gs_dataset *d) {
  int k = 0;
  if (d->npillar)
    for (size_t p = 0; p < d->npillar; p++) {
      int x = gs_dataset_col_digits(d, d->pillar[p]);
      if (x > k) k = x;
    }
  else
    for (size_t c = 0; c < d->ncol; c++) {
      int x = gs_dataset_col_digits(d, c);
      if (x > k) k = x;
    }
  return k;
}

/* Whether any of v[0..m-1] may be off the grid of scale p.  With SSE2
 * (every x86-64) two values at a time and a test stricter than
 * gs_on_grid_y: |y| < 2^51 and |y - nearbyint(y)| <= 1e-9, never more
 * than gs_on_grid_y allows; a block it flags is then looked at value by
 * value.  (GCC's generic vectors compiled this compare-and-accumulate into
 * a lane-by-lane select.) */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#include <immintrin.h>
#define GS_GRID512 1
/* The same test eight values at a time, for processors with AVX-512 (a
 * dataset of 10^6 units has 5 * 10^6 values to look at). */
__attribute__((target("avx512f,avx512dq"))) static int any_off_grid_512(const double *v, size_t m, double p) {
  const __m512d vp = _mm512_set1_pd(p), big = _mm512_set1_pd(0x1p52), lim = _mm512_set1_pd(0x1p51),
                tol = _mm512_set1_pd(1e-9);
  __mmask8 good = 0xFF;
  size_t i = 0;
  for (; i + 8 <= m; i += 8) {
    __m512d a = _mm512_abs_pd(_mm512_mul_pd(_mm512_loadu_pd(v + i), vp));
    __m512d e = _mm512_abs_pd(_mm512_sub_pd(a, _mm512_sub_pd(_mm512_add_pd(a, big), big)));
    good &= _mm512_cmp_pd_mask(a, lim, _CMP_LT_OQ) & _mm512_cmp_pd_mask(e, tol, _CMP_LE_OQ);
  }
  int off = good != 0xFF;
  for (; i < m; i++) off |= !gs_on_grid_y(v[i] * p);
  return off;
}
#endif

static int any_off_grid(const double *v, size_t m, double p) {
  size_t i = 0;
  int off = 0;
#ifdef GS_GRID512
  if (gs_cpu_avx512()) return any_off_grid_512(v, m, p);
#endif
#if defined(__SSE2__)
  const __m128d vp = _mm_set1_pd(p), big = _mm_set1_pd(0x1p52), lim = _mm_set1_pd(0x1p51),
                tol = _mm_set1_pd(1e-9), abs = _mm_castsi128_pd(_mm_set1_epi64x(INT64_MAX));
  __m128d good = _mm_castsi128_pd(_mm_set1_epi64x(-1));
  for (; i + 2 <= m; i += 2) {
    __m128d a = _mm_and_pd(_mm_mul_pd(_mm_loadu_pd(v + i), vp), abs);        /* |y| */
    __m128d e = _mm_and_pd(_mm_sub_pd(a, _mm_sub_pd(_mm_add_pd(a, big), big)), abs); /* |y - nearbyint(y)| */
    good = _mm_and_pd(good, _mm_and_pd(_mm_cmplt_pd(a, lim), _mm_cmple_pd(e, tol)));
  }
  off = _mm_movemask_pd(good) != 3;
#endif
  for (; i < m; i++) off |= !gs_on_grid_y(v[i] * p);
  return off;
}

/* One value of the scan: the grid grows until x is on it (6 at most). */
static void grid_step(double x, int *dg, int *ex) {
  int ok;
  while (!(ok = gs_on_grid(x, *dg)) && *dg < 6) (*dg)++;
  *ex &= ok;
}

int gs_dataset_grid(const gs_dataset *d, int *exact) {
  if (!d->grid_digits) {
    int dg = 0, ex = 1;
    for (size_t p = 0; p < d->npillar && !(dg == 6 && !ex); p++) {
      const double *v = d->col[d->pillar[p]].num;
      /* a block on the grid so far changes nothing: values are looked at one
       * by one only in a block with one off it */
      for (size_t i0 = 0; i0 < d->n; i0 += 1024) {
        size_t i1 = d->n - i0 < 1024 ? d->n : i0 + 1024;
        if (!any_off_grid(v + i0, i1 - i0, gs_pow10(dg))) continue;
        for (size_t i = i0; i < i1; i++) grid_step(v[i], &dg, &ex);
      }
      grid_step(d->pmax[p], &dg, &ex); /* a gain may end exactly at the maximum */
    }
    /* a cache, not a change of the data: the values it is computed from
     * never change once the dataset is built (see dataset.h) */
    gs_dataset *w = (gs_dataset *)d;
    w->grid_exact = ex;
    w->grid_digits = dg + 1;
  }
  *exact = d->grid_exact;
  return d->grid_digits - 1;
}

void gs_dataset_drop_pillar(gs_dataset *d, size_t p) {
  if (p >= d->npillar) return;
  d->grid_digits = 0;
  size_t rest = d->npillar - p - 1;
  memmove(d->pillar + p, d->pillar + p + 1, rest * sizeof *d->pillar);
  memmove(d->pmin + p, d->pmin + p + 1, rest * sizeof *d->pmin);
  memmove(d->pmax + p, d->pmax + p + 1, rest * sizeof *d->pmax);
  d->npillar--;
}

/* A heap block of b bytes, as malloc charges it (header and rounding). */
static size_t blk(size_t b) { return ((b + 15) & ~(size_t)15) + 16; }

static size_t str_bytes(const char *s) { return s ? blk(strlen(s) + 1) : 0; }

size_t gs_dataset_bytes(const gs_dataset *d) {
  if (!d) return 0;
  size_t b = blk(sizeof *d) + str_bytes(d->source) + str_bytes(d->key_col) + str_bytes(d->name_col);
  b += blk(d->n * sizeof *d->key) + blk(d->n * sizeof *d->name);
  for (size_t i = 0; i < d->n; i++) b += str_bytes(d->key[i]) + str_bytes(d->name[i]);
  b += blk((d->ncol ? d->ncol : 1) * sizeof *d->col) + 3 * blk(d->npillar * sizeof(double));
  for (size_t c = 0; c < d->ncol; c++) {
    const gs_column *col = &d->col[c];
    b += str_bytes(col->name);
    if (col->num) b += blk(d->n * sizeof *col->num);
    if (col->text) {
      b += blk(d->n * sizeof *col->text);
      for (size_t i = 0; i < d->n; i++) b += str_bytes(col->text[i]);
    }
  }
  if (d->kslot) b += blk((d->kmask + 1) * sizeof *d->kslot); /* the key index */
  return b;
}
