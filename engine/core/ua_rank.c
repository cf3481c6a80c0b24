/* ua_rank.c - scoring and ranking all units under one draw's weights: the
 * hot loop of the uncertainty analysis (see ua.h for the definitions and
 * ua_impl.h for the interface).
 *
 * Layout: the pillars are kept by column (xT[i*n + u]), so scoring is k
 * passes of sc[u] += w_i * x_iu over contiguous memory, which the compiler
 * vectorises; the sum for each unit is still taken in pillar order from
 * 0.0 with a separate multiply and add (no fused multiply-add), so every
 * score is bit for bit the row-by-row sum of ua.h.
 *
 * Ranking without a sort: with digits >= 0 the keys are integers.  When the
 * keys of a draw span a range no larger than a few words per unit, a
 * bitmap of the keys present (v = kmax - key, so ascending v is descending
 * score) with a prefix popcount per word gives each unit's dense index
 * (the number of distinct keys above it); the dense rank is that plus 1,
 * and counting units per dense index gives competition, fractional and
 * ordinal (input order within a tie) ranks, all in O(n + range/64).  Wider
 * ranges use an LSD radix sort of packed (v, index) words; exact doubles
 * (digits < 0) or keys of 2^30 and beyond (also infinite or NaN scores: no
 * float-to-integer cast out of range) a comparison sort.  Every path gives
 * the same ranks.  The key loops are built twice (AVX2 and baseline x86-64)
 * through target_clones, chosen at load time; other compilers and
 * platforms build the portable version only. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ua_impl.h"

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && \
    !defined(GS_NO_CLONES)
#define GS_CLONES __attribute__((target_clones("avx2", "default"), optimize("O3")))
#define GS_CLONES_POPCNT __attribute__((target_clones("popcnt", "default")))
#else
#define GS_CLONES
#define GS_CLONES_POPCNT
#endif

/* ------------------------------------------------------------- fast exp */

/* exp(t) = 2^(m/256) * exp(r), m = nearest integer to t*256/ln2, |r| <=
 * ln2/512 < 0.00136; exp(r) - 1 = r + r^2/2 + r^3/6 + r^4/24 (truncation
 * error < 4e-17 relative); table T[j] = 2^(j/256) from libm's exp2.
 * Relative error is a few ulp.  Outside [-700, 700] (and for -inf/NaN)
 * libm's exp. */
static double exp_tab[256];
static pthread_once_t exp_once = PTHREAD_ONCE_INIT;
static void exp_init(void) {
  for (int j = 0; j < 256; j++) exp_tab[j] = exp2(j / 256.0);
}

static inline double exp_fast(double t) {
  if (!(t > -700.0 && t < 700.0)) return exp(t);
  const double inv = 0x1.71547652b82fep+8;            /* 256/ln2 */
  const double ln2hi = 0x1.62e42fee00000p-1 / 256.0;  /* fdlibm split */
  const double ln2lo = 0x1.a39ef35793c76p-33 / 256.0;
  const double shifter = 0x1.8p52;
  double kd = t * inv + shifter;                      /* round to nearest */
  uint64_t kb;
  memcpy(&kb, &kd, sizeof kb);
  kd -= shifter;
  int64_t m = (int64_t)(int32_t)(uint32_t)kb;          /* low bits hold m */
  double r = (t - kd * ln2hi) - kd * ln2lo;
  double r2 = r * r;
  double p = r + r2 * (0.5 + r * (1.0 / 6)) + (r2 * r2) * (1.0 / 24);
  double tj = exp_tab[m & 255];
  int64_t e = (m - (m & 255)) / 256;                   /* exact */
  uint64_t sb = (uint64_t)(e + 1023) << 52;            /* |e| <= 1011 */
  double sc;
  memcpy(&sc, &sb, sizeof sc);
  return (tj + tj * p) * sc;
}

double gs_ua_exp(double t) {
  pthread_once(&exp_once, exp_init);
  return exp_fast(t);
}

/* ---------------------------------------------------------------- scratch */

