/* ua_mc.c - the Monte Carlo uncertainty run (gs_ua_run), its results and
 * their statistics; see ua.h.  Two ways to the same statistics:
 *   dense      every unit's full rank histogram, one pass (n <= dense_max
 *              or a sharded run);
 *   multi-pass O(n) memory: refine the bins holding each percentile over
 *              repeated passes of the same draws (see GS_UA_DENSE_MAX).
 * Both are exact and give bitwise the same numbers. */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ua_impl.h"

/* ------------------------------------------------------- errors, memory */

int gs_ua_fail(char *err, size_t errlen, const char *fmt, ...) {
  if (err && errlen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return -1;
}

size_t gs_ua_size(size_t count, size_t size) {
  return size && count > SIZE_MAX / size ? SIZE_MAX : count * size;
}

/* The module's one allocation pair: plugging a different accounting in is
 * a change here only. */
void *gs_ua_mem(const gs_ua_alloc *a, size_t size, int zero) {
  if (size == SIZE_MAX) return NULL;
  if (size == 0) size = 1;
  void *p;
  if (a && a->fn) {
    p = a->fn(a->ud, NULL, 0, size);
    if (p && zero) memset(p, 0, size);
  } else {
    p = zero ? calloc(1, size) : malloc(size);
  }
  return p;
}

void gs_ua_mem_free(const gs_ua_alloc *a, void *p, size_t size) {
  if (!p) return;
  if (size == 0) size = 1;
  if (a && a->fn) a->fn(a->ud, p, size, 0);
  else free(p);
}

/* ---------------------------------------------------------------- threads */

/* Threads to run: as asked, but never more than the online cores (nor
 * 256): more threads add only memory (issue 11, class 7). */
int gs_ua_ncores(int threads) {
  long c = sysconf(_SC_NPROCESSORS_ONLN);
  c = c < 1 ? 1 : c > 256 ? 256 : c;
  return threads > 0 && threads < c ? threads : (int)c;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ------------------------------------------------------------ UA result */

void gs_ua_result_free(gs_ua_result *r) {
  if (!r) return;
  const gs_ua_alloc a = r->alloc;
  gs_ua_mem_free(&a, r->w, r->k * sizeof *r->w);
  gs_ua_mem_free(&a, r->max, r->k * sizeof *r->max);
  gs_ua_mem_free(&a, r->nom2, r->n * sizeof *r->nom2);
  gs_ua_mem_free(&a, r->hist, gs_ua_size(gs_ua_size(r->n, r->R), sizeof *r->hist));
  gs_ua_mem_free(&a, r->rk, gs_ua_size(gs_ua_size(r->n, (size_t)r->rk_len), sizeof *r->rk));
  gs_ua_mem_free(&a, r->unit, r->n * sizeof *r->unit);
  gs_ua_mem_free(&a, r, sizeof *r);
}

gs_ua_result *gs_ua_result_alloc(const gs_ua_alloc *a, size_t n, size_t k, int has_max, int with_hist) {
  gs_ua_result *r = gs_ua_mem(a, sizeof *r, 1);
  if (!r) return NULL;
  if (a) r->alloc = *a;
  r->n = n;
  r->k = k;
  r->R = 2 * n + 1;
  r->w = gs_ua_mem(a, gs_ua_size(k, sizeof *r->w), 0);
  r->max = has_max ? gs_ua_mem(a, gs_ua_size(k, sizeof *r->max), 0) : NULL;
  r->nom2 = gs_ua_mem(a, gs_ua_size(n, sizeof *r->nom2), 0);
  r->hist = with_hist ? gs_ua_mem(a, gs_ua_size(gs_ua_size(n, r->R), sizeof *r->hist), 1) : NULL;
  r->unit = gs_ua_mem(a, gs_ua_size(n, sizeof *r->unit), 0);
  if (!r->w || (has_max && !r->max) || !r->nom2 || (with_hist && !r->hist) || !r->unit) {
    if (with_hist && !r->hist) r->R = 0; /* nothing to free there */
    gs_ua_result_free(r);
    return NULL;
  }
  return r;
}

/* ------------------------------------------------------------ statistics */

/* The statistics of one unit from its distribution h (see ua.h); returns
 * sum |2*rank - nom2| * count exactly. */
static unsigned __int128 unit_stats(const gs_ua_rank_count *h, size_t m, uint64_t N, uint32_t nom2,
                                    gs_ua_unit_stats *st) {
  st->nominal = nom2 / 2.0;
  if (N == 0) {
    st->median = st->mean = st->p05 = st->p95 = st->within3 = NAN;
    return 0;
  }
  unsigned __int128 sum = 0, cum = 0, shift = 0;
  uint64_t p05 = 0, p50 = 0, p95 = 0;
  for (size_t i = 0; i < m; i++) {
    uint64_t v = h[i].r2, c = h[i].count;
    if (!c) continue;
    sum += (unsigned __int128)c * v;
    shift += (unsigned __int128)c * (v > nom2 ? v - nom2 : nom2 - v);
    cum += c;
    /* inverted CDF: the smallest rank with cum >= q*N, in integers */
    if (!p05 && cum * 20 >= N) p05 = v;
    if (!p50 && cum * 2 >= N) p50 = v;
    if (!p95 && cum * 20 >= (unsigned __int128)N * 19) p95 = v;
  }
  uint64_t near = 0;
  for (size_t i = 0; i < m; i++)
    if (h[i].r2 + 6 >= p50 && h[i].r2 <= p50 + 6) near += h[i].count;
  st->mean = (double)sum / (2.0 * (double)N);
  st->median = p50 / 2.0;
  st->p05 = p05 / 2.0;
  st->p95 = p95 / 2.0;
  st->within3 = (double)near / (double)N;
  return shift;
}

void gs_ua_unit_stats_from(const gs_ua_rank_count *h, size_t m, uint64_t N, uint32_t nom2,
                           gs_ua_unit_stats *st, double *shift2) {
  unsigned __int128 s = unit_stats(h, m, N, nom2, st);
  if (shift2) *shift2 = (double)s;
}

static int pair_cmp(const void *a, const void *b) {
  uint32_t x = ((const gs_ua_rank_count *)a)->r2, y = ((const gs_ua_rank_count *)b)->r2;
  return (x > y) - (x < y);
}

int gs_ua_scenario_stats(size_t n, size_t nsc, const double *nominal, const double *ranks, const uint64_t *count,
                         gs_ua_rank_count *pairs, gs_ua_unit_stats *st, double *mas) {
  uint64_t N = 0;
  for (size_t c = 0; c < nsc; c++) N += count[c];
  unsigned __int128 shift = 0;
  size_t kept = 0;
  for (size_t u = 0; u < n; u++) {
    if (isnan(nominal[u])) {
      st[u] = (gs_ua_unit_stats){NAN, NAN, NAN, NAN, NAN, NAN};
      continue;
    }
    size_t m = 0;
    for (size_t c = 0; c < nsc; c++) {
      if (!count[c]) continue;
      double r = ranks[c * n + u];
      if (isnan(r)) return -1;
      pairs[m++] = (gs_ua_rank_count){(uint32_t)(2 * r), count[c]};
    }
    /* by rank, one pair per rank (scenarios giving the same rank merged) */
    qsort(pairs, m, sizeof *pairs, pair_cmp);
    size_t md = 0;
    for (size_t i = 0; i < m; i++) {
      if (md && pairs[md - 1].r2 == pairs[i].r2) pairs[md - 1].count += pairs[i].count;
      else pairs[md++] = pairs[i];
    }
    shift += unit_stats(pairs, md, N, (uint32_t)(2 * nominal[u]), &st[u]);
    kept++;
  }
  *mas = kept && N ? (double)shift / (2.0 * (double)kept * (double)N) : NAN;
  return 0;
}

int gs_ua_result_alloc_rk(gs_ua_result *r, uint64_t len) {
  if (len > SIZE_MAX / sizeof(uint32_t) / (r->n ? r->n : 1)) return -1;
  r->rk = gs_ua_mem(&r->alloc, gs_ua_size(gs_ua_size(r->n, (size_t)len), sizeof *r->rk), 0);
  if (!r->rk) return -1;
  r->rk_len = len;
  return 0;
}

/* Insertion sort below 48 values; else LSD radix sort, 8 bits a pass, as
 * many passes as the largest value needs (3 up to 2^24: 8 million units).
 * Small digits keep the per-unit cost low when a unit has few draws. */
void gs_ua_sort_u32(uint32_t *v, uint32_t *tmp, size_t m) {
  if (m < 48) {
    for (size_t i = 1; i < m; i++) {
      uint32_t x = v[i];
      size_t j = i;
      while (j > 0 && v[j - 1] > x) {
        v[j] = v[j - 1];
        j--;
      }
      v[j] = x;
    }
    return;
  }
  uint32_t mx = 0;
  for (size_t i = 0; i < m; i++) mx = v[i] > mx ? v[i] : mx;
  uint32_t *src = v, *dst = tmp;
  for (unsigned sh = 0; sh < 32 && (sh == 0 || (mx >> sh)); sh += 8) {
    size_t cnt[256] = {0};
    for (size_t i = 0; i < m; i++) cnt[(src[i] >> sh) & 255]++;
    size_t sum = 0;
    for (size_t b = 0; b < 256; b++) {
      size_t c = cnt[b];
      cnt[b] = sum;
      sum += c;
    }
    for (size_t i = 0; i < m; i++) dst[cnt[(src[i] >> sh) & 255]++] = src[i];
    uint32_t *t = src;
    src = dst;
    dst = t;
  }
  if (src != v) memcpy(v, src, m * sizeof *v);
}

unsigned __int128 gs_ua_stats_sorted(const uint32_t *v, size_t m, uint32_t nom2, gs_ua_rank_count *pairs,
                                     gs_ua_unit_stats *st) {
  size_t k = 0;
  for (size_t i = 0; i < m; i++) {
    if (k && pairs[k - 1].r2 == v[i]) pairs[k - 1].count++;
    else pairs[k++] = (gs_ua_rank_count){v[i], 1};
  }
  return unit_stats(pairs, k, m, nom2, st);
}

/* The statistics of a sparse result: each unit's ranks sorted in place. */
static int rk_stats(gs_ua_result *r) {
  size_t m = (size_t)r->rk_len;
  uint32_t *tmp = gs_ua_mem(&r->alloc, gs_ua_size(m ? m : 1, sizeof *tmp), 0);
  gs_ua_rank_count *pairs = gs_ua_mem(&r->alloc, gs_ua_size(m ? m : 1, sizeof *pairs), 0);
  if (!tmp || !pairs) {
    gs_ua_mem_free(&r->alloc, tmp, gs_ua_size(m ? m : 1, sizeof *tmp));
    gs_ua_mem_free(&r->alloc, pairs, gs_ua_size(m ? m : 1, sizeof *pairs));
    return -1;
  }
  unsigned __int128 shift = 0;
  for (size_t u = 0; u < r->n; u++) {
    uint32_t *v = r->rk + u * m;
    gs_ua_sort_u32(v, tmp, m);
    shift += gs_ua_stats_sorted(v, m, r->nom2[u], pairs, &r->unit[u]);
  }
  gs_ua_mem_free(&r->alloc, tmp, gs_ua_size(m ? m : 1, sizeof *tmp));
  gs_ua_mem_free(&r->alloc, pairs, gs_ua_size(m ? m : 1, sizeof *pairs));
  r->mas = m ? (double)shift / (2.0 * (double)r->n * (double)m) : NAN;
  return 0;
}

/* Derives the statistics from the histograms (integers until the end);
 * -1 when out of memory. */
int gs_ua_result_stats(gs_ua_result *r) {
  if (r->rk) return rk_stats(r);
  uint64_t N = r->draws;
  size_t R = r->R;
  unsigned __int128 shift = 0;
  gs_ua_rank_count *pairs = gs_ua_mem(&r->alloc, gs_ua_size(R, sizeof *pairs), 0);
  if (!pairs) return -1;
  for (size_t u = 0; u < r->n; u++) {
    const uint64_t *h = r->hist + u * R;
    size_t m = 0;
    for (size_t v = 0; v < R; v++)
      if (h[v]) pairs[m++] = (gs_ua_rank_count){(uint32_t)v, h[v]};
    shift += unit_stats(pairs, m, N, r->nom2[u], &r->unit[u]);
  }
  gs_ua_mem_free(&r->alloc, pairs, gs_ua_size(R, sizeof *pairs));
  r->mas = N ? (double)shift / (2.0 * (double)r->n * (double)N) : NAN;
  return 0;
}

uint64_t gs_ua_hash_x(const double *x, size_t nk) {
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
size_t gs_ua_result_bytes(const gs_ua_result *r) {
  size_t b = sizeof *r + r->k * 2 * sizeof(double) + r->n * (sizeof *r->nom2 + sizeof *r->unit);
  if (r->hist) b += gs_ua_size(gs_ua_size(r->n, r->R), sizeof *r->hist);
  if (r->rk) b += gs_ua_size(gs_ua_size(r->n, (size_t)r->rk_len), sizeof *r->rk);
  return b;
}
uint64_t gs_ua_result_draws(const gs_ua_result *r) { return r->draws; }
const gs_ua_unit_stats *gs_ua_result_unit(const gs_ua_result *r, size_t i) { return &r->unit[i]; }
double gs_ua_result_mean_abs_shift(const gs_ua_result *r) { return r->mas; }
const uint64_t *gs_ua_result_hist(const gs_ua_result *r, size_t i, size_t *len) {
  if (len) *len = r->hist ? r->R : 0;
  return r->hist ? r->hist + i * r->R : NULL;
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
  gs_spec_init(&cfg->spec, NULL);
  cfg->threads = 0;
  cfg->shard_index = 0;
  cfg->shard_count = 1;
}

/* ------------------------------------------------------------ the run */

/* Multi-pass state: for unit u and percentile q (5, 50, 95) the counters
 * cover cells [a, a + nb << sh) in nb bins of 2^sh cells; the percentile
 * lies in bins [s0, s0 + sl), with `below` draws in cells before bin s0. */
#define MP_F 64          /* bins a window splits into */
#define MP_PAD 6         /* extra cells each side of the last window */
#define MP_W (MP_F + 2 * MP_PAD)
typedef struct {
  int64_t *a;          /* 3n */
  uint8_t *sh;         /* 3n */
  uint8_t *nb, *s0, *sl; /* 3n */
  uint64_t *below;     /* 3n */
  uint32_t *val;       /* 3n: the percentile cell, once found */
  uint64_t *sum2;      /* n: sum of 2*rank */
  uint64_t *near;      /* n: draws within +-3 of the median */
  int pass;            /* 0 = the first */
  int last;            /* this pass counts single cells */
} mp_state;

typedef struct {
  const gs_ua_model *m;
  const mp_state *mp;  /* NULL: dense */
  uint64_t seed, lo, hi;
  gs_ua_result *r;     /* dense: flushed into r->hist under lock */
  pthread_mutex_t *lock;
  uint32_t *cnt;       /* multi-pass: 3n * MP_W counters */
  uint64_t *sum2;      /* multi-pass pass 0: n */
  uint32_t *rk;        /* sparse: the result's n * rk_len ranks */
  uint64_t rk_lo;      /* sparse: the shard's first draw (column 0) */
  unsigned __int128 shift;
  _Atomic uint64_t done;
  _Atomic int finished;
  _Atomic int *stop;   /* shared: set when cancelled */
  int failed;          /* out of memory */
  int started;
} ua_job;

#define UA_TICK 2048

/* Dense counting.  Counters are 16 bits (flushed every 65535 draws), one
 * per rank for the tie rules whose ranks are whole (n + 1 per unit) and one
 * per half rank for fractional (2n + 1), so the working set of 194 units
 * is 74 KiB. */
static int dense_block(ua_job *j, gs_ua_scratch *s, void (*tick)(void *), void *tud) {
  const gs_ua_model *m = j->m;
  size_t n = m->n;
  int frac = m->ties == GS_TIES_FRACTIONAL;
  unsigned half = frac ? 0 : 1;
  size_t RL = frac ? 2 * n + 1 : n + 1, R = 2 * n + 1;
  size_t cells = gs_ua_size(n, RL);
  uint16_t *h16 = gs_ua_mem(&m->alloc, gs_ua_size(cells, sizeof *h16), 1);
  if (!h16) return -1;
  uint64_t since = 0, pending = 0;
  int stopped = 0;
  /* draw d + 1's weights are drawn before draw d is ranked, so that
   * their chain of multiplies and divisions overlaps the ranking */
  double *wp = gs_ua_scratch_wp(s), *wq = wp + m->k;
  unsigned meth = j->lo < j->hi ? gs_ua_scratch_draw_to(m, s, j->seed, j->lo, wp) : 0;
  for (uint64_t d = j->lo; d < j->hi && !stopped; d++) {
    unsigned next = d + 1 < j->hi ? gs_ua_scratch_draw_to(m, s, j->seed, d + 1, wq) : 0;
    gs_ua_rank_tally(m, s, wp, meth, h16, RL, half);
    double *t = wp;
    wp = wq;
    wq = t;
    meth = next;
    if (++pending == 65535 || d + 1 == j->hi) {
      pthread_mutex_lock(j->lock);
      uint64_t *hist = j->r->hist;
      for (size_t u = 0; u < n; u++)
        for (size_t v = 0; v < RL; v++) {
          uint16_t c = h16[u * RL + v];
          if (c) hist[u * R + (v << half)] += c;
        }
      pthread_mutex_unlock(j->lock);
      memset(h16, 0, cells * sizeof *h16);
      pending = 0;
    }
    if (++since == UA_TICK) {
      atomic_fetch_add_explicit(&j->done, since, memory_order_relaxed);
      since = 0;
      if (tick) tick(tud);
      /* cancelled: the result is thrown away, so stop here */
      if (atomic_load_explicit(j->stop, memory_order_relaxed)) stopped = 1;
    }
  }
  atomic_fetch_add_explicit(&j->done, since, memory_order_relaxed);
  gs_ua_mem_free(&m->alloc, h16, gs_ua_size(cells, sizeof *h16));
  return 0;
}

/* Ranks draws d0 .. d0+B-1 into rb (B rows of n 2*ranks): the batch the
 * multi-pass and the sparse paths both read unit by unit. */
static void rank_draws(const gs_ua_model *m, gs_ua_scratch *s, uint64_t seed, uint64_t d0, size_t B, uint32_t *rb) {
  size_t n = m->n;
  for (size_t b = 0; b < B; b++) {
    unsigned meth = gs_ua_scratch_draw(m, s, seed, d0 + b);
    memcpy(rb + b * n, gs_ua_rank(m, s, gs_ua_scratch_wp(s), meth), n * sizeof *rb);
  }
}

#define MP_B 32
#define MP_UB 256

/* The job's draws ranked MP_B at a time into a buffer, each batch handed
 * to use(j, rb, d0, B) (rb: B rows of n 2*ranks, draws d0 ..), with the
 * progress and the cancel check after each.  -1 when out of memory. */
static int draw_batches(ua_job *j, gs_ua_scratch *s, void (*tick)(void *), void *tud,
                        void (*use)(ua_job *, const uint32_t *, uint64_t, size_t)) {
  const gs_ua_model *m = j->m;
  size_t bsz = gs_ua_size(gs_ua_size(m->n, MP_B), sizeof(uint32_t));
  uint32_t *rb = gs_ua_mem(&m->alloc, bsz, 0);
  if (!rb) return -1;
  for (uint64_t d0 = j->lo; d0 < j->hi;) {
    size_t B = j->hi - d0 < MP_B ? (size_t)(j->hi - d0) : MP_B;
    rank_draws(m, s, j->seed, d0, B, rb);
    use(j, rb, d0, B);
    d0 += B;
    atomic_fetch_add_explicit(&j->done, B, memory_order_relaxed);
    if (tick) tick(tud);
    if (atomic_load_explicit(j->stop, memory_order_relaxed)) break;
  }
  gs_ua_mem_free(&m->alloc, rb, bsz);
  return 0;
}

/* Multi-pass counting of one batch.  The counters are n * 3 * 76 words,
 * far beyond the caches at large n, so a batch is counted unit block by
 * unit block: each unit's counters are fetched once per MP_B draws, not
 * once per draw. */
static void mp_use(ua_job *j, const uint32_t *rb, uint64_t d0, size_t B) {
  (void)d0;
  const gs_ua_model *m = j->m;
  const mp_state *mp = j->mp;
  size_t n = m->n;
  const uint32_t *nom2 = m->nom2;
  uint32_t *cnt = j->cnt;
  const int64_t *a = mp->a;
  const uint8_t *sh = mp->sh, *nb = mp->nb;
  int first = mp->pass == 0;
  for (size_t u0 = 0; u0 < n; u0 += MP_UB) {
    size_t u1 = n - u0 < MP_UB ? n : u0 + MP_UB;
    for (size_t b = 0; b < B; b++) {
      const uint32_t *r2 = rb + b * n;
      if (first) {
        uint64_t sh2 = 0;
        for (size_t u = u0; u < u1; u++) {
          uint32_t v = r2[u];
          j->sum2[u] += v;
          sh2 += v > nom2[u] ? v - nom2[u] : nom2[u] - v;
        }
        j->shift += sh2;
      }
      for (size_t u = u0; u < u1; u++) {
        int64_t v = r2[u];
        for (size_t q = 0; q < 3; q++) {
          size_t i = 3 * u + q;
          uint64_t off = (uint64_t)(v - a[i]);
          if (off < ((uint64_t)nb[i] << sh[i])) cnt[i * MP_W + (off >> sh[i])]++;
        }
      }
    }
  }
}

/* Sparse recording of one batch (a sharded run above the shard limit):
 * every draw's ranks go into the result, unit by unit (rk[u * len + draw
 * - lo]), each unit's row written MP_B words at once. */
static void sparse_use(ua_job *j, const uint32_t *rb, uint64_t d0, size_t B) {
  size_t n = j->m->n, len = (size_t)j->r->rk_len;
  uint32_t *col = j->rk + (size_t)(d0 - j->rk_lo);
  for (size_t u = 0; u < n; u++)
    for (size_t b = 0; b < B; b++) col[u * len + b] = rb[b * n + u];
}

static void ua_block(ua_job *j, void (*tick)(void *), void *tud) {
  gs_ua_scratch *s = gs_ua_scratch_new(j->m);
  if (!s) j->failed = 1;
  else if (j->rk) j->failed = draw_batches(j, s, tick, tud, sparse_use) != 0;
  else if (!j->mp) j->failed = dense_block(j, s, tick, tud) != 0;
  else j->failed = draw_batches(j, s, tick, tud, mp_use) != 0;
  gs_ua_scratch_free(s);
  atomic_store(&j->finished, 1);
}

static void *ua_thread(void *p) {
  ua_block(p, NULL, NULL);
  return NULL;
}

typedef struct {
  ua_job *jobs;
  int nj;
  uint64_t total;      /* draws of the shard */
  uint64_t base;       /* draws done in earlier passes */
  uint64_t work;       /* draws over all passes */
  double last;
  void (*progress)(void *, uint64_t, uint64_t);
  void *ud;
  int (*cancel)(void *);
  void *cancel_ud;
  _Atomic int *stop;
} ua_prog;

/* On the calling thread, every UA_TICK draws of its block and while it
 * waits for the others: asks cancel, reports progress (10 times a second
 * at most, scaled to the draws of the shard over all passes). */
static void ua_tick(void *p) {
  ua_prog *pr = p;
  if (pr->cancel && !atomic_load(pr->stop) && pr->cancel(pr->cancel_ud)) atomic_store(pr->stop, 1);
  if (!pr->progress) return;
  double t = now_s();
  if (t - pr->last < 0.1) return;
  pr->last = t;
  uint64_t done = pr->base;
  for (int i = 0; i < pr->nj; i++) done += atomic_load_explicit(&pr->jobs[i].done, memory_order_relaxed);
  uint64_t shown = (uint64_t)((double)done / (double)pr->work * (double)pr->total);
  if (shown < pr->total) pr->progress(pr->ud, shown, pr->total);
}

/* Runs every job's block (threads 1.. in threads, 0 here) and waits. */
static void run_jobs(ua_job *jobs, int T, pthread_t *tid, ua_prog *pr, int ticks) {
  for (int t = 0; t < T; t++) {
    atomic_store(&jobs[t].done, 0);
    atomic_store(&jobs[t].finished, 0);
    jobs[t].started = 0;
  }
  for (int t = 1; t < T; t++) jobs[t].started = pthread_create(&tid[t], NULL, ua_thread, &jobs[t]) == 0;
  ua_block(&jobs[0], ticks ? ua_tick : NULL, pr);
  for (int t = 1; t < T; t++)
    if (!jobs[t].started) ua_block(&jobs[t], ticks ? ua_tick : NULL, pr);
  if (ticks) {
    for (;;) {
      int all = 1;
      for (int t = 1; t < T; t++) all &= atomic_load(&jobs[t].finished);
      if (all) break;
      struct timespec ts = {0, 20 * 1000 * 1000};
      nanosleep(&ts, NULL);
      ua_tick(pr);
    }
  }
  for (int t = 1; t < T; t++)
    if (jobs[t].started) pthread_join(tid[t], NULL);
}

/* Passes the multi-pass run needs for R cells: 1 + one per 64-way split. */
static int mp_passes(size_t R) {
  int p = 1;
  unsigned sh = 0;
  while (((uint64_t)MP_F << sh) < R) sh++;
  while (sh > 0) {
    sh = sh > 6 ? sh - 6 : 0;
    p++;
  }
  return p;
}

/* Sets window i to single cells around [start, start + len). */
static void mp_exact(mp_state *mp, size_t i, int64_t start, uint64_t len) {
  mp->a[i] = start - MP_PAD;
  mp->sh[i] = 0;
  mp->nb[i] = (uint8_t)(len + 2 * MP_PAD);
  mp->s0[i] = MP_PAD;
  mp->sl[i] = (uint8_t)len;
}

/* After a pass with counters c (summed over threads): finds each
 * percentile's bin and narrows its window, or (last pass) its cell and the
 * median's +-3 count. */
static void mp_refine(mp_state *mp, const uint32_t *c, size_t n, uint64_t N) {
  for (size_t u = 0; u < n; u++)
    for (size_t q = 0; q < 3; q++) {
      size_t i = 3 * u + q;
      const uint32_t *ci = c + i * MP_W;
      unsigned __int128 cum = mp->below[i];
      unsigned j = mp->s0[i], end = (unsigned)mp->s0[i] + mp->sl[i];
      for (; j < end; j++) {
        uint64_t before = (uint64_t)cum;
        cum += ci[j];
        int hit = q == 0 ? cum * 20 >= N : q == 1 ? cum * 2 >= N : cum * 20 >= (unsigned __int128)N * 19;
        if (hit) {
          mp->below[i] = before;
          break;
        }
      }
      if (j == end) j = end - 1; /* cannot happen: the counts sum to N */
      int64_t start = mp->a[i] + ((int64_t)j << mp->sh[i]);
      if (mp->last) {
        mp->val[i] = (uint32_t)start;
        if (q == 1) { /* cells within +-6 half ranks of the median */
          uint64_t near = 0;
          for (int64_t v = start - 6; v <= start + 6; v++) {
            int64_t k = v - mp->a[i];
            if (k >= 0 && k < mp->nb[i]) near += ci[k];
          }
          mp->near[u] = near;
        }
      } else {
        uint64_t len = (uint64_t)1 << mp->sh[i];
        if (mp->sh[i] > 6) {
          mp->a[i] = start;
          mp->sh[i] = (uint8_t)(mp->sh[i] - 6);
          mp->nb[i] = MP_F;
          mp->s0[i] = 0;
          mp->sl[i] = MP_F;
        } else {
          mp_exact(mp, i, start, len);
        }
      }
    }
  mp->last = mp->sh[0] == 0;
}

typedef struct {
  void *p;
  size_t size;
} blk;

int gs_ua_run(const gs_ua_config *cfg, gs_ua_result **out, char *err, size_t errlen) {
  if (!out) return gs_ua_fail(err, errlen, "no output pointer");
  *out = NULL;
  gs_ua_model m;
  if (gs_ua_model_init(&m, cfg, err, errlen) < 0) return -1;
  const gs_ua_alloc *al = &m.alloc;
  uint32_t N = cfg->shard_count ? cfg->shard_count : 1;
  if (cfg->shard_index >= N) {
    gs_ua_model_free(&m);
    return gs_ua_fail(err, errlen, "shard %u/%u out of range", cfg->shard_index, N);
  }
  if (cfg->n_draws < 1) {
    gs_ua_model_free(&m);
    return gs_ua_fail(err, errlen, "n_draws must be >= 1");
  }
  size_t n = cfg->n, k = cfg->k, R = 2 * n + 1;
  size_t dense_max = cfg->dense_max ? cfg->dense_max : GS_UA_DENSE_MAX;
  size_t shard_max = cfg->shard_max ? cfg->shard_max : GS_UA_SHARD_MAX;
  /* a sharded run keeps full histograms up to shard_max units, and every
   * draw's ranks above it (sparse: n words per draw) */
  int sparse = N > 1 && n > shard_max;
  int dense = !sparse && (n <= dense_max || N > 1);
  uint64_t D = cfg->n_draws, q = D / N, rm = D % N;
  uint64_t lo = q * cfg->shard_index + (rm * cfg->shard_index) / N;
  uint64_t hi = q * (cfg->shard_index + 1) + (rm * (cfg->shard_index + 1)) / N;
  uint64_t total = hi - lo;
  if (sparse && total > (SIZE_MAX / sizeof(uint32_t)) / n) {
    gs_ua_model_free(&m);
    return gs_ua_fail(err, errlen, "a shard of %zu units may hold at most %zu draws", n,
                      (SIZE_MAX / sizeof(uint32_t)) / n);
  }
  if (!dense && total > UINT32_MAX) {
    gs_ua_model_free(&m);
    return gs_ua_fail(err, errlen, "above %zu units at most %u draws (32-bit counters)", dense_max, UINT32_MAX);
  }
  int T = gs_ua_ncores(cfg->threads);
  if ((uint64_t)T > total) T = total ? (int)total : 1;
  /* Charged up front to the caller's budget (budget.h, issue 11 class 7):
   * the result, each thread's scratch and counters (16-bit histograms in
   * one pass; the multi-pass counters and per-unit state otherwise). */
  size_t n3_ = gs_ua_size(n, 3);
  size_t charged = (size_t)(T + 1) * (n * 64 + k * 32) +
                   (sparse ? gs_ua_size(n, (size_t)total) * sizeof(uint32_t) + (size_t)T * n * MP_B * sizeof(uint32_t) +
                                 (size_t)total * 20
                    : dense ? n * R * (sizeof(uint64_t) + (size_t)T * sizeof(uint16_t))
                          : n3_ * 7 * sizeof(uint64_t) + n * 16 +
                                (size_t)T * (gs_ua_size(n3_, MP_W) * sizeof(uint32_t) + n * sizeof(uint64_t)));
  if (gs_budget_charge(cfg->budget, charged) != 0) {
    gs_ua_model_free(&m);
    return gs_ua_fail(err, errlen, "memory limit: %d threads need %zu MiB", T, charged >> 20);
  }

  gs_ua_result *r = gs_ua_result_alloc(al, n, k, cfg->max != NULL, dense);
  ua_job *jobs = calloc((size_t)T, sizeof *jobs);
  pthread_t *tid = calloc((size_t)T, sizeof *tid);
  pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
  mp_state mp;
  memset(&mp, 0, sizeof mp);
  size_t n3 = gs_ua_size(n, 3), ncnt = gs_ua_size(n3, MP_W);
  blk mpb[10];
  int nmpb = 0, rc = -1, passes = dense || sparse ? 1 : mp_passes(R);
  if (!r || !jobs || !tid || (sparse && gs_ua_result_alloc_rk(r, total) != 0)) {
    gs_ua_fail(err, errlen, "out of memory");
    goto done;
  }
  if (!dense && !sparse) {
#define MP_ALLOC(field, count)                                                  \
  do {                                                                          \
    size_t sz_ = gs_ua_size((count), sizeof *mp.field);                          \
    mp.field = gs_ua_mem(al, sz_, 1);                                            \
    if (!mp.field) goto oom;                                                    \
    mpb[nmpb++] = (blk){mp.field, sz_};                                          \
  } while (0)
    MP_ALLOC(a, n3);
    MP_ALLOC(sh, n3);
    MP_ALLOC(nb, n3);
    MP_ALLOC(s0, n3);
    MP_ALLOC(sl, n3);
    MP_ALLOC(below, n3);
    MP_ALLOC(val, n3);
    MP_ALLOC(sum2, n);
    MP_ALLOC(near, n);
    unsigned sh0 = 0;
    while (((uint64_t)MP_F << sh0) < R) sh0++;
    for (size_t i = 0; i < n3; i++) {
      if (sh0 == 0) {
        mp_exact(&mp, i, 0, R);
      } else {
        mp.a[i] = 0;
        mp.sh[i] = (uint8_t)sh0;
        mp.nb[i] = MP_F;
        mp.sl[i] = MP_F;
      }
    }
    mp.last = sh0 == 0;
  }
  _Atomic int stop = 0;
  for (int t = 0; t < T; t++) {
    jobs[t].stop = &stop;
    jobs[t].m = &m;
    jobs[t].mp = dense || sparse ? NULL : &mp;
    jobs[t].rk = r->rk;
    jobs[t].rk_lo = lo;
    jobs[t].r = r;
    jobs[t].lock = &lock;
    jobs[t].seed = cfg->seed;
    jobs[t].lo = lo + total / (uint64_t)T * (uint64_t)t + (total % (uint64_t)T) * (uint64_t)t / (uint64_t)T;
    jobs[t].hi = lo + total / (uint64_t)T * (uint64_t)(t + 1) + (total % (uint64_t)T) * (uint64_t)(t + 1) / (uint64_t)T;
    if (!dense && !sparse) {
      jobs[t].cnt = gs_ua_mem(al, gs_ua_size(ncnt, sizeof(uint32_t)), 1);
      jobs[t].sum2 = gs_ua_mem(al, gs_ua_size(n, sizeof(uint64_t)), 1);
      if (!jobs[t].cnt || !jobs[t].sum2) goto oom;
    }
  }
  ua_prog pr = {jobs, T, total, 0, total * (uint64_t)passes, now_s(), cfg->progress, cfg->progress_ud,
                cfg->cancel, cfg->cancel_ud, &stop};
  int ticks = cfg->progress || cfg->cancel;
  unsigned __int128 shift = 0;
  for (int p = 0; p < passes; p++) {
    mp.pass = p;
    run_jobs(jobs, T, tid, &pr, ticks);
    pr.base += total;
    int failed = 0;
    for (int t = 0; t < T; t++) failed |= jobs[t].failed;
    if (atomic_load(&stop)) {
      gs_ua_fail(err, errlen, "cancelled");
      goto done;
    }
    if (failed) goto oom;
    if (dense || sparse) break;
    /* sum the threads' counts into job 0's (total < 2^32: no overflow) */
    uint32_t *c0 = jobs[0].cnt;
    for (int t = 1; t < T; t++) {
      for (size_t i = 0; i < ncnt; i++) c0[i] += jobs[t].cnt[i];
      memset(jobs[t].cnt, 0, ncnt * sizeof(uint32_t));
    }
    if (p == 0) {
      for (int t = 0; t < T; t++) {
        for (size_t u = 0; u < n; u++) mp.sum2[u] += jobs[t].sum2[u];
        shift += jobs[t].shift;
      }
    }
    mp_refine(&mp, c0, n, total);
    memset(c0, 0, ncnt * sizeof(uint32_t));
  }
  if (cfg->progress) cfg->progress(cfg->progress_ud, total, total);
  r->seed = cfg->seed;
  r->n_draws = cfg->n_draws;
  r->perturb = cfg->perturb;
  r->methods = cfg->methods;
  r->digits = cfg->spec.digits < 0 ? -1 : cfg->spec.digits;
  r->ties = (int)cfg->spec.ties;
  r->offset = cfg->spec.offset;
  memcpy(r->w, cfg->spec.w, k * sizeof *r->w);
  if (cfg->max) memcpy(r->max, cfg->max, k * sizeof *r->max);
  r->xhash = gs_ua_hash_x(cfg->x, n * k);
  r->shard_index = cfg->shard_index;
  r->shard_count = N;
  r->draws = total;
  memcpy(r->nom2, m.nom2, n * sizeof *r->nom2);
  if (dense || sparse) {
    if (gs_ua_result_stats(r) != 0) goto oom;
  } else {
    for (size_t u = 0; u < n; u++) {
      gs_ua_unit_stats *st = &r->unit[u];
      st->nominal = r->nom2[u] / 2.0;
      st->mean = (double)mp.sum2[u] / (2.0 * (double)total);
      st->p05 = mp.val[3 * u] / 2.0;
      st->median = mp.val[3 * u + 1] / 2.0;
      st->p95 = mp.val[3 * u + 2] / 2.0;
      st->within3 = (double)mp.near[u] / (double)total;
    }
    r->mas = (double)shift / (2.0 * (double)n * (double)total);
  }
  *out = r;
  r = NULL;
  rc = 0;
  goto done;
oom:
  gs_ua_fail(err, errlen, "out of memory");
done:
  gs_ua_result_free(r);
  for (int t = 0; jobs && t < T; t++) {
    gs_ua_mem_free(al, jobs[t].cnt, gs_ua_size(ncnt, sizeof(uint32_t)));
    gs_ua_mem_free(al, jobs[t].sum2, gs_ua_size(n, sizeof(uint64_t)));
  }
  for (int i = 0; i < nmpb; i++) gs_ua_mem_free(al, mpb[i].p, mpb[i].size);
  free(jobs);
  free(tid);
  gs_ua_model_free(&m);
  gs_budget_release(cfg->budget, charged);
  return rc;
}
