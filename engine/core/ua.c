/* ua.c - uncertainty and Sobol sensitivity analysis of ranks; see ua.h. */
#include "ua.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---------------------------------------------------------------- errors */

static int fail(char *err, size_t errlen, const char *fmt, ...) {
  if (err && errlen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return -1;
}

/* ------------------------------------------------------------------- RNG */

#define GOLDEN UINT64_C(0x9E3779B97F4A7C15)

static inline uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}
static inline uint64_t stream_init(uint64_t seed, uint64_t d) { return mix64(seed ^ mix64(d + GOLDEN)); }
static inline uint64_t stream_next(uint64_t *s) { *s += GOLDEN; return mix64(*s); }
static inline double stream_uniform(uint64_t *s) { return (double)(stream_next(s) >> 11) * 0x1.0p-53; }

uint64_t gs_ua_stream(uint64_t seed, uint64_t d) { return stream_init(seed, d); }
double gs_ua_uniform(uint64_t *state) { return stream_uniform(state); }

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

/* ---------------------------------------------------------------- model */

/* The data and settings shared by the UA draws and the Sobol model. */
typedef struct {
  size_t n, k;
  const double *x;
  const double *w;
  double W;            /* sum of nominal weights */
  double perturb;
  unsigned list[2];    /* listed methods in order arithmetic, geometric */
  unsigned nm;
  int digits;
  gs_ties ties;
  double c;            /* geo offset */
  double scale;        /* 10^digits */
  int fast;            /* integer keys packed into uint64 with the index */
  double *lg;          /* n*k log(x + c), when geometric listed */
  uint32_t *nom2;      /* n nominal 2*rank */
} model;

#define KEY_BIAS (INT64_C(1) << 45)

/* Per-thread ranking scratch. */
typedef struct {
  double *score;       /* n */
  int64_t *key;        /* n */
  uint64_t *ord[2];    /* radix sort buffers, packed (key << 16 | index) */
  struct skey { double key; uint32_t idx; } *sk;   /* slow path, n */
  uint32_t *r2;        /* n, 2*rank by unit */
  double *wp;          /* k */
  double *a;           /* k */
} scratch;

static void scratch_free(scratch *s) {
  if (!s) return;
  free(s->score); free(s->key); free(s->ord[0]); free(s->ord[1]);
  free(s->sk); free(s->r2); free(s->wp); free(s->a);
  free(s);
}

static scratch *scratch_new(const model *m) {
  scratch *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  size_t n = m->n;
  s->score = malloc(n * sizeof *s->score);
  s->key = malloc(n * sizeof *s->key);
  s->ord[0] = malloc(n * sizeof *s->ord[0]);
  s->ord[1] = malloc(n * sizeof *s->ord[1]);
  s->sk = malloc(n * sizeof *s->sk);
  s->r2 = malloc(n * sizeof *s->r2);
  s->wp = malloc(m->k * sizeof *s->wp);
  s->a = malloc(m->k * sizeof *s->a);
  if (!s->score || !s->key || !s->ord[0] || !s->ord[1] || !s->sk || !s->r2 || !s->wp || !s->a) {
    scratch_free(s);
    return NULL;
  }
  return s;
}

/* Scores all units under weights wp and method into s->score: each unit's
 * sum adds its terms in pillar order from 0.0, exactly as in ua.h. */
static void score_all(const model *m, scratch *s, const double *wp, unsigned method) {
  size_t n = m->n, k = m->k;
  double *restrict sc = s->score;
  if (method == GS_UA_ARITHMETIC) {
    const double *restrict x = m->x;
    size_t u = 0;
    for (; u + 1 < n; u += 2) { /* two units at a time for ILP */
      const double *x0 = x + u * k, *x1 = x0 + k;
      double acc0 = 0.0, acc1 = 0.0;
      for (size_t i = 0; i < k; i++) {
        acc0 += wp[i] * x0[i];
        acc1 += wp[i] * x1[i];
      }
      sc[u] = acc0;
      sc[u + 1] = acc1;
    }
    for (; u < n; u++) {
      const double *xu = x + u * k;
      double acc = 0.0;
      for (size_t i = 0; i < k; i++) acc += wp[i] * xu[i];
      sc[u] = acc;
    }
  } else {
    double W = m->W, c = m->c, *restrict a = s->a;
    for (size_t i = 0; i < k; i++) a[i] = wp[i] / W;
    const double *restrict lg = m->lg;
    size_t u = 0;
    for (; u + 1 < n; u += 2) {
      const double *l0 = lg + u * k, *l1 = l0 + k;
      double acc0 = 0.0, acc1 = 0.0;
      for (size_t i = 0; i < k; i++) {
        acc0 += a[i] * l0[i];
        acc1 += a[i] * l1[i];
      }
      sc[u] = W * (exp_fast(acc0) - c);
      sc[u + 1] = W * (exp_fast(acc1) - c);
    }
    for (; u < n; u++) {
      const double *lu = lg + u * k;
      double acc = 0.0;
      for (size_t i = 0; i < k; i++) acc += a[i] * lu[i];
      sc[u] = W * (exp_fast(acc) - c);
    }
  }
}

/* The rounded key of y = S * 10^digits: half away from zero with a 1e-9
 * tolerance, floor(y + 0.5 + 1e-9) (mirrored for y < 0), the rule of
 * gs_round in ties.c, so 1.005 (y = 100.49999999999999 at 2 digits)
 * rounds up to 101.
 * For y >= 0 the sum is positive, so truncation is the floor. */
static inline int64_t round_key(double y) {
  return y >= 0 ? (int64_t)(y + 0.5 + 1e-9) : -(int64_t)(-y + 0.5 + 1e-9);
}

static inline double round_key_d(double y) {
  return y >= 0 ? floor(y + 0.5 + 1e-9) : -floor(-y + 0.5 + 1e-9);
}