struct gs_ua_scratch {
  const gs_ua_model *m;
  size_t bytes;        /* one block holds everything below */
  double *score;       /* n */
  double *y;           /* n: score * 10^digits */
  int32_t *key;        /* n: grid keys */
  uint64_t *ord[2];    /* n each: radix sort buffers, (v << 32 | index) */
  struct skey { double key; uint32_t idx; } *sk;   /* n: comparison sort */
  uint32_t *r2;        /* n: 2*rank by unit */
  uint32_t *di;        /* n: dense index by unit */
  uint32_t *cnt;       /* n + 1: units per dense index, then the prefix */
  uint64_t *bits;      /* nwords: keys present */
  uint32_t *pre;       /* nwords: popcount before each word */
  size_t nwords;       /* bitmap capacity in words */
  double *wp;          /* k */
  double *a;           /* k */
  double *u;           /* k + 1 */
};

/* The bitmap path is taken when the keys of a draw span fewer than
 * 64 * nwords values: 4 words per unit (plus 256), so clearing and
 * summing it costs no more than a few operations per unit. */
static size_t grid_words(size_t n) { return 4 * n + 256; }

static size_t al8(size_t b) { return (b + 7) & ~(size_t)7; }

gs_ua_scratch *gs_ua_scratch_new(const gs_ua_model *m) {
  size_t n = m->n, k = m->k, nw = grid_words(n);
  size_t sz[] = {sizeof(gs_ua_scratch), n * 8, n * 8, n * 4, n * 8, n * 8, n * sizeof(struct skey),
                 n * 4, n * 4, (n + 1) * 4, nw * 8, nw * 4, k * 8, k * 8, (k + 1) * 8};
  size_t total = 0;
  for (size_t i = 0; i < sizeof sz / sizeof sz[0]; i++) {
    if (sz[i] / 8 > SIZE_MAX / 16 || total > SIZE_MAX / 2) return NULL;
    total += al8(sz[i]);
  }
  char *b = gs_ua_mem(&m->alloc, total, 1);
  if (!b) return NULL;
  gs_ua_scratch *s = (gs_ua_scratch *)b;
  void **slot[] = {NULL, (void **)&s->score, (void **)&s->y, (void **)&s->key, (void **)&s->ord[0],
                   (void **)&s->ord[1], (void **)&s->sk, (void **)&s->r2, (void **)&s->di,
                   (void **)&s->cnt, (void **)&s->bits, (void **)&s->pre, (void **)&s->wp,
                   (void **)&s->a, (void **)&s->u};
  size_t off = al8(sz[0]);
  for (size_t i = 1; i < sizeof sz / sizeof sz[0]; i++) {
    *slot[i] = b + off;
    off += al8(sz[i]);
  }
  s->m = m;
  s->bytes = total;
  s->nwords = nw;
  return s;
}

void gs_ua_scratch_free(gs_ua_scratch *s) {
  if (s) gs_ua_mem_free(&s->m->alloc, s, s->bytes);
}

double *gs_ua_scratch_wp(gs_ua_scratch *s) { return s->wp; }
double *gs_ua_scratch_u(gs_ua_scratch *s) { return s->u; }

unsigned gs_ua_scratch_draw(const gs_ua_model *m, gs_ua_scratch *s, uint64_t seed, uint64_t d) {
  uint64_t st = gs_ua_stream_init(seed, d);
  size_t k = m->k;
  for (size_t i = 0; i <= k; i++) s->u[i] = gs_ua_stream_uniform(&st);
  gs_ua_weights_from_uniforms(m->w, k, m->perturb, m->W, s->u, s->wp);
  return m->list[(unsigned)(s->u[k] * m->nm)];
}

/* ---------------------------------------------------------------- scoring */

/* sc[u] = sum_i w[i] * col_i[u], i ascending from 0.0: a column at a time. */
GS_CLONES static void dot_columns(double *restrict sc, const double *restrict xT, const double *restrict w,
                                  size_t n, size_t k) {
  for (size_t u = 0; u < n; u++) sc[u] = 0.0;
  for (size_t i = 0; i < k; i++) {
    const double *restrict col = xT + i * n;
    double wi = w[i];
    for (size_t u = 0; u < n; u++) sc[u] += wi * col[u];
  }
}

#if defined(__GNUC__)
typedef double v4d __attribute__((vector_size(32)));
typedef uint64_t v4u __attribute__((vector_size(32)));

