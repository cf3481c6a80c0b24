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
 * bitmap of the keys present (bit v = key - kmin) with a suffix popcount
 * per word (the bits set in the words above it) gives each unit's dense
 * rank: the keys above it in other words, plus popcount(word >> v mod 64),
 * its own bit and those above it in its word.  Counting units per dense
 * rank gives competition, fractional and ordinal (input order within a
 * tie) ranks, all in O(n + range/64).  The uncertainty histogram is
 * counted straight from the dense rank (gs_ua_rank_tally), no rank stored
 * and read back.  Wider ranges use an LSD radix sort of packed (v, index)
 * words; exact doubles (digits < 0) or keys of 2^30 and beyond (also
 * infinite or NaN scores: no float-to-integer cast out of range) a
 * comparison sort.  Every path gives the same ranks.
 *
 * Builds: the key loops are built for x86-64-v4, AVX2 and baseline x86-64
 * through target_clones, chosen at load time; with GCC on x86-64 Linux the
 * AVX-512 loops (keys_512, rank_grid_512) run instead when gs_cpu_avx512
 * says so (GCISIM_SIMD=0 keeps the others); other compilers and platforms
 * build the portable version only. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "ua_impl.h"

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && \
    !defined(GS_NO_CLONES)
#define GS_CLONES __attribute__((target_clones("arch=x86-64-v4", "avx2", "default"), optimize("O3")))
#define GS_CLONES_POPCNT __attribute__((target_clones("popcnt", "default")))
#define GS_AVX512 1
#define GS_T512 __attribute__((target("avx512f,avx512vl,avx512dq,avx512vpopcntdq,bmi2,popcnt")))
#include <immintrin.h>
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
  int32_t *key;        /* n: grid keys */
  uint64_t *ord[2];    /* n each: radix sort buffers, (v << 32 | index) */
  struct skey { double key; uint32_t idx; } *sk;   /* n: comparison sort */
  uint32_t *r2;        /* n: 2*rank by unit */
  uint32_t *di;        /* n: dense index by unit */
  uint32_t *cnt;       /* n + 1: units per dense index, then the prefix */
  uint64_t *bits;      /* 2 * nwords: keys present (rank_grid_512: two bitmaps) */
  uint32_t *top;       /* nwords: the bits set in the words above each word */
  size_t nwords;       /* bitmap capacity in words */
  double *wp;          /* 2k: two draws' weights */
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
  size_t sz[] = {sizeof(gs_ua_scratch), n * 8, n * 4, n * 8, n * 8, n * sizeof(struct skey),
                 n * 4, n * 4, (n + 1) * 4, 2 * nw * 8, nw * 4, 2 * k * 8, k * 8, (k + 1) * 8};
  size_t total = 0;
  for (size_t i = 0; i < sizeof sz / sizeof sz[0]; i++) {
    if (sz[i] / 8 > SIZE_MAX / 16 || total > SIZE_MAX / 2) return NULL;
    total += al8(sz[i]);
  }
  char *b = gs_ua_mem(&m->alloc, total, 1);
  if (!b) return NULL;
  gs_ua_scratch *s = (gs_ua_scratch *)b;
  void **slot[] = {NULL, (void **)&s->score, (void **)&s->key, (void **)&s->ord[0],
                   (void **)&s->ord[1], (void **)&s->sk, (void **)&s->r2, (void **)&s->di,
                   (void **)&s->cnt, (void **)&s->bits, (void **)&s->top, (void **)&s->wp,
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

unsigned gs_ua_scratch_draw_to(const gs_ua_model *m, gs_ua_scratch *s, uint64_t seed, uint64_t d, double *wp) {
  uint64_t st = gs_ua_stream_init(seed, d);
  size_t k = m->k;
  for (size_t i = 0; i <= k; i++) s->u[i] = gs_ua_stream_uniform(&st);
  gs_ua_weights_from_uniforms(m->w, k, m->perturb, m->W, s->u, wp);
  return m->list[(unsigned)(s->u[k] * m->nm)];
}

unsigned gs_ua_scratch_draw(const gs_ua_model *m, gs_ua_scratch *s, uint64_t seed, uint64_t d) {
  return gs_ua_scratch_draw_to(m, s, seed, d, s->wp);
}

/* ---------------------------------------------------------------- scoring */

/* The rounded key of y = S * 10^digits: half away from zero with a 1e-9
 * tolerance, floor(y + 0.5 + 1e-9) (mirrored for y < 0), the rule of
 * gs_round in ties.c, so 1.005 (y = 100.49999999999999 at 2 digits)
 * rounds up to 101.  For y >= 0 the sum is positive, so truncation is the
 * floor; the callers check |y| first, so the conversions are exact. */
static inline double round_key_d(double y) {
  return y >= 0 ? floor(y + 0.5 + 1e-9) : -floor(-y + 0.5 + 1e-9);
}

/* One unit's score from its k values at stride n (a[] are the weights, or
 * wp/W over log(x + c) for geometric), and its integer key when |y| <
 * 2^30; returns 0 when it is not (NaN included: the comparison is false).
 * The reference the vector loop below follows operation for operation:
 * the sum from 0.0 in pillar order, a multiply and an add per pillar (no
 * fused multiply-add: ISO C mode does not contract), so every score is bit
 * for bit the row-by-row sum of ua.h. */
static inline int score_key1(const double *col, size_t n, const double *a, size_t k, int geo, double W, double c,
                             double scale, double *sc, int32_t *key) {
  double acc = 0.0;
  for (size_t i = 0; i < k; i++) acc += a[i] * col[i * n];
  if (geo) acc = W * (exp_fast(acc) - c);
  *sc = acc;
  double v = acc * scale, av = fabs(v);
  int ok = av < 0x1p30;
  int32_t t = (int32_t)((ok ? av : 0.0) + 0.5 + 1e-9), neg = -(int32_t)(v < 0);
  *key = (t ^ neg) - neg;
  return ok;
}

#if defined(__GNUC__)
typedef double v8d __attribute__((vector_size(64)));
typedef int64_t v8l __attribute__((vector_size(64)));
typedef uint64_t v8u __attribute__((vector_size(64)));
typedef int32_t v8i __attribute__((vector_size(32)));

/* exp_fast of eight arguments inside (-700, 700), with GCC vector types:
 * the same operations in the same order as exp_fast (so the same bits),
 * the table read lane by lane; m = kb - bits(shifter) and e = m >> 8 are
 * taken on m + 2^40 > 0 with logical shifts (m - (m & 255) is a multiple
 * of 256; the 2^32 the offset adds vanishes in << 52).  In place: a
 * vector argument would change the ABI between the clones. */
static inline __attribute__((always_inline)) void exp8(v8d *xp) {
  v8d x = *xp;
  const double inv = 0x1.71547652b82fep+8, ln2hi = 0x1.62e42fee00000p-1 / 256.0,
               ln2lo = 0x1.a39ef35793c76p-33 / 256.0, shifter = 0x1.8p52;
  v8d kd = x * inv + shifter;
  v8u kb;
  memcpy(&kb, &kd, sizeof kb);
  kd -= shifter;
  v8u mb = kb - UINT64_C(0x4338000000000000) + (UINT64_C(1) << 40);
  v8d r = (x - kd * ln2hi) - kd * ln2lo;
  v8d r2 = r * r;
  v8d p = r + r2 * (0.5 + r * (1.0 / 6)) + (r2 * r2) * (1.0 / 24);
  v8u j = mb & 255;
  v8d tj = {exp_tab[j[0]], exp_tab[j[1]], exp_tab[j[2]], exp_tab[j[3]],
            exp_tab[j[4]], exp_tab[j[5]], exp_tab[j[6]], exp_tab[j[7]]};
  v8u sb = ((mb >> 8) + 1023) << 52;
  v8d scl;
  memcpy(&scl, &sb, sizeof scl);
  *xp = (tj + tj * p) * scl;
}

/* Scores (into sc) and integer keys (into key) of all units, eight at a
 * time, each bit for bit score_key1; returns how many units have no
 * integer key (|y| >= 2^30 or NaN).  A block with a geometric argument
 * outside (-700, 700) goes through score_key1.  geo is a constant in each
 * caller, so each gets its own loop. */
static inline __attribute__((always_inline)) size_t score_keys8(const double *restrict cols,
                                                                const double *restrict a, size_t n, size_t k,
                                                                const int geo, double W, double c, double scale,
                                                                double *restrict sc, int32_t *restrict key) {
  v8l bad = {0};
  size_t u = 0, wide = 0;
  for (; u + 8 <= n; u += 8) {
    v8d acc = {0};
    for (size_t i = 0; i < k; i++) {
      v8d x;
      memcpy(&x, cols + i * n + u, sizeof x);
      acc = acc + a[i] * x;
    }
    if (geo) {
      v8l out = (acc <= -700.0) | (acc >= 700.0) | (acc != acc);
      if (out[0] | out[1] | out[2] | out[3] | out[4] | out[5] | out[6] | out[7]) {
        for (size_t t = 0; t < 8; t++)
          wide += !score_key1(cols + u + t, n, a, k, geo, W, c, scale, sc + u + t, key + u + t);
        continue;
      }
      exp8(&acc);
      acc = W * (acc - c);
    }
    memcpy(sc + u, &acc, sizeof acc);
    v8d v = acc * scale, av;
    v8l vb;
    memcpy(&vb, &v, sizeof vb);
    vb &= INT64_MAX; /* fabs */
    memcpy(&av, &vb, sizeof av);
    v8l ok = av < 0x1p30;
    bad -= ~ok; /* + 1 where not ok */
    vb &= ok;   /* 0.0 where not ok: the conversion stays in range */
    memcpy(&av, &vb, sizeof av);
    v8i t = __builtin_convertvector(av + 0.5 + 1e-9, v8i);
    v8i neg = __builtin_convertvector(v < 0, v8i);
    v8i kk = (t ^ neg) - neg;
    memcpy(key + u, &kk, sizeof kk);
  }
  for (size_t t = 0; t < 8; t++) wide += (size_t)bad[t];
  for (; u < n; u++) wide += !score_key1(cols + u, n, a, k, geo, W, c, scale, sc + u, key + u);
  return wide;
}

GS_CLONES static size_t score_keys_arith(const double *restrict cols, const double *restrict a, size_t n,
                                         size_t k, double scale, double *restrict sc, int32_t *restrict key) {
  return score_keys8(cols, a, n, k, 0, 0.0, 0.0, scale, sc, key);
}

GS_CLONES static size_t score_keys_geo(const double *restrict cols, const double *restrict a, size_t n, size_t k,
                                       double W, double c, double scale, double *restrict sc,
                                       int32_t *restrict key) {
  return score_keys8(cols, a, n, k, 1, W, c, scale, sc, key);
}

static size_t score_keys(const double *cols, const double *a, size_t n, size_t k, int geo, double W, double c,
                         double scale, double *sc, int32_t *key) {
  return geo ? score_keys_geo(cols, a, n, k, W, c, scale, sc, key) : score_keys_arith(cols, a, n, k, scale, sc, key);
}
#else
static size_t score_keys(const double *cols, const double *a, size_t n, size_t k, int geo, double W, double c,
                         double scale, double *sc, int32_t *key) {
  size_t wide = 0;
  for (size_t u = 0; u < n; u++) wide += !score_key1(cols + u, n, a, k, geo, W, c, scale, sc + u, key + u);
  return wide;
}
#endif

#ifdef GS_AVX512
/* The integer keys (into key) of all units with AVX-512 intrinsics, eight
 * at a time, with their smallest and largest; returns how many units have
 * no integer key (|y| >= 2^30 or NaN), and then the caller scores them
 * again through score_keys, for the scores the comparison sort needs.
 * The same operations in the same order as score_key1 and exp_fast
 * (intrinsics are never contracted into fused multiply-adds), the exp
 * table read by one gather.  No score is stored: the keys are all the
 * draw needs.  A block whose y are all in [0, 2^30) (the usual case:
 * weights and values are >= 0) takes score_key1's rule for y >= 0 alone,
 * half of its operations; any other block takes the whole rule.  With safe
 * (keys_safe: the data alone keep every y in range) no block is checked:
 * keys_512 builds the loop both ways. */
GS_T512 static inline __attribute__((always_inline)) size_t
keys_512_body(const double *restrict cols, const double *restrict a, size_t n, size_t k, int geo, double W, double c,
              double scale, int32_t *restrict key, int32_t *kmin, int32_t *kmax, const int safe) {
  const __m512d inv = _mm512_set1_pd(0x1.71547652b82fep+8), ln2hi = _mm512_set1_pd(0x1.62e42fee00000p-1 / 256.0),
                ln2lo = _mm512_set1_pd(0x1.a39ef35793c76p-33 / 256.0), shifter = _mm512_set1_pd(0x1.8p52),
                half = _mm512_set1_pd(0.5), sixth = _mm512_set1_pd(1.0 / 6), k24 = _mm512_set1_pd(1.0 / 24),
                lo700 = _mm512_set1_pd(-700.0), hi700 = _mm512_set1_pd(700.0), vW = _mm512_set1_pd(W),
                vc = _mm512_set1_pd(c), vscale = _mm512_set1_pd(scale), lim = _mm512_set1_pd(0x1p30),
                tol = _mm512_set1_pd(1e-9), zd = _mm512_setzero_pd();
  const __m512i bias = _mm512_set1_epi64((long long)(UINT64_C(0x4338000000000000) - (UINT64_C(1) << 40))),
                m255 = _mm512_set1_epi64(255), e1023 = _mm512_set1_epi64(1023),
                absmask = _mm512_set1_epi64(INT64_MAX);
  __m256i lo = _mm256_set1_epi32(INT32_MAX), hi = _mm256_set1_epi32(INT32_MIN);
  size_t u = 0, wide = 0;
  for (; u + 8 <= n; u += 8) {
    __m512d acc = _mm512_setzero_pd();
    for (size_t i = 0; i < k; i++)
      acc = _mm512_add_pd(acc, _mm512_mul_pd(_mm512_set1_pd(a[i]), _mm512_loadu_pd(cols + i * n + u)));
    __m256i kk;
    if (geo) {
      __mmask8 in =
          safe ? 0xFF : _mm512_cmp_pd_mask(acc, lo700, _CMP_GT_OQ) & _mm512_cmp_pd_mask(acc, hi700, _CMP_LT_OQ);
      if (in != 0xFF) { /* libm's exp for this block */
        for (size_t t = 0; t < 8; t++) {
          double sc;
          wide += !score_key1(cols + u + t, n, a, k, geo, W, c, scale, &sc, key + u + t);
        }
        kk = _mm256_loadu_si256((const __m256i *)(key + u));
        lo = _mm256_min_epi32(lo, kk);
        hi = _mm256_max_epi32(hi, kk);
        continue;
      }
      __m512d kd = _mm512_add_pd(_mm512_mul_pd(acc, inv), shifter);
      __m512i mb = _mm512_sub_epi64(_mm512_castpd_si512(kd), bias); /* m + 2^40 */
      kd = _mm512_sub_pd(kd, shifter);
      __m512d r = _mm512_sub_pd(_mm512_sub_pd(acc, _mm512_mul_pd(kd, ln2hi)), _mm512_mul_pd(kd, ln2lo));
      __m512d r2 = _mm512_mul_pd(r, r);
      __m512d p = _mm512_add_pd(_mm512_add_pd(r, _mm512_mul_pd(r2, _mm512_add_pd(half, _mm512_mul_pd(r, sixth)))),
                                _mm512_mul_pd(_mm512_mul_pd(r2, r2), k24));
      __m512d tj = _mm512_i64gather_pd(_mm512_and_si512(mb, m255), exp_tab, 8);
      __m512i sb = _mm512_slli_epi64(_mm512_add_epi64(_mm512_srli_epi64(mb, 8), e1023), 52);
      __m512d e = _mm512_mul_pd(_mm512_add_pd(tj, _mm512_mul_pd(tj, p)), _mm512_castsi512_pd(sb));
      acc = _mm512_mul_pd(vW, _mm512_sub_pd(e, vc));
    }
    __m512d v = _mm512_mul_pd(acc, vscale);
    __mmask8 pos = safe ? 0xFF : _mm512_cmp_pd_mask(v, zd, _CMP_GE_OQ) & _mm512_cmp_pd_mask(v, lim, _CMP_LT_OQ);
    if (pos == 0xFF) {
      kk = _mm512_cvttpd_epi32(_mm512_add_pd(_mm512_add_pd(v, half), tol));
    } else {
      __m512d av = _mm512_castsi512_pd(_mm512_and_si512(_mm512_castpd_si512(v), absmask));
      __mmask8 ok = _mm512_cmp_pd_mask(av, lim, _CMP_LT_OQ);
      wide += (size_t)__builtin_popcount((unsigned)(uint8_t)~ok);
      av = _mm512_maskz_mov_pd(ok, av); /* 0.0 where not ok: the conversion stays in range */
      __m256i t = _mm512_cvttpd_epi32(_mm512_add_pd(_mm512_add_pd(av, half), tol));
      __m256i neg = _mm256_movm_epi32(_mm512_cmp_pd_mask(v, zd, _CMP_LT_OQ));
      kk = _mm256_sub_epi32(_mm256_xor_si256(t, neg), neg);
    }
    _mm256_storeu_si256((__m256i *)(key + u), kk);
    lo = _mm256_min_epi32(lo, kk);
    hi = _mm256_max_epi32(hi, kk);
  }
  int32_t l8[8], h8[8], l = INT32_MAX, h = INT32_MIN;
  _mm256_storeu_si256((__m256i *)l8, lo);
  _mm256_storeu_si256((__m256i *)h8, hi);
  for (int t = 0; t < 8; t++) {
    l = l8[t] < l ? l8[t] : l;
    h = h8[t] > h ? h8[t] : h;
  }
  for (; u < n; u++) {
    double sc;
    wide += !score_key1(cols + u, n, a, k, geo, W, c, scale, &sc, key + u);
    l = key[u] < l ? key[u] : l;
    h = key[u] > h ? key[u] : h;
  }
  *kmin = l;
  *kmax = h;
  return wide;
}
GS_T512 static size_t keys_512(const double *restrict cols, const double *restrict a, size_t n, size_t k, int geo,
                               double W, double c, double scale, int32_t *restrict key, int32_t *kmin,
                               int32_t *kmax, int safe) {
  return safe ? keys_512_body(cols, a, n, k, geo, W, c, scale, key, kmin, kmax, 1)
              : keys_512_body(cols, a, n, k, geo, W, c, scale, key, kmin, kmax, 0);
}
#endif

/* The smallest and largest of key[0..n-1] (n >= 1). */
GS_CLONES static void key_range(const int32_t *restrict key, size_t n, int32_t *kmin, int32_t *kmax) {
  int32_t l = key[0], h = key[0];
  for (size_t u = 1; u < n; u++) {
    l = key[u] < l ? key[u] : l;
    h = key[u] > h ? key[u] : h;
  }
  *kmin = l;
  *kmax = h;
}

/* The integer keys of all units under weights wp and method into s->key,
 * with their range, and 0; or, when digits < 0 or some unit has no integer
 * key, the scores into s->score and n (then ranks compare doubles). */
static size_t score_all(const gs_ua_model *m, gs_ua_scratch *s, const double *wp, unsigned method, int32_t *kmin,
                        int32_t *kmax) {
  size_t n = m->n, k = m->k;
  int geo = method != GS_UA_ARITHMETIC;
  const double *a = wp;
  if (geo) {
    for (size_t i = 0; i < k; i++) s->a[i] = wp[i] / m->W;
    a = s->a;
  }
  const double *cols = geo ? m->lgT : m->xT;
#ifdef GS_AVX512
  /* keys only; scores too when some unit has no key */
  if (m->simd && m->digits >= 0 &&
      keys_512(cols, a, n, k, geo, m->W, m->c, m->scale, s->key, kmin, kmax, m->ksafe) == 0)
    return 0;
#endif
  size_t wide = score_keys(cols, a, n, k, geo, m->W, m->c, m->scale, s->score, s->key);
  if (m->digits < 0 || wide) return n;
  key_range(s->key, n, kmin, kmax);
  return 0;
}

/* --------------------------------------------------------------- ranking */

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

/* The dense rank of the key at bit v of a bitmap whose top[w] counts the
 * bits set in the words above word w: the keys above it in other words,
 * plus its own bit and those above it in its word (>> counts v mod 64). */
static inline __attribute__((always_inline)) uint32_t grid_rank(const uint64_t *bits, const uint32_t *top,
                                                                uint32_t v) {
  return top[v >> 6] + (uint32_t)__builtin_popcountll(bits[v >> 6] >> (v & 63));
}

/* The bitmap path: keys within [kmin, kmax], range < 64 * s->nwords.
 * Bit v = key - kmin is set for every key present, top[] counted from the
 * last word down, and each unit's dense rank is grid_rank.  With h (dense
 * ties only), each unit's rank is counted into h (see gs_ua_rank_tally)
 * instead of stored. */
GS_CLONES_POPCNT static void rank_grid(const gs_ua_model *m, gs_ua_scratch *s, int32_t kmin, uint32_t range,
                                       uint16_t *h, size_t RL) {
  size_t n = m->n, nw = (size_t)range / 64 + 1;
  uint64_t *restrict bits = s->bits;
  uint32_t *restrict top = s->top, *restrict di = s->di;
  const int32_t *restrict key = s->key;
  memset(bits, 0, nw * sizeof *bits);
  for (size_t u = 0; u < n; u++) {
    uint32_t v = (uint32_t)(key[u] - kmin);
    bits[v >> 6] |= UINT64_C(1) << (v & 63);
  }
  uint32_t c = 0;
  for (size_t q = nw; q-- > 0;) {
    top[q] = c;
    c += (uint32_t)__builtin_popcountll(bits[q]);
  }
  if (h) {
    for (size_t u = 0; u < n; u++, h += RL) {
      uint32_t v = (uint32_t)(key[u] - kmin);
      h[grid_rank(bits, top, v)]++;
    }
  } else if (m->ties == GS_TIES_DENSE) { /* the usual rule: ranks straight away */
    for (size_t u = 0; u < n; u++) {
      uint32_t v = (uint32_t)(key[u] - kmin);
      s->r2[u] = 2 * grid_rank(bits, top, v);
    }
  } else {
    for (size_t u = 0; u < n; u++) {
      uint32_t v = (uint32_t)(key[u] - kmin);
      di[u] = grid_rank(bits, top, v) - 1;
    }
    ranks_from_dense(m, s, c);
  }
}

#ifdef GS_AVX512
/* rank_grid with AVX-512.  The bits are set one unit at a time (two units
 * may share a word), alternate units into two bitmaps so that a unit's
 * read-modify-write seldom waits on its neighbour's; the suffix popcount
 * joins them eight words at a time from the top (an in-register scan).
 * With h (dense ties), each unit's rank is counted, four units to a loop;
 * otherwise the dense ranks come eight units at a time from gathers of
 * each unit's word and top, a variable shift and a vector popcount.
 * Tails are masked, so no lane reads outside the bitmap. */
GS_T512 static void rank_grid_512(const gs_ua_model *m, gs_ua_scratch *s, int32_t kmin, uint32_t range,
                                   uint16_t *h, size_t RL) {
  size_t n = m->n, nw = (size_t)range / 64 + 1;
  uint64_t *restrict bits = s->bits, *restrict odd = s->bits + s->nwords;
  uint32_t *restrict top = s->top;
  const int32_t *restrict key = s->key;
  const __m512i zero = _mm512_setzero_si512();
  for (size_t q = 0; q < nw; q += 8) {
    __mmask8 k = nw - q >= 8 ? 0xFF : (__mmask8)((1u << (nw - q)) - 1);
    _mm512_mask_storeu_epi64(bits + q, k, zero);
    _mm512_mask_storeu_epi64(odd + q, k, zero);
  }
  size_t u = 0;
  for (; u + 2 <= n; u += 2) {
    uint32_t v = (uint32_t)(key[u] - kmin), w = (uint32_t)(key[u + 1] - kmin);
    bits[v >> 6] |= UINT64_C(1) << (v & 63);
    odd[w >> 6] |= UINT64_C(1) << (w & 63);
  }
  if (u < n) {
    uint32_t v = (uint32_t)(key[u] - kmin);
    bits[v >> 6] |= UINT64_C(1) << (v & 63);
  }
  __m512i carry = zero; /* every lane: the bits set in the words above this block */
  for (size_t q = (nw - 1) & ~(size_t)7;; q -= 8) {
    __mmask8 k = nw - q >= 8 ? 0xFF : (__mmask8)((1u << (nw - q)) - 1);
    __m512i e = _mm512_or_si512(_mm512_maskz_loadu_epi64(k, bits + q), _mm512_maskz_loadu_epi64(k, odd + q));
    _mm512_mask_storeu_epi64(bits + q, k, e);
    __m512i c = _mm512_popcnt_epi64(e);
    __m512i t = _mm512_add_epi64(c, _mm512_alignr_epi64(zero, c, 1)); /* + lane i+1 */
    t = _mm512_add_epi64(t, _mm512_alignr_epi64(zero, t, 2));         /* + lanes i+2, i+3 */
    t = _mm512_add_epi64(t, _mm512_alignr_epi64(zero, t, 4));         /* + lanes i+4 .. i+7 */
    _mm256_mask_storeu_epi32(top + q, k, _mm512_cvtepi64_epi32(_mm512_add_epi64(carry, _mm512_sub_epi64(t, c))));
    carry = _mm512_add_epi64(carry, _mm512_broadcastq_epi64(_mm512_castsi512_si128(t)));
    if (q == 0) break;
  }
  uint32_t total = (uint32_t)_mm_cvtsi128_si64(_mm512_castsi512_si128(carry));
  if (h) { /* dense: rank = top + popcount, counted */
    u = 0;
    for (; u + 4 <= n; u += 4, h += 4 * RL) {
      uint32_t v0 = (uint32_t)(key[u] - kmin), v1 = (uint32_t)(key[u + 1] - kmin),
               v2 = (uint32_t)(key[u + 2] - kmin), v3 = (uint32_t)(key[u + 3] - kmin);
      h[grid_rank(bits, top, v0)]++;
      h[RL + grid_rank(bits, top, v1)]++;
      h[2 * RL + grid_rank(bits, top, v2)]++;
      h[3 * RL + grid_rank(bits, top, v3)]++;
    }
    for (; u < n; u++, h += RL) h[grid_rank(bits, top, (uint32_t)(key[u] - kmin))]++;
    return;
  }
  int dense = m->ties == GS_TIES_DENSE;
  uint32_t *restrict out = dense ? s->r2 : s->di;
  const __m256i vk = _mm256_set1_epi32(kmin), m63 = _mm256_set1_epi32(63), one = _mm256_set1_epi32(1);
  for (u = 0; u < n; u += 8) {
    __mmask8 k = n - u >= 8 ? 0xFF : (__mmask8)((1u << (n - u)) - 1);
    __m256i v = _mm256_sub_epi32(_mm256_maskz_loadu_epi32(k, key + u), vk);
    __m256i wi = _mm256_srli_epi32(v, 6);
    __m512i b = _mm512_mask_i32gather_epi64(zero, k, wi, bits, 8);
    __m256i p = _mm256_mmask_i32gather_epi32(_mm256_setzero_si256(), k, wi, top, 4);
    __m512i at = _mm512_srlv_epi64(b, _mm512_cvtepu32_epi64(_mm256_and_si256(v, m63)));
    __m256i r = _mm256_add_epi32(p, _mm512_cvtepi64_epi32(_mm512_popcnt_epi64(at))); /* dense rank */
    _mm256_mask_storeu_epi32(out + u, k, dense ? _mm256_add_epi32(r, r) : _mm256_sub_epi32(r, one));
  }
  if (!dense) ranks_from_dense(m, s, total);
}
#endif

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
    double v = m->digits >= 0 ? round_key_d(s->score[u] * m->scale) : s->score[u];
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

/* gs_ua_rank, and with h the counting of gs_ua_rank_tally fused into the
 * bitmap path's last loop when the rule is dense (h is then done: returns
 * NULL); otherwise returns the 2*ranks. */
static const uint32_t *rank_all(const gs_ua_model *m, gs_ua_scratch *s, const double *wp, unsigned method,
                                uint16_t *h, size_t RL) {
  int32_t kmin, kmax;
  if (score_all(m, s, wp, method, &kmin, &kmax) != 0) { /* digits < 0, or NaN, inf, huge: compare doubles */
    rank_sort(m, s);
    return s->r2;
  }
  uint32_t range = (uint32_t)((int64_t)kmax - kmin);
  if ((size_t)range / 64 < s->nwords) {
    if (m->ties != GS_TIES_DENSE) h = NULL;
#ifdef GS_AVX512
    if (m->simd) rank_grid_512(m, s, kmin, range, h, RL);
    else
#endif
      rank_grid(m, s, kmin, range, h, RL);
    return h ? NULL : s->r2;
  }
  rank_radix(m, s, kmax, range);
  return s->r2;
}

const uint32_t *gs_ua_rank(const gs_ua_model *m, gs_ua_scratch *s, const double *wp, unsigned method) {
  return rank_all(m, s, wp, method, NULL, 0);
}

void gs_ua_rank_tally(const gs_ua_model *m, gs_ua_scratch *s, const double *wp, unsigned method, uint16_t *h,
                      size_t RL, unsigned half) {
  const uint32_t *r2 = rank_all(m, s, wp, method, h, RL);
  if (r2)
    for (size_t u = 0; u < m->n; u++, h += RL) h[r2[u] >> half]++;
}

/* ---------------------------------------------------------------- model */

/* Whether every key of every draw is in range by the data alone, so that
 * keys_512 checks none: the weights of a draw are >= 0 and sum to W, the
 * values are >= 0, so an arithmetic score is in [0, W max x] (a sum of
 * products >= 0 is >= 0 however rounded).  A geometric one is W (g - c),
 * g the exp of a weighted mean of log(x + c), so within [min, max] of
 * x + c up to a relative error d below (k + 10) 1e-12 (k products of logs
 * within 690 summed: k * 690 * 2^-53 in the argument, a few ulp in exp),
 * and the argument is inside (-700, 700).  Then y = score * 10^digits is
 * above -0.4, where the rule for y >= 0 gives the same key, and below
 * 2^30. */
static void keys_safe(gs_ua_model *m) {
  m->ksafe = 0;
  if (m->digits < 0) return;
  double xmax = 0, d = ((double)m->k + 10) * 1e-12;
  for (size_t j = 0; j < m->n * m->k; j++) xmax = m->x[j] > xmax ? m->x[j] : xmax;
  double top = m->W * m->scale * (xmax + fabs(m->c));
  if (!(top * (1 + d) < 0x1p30 - 2 && top * d < 0.4)) return;
  if (m->lgT)
    for (size_t j = 0; j < m->n * m->k; j++)
      if (!(fabs(m->lgT[j]) <= 690)) return;
  m->ksafe = 1;
}

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
  m->simd = gs_cpu_avx512();
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
  keys_safe(m);
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