static int skey_cmp(const void *pa, const void *pb) {
  const struct skey *a = pa, *b = pb;
  if (a->key > b->key) return -1;
  if (a->key < b->key) return 1;
  return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Assigns ranks walking the sorted order: EMIT(unit, 2*rank) for each
 * unit.  SAME(j) tells whether position j ties with position j - 1. */
#define WALK_RANKS(ties, n, UNIT, SAME, EMIT)                               \
  do {                                                                      \
    switch (ties) {                                                         \
    case GS_TIES_DENSE: {                                                   \
      uint32_t r_ = 2;                                                      \
      EMIT(UNIT(0), 2);                                                     \
      for (size_t j = 1; j < (n); j++) {                                    \
        r_ += SAME(j) ? 0 : 2;                                              \
        EMIT(UNIT(j), r_);                                                  \
      }                                                                     \
      break;                                                                \
    }                                                                       \
    case GS_TIES_COMPETITION: {                                             \
      uint32_t r_ = 2;                                                      \
      EMIT(UNIT(0), 2);                                                     \
      for (size_t j = 1; j < (n); j++) {                                    \
        r_ = SAME(j) ? r_ : (uint32_t)(2 * (j + 1));                        \
        EMIT(UNIT(j), r_);                                                  \
      }                                                                     \
      break;                                                                \
    }                                                                       \
    case GS_TIES_ORDINAL:                                                   \
      for (size_t j = 0; j < (n); j++) EMIT(UNIT(j), (uint32_t)(2 * (j + 1))); \
      break;                                                                \
    default: /* fractional: 2 * average position of the group */          \
      for (size_t j0 = 0; j0 < (n);) {                                      \
        size_t j1 = j0 + 1;                                                 \
        while (j1 < (n) && SAME(j1)) j1++;                                  \
        uint32_t r_ = (uint32_t)(2 * j0 + (j1 - j0) + 1);                   \
        for (size_t j = j0; j < j1; j++) EMIT(UNIT(j), r_);                 \
        j0 = j1;                                                            \
      }                                                                     \
      break;                                                                \
    }                                                                       \
  } while (0)

/* Ranks all units under weights wp and method.  With hist == NULL the
 * ranks go to s->r2 (2*rank by unit); otherwise hist[u*(2n+1) + 2*rank]
 * is incremented for every unit u (32-bit counters: the caller flushes
 * them before they can overflow). */
static void rank_units(const model *m, scratch *s, const double *wp, unsigned method,
                       uint32_t *hist) {
  size_t n = m->n, R = 2 * n + 1;
  uint32_t *r2 = s->r2;
  score_all(m, s, wp, method);
  if (m->fast) {
    /* Integer keys (|y| < 2^44 here, so the conversion is exact). */
    int64_t *restrict key = s->key;
    const double *restrict sc = s->score;
    double scale = m->scale;
    int64_t kmin = INT64_MAX, kmax = INT64_MIN;
    for (size_t u = 0; u < n; u++) {
      int64_t kk = round_key(sc[u] * scale);
      key[u] = kk;
      kmin = kk < kmin ? kk : kmin;
      kmax = kk > kmax ? kk : kmax;
    }
    /* LSD radix sort of v = kmax - key (ascending v = descending key),
     * stable from index order, so ties keep input order (ordinal).  The
     * low 16 bits of each element hold the unit index. */
    uint64_t *a = s->ord[0], *b = s->ord[1];
    uint64_t range = (uint64_t)(kmax - kmin);
    unsigned bits = 0;
    while (bits < 64 && (range >> bits)) bits++;
    if (bits <= 16) {
      /* The usual case (e.g. scores 0-100 at 2 digits): two passes of at
       * most 8 bits, both digit counts taken in the packing loop. */
      unsigned w0 = (bits + 1) / 2, sh1 = 16 + w0;
      uint64_t m0 = (UINT64_C(1) << w0) - 1;
      uint32_t c0[256], c1[256];
      memset(c0, 0, sizeof c0);
      memset(c1, 0, sizeof c1);
      for (size_t u = 0; u < n; u++) {
        uint64_t v = (uint64_t)(kmax - key[u]);
        a[u] = (v << 16) | (uint64_t)u;
        c0[v & m0]++;
        c1[v >> w0]++;
      }
      uint32_t s0 = 0, s1 = 0;
      for (unsigned q = 0; q < 256; q++) {
        uint32_t t0 = c0[q], t1 = c1[q];
        c0[q] = s0;
        c1[q] = s1;
        s0 += t0;
        s1 += t1;
      }
      for (size_t j = 0; j < n; j++) b[c0[(a[j] >> 16) & m0]++] = a[j];
      for (size_t j = 0; j < n; j++) a[c1[b[j] >> sh1]++] = b[j];
    } else {
      for (size_t u = 0; u < n; u++) a[u] = ((uint64_t)(kmax - key[u]) << 16) | (uint64_t)u;
      unsigned passes = (bits + 7) / 8, width = (bits + passes - 1) / passes;
      uint64_t mask = (UINT64_C(1) << width) - 1;
      uint32_t cnt[256];
      for (unsigned pss = 0; pss < passes; pss++) {
        unsigned sh = 16 + pss * width;
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
    }
#define F_UNIT(j) ((size_t)(a[j] & 0xFFFFu))
#define F_SAME(j) ((a[j] >> 16) == (a[(j) - 1] >> 16))
#define EMIT_R2(u, r) (r2[u] = (r))
#define EMIT_H(u, r) (hist[(u) * R + (r)]++)
    if (hist) WALK_RANKS(m->ties, n, F_UNIT, F_SAME, EMIT_H);
    else WALK_RANKS(m->ties, n, F_UNIT, F_SAME, EMIT_R2);
    return;
  }
  /* Slow path: exact doubles, or keys too large to pack. */
  struct skey *sk = s->sk;
  for (size_t u = 0; u < n; u++) {
    double v = s->score[u];
    if (m->digits >= 0) v = round_key_d(v * m->scale);
    if (v == 0) v = 0.0; /* -0 ties with +0 */
    sk[u].key = v;
    sk[u].idx = (uint32_t)u;
  }
  qsort(sk, n, sizeof *sk, skey_cmp);
#define S_UNIT(j) ((size_t)sk[j].idx)
#define S_SAME(j) (sk[j].key == sk[(j) - 1].key)
  if (hist) WALK_RANKS(m->ties, n, S_UNIT, S_SAME, EMIT_H);
  else WALK_RANKS(m->ties, n, S_UNIT, S_SAME, EMIT_R2);
}

/* Weights of a draw from uniforms u[0..k-1] (see ua.h). */
static void weights_from_uniforms(const double *w, size_t k, double p, double W, const double *u,
                                  double *wp) {
  double s = 0.0;
  for (size_t i = 0; i < k; i++) {
    wp[i] = w[i] * (1.0 + p * (2.0 * u[i] - 1.0));
    s += wp[i];
  }
  double f = W / s;
  for (size_t i = 0; i < k; i++) wp[i] = wp[i] * f;
}

static unsigned list_methods(unsigned methods, unsigned list[2]) {
  unsigned nm = 0;
  if (methods & GS_UA_ARITHMETIC) list[nm++] = GS_UA_ARITHMETIC;
  if (methods & GS_UA_GEOMETRIC) list[nm++] = GS_UA_GEOMETRIC;
  return nm;
}

/* Draw d: weights into wp (u is k+1 scratch doubles); returns the method. */
static unsigned draw(uint64_t seed, uint64_t d, size_t k, const double *w, double W, double p,
                     const unsigned *list, unsigned nm, double *u, double *wp) {
  uint64_t st = stream_init(seed, d);
  for (size_t i = 0; i <= k; i++) u[i] = stream_uniform(&st);
  weights_from_uniforms(w, k, p, W, u, wp);
  return list[(unsigned)(u[k] * nm)];
}

unsigned gs_ua_draw(uint64_t seed, uint64_t d, size_t k, const double *w, double perturb,
                    unsigned methods, double *wout) {
  unsigned list[2] = {GS_UA_ARITHMETIC, GS_UA_GEOMETRIC};
  unsigned nm = list_methods(methods, list);
  if (nm == 0) nm = 1;
  double W = 0.0;
  for (size_t i = 0; i < k; i++) W += w[i];
  uint64_t st = stream_init(seed, d);
  double p = perturb;
  double s = 0.0;
  for (size_t i = 0; i < k; i++) {
    wout[i] = w[i] * (1.0 + p * (2.0 * stream_uniform(&st) - 1.0));
    s += wout[i];
  }
  double f = W / s;
  for (size_t i = 0; i < k; i++) wout[i] = wout[i] * f;
  return list[(unsigned)(stream_uniform(&st) * nm)];
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

static void model_free(model *m) {
  free(m->lg);
  free(m->nom2);
  m->lg = NULL;
  m->nom2 = NULL;
}

/* Validates cfg's data and settings and builds m (nominal ranks included). */
static int model_init(model *m, const gs_ua_config *cfg, char *err, size_t errlen) {
  memset(m, 0, sizeof *m);
  pthread_once(&exp_once, exp_init);
  if (!cfg) return fail(err, errlen, "no config");
  if (cfg->n < 1 || cfg->k < 1) return fail(err, errlen, "n and k must be >= 1");
  if (cfg->n > GS_UA_MAX_UNITS) return fail(err, errlen, "n = %zu exceeds %d", cfg->n, GS_UA_MAX_UNITS);
  if (cfg->k > 4096) return fail(err, errlen, "k = %zu exceeds 4096", cfg->k);
  if (!cfg->x || !cfg->w) return fail(err, errlen, "x and w are required");
  if (!(cfg->perturb >= 0.0 && cfg->perturb < 1.0)) return fail(err, errlen, "perturb must be in [0, 1)");
  if ((cfg->methods & ~3u) || !(cfg->methods & 3u)) return fail(err, errlen, "methods must be a non-empty subset of arithmetic|geometric");
  if (cfg->digits > GS_UA_MAX_DIGITS) return fail(err, errlen, "digits > %d", GS_UA_MAX_DIGITS);
  if ((int)cfg->ties < 0 || cfg->ties > GS_TIES_FRACTIONAL) return fail(err, errlen, "bad tie rule");
  int geo = (cfg->methods & GS_UA_GEOMETRIC) != 0;
  if (geo && !(cfg->geo_offset >= 0.0 && isfinite(cfg->geo_offset))) return fail(err, errlen, "geo_offset must be finite and >= 0");
  size_t n = cfg->n, k = cfg->k;
  double W = 0.0, xmax = 0.0;
  for (size_t i = 0; i < k; i++) {
    /* 0 leaves a pillar out, as in d:score (one weights rule) */
    if (!(cfg->w[i] >= 0.0 && isfinite(cfg->w[i]))) return fail(err, errlen, "weight %zu must be finite and >= 0", i + 1);
    W += cfg->w[i];
  }
  if (!isfinite(W)) return fail(err, errlen, "weights overflow");
  if (!(W > 0.0)) return fail(err, errlen, "weights must not all be zero");
  for (size_t u = 0; u < n; u++)
    for (size_t i = 0; i < k; i++) {
      double v = cfg->x[u * k + i];
      if (!(v >= 0.0 && isfinite(v))) return fail(err, errlen, "x[%zu][%zu] must be finite and >= 0", u, i);
      if (cfg->max && v > cfg->max[i]) return fail(err, errlen, "x[%zu][%zu] = %g exceeds max %g", u, i, v, cfg->max[i]);
      if (v > xmax) xmax = v;
    }
  m->n = n;
  m->k = k;
  m->x = cfg->x;
  m->w = cfg->w;
  m->W = W;
  m->perturb = cfg->perturb;
  m->nm = list_methods(cfg->methods, m->list);
  m->digits = cfg->digits;
  m->ties = cfg->ties;
  m->c = cfg->geo_offset;
  m->scale = 1.0;
  for (int i = 0; i < cfg->digits; i++) m->scale *= 10.0;
  /* |S| <= W * max x (both means are bounded by the largest pillar). */
  m->fast = cfg->digits >= 0 && W * xmax * m->scale * 2.0 + 16.0 < 0x1p44;
  if (geo) {
    m->lg = malloc(n * k * sizeof *m->lg);
    if (!m->lg) {
      model_free(m);
      return fail(err, errlen, "out of memory");
    }
    for (size_t u = 0; u < n; u++)
      for (size_t i = 0; i < k; i++) m->lg[u * k + i] = log(cfg->x[u * k + i] + m->c);
  }
  m->nom2 = malloc(n * sizeof *m->nom2);
  scratch *s = scratch_new(m);
  if (!m->nom2 || !s) {
    scratch_free(s);
    model_free(m);
    return fail(err, errlen, "out of memory");
  }
  rank_units(m, s, cfg->w, m->list[0], NULL);
  memcpy(m->nom2, s->r2, n * sizeof *m->nom2);
  scratch_free(s);
  return 0;
}

/* ---------------------------------------------------------------- threads */

static int ncores(int threads) {
  if (threads > 0) return threads;
  long c = sysconf(_SC_NPROCESSORS_ONLN);
  return c < 1 ? 1 : c > 256 ? 256 : (int)c;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ------------------------------------------------------------ UA result */

struct gs_ua_result {
  size_t n, k;
  uint64_t seed, n_draws;
  double perturb;
  unsigned methods;
  int digits, ties;
  double offset;
  double *w, *max;      /* k each; max NULL when not given */
  uint64_t xhash;
  uint32_t shard_index, shard_count;
  uint64_t draws;
  size_t R;             /* 2n + 1 */
  uint32_t *nom2;       /* n */
  uint64_t *hist;       /* n * R */
  gs_ua_unit_stats *unit;
  double mas;
};

void gs_ua_result_free(gs_ua_result *r) {
  if (!r) return;
  free(r->w); free(r->max); free(r->nom2); free(r->hist); free(r->unit);
  free(r);
}

static gs_ua_result *result_alloc(size_t n, size_t k, int has_max) {
  gs_ua_result *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->n = n;
  r->k = k;
  r->R = 2 * n + 1;
  r->w = malloc(k * sizeof *r->w);
  r->max = has_max ? malloc(k * sizeof *r->max) : NULL;
  r->nom2 = malloc(n * sizeof *r->nom2);
  r->hist = calloc(n * r->R, sizeof *r->hist);
  r->unit = malloc(n * sizeof *r->unit);
  if (!r->w || (has_max && !r->max) || !r->nom2 || !r->hist || !r->unit) {
    gs_ua_result_free(r);
    return NULL;
  }
  return r;
}

/* Derives the statistics from the histograms (integers until the end). */
static void result_stats(gs_ua_result *r) {
  uint64_t N = r->draws;
  size_t R = r->R;
  unsigned __int128 shift = 0;
  for (size_t u = 0; u < r->n; u++) {
    const uint64_t *h = r->hist + u * R;
    gs_ua_unit_stats *st = &r->unit[u];
    st->nominal = r->nom2[u] / 2.0;
    if (N == 0) {
      st->median = st->mean = st->p05 = st->p95 = st->within3 = NAN;
      continue;
    }
    unsigned __int128 sum = 0, cum = 0;
    size_t p05 = 0, p50 = 0, p95 = 0;
    for (size_t v = 0; v < R; v++) {
      if (!h[v]) continue;
      sum += (unsigned __int128)h[v] * v;
      shift += (unsigned __int128)h[v] * (v > r->nom2[u] ? v - r->nom2[u] : r->nom2[u] - v);
      cum += h[v];
      if (!p05 && cum * 20 >= N) p05 = v;
      if (!p50 && cum * 2 >= N) p50 = v;
      if (!p95 && cum * 20 >= (unsigned __int128)N * 19) p95 = v;
    }
    uint64_t near = 0;
    for (size_t v = p50 > 6 ? p50 - 6 : 0; v <= p50 + 6 && v < R; v++) near += h[v];
    st->mean = (double)sum / (2.0 * (double)N);
    st->median = p50 / 2.0;
    st->p05 = p05 / 2.0;
    st->p95 = p95 / 2.0;
    st->within3 = (double)near / (double)N;
  }
  r->mas = N ? (double)shift / (2.0 * (double)r->n * (double)N) : NAN;
}

static uint64_t hash_x(const double *x, size_t nk) {
  uint64_t h = UINT64_C(0xcbf29ce484222325);
  for (size_t j = 0; j < nk; j++) {
    uint64_t b;
    memcpy(&b, &x[j], sizeof b);
    for (int i = 0; i < 8; i++) {
      h ^= (b >> (8 * i)) & 0xFFu;
      h *= UINT64_C(0x100000001b3);
    }
  }
  return h;
}

size_t gs_ua_result_n(const gs_ua_result *r) { return r->n; }
uint64_t gs_ua_result_draws(const gs_ua_result *r) { return r->draws; }
const gs_ua_unit_stats *gs_ua_result_unit(const gs_ua_result *r, size_t i) { return &r->unit[i]; }
double gs_ua_result_mean_abs_shift(const gs_ua_result *r) { return r->mas; }
const uint64_t *gs_ua_result_hist(const gs_ua_result *r, size_t i, size_t *len) {
  if (len) *len = r->R;
  return r->hist + i * r->R;
}
void gs_ua_result_shard(const gs_ua_result *r, uint32_t *index, uint32_t *count) {
  if (index) *index = r->shard_index;
  if (count) *count = r->shard_count;
}

void gs_ua_config_init(gs_ua_config *cfg) {
  memset(cfg, 0, sizeof *cfg);
  cfg->perturb = 0.25;
  cfg->n_draws = 10000;
  cfg->seed = 1;
  cfg->methods = GS_UA_ARITHMETIC | GS_UA_GEOMETRIC;
  cfg->digits = 2;
  cfg->ties = GS_TIES_DENSE;
  cfg->geo_offset = 1.0;
  cfg->threads = 0;
  cfg->shard_index = 0;
  cfg->shard_count = 1;
}

/* ------------------------------------------------------------ UA run */

typedef struct {
  const model *m;
  uint64_t seed, lo, hi;
  uint64_t *hist;                  /* n * R, owned by the job */
  _Atomic uint64_t done;
  _Atomic int finished;
  _Atomic int *stop;               /* shared: set when cancelled */
  int failed;                      /* out of memory */
  int started;
} ua_job;

#define UA_TICK 2048

static void ua_block(ua_job *j, void (*tick)(void *), void *tud) {
  const model *m = j->m;
  size_t k = m->k;
  scratch *s = scratch_new(m);
  double *u = malloc((k + 1) * sizeof *u);
  if (!s || !u) {
    j->failed = 1;
    scratch_free(s);
    free(u);
    atomic_store(&j->finished, 1);
    return;
  }
  /* 32-bit counters (half the cache footprint), flushed into the 64-bit
   * histogram every UINT32_MAX draws at most. */
  size_t cells = m->n * (2 * m->n + 1);
  uint32_t *h32 = calloc(cells, sizeof *h32);
  if (!h32) {
    j->failed = 1;
    scratch_free(s);
    free(u);
    atomic_store(&j->finished, 1);
    return;
  }
  uint64_t since = 0;
  for (uint64_t d0 = j->lo; d0 < j->hi;) {
    uint64_t d1 = j->hi - d0 > UINT32_MAX ? d0 + UINT32_MAX : j->hi;
    for (uint64_t d = d0; d < d1; d++) {
      unsigned meth = draw(j->seed, d, k, m->w, m->W, m->perturb, m->list, m->nm, u, s->wp);
      rank_units(m, s, s->wp, meth, h32);
      if (++since == UA_TICK) {
        atomic_fetch_add_explicit(&j->done, since, memory_order_relaxed);
        since = 0;
        if (tick) tick(tud);
        /* cancelled: the result is thrown away, so stop here */
        if (atomic_load_explicit(j->stop, memory_order_relaxed)) goto out;
      }
    }
    for (size_t c = 0; c < cells; c++) {
      j->hist[c] += h32[c];
      h32[c] = 0;
    }
    d0 = d1;
  }
out:
  free(h32);
  atomic_fetch_add_explicit(&j->done, since, memory_order_relaxed);
  scratch_free(s);
  free(u);
  atomic_store(&j->finished, 1);
}

static void *ua_thread(void *p) {
  ua_block(p, NULL, NULL);
  return NULL;
}

typedef struct {
  ua_job *jobs;
  int nj;
  uint64_t total;
  double last;
  void (*progress)(void *, uint64_t, uint64_t);
  void *ud;
  int (*cancel)(void *);
  void *cancel_ud;
  _Atomic int *stop;
} ua_prog;

/* On the calling thread, every UA_TICK draws of its block and while it
 * waits for the others: asks cancel, reports progress (10 times a second
 * at most). */
static void ua_tick(void *p) {
  ua_prog *pr = p;
  if (pr->cancel && !atomic_load(pr->stop) && pr->cancel(pr->cancel_ud)) atomic_store(pr->stop, 1);
  if (!pr->progress) return;
  double t = now_s();
  if (t - pr->last < 0.1) return;
  pr->last = t;
  uint64_t done = 0;
  for (int i = 0; i < pr->nj; i++) done += atomic_load_explicit(&pr->jobs[i].done, memory_order_relaxed);
  if (done < pr->total) pr->progress(pr->ud, done, pr->total);
}

int gs_ua_run(const gs_ua_config *cfg, gs_ua_result **out, char *err, size_t errlen) {
  if (!out) return fail(err, errlen, "no output pointer");
  *out = NULL;
  model m;
  if (model_init(&m, cfg, err, errlen) < 0) return -1;
  uint32_t N = cfg->shard_count ? cfg->shard_count : 1;
  if (cfg->shard_index >= N) {
    model_free(&m);
    return fail(err, errlen, "shard %u/%u out of range", cfg->shard_index, N);
  }
  if (cfg->n_draws < 1) {
    model_free(&m);
    return fail(err, errlen, "n_draws must be >= 1");
  }
  uint64_t D = cfg->n_draws, q = D / N, rm = D % N;
  uint64_t lo = q * cfg->shard_index + (rm * cfg->shard_index) / N;
  uint64_t hi = q * (cfg->shard_index + 1) + (rm * (cfg->shard_index + 1)) / N;
  uint64_t total = hi - lo;
  int T = ncores(cfg->threads);
  if ((uint64_t)T > total) T = total ? (int)total : 1;
  size_t n = cfg->n, k = cfg->k, R = 2 * n + 1;

  gs_ua_result *r = result_alloc(n, k, cfg->max != NULL);
  ua_job *jobs = calloc((size_t)T, sizeof *jobs);
  pthread_t *tid = calloc((size_t)T, sizeof *tid);
  int rc = -1;
  if (!r || !jobs || !tid) {
    fail(err, errlen, "out of memory");
    goto done;
  }
  _Atomic int stop = 0;
  for (int t = 0; t < T; t++) {
    jobs[t].stop = &stop;
    jobs[t].m = &m;
    jobs[t].seed = cfg->seed;
    jobs[t].lo = lo + total / (uint64_t)T * (uint64_t)t + (total % (uint64_t)T) * (uint64_t)t / (uint64_t)T;
    jobs[t].hi = lo + total / (uint64_t)T * (uint64_t)(t + 1) + (total % (uint64_t)T) * (uint64_t)(t + 1) / (uint64_t)T;
    jobs[t].hist = t == 0 ? r->hist : calloc(n * R, sizeof(uint64_t));
    if (!jobs[t].hist) {
      fail(err, errlen, "out of memory");
      for (int i = 1; i < t; i++) free(jobs[i].hist);
      goto done;
    }
  }
  for (int t = 1; t < T; t++) jobs[t].started = pthread_create(&tid[t], NULL, ua_thread, &jobs[t]) == 0;
  ua_prog pr = {jobs, T, total, now_s(), cfg->progress, cfg->progress_ud, cfg->cancel, cfg->cancel_ud, &stop};
  int ticks = cfg->progress || cfg->cancel;
  ua_block(&jobs[0], ticks ? ua_tick : NULL, &pr);
  for (int t = 1; t < T; t++)
    if (!jobs[t].started) ua_block(&jobs[t], ticks ? ua_tick : NULL, &pr);
  if (ticks) {
    for (;;) {
      int all = 1;
      for (int t = 1; t < T; t++) all &= atomic_load(&jobs[t].finished);
      if (all) break;
      struct timespec ts = {0, 20 * 1000 * 1000};
      nanosleep(&ts, NULL);
      ua_tick(&pr);
    }
  }
  int failed = jobs[0].failed;
  for (int t = 1; t < T; t++) {
    if (jobs[t].started) pthread_join(tid[t], NULL);
    failed |= jobs[t].failed;
    uint64_t *h = jobs[t].hist;
    for (size_t j = 0; j < n * R; j++) r->hist[j] += h[j];
    free(h);
  }
  if (atomic_load(&stop)) {
    fail(err, errlen, "cancelled");
    goto done;
  }
  if (failed) {
    fail(err, errlen, "out of memory");
    goto done;
  }
  if (cfg->progress) cfg->progress(cfg->progress_ud, total, total);
  r->seed = cfg->seed;
  r->n_draws = cfg->n_draws;
  r->perturb = cfg->perturb;
  r->methods = cfg->methods;
  r->digits = cfg->digits < 0 ? -1 : cfg->digits;
  r->ties = (int)cfg->ties;
  r->offset = cfg->geo_offset;
  memcpy(r->w, cfg->w, k * sizeof *r->w);
  if (cfg->max) memcpy(r->max, cfg->max, k * sizeof *r->max);
  r->xhash = hash_x(cfg->x, n * k);
  r->shard_index = cfg->shard_index;
  r->shard_count = N;
  r->draws = total;
  memcpy(r->nom2, m.nom2, n * sizeof *r->nom2);
  result_stats(r);
  *out = r;
  r = NULL;
  rc = 0;
done:
  gs_ua_result_free(r);
  free(jobs);
  free(tid);
  model_free(&m);
  return rc;
}

/* ------------------------------------------------------ partial files */

static int same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

int gs_ua_partial_write(FILE *f, const gs_ua_result *r) {
  if (!f || !r) return -1;
  fprintf(f, "gcisim-ua-partial 1\n");
  fprintf(f, "n %zu\nk %zu\nseed %" PRIu64 "\nn_draws %" PRIu64 "\n", r->n, r->k, r->seed, r->n_draws);
  fprintf(f, "perturb %a\nmethods %u\ndigits %d\nties %d\noffset %a\n", r->perturb, r->methods,
          r->digits, r->ties, r->offset);
  fprintf(f, "w");
  for (size_t i = 0; i < r->k; i++) fprintf(f, " %a", r->w[i]);
  fprintf(f, "\nmax");
  if (!r->max) fprintf(f, " none");
  else
    for (size_t i = 0; i < r->k; i++) fprintf(f, " %a", r->max[i]);
  fprintf(f, "\nxhash %016" PRIx64 "\nshard %u %u\ndraws %" PRIu64 "\nnominal", r->xhash,
          r->shard_index, r->shard_count, r->draws);
  for (size_t u = 0; u < r->n; u++) fprintf(f, " %u", r->nom2[u]);
  fprintf(f, "\n");
  for (size_t u = 0; u < r->n; u++)
    for (size_t v = 0; v < r->R; v++)
      if (r->hist[u * r->R + v]) fprintf(f, "h %zu %zu %" PRIu64 "\n", u, v, r->hist[u * r->R + v]);
  fprintf(f, "end\n");
  fflush(f);
  return ferror(f) ? -1 : 0;
}

/* Reads one whitespace-separated token (at most 63 chars). */
static int tok(FILE *f, char *buf) { return fscanf(f, "%63s", buf) == 1 ? 0 : -1; }

static int tok_expect(FILE *f, const char *want) {
  char b[64];
  return tok(f, b) == 0 && strcmp(b, want) == 0 ? 0 : -1;
}

static int tok_u64(FILE *f, uint64_t *v) {
  char b[64], *e;
  if (tok(f, b) < 0 || b[0] == '-') return -1;
  errno = 0;
  unsigned long long x = strtoull(b, &e, 10);
  if (*e || errno || e == b) return -1;
  *v = x;
  return 0;
}

static int tok_int(FILE *f, long lo, long hi, long *v) {
  char b[64], *e;
  if (tok(f, b) < 0) return -1;
  errno = 0;
  long x = strtol(b, &e, 10);
  if (*e || errno || e == b || x < lo || x > hi) return -1;
  *v = x;
  return 0;
}

static int tok_dbl(FILE *f, double *v) {
  char b[64], *e;
  if (tok(f, b) < 0) return -1;
  *v = strtod(b, &e);
  return *e || e == b ? -1 : 0;
}

int gs_ua_partial_read(FILE *f, gs_ua_result **out, char *err, size_t errlen) {
  if (!out) return fail(err, errlen, "no output pointer");
  *out = NULL;
  if (!f) return fail(err, errlen, "no file");
  long n, k, v, methods, digits, ties, si, sc;
  uint64_t seed, nd, draws, xh;
  double perturb, offset;
  char b[64];
  if (tok_expect(f, "gcisim-ua-partial") || tok_expect(f, "1"))
    return fail(err, errlen, "not a gcisim ua partial (version 1)");
  if (tok_expect(f, "n") || tok_int(f, 1, GS_UA_MAX_UNITS, &n) || tok_expect(f, "k") ||
      tok_int(f, 1, 4096, &k) || tok_expect(f, "seed") || tok_u64(f, &seed) ||
      tok_expect(f, "n_draws") || tok_u64(f, &nd) || tok_expect(f, "perturb") ||
      tok_dbl(f, &perturb) || tok_expect(f, "methods") || tok_int(f, 1, 3, &methods) ||
      tok_expect(f, "digits") || tok_int(f, -1, GS_UA_MAX_DIGITS, &digits) ||
      tok_expect(f, "ties") || tok_int(f, 0, GS_TIES_FRACTIONAL, &ties) ||
      tok_expect(f, "offset") || tok_dbl(f, &offset) || tok_expect(f, "w"))
    return fail(err, errlen, "bad partial header");
  double *w = malloc((size_t)k * sizeof *w), *mx = malloc((size_t)k * sizeof *mx);
  gs_ua_result *r = NULL;
  if (!w || !mx) goto oom;
  for (long i = 0; i < k; i++)
    if (tok_dbl(f, &w[i])) goto bad;
  if (tok_expect(f, "max") || tok(f, b)) goto bad;
  int has_max = strcmp(b, "none") != 0;
  if (has_max) {
    char *e;
    mx[0] = strtod(b, &e);
    if (*e || e == b) goto bad;
    for (long i = 1; i < k; i++)
      if (tok_dbl(f, &mx[i])) goto bad;
  }
  if (tok_expect(f, "xhash") || tok(f, b)) goto bad;
  {
    char *e;
    errno = 0;
    xh = strtoull(b, &e, 16);
    if (*e || errno || strlen(b) != 16) goto bad;
  }
  if (tok_expect(f, "shard") || tok_int(f, 0, UINT32_MAX - 1L, &si) || tok_int(f, 1, UINT32_MAX, &sc) ||
      si >= sc || tok_expect(f, "draws") || tok_u64(f, &draws) || tok_expect(f, "nominal"))
    goto bad;
  r = result_alloc((size_t)n, (size_t)k, has_max);
  if (!r) goto oom;
  for (long u = 0; u < n; u++) {
    if (tok_int(f, 2, 2 * n, &v)) goto bad;
    r->nom2[u] = (uint32_t)v;
  }
  for (;;) {
    long u, rv;
    uint64_t c;
    if (tok(f, b)) goto bad;
    if (strcmp(b, "end") == 0) break;
    if (strcmp(b, "h") || tok_int(f, 0, n - 1, &u) || tok_int(f, 2, 2 * n, &rv) || tok_u64(f, &c)) goto bad;
    r->hist[(size_t)u * r->R + (size_t)rv] = c;
  }
  for (long u = 0; u < n; u++) {
    uint64_t s = 0;
    for (size_t j = 0; j < r->R; j++) s += r->hist[(size_t)u * r->R + j];
    if (s != draws) {
      gs_ua_result_free(r);
      free(w);
      free(mx);
      return fail(err, errlen, "partial histogram of unit %ld sums to %" PRIu64 ", not %" PRIu64, u, s, draws);
    }
  }
  r->seed = seed;
  r->n_draws = nd;
  r->perturb = perturb;
  r->methods = (unsigned)methods;
  r->digits = (int)digits;
  r->ties = (int)ties;
  r->offset = offset;
  memcpy(r->w, w, (size_t)k * sizeof *w);
  if (has_max) memcpy(r->max, mx, (size_t)k * sizeof *mx);
  r->xhash = xh;
  r->shard_index = (uint32_t)si;
  r->shard_count = (uint32_t)sc;
  r->draws = draws;
  result_stats(r);
  free(w);
  free(mx);
  *out = r;
  return 0;
bad:
  gs_ua_result_free(r);
  free(w);
  free(mx);
  return fail(err, errlen, "malformed ua partial");
oom:
  gs_ua_result_free(r);
  free(w);
  free(mx);
  return fail(err, errlen, "out of memory");
}

static const char *fingerprint_diff(const gs_ua_result *a, const gs_ua_result *b) {
  if (a->n != b->n) return "n";
  if (a->k != b->k) return "k";
  if (a->seed != b->seed) return "seed";
  if (a->n_draws != b->n_draws) return "n_draws";
  if (!same_bits(a->perturb, b->perturb)) return "perturb";
  if (a->methods != b->methods) return "methods";
  if (a->digits != b->digits) return "digits";
  if (a->ties != b->ties) return "ties";
  if (!same_bits(a->offset, b->offset)) return "offset";
  for (size_t i = 0; i < a->k; i++)
    if (!same_bits(a->w[i], b->w[i])) return "weights";
  if (!a->max != !b->max) return "max";
  if (a->max)
    for (size_t i = 0; i < a->k; i++)
      if (!same_bits(a->max[i], b->max[i])) return "max";
  if (a->xhash != b->xhash) return "data (hash of x)";
  if (memcmp(a->nom2, b->nom2, a->n * sizeof *a->nom2)) return "nominal ranks";
  if (a->shard_count != b->shard_count) return "shard count";
  return NULL;
}

int gs_ua_merge(const gs_ua_result *const *parts, size_t nparts, gs_ua_result **out, char *err,
                size_t errlen) {
  if (!out) return fail(err, errlen, "no output pointer");
  *out = NULL;
  if (!parts || nparts == 0) return fail(err, errlen, "no partials to merge");
  const gs_ua_result *p0 = parts[0];
  for (size_t i = 0; i < nparts; i++)
    if (!parts[i]) return fail(err, errlen, "partial %zu is NULL", i);
  uint32_t N = p0->shard_count;
  if (nparts != N)
    return fail(err, errlen, "%zu partials for %u shards (missing or extra shards)", nparts, N);
  unsigned char *seen = calloc(N, 1);
  if (!seen) return fail(err, errlen, "out of memory");
  for (size_t i = 0; i < nparts; i++) {
    const char *d = fingerprint_diff(p0, parts[i]);
    if (d) {
      free(seen);
      return fail(err, errlen, "partial %zu differs from partial 0 in %s", i, d);
    }
    uint32_t si = parts[i]->shard_index;
    if (si >= N || seen[si]) {
      free(seen);
      return fail(err, errlen, "shard %u appears twice (overlapping shards)", si);
    }
    seen[si] = 1;
    uint64_t D = p0->n_draws, q = D / N, rm = D % N;
    uint64_t want = q + (rm * (si + 1)) / N - (rm * si) / N;
    if (parts[i]->draws != want) {
      free(seen);
      return fail(err, errlen, "shard %u has %" PRIu64 " draws, expected %" PRIu64, si, parts[i]->draws, want);
    }
  }
  free(seen);
  gs_ua_result *r = result_alloc(p0->n, p0->k, p0->max != NULL);
  if (!r) return fail(err, errlen, "out of memory");
  r->seed = p0->seed;
  r->n_draws = p0->n_draws;
  r->perturb = p0->perturb;
  r->methods = p0->methods;
  r->digits = p0->digits;
  r->ties = p0->ties;
  r->offset = p0->offset;
  memcpy(r->w, p0->w, p0->k * sizeof *r->w);
  if (p0->max) memcpy(r->max, p0->max, p0->k * sizeof *r->max);
  r->xhash = p0->xhash;
  r->shard_index = 0;
  r->shard_count = 1;
  memcpy(r->nom2, p0->nom2, p0->n * sizeof *r->nom2);
  for (size_t i = 0; i < nparts; i++) {
    r->draws += parts[i]->draws;
    for (size_t j = 0; j < r->n * r->R; j++) r->hist[j] += parts[i]->hist[j];
  }
  result_stats(r);
  *out = r;
  return 0;
}

/* ------------------------------------------------------------- Sobol */

typedef double (*sa_fn)(const double *u, void *ud, void *scratch);

typedef struct {
  size_t d;
  sa_fn f;
  void *ud;
  void *(*snew)(void *ud);
  void (*sfree)(void *s);
  uint64_t N, seed;
  double *fA, *fB, *fAB;     /* N, N, d*N */
  /* bootstrap */
  unsigned nb;
  uint64_t bseed;
  double *bS, *bST;          /* nb * d each */
  _Atomic int failed;
  int (*cancel)(void *);     /* gs_sa_options' */
  void *cancel_ud;
  _Atomic int stop;          /* cancel said so: every thread stops */
} sa_ctx;

typedef struct {
  sa_ctx *c;
  uint64_t lo, hi;
  int phase;                 /* 0 = evaluate rows, 1 = bootstrap */
  int started;
  int asks;                  /* runs on the calling thread: may call cancel */
} sa_job;

/* Whether the run was cancelled; the calling thread's jobs ask first. */
static int sa_stopped(sa_job *jb) {
  sa_ctx *c = jb->c;
  if (jb->asks && c->cancel && !atomic_load(&c->stop) && c->cancel(c->cancel_ud)) atomic_store(&c->stop, 1);
  return atomic_load_explicit(&c->stop, memory_order_relaxed);
}

/* The estimators on rows idx[0..N-1] (or 0..N-1 when idx is NULL). */
static void sa_estimate(const sa_ctx *c, const size_t *idx, double *S, double *ST, double *mean,
                        double *var) {
  size_t d = c->d;
  uint64_t N = c->N;
  double sum = 0.0;
  for (uint64_t j = 0; j < N; j++) {
    size_t r = idx ? idx[j] : (size_t)j;
    sum += c->fA[r] + c->fB[r];
  }
  double mu = sum / (2.0 * (double)N), v = 0.0;
  for (uint64_t j = 0; j < N; j++) {
    size_t r = idx ? idx[j] : (size_t)j;
    double a = c->fA[r] - mu, b = c->fB[r] - mu;
    v += a * a + b * b;
  }
  v /= 2.0 * (double)N;
  if (mean) *mean = mu;
  if (var) *var = v;
  for (size_t i = 0; i < d; i++) {
    const double *ab = c->fAB + i * N;
    double s1 = 0.0, s2 = 0.0;
    for (uint64_t j = 0; j < N; j++) {
      size_t r = idx ? idx[j] : (size_t)j;
      double t = ab[r] - c->fA[r];
      s1 += c->fB[r] * t;
      s2 += t * t;
    }
    S[i] = v > 0 ? s1 / (double)N / v : NAN;
    ST[i] = v > 0 ? s2 / (double)N / (2.0 * v) : NAN;
  }
}

static void sa_work(sa_job *jb) {
  sa_ctx *c = jb->c;
  size_t d = c->d;
  if (jb->phase == 0) {
    void *s = c->snew ? c->snew(c->ud) : NULL;
    double *a = malloc(3 * d * sizeof *a);
    if ((c->snew && !s) || !a) {
      c->failed = 1;
      free(a);
      if (s) c->sfree(s);
      return;
    }
    double *bb = a + d, *ab = a + 2 * d;
    for (uint64_t j = jb->lo; j < jb->hi; j++) {
      if ((j - jb->lo) % 64 == 0 && sa_stopped(jb)) break;
      uint64_t st = stream_init(c->seed, j);
      for (size_t i = 0; i < d; i++) a[i] = stream_uniform(&st);
      for (size_t i = 0; i < d; i++) bb[i] = stream_uniform(&st);
      c->fA[j] = c->f(a, c->ud, s);
      c->fB[j] = c->f(bb, c->ud, s);
      for (size_t i = 0; i < d; i++) {
        memcpy(ab, a, d * sizeof *ab);
        ab[i] = bb[i];
        c->fAB[i * c->N + j] = c->f(ab, c->ud, s);
      }
    }
    free(a);
    if (s) c->sfree(s);
  } else {
    size_t *idx = malloc(c->N * sizeof *idx);
    if (!idx) {
      c->failed = 1;
      return;
    }
    for (uint64_t b = jb->lo; b < jb->hi; b++) {
      if (sa_stopped(jb)) break;
      uint64_t st = stream_init(c->bseed, b);
      for (uint64_t j = 0; j < c->N; j++) idx[j] = (size_t)(stream_uniform(&st) * (double)c->N);
      sa_estimate(c, idx, c->bS + b * d, c->bST + b * d, NULL, NULL);
    }
    free(idx);
  }
}

static void *sa_thread(void *p) {
  sa_work(p);
  return NULL;
}

/* Runs phase over [0, total) on T threads in contiguous blocks. */
static void sa_parallel(sa_ctx *c, int phase, uint64_t total, int T) {
  if ((uint64_t)T > total) T = total ? (int)total : 1;
  sa_job *jobs = calloc((size_t)T, sizeof *jobs);
  pthread_t *tid = calloc((size_t)T, sizeof *tid);
  if (!jobs || !tid) {
    c->failed = 1;
    free(jobs);
    free(tid);
    return;
  }
  for (int t = 0; t < T; t++) {
    jobs[t].c = c;
    jobs[t].phase = phase;
    jobs[t].lo = total * (uint64_t)t / (uint64_t)T;
    jobs[t].hi = total * (uint64_t)(t + 1) / (uint64_t)T;
  }
  for (int t = 1; t < T; t++) jobs[t].started = pthread_create(&tid[t], NULL, sa_thread, &jobs[t]) == 0;
  jobs[0].asks = 1;
  sa_work(&jobs[0]);
  for (int t = 1; t < T; t++) {
    if (jobs[t].started) {
      pthread_join(tid[t], NULL);
    } else {
      jobs[t].asks = 1;
      sa_work(&jobs[t]);
    }
  }
  free(jobs);
  free(tid);
}

static int dbl_cmp(const void *pa, const void *pb) {
  double a = *(const double *)pa, b = *(const double *)pb;
  if (isnan(a)) return isnan(b) ? 0 : 1;
  if (isnan(b)) return -1;
  return a < b ? -1 : a > b;
}

void gs_sa_result_free(gs_sa_result *r) {
  if (!r) return;
  free(r->S);
  free(r);
}

static int sa_core(size_t d, sa_fn f, void *ud, void *(*snew)(void *), void (*sfree)(void *),
                   const gs_sa_options *opt, gs_sa_result **out, char *err, size_t errlen) {
  if (!out) return fail(err, errlen, "no output pointer");
  *out = NULL;
  if (!opt) return fail(err, errlen, "no options");
  if (d < 1 || d > 4097) return fail(err, errlen, "bad number of inputs %zu", d);
  if (opt->n_base < 2 || opt->n_base > (UINT64_C(1) << 40))
    return fail(err, errlen, "n_base must be in [2, 2^40]");
  uint64_t N = opt->n_base;
  sa_ctx c = {.d = d, .f = f, .ud = ud, .snew = snew, .sfree = sfree, .N = N, .seed = opt->seed,
              .nb = opt->n_boot, .bseed = opt->boot_seed, .cancel = opt->cancel,
              .cancel_ud = opt->cancel_ud};
  gs_sa_result *r = calloc(1, sizeof *r);
  c.fA = malloc(N * sizeof(double));
  c.fB = malloc(N * sizeof(double));
  c.fAB = malloc(N * d * sizeof(double));
  c.bS = malloc(((size_t)c.nb * d + 1) * sizeof(double));
  c.bST = malloc(((size_t)c.nb * d + 1) * sizeof(double));
  double *col = malloc(((size_t)c.nb + 1) * sizeof(double));
  int rc = -1;
  if (!r || !c.fA || !c.fB || !c.fAB || !c.bS || !c.bST || !col) goto oom;
  r->d = d;
  r->S = malloc(6 * d * sizeof(double));
  if (!r->S) goto oom;
  r->S_lo = r->S + d;
  r->S_hi = r->S + 2 * d;
  r->ST = r->S + 3 * d;
  r->ST_lo = r->S + 4 * d;
  r->ST_hi = r->S + 5 * d;
  int T = ncores(opt->threads);
  sa_parallel(&c, 0, N, T);
  if (atomic_load(&c.stop)) goto cancelled;
  if (c.failed) goto oom;
  sa_estimate(&c, NULL, r->S, r->ST, &r->mean, &r->var);
  r->n_eval = N * (d + 2);
  if (c.nb) {
    sa_parallel(&c, 1, c.nb, T);
    if (atomic_load(&c.stop)) goto cancelled;
    if (c.failed) goto oom;
    size_t B = c.nb, lo = (B + 19) / 20, hi = (19 * B + 19) / 20;
    for (int which = 0; which < 2; which++) {
      double *src = which ? c.bST : c.bS;
      for (size_t i = 0; i < d; i++) {
        for (size_t b = 0; b < B; b++) col[b] = src[b * d + i];
        qsort(col, B, sizeof *col, dbl_cmp);
        (which ? r->ST_lo : r->S_lo)[i] = col[lo - 1];
        (which ? r->ST_hi : r->S_hi)[i] = col[hi - 1];
      }
    }
  } else {
    for (size_t i = 0; i < d; i++) r->S_lo[i] = r->S_hi[i] = r->ST_lo[i] = r->ST_hi[i] = NAN;
  }
  *out = r;
  r = NULL;
  rc = 0;
  goto done;
oom:
  fail(err, errlen, "out of memory");
  goto done;
cancelled:
  fail(err, errlen, "cancelled");
done:
  gs_sa_result_free(r);
  free(c.fA);
  free(c.fB);
  free(c.fAB);
  free(c.bS);
  free(c.bST);
  free(col);
  return rc;
}

typedef struct {
  double (*f)(const double *, void *);
  void *ud;
} sa_plain;

static double sa_plain_call(const double *u, void *ud, void *scratch) {
  (void)scratch;
  const sa_plain *p = ud;
  return p->f(u, p->ud);
}

int gs_sa_run_model(size_t d, double (*f)(const double *u, void *ud), void *ud,
                    const gs_sa_options *opt, gs_sa_result **out, char *err, size_t errlen) {
  if (!f) {
    if (out) *out = NULL;
    return fail(err, errlen, "no model function");
  }
  sa_plain p = {f, ud};
  return sa_core(d, sa_plain_call, &p, NULL, NULL, opt, out, err, errlen);
}

/* The UA model: mean absolute rank shift of the draw given by u. */
static void *sa_ua_snew(void *ud) { return scratch_new(ud); }
static void sa_ua_sfree(void *s) { scratch_free(s); }

static double sa_ua_f(const double *u, void *ud, void *sp) {
  const model *m = ud;
  scratch *s = sp;
  weights_from_uniforms(m->w, m->k, m->perturb, m->W, u, s->wp);
  unsigned meth = m->nm > 1 ? m->list[(unsigned)(u[m->k] * m->nm)] : m->list[0];
  rank_units(m, s, s->wp, meth, NULL);
  uint64_t sum = 0;
  for (size_t i = 0; i < m->n; i++)
    sum += s->r2[i] > m->nom2[i] ? s->r2[i] - m->nom2[i] : m->nom2[i] - s->r2[i];
  return (double)sum / (2.0 * (double)m->n);
}

int gs_sa_run(const gs_ua_config *cfg, const gs_sa_options *opt, gs_sa_result **out, char *err,
              size_t errlen) {
  if (out) *out = NULL;
  model m;
  if (model_init(&m, cfg, err, errlen) < 0) return -1;
  size_t d = m.k + (m.nm > 1);
  int rc = sa_core(d, sa_ua_f, &m, sa_ua_snew, sa_ua_sfree, opt, out, err, errlen);
  model_free(&m);
  return rc;
}