/* sc[u] = W * (exp_fast(sc[u]) - c), four units at a time with GCC vector
 * types: the same operations in the same order as exp_fast (so the same
 * bits), the table read lane by lane; m = kb - bits(shifter) and e = m >>
 * 8 are taken on m + 2^40 > 0 with logical shifts (m - (m & 255) is a
 * multiple of 256; the 2^32 the offset adds vanishes in << 52).  A group
 * with an argument outside (-700, 700) goes through exp_fast. */
GS_CLONES static void geo_finish(double *restrict sc, size_t n, double W, double c) {
  const double inv = 0x1.71547652b82fep+8, ln2hi = 0x1.62e42fee00000p-1 / 256.0,
               ln2lo = 0x1.a39ef35793c76p-33 / 256.0, shifter = 0x1.8p52;
  size_t u = 0;
  for (; u + 4 <= n; u += 4) {
    v4d x;
    memcpy(&x, sc + u, sizeof x);
    if (!(x[0] > -700.0 && x[0] < 700.0 && x[1] > -700.0 && x[1] < 700.0 && x[2] > -700.0 &&
          x[2] < 700.0 && x[3] > -700.0 && x[3] < 700.0)) {
      for (size_t t = 0; t < 4; t++) sc[u + t] = W * (exp_fast(sc[u + t]) - c);
      continue;
    }
    v4d kd = x * inv + shifter;
    v4u kb;
    memcpy(&kb, &kd, sizeof kb);
    kd -= shifter;
    v4u mb = kb - UINT64_C(0x4338000000000000) + (UINT64_C(1) << 40);
    v4d r = (x - kd * ln2hi) - kd * ln2lo;
    v4d r2 = r * r;
    v4d p = r + r2 * (0.5 + r * (1.0 / 6)) + (r2 * r2) * (1.0 / 24);
    v4d tj = {exp_tab[mb[0] & 255], exp_tab[mb[1] & 255], exp_tab[mb[2] & 255], exp_tab[mb[3] & 255]};
    v4u sb = ((mb >> 8) + 1023) << 52;
    v4d scl;
    memcpy(&scl, &sb, sizeof scl);
    v4d res = W * ((tj + tj * p) * scl - c);
    memcpy(sc + u, &res, sizeof res);
  }
  for (; u < n; u++) sc[u] = W * (exp_fast(sc[u]) - c);
}
#else
static void geo_finish(double *sc, size_t n, double W, double c) {
  for (size_t u = 0; u < n; u++) sc[u] = W * (exp_fast(sc[u]) - c);
}
#endif

static void score_all(const gs_ua_model *m, gs_ua_scratch *s, const double *wp, unsigned method) {
  size_t n = m->n, k = m->k;
  if (method == GS_UA_ARITHMETIC) {
    dot_columns(s->score, m->xT, wp, n, k);
    return;
  }
  double W = m->W, c = m->c;
  for (size_t i = 0; i < k; i++) s->a[i] = wp[i] / W;
  dot_columns(s->score, m->lgT, s->a, n, k);
  geo_finish(s->score, n, W, c);
}

/* --------------------------------------------------------------- ranking */

/* The rounded key of y = S * 10^digits: half away from zero with a 1e-9
 * tolerance, floor(y + 0.5 + 1e-9) (mirrored for y < 0), the rule of
 * gs_round in ties.c, so 1.005 (y = 100.49999999999999 at 2 digits)
 * rounds up to 101.  For y >= 0 the sum is positive, so truncation is the
 * floor; the callers check |y| first, so the conversions are exact. */
static inline double round_key_d(double y) {
  return y >= 0 ? floor(y + 0.5 + 1e-9) : -floor(-y + 0.5 + 1e-9);
}

/* y[u] = sc[u] * scale; returns how many |y| are not below 2^30 (NaN
 * included: the comparison is false), a count so the loop vectorises. */
GS_CLONES static size_t scale_scores(double *restrict y, const double *restrict sc, double scale, size_t n) {
  size_t wide = 0;
  for (size_t u = 0; u < n; u++) {
    double v = sc[u] * scale;
    y[u] = v;
    wide += !(fabs(v) < 0x1p30);
  }
  return wide;
}

/* Integer keys of y (|y| < 2^30) and their minimum and maximum: the
 * truncation of |y| + 0.5 + 1e-9 with the sign of y (the rule above,
 * written without branches). */
GS_CLONES static void keys32(int32_t *restrict key, const double *restrict y, size_t n, int32_t *kmin,
                             int32_t *kmax) {
  int32_t lo = INT32_MAX, hi = INT32_MIN;
  for (size_t u = 0; u < n; u++) {
    double v = y[u];
    int32_t t = (int32_t)(fabs(v) + 0.5 + 1e-9), neg = -(int32_t)(v < 0);
    int32_t kk = (t ^ neg) - neg;
    key[u] = kk;
    lo = kk < lo ? kk : lo;
    hi = kk > hi ? kk : hi;
  }
  *kmin = lo;
  *kmax = hi;
}

/* Ranks from dense indexes di[u] (0 = highest key) and the number of
 * distinct keys nd: 2*rank into r2 for the tie rule. */
static void ranks_from_dense(const gs_ua_model *m, gs_ua_scratch *s, size_t nd) {
  size_t n = m->n;
  const uint32_t *restrict di = s->di;
  uint32_t *restrict r2 = s->r2, *restrict cnt = s->cnt;
  if (m->ties == GS_TIES_DENSE) {
    for (size_t u = 0; u < n; u++) r2[u] = 2 * di[u] + 2;
    return;
  }
  memset(cnt, 0, (nd + 1) * sizeof *cnt);
  for (size_t u = 0; u < n; u++) cnt[di[u]]++;
  uint32_t sum = 0; /* cnt[j] becomes the number of units above index j */
  for (size_t j = 0; j < nd; j++) {
    uint32_t t = cnt[j];
    cnt[j] = sum;
    sum += t;
  }
  cnt[nd] = sum;
  switch (m->ties) {
  case GS_TIES_COMPETITION:
    for (size_t u = 0; u < n; u++) r2[u] = 2 * cnt[di[u]] + 2;
    break;
  case GS_TIES_ORDINAL: /* input order within a tie: count as we go */
    for (size_t u = 0; u < n; u++) r2[u] = 2 * cnt[di[u]]++ + 2;
    break;
  default: /* fractional: 2 * average position = 2*above + size + 1 */
    for (size_t u = 0; u < n; u++) {
      uint32_t j = di[u];
      r2[u] = cnt[j] + cnt[j + 1] + 1;
    }
    break;
  }
}

/* The bitmap path: keys within [kmin, kmax], range < 64 * s->nwords. */
GS_CLONES_POPCNT static void rank_grid(const gs_ua_model *m, gs_ua_scratch *s, int32_t kmax, uint32_t range) {
  size_t n = m->n, nw = (size_t)range / 64 + 1;
  uint64_t *restrict bits = s->bits;
  uint32_t *restrict pre = s->pre, *restrict di = s->di;
  const int32_t *restrict key = s->key;
  memset(bits, 0, nw * sizeof *bits);
  for (size_t u = 0; u < n; u++) {
    uint32_t v = (uint32_t)(kmax - key[u]);
    bits[v >> 6] |= UINT64_C(1) << (v & 63);
  }
  uint32_t c = 0;
  for (size_t q = 0; q < nw; q++) {
    pre[q] = c;
    c += (uint32_t)__builtin_popcountll(bits[q]);
  }
  if (m->ties == GS_TIES_DENSE) { /* the usual rule: ranks straight away */
    uint32_t *restrict r2 = s->r2;
    for (size_t u = 0; u < n; u++) {
      uint32_t v = (uint32_t)(kmax - key[u]);
      uint64_t below = bits[v >> 6] & ((UINT64_C(1) << (v & 63)) - 1);
      r2[u] = 2 * (pre[v >> 6] + (uint32_t)__builtin_popcountll(below)) + 2;
    }
    return;
  }
  for (size_t u = 0; u < n; u++) {
    uint32_t v = (uint32_t)(kmax - key[u]);
    uint64_t below = bits[v >> 6] & ((UINT64_C(1) << (v & 63)) - 1);
    di[u] = pre[v >> 6] + (uint32_t)__builtin_popcountll(below);
  }
  ranks_from_dense(m, s, c);
}

/* LSD radix sort of (v << 32 | index), v = kmax - key < 2^31, stable
 * from index order; then dense indexes walking the sorted order. */
static void rank_radix(const gs_ua_model *m, gs_ua_scratch *s, int32_t kmax, uint32_t range) {
  size_t n = m->n;
  uint64_t *a = s->ord[0], *b = s->ord[1];
  const int32_t *key = s->key;
  for (size_t u = 0; u < n; u++) a[u] = ((uint64_t)(uint32_t)(kmax - key[u]) << 32) | (uint64_t)u;
  unsigned bits = 0;
  while (bits < 32 && (range >> bits)) bits++;
  unsigned passes = (bits + 10) / 11, width = passes ? (bits + passes - 1) / passes : 0;
  uint64_t mask = (UINT64_C(1) << width) - 1;
  uint32_t cnt[2048];
  for (unsigned p = 0; p < passes; p++) {
    unsigned sh = 32 + p * width;
    memset(cnt, 0, (mask + 1) * sizeof cnt[0]);
    for (size_t j = 0; j < n; j++) cnt[(a[j] >> sh) & mask]++;
    uint32_t sum = 0;
    for (uint64_t q = 0; q <= mask; q++) {
      uint32_t c = cnt[q];
      cnt[q] = sum;
      sum += c;
    }
    for (size_t j = 0; j < n; j++) b[cnt[(a[j] >> sh) & mask]++] = a[j];
    uint64_t *t = a;
    a = b;
    b = t;
  }
  uint32_t d = 0;
  s->di[a[0] & 0xFFFFFFFFu] = 0;
  for (size_t j = 1; j < n; j++) {
    d += (a[j] >> 32) != (a[j - 1] >> 32);
    s->di[a[j] & 0xFFFFFFFFu] = d;
  }
  ranks_from_dense(m, s, (size_t)d + 1);
}

static int skey_cmp(const void *pa, const void *pb) {
  const struct skey *a = pa, *b = pb;
  if (a->key > b->key) return -1;
  if (a->key < b->key) return 1;
  return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Exact doubles (digits < 0), or keys too large for integers. */
static void rank_sort(const gs_ua_model *m, gs_ua_scratch *s) {
  size_t n = m->n;
  struct skey *sk = s->sk;
  for (size_t u = 0; u < n; u++) {
    double v = m->digits >= 0 ? round_key_d(s->y[u]) : s->score[u];
    if (v == 0) v = 0.0; /* -0 ties with +0 */
    sk[u].key = v;
    sk[u].idx = (uint32_t)u;
  }
  qsort(sk, n, sizeof *sk, skey_cmp);
  uint32_t d = 0;
  s->di[sk[0].idx] = 0;
  for (size_t j = 1; j < n; j++) {
    d += !(sk[j].key == sk[j - 1].key);
    s->di[sk[j].idx] = d;
  }
  ranks_from_dense(m, s, (size_t)d + 1);
}

const uint32_t *gs_ua_rank(const gs_ua_model *m, gs_ua_scratch *s, const double *wp, unsigned method) {
  size_t n = m->n;
  score_all(m, s, wp, method);
  if (m->digits < 0) {
    rank_sort(m, s);
    return s->r2;
  }
  if (scale_scores(s->y, s->score, m->scale, n) == 0) { /* integer keys; otherwise (also NaN, inf) compare doubles */
    int32_t kmin, kmax;
    keys32(s->key, s->y, n, &kmin, &kmax);
    uint32_t range = (uint32_t)((int64_t)kmax - kmin);
    if ((size_t)range / 64 < s->nwords) rank_grid(m, s, kmax, range);
    else rank_radix(m, s, kmax, range);
  } else {
    rank_sort(m, s);
  }
  return s->r2;
}

/* ---------------------------------------------------------------- model */

void gs_ua_model_free(gs_ua_model *m) {
  size_t nk = gs_ua_size(m->n, m->k);
  gs_ua_mem_free(&m->alloc, m->xT, gs_ua_size(nk, sizeof(double)));
  gs_ua_mem_free(&m->alloc, m->lgT, gs_ua_size(nk, sizeof(double)));
  gs_ua_mem_free(&m->alloc, m->nom2, gs_ua_size(m->n, sizeof(uint32_t)));
  m->xT = m->lgT = NULL;
  m->nom2 = NULL;
}

int gs_ua_model_init(gs_ua_model *m, const gs_ua_config *cfg, char *err, size_t errlen) {
  memset(m, 0, sizeof *m);
  pthread_once(&exp_once, exp_init);
  if (!cfg) return gs_ua_fail(err, errlen, "no config");
  m->alloc = cfg->alloc;
  if (cfg->n < 1 || cfg->k < 1) return gs_ua_fail(err, errlen, "n and k must be >= 1");
  if (cfg->n > GS_UA_MAX_UNITS) return gs_ua_fail(err, errlen, "n = %zu exceeds %d", cfg->n, GS_UA_MAX_UNITS);
  if (cfg->k > 4096) return gs_ua_fail(err, errlen, "k = %zu exceeds 4096", cfg->k);
  if (!cfg->x || !cfg->spec.w) return gs_ua_fail(err, errlen, "x and w are required");
  if (!(cfg->perturb >= 0.0 && cfg->perturb < 1.0)) return gs_ua_fail(err, errlen, "perturb must be in [0, 1)");
  if ((cfg->methods & ~(GS_UA_ARITHMETIC | GS_UA_GEOMETRIC)) || !cfg->methods)
    return gs_ua_fail(err, errlen, "methods must be a non-empty subset of arithmetic|geometric");
  /* weights, offset, digits and ties: the one check of every scoring spec
   * (0 leaves a pillar out, as in d:score) */
  char why[160];
  if (gs_spec_check(&cfg->spec, cfg->k, why, sizeof why) != 0) return gs_ua_fail(err, errlen, "%s", why);
  if (cfg->spec.scale > 0) return gs_ua_fail(err, errlen, "scale is not supported: ranks are of unscaled scores");
  int geo = (cfg->methods & GS_UA_GEOMETRIC) != 0;
  size_t n = cfg->n, k = cfg->k;
  double W = 0.0;
  for (size_t i = 0; i < k; i++) W += cfg->spec.w[i];
  for (size_t u = 0; u < n; u++)
    for (size_t i = 0; i < k; i++) {
      double v = cfg->x[u * k + i];
      if (!(v >= 0.0 && isfinite(v))) return gs_ua_fail(err, errlen, "x[%zu][%zu] must be finite and >= 0", u, i);
      if (cfg->max && v > cfg->max[i])
        return gs_ua_fail(err, errlen, "x[%zu][%zu] = %g exceeds max %g", u, i, v, cfg->max[i]);
    }
  m->n = n;
  m->k = k;
  m->x = cfg->x;
  m->w = cfg->spec.w;
  m->W = W;
  m->perturb = cfg->perturb;
  m->nm = gs_ua_list_methods(cfg->methods, m->list);
  m->digits = cfg->spec.digits;
  m->ties = cfg->spec.ties;
  m->c = cfg->spec.offset;
  m->scale = 1.0;
  for (int i = 0; i < cfg->spec.digits; i++) m->scale *= 10.0;
  size_t bytes = gs_ua_size(gs_ua_size(n, k), sizeof(double));
  m->xT = gs_ua_mem(&m->alloc, bytes, 0);
  if (geo) m->lgT = gs_ua_mem(&m->alloc, bytes, 0);
  m->nom2 = gs_ua_mem(&m->alloc, gs_ua_size(n, sizeof *m->nom2), 0);
  if (!m->xT || (geo && !m->lgT) || !m->nom2) {
    gs_ua_model_free(m);
    return gs_ua_fail(err, errlen, "out of memory");
  }
  for (size_t u = 0; u < n; u++)
    for (size_t i = 0; i < k; i++) {
      m->xT[i * n + u] = cfg->x[u * k + i];
      if (geo) m->lgT[i * n + u] = log(cfg->x[u * k + i] + m->c);
    }
  gs_ua_scratch *s = gs_ua_scratch_new(m);
  if (!s) {
    gs_ua_model_free(m);
    return gs_ua_fail(err, errlen, "out of memory");
  }
  memcpy(m->nom2, gs_ua_rank(m, s, cfg->spec.w, m->list[0]), n * sizeof *m->nom2);
  gs_ua_scratch_free(s);
  return 0;
}

double gs_ua_score(const double *x_u, size_t k, const double *w, unsigned method, double c) {
  pthread_once(&exp_once, exp_init);
  if (method == GS_UA_ARITHMETIC) {
    double acc = 0.0;
    for (size_t i = 0; i < k; i++) acc += w[i] * x_u[i];
    return acc;
  }
  double W = 0.0, acc = 0.0;
  for (size_t i = 0; i < k; i++) W += w[i];
  for (size_t i = 0; i < k; i++) acc += (w[i] / W) * log(x_u[i] + c);
  return W * (exp_fast(acc) - c);
}
