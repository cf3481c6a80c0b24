/* ua_impl.h - what the uncertainty files share and nothing outside them
 * uses: the documented random streams (inline), error formatting, the one
 * allocation pair every byte of the module goes through, the scoring and
 * ranking model (ua_rank.c), the result type (ua_mc.c) and its statistics.
 *
 * Files: ua_rng.c (streams and the weights of a draw), ua_rank.c (scoring
 * and ranking one draw, the hot loop), ua_mc.c (the Monte Carlo run and its
 * statistics), ua_shard.c (partials, shard files and merging), ua_sobol.c
 * (Sobol sensitivity).  The public API is ua.h. */
#ifndef GS_UA_IMPL_H
#define GS_UA_IMPL_H
#include <stddef.h>
#include <stdint.h>

#include "ua.h"

/* ------------------------------------------------------------ errors */

/* Formats a message into err[errlen] (when err is not NULL); returns -1. */
int gs_ua_fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ------------------------------------------------------------ memory */

/* Every allocation of the module: a = NULL means malloc/free.  ua_free
 * takes the size given to ua_alloc (an accounting allocator needs it);
 * ua_free(a, NULL, 0) is a no-op.  ua_alloc returns zeroed memory when
 * zero is set. */
void *gs_ua_mem(const gs_ua_alloc *a, size_t size, int zero);
void gs_ua_mem_free(const gs_ua_alloc *a, void *p, size_t size);
/* size * count, or SIZE_MAX on overflow (so the allocation fails). */
size_t gs_ua_size(size_t count, size_t size);

/* ------------------------------------------------------------ streams */

#define GS_UA_GOLDEN UINT64_C(0x9E3779B97F4A7C15)

static inline uint64_t gs_ua_mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}
static inline uint64_t gs_ua_stream_init(uint64_t seed, uint64_t d) {
  return gs_ua_mix64(seed ^ gs_ua_mix64(d + GS_UA_GOLDEN));
}
static inline double gs_ua_stream_uniform(uint64_t *s) {
  *s += GS_UA_GOLDEN;
  return (double)(gs_ua_mix64(*s) >> 11) * 0x1.0p-53;
}

/* Weights of a draw from uniforms u[0..k-1] (see ua.h) into wp[k]. */
void gs_ua_weights_from_uniforms(const double *w, size_t k, double p, double W, const double *u,
                                 double *wp);
/* The listed methods in the order arithmetic, geometric; returns how many. */
unsigned gs_ua_list_methods(unsigned methods, unsigned list[2]);

/* ------------------------------------------------------------ model */

/* The data and settings shared by the draws and the Sobol model. */
typedef struct {
  size_t n, k;
  const double *x;     /* n*k row-major, borrowed */
  const double *w;     /* k, borrowed */
  double W;            /* sum of nominal weights */
  double perturb;
  unsigned list[2];    /* listed methods in order arithmetic, geometric */
  unsigned nm;
  int digits;
  gs_ties ties;
  double c;            /* geo offset */
  double scale;        /* 10^digits */
  int fast;            /* integer keys: |key| < 2^44 */
  int key32;           /* integer keys fit int32: |key| < 2^30 */
  int simd;            /* the AVX-512 loops run (gs_cpu_avx512) */
  int ksafe;           /* every draw's keys are in range by the data (keys_safe) */
  double *xT;          /* k*n column layout of x: xT[i*n + u] */
  double *lgT;         /* k*n log(x + c), column layout, when geometric */
  uint32_t *nom2;      /* n nominal 2*rank */
  gs_ua_alloc alloc;   /* copy of the config's allocator (fn NULL = malloc) */
} gs_ua_model;

/* Per-thread ranking scratch (opaque to the other files). */
typedef struct gs_ua_scratch gs_ua_scratch;

/* Validates cfg's data and settings and builds m (nominal ranks
 * included); 0, or -1 with a message. */
int gs_ua_model_init(gs_ua_model *m, const gs_ua_config *cfg, char *err, size_t errlen);
void gs_ua_model_free(gs_ua_model *m);

gs_ua_scratch *gs_ua_scratch_new(const gs_ua_model *m);
void gs_ua_scratch_free(gs_ua_scratch *s);
/* The scratch's weights (2k: room for two draws) and k+1 uniforms
 * buffers. */
double *gs_ua_scratch_wp(gs_ua_scratch *s);
double *gs_ua_scratch_u(gs_ua_scratch *s);

/* Draw d: its weights into the scratch (the first k of
 * gs_ua_scratch_wp), or into wp (k values); returns the method. */
unsigned gs_ua_scratch_draw(const gs_ua_model *m, gs_ua_scratch *s, uint64_t seed, uint64_t d);
unsigned gs_ua_scratch_draw_to(const gs_ua_model *m, gs_ua_scratch *s, uint64_t seed, uint64_t d, double *wp);

/* Ranks all units under weights wp and method; returns the n values
 * 2*rank by unit (owned by s, valid until the next call). */
const uint32_t *gs_ua_rank(const gs_ua_model *m, gs_ua_scratch *s, const double *wp, unsigned method);
/* Ranks all units under weights wp and method and adds one to each unit's
 * counter of its rank: h[u * RL + (2*rank >> half)] (RL cells per unit;
 * half is 1 when every rank is whole).  The same counts as counting
 * gs_ua_rank's values; faster, as no rank is stored and read back. */
void gs_ua_rank_tally(const gs_ua_model *m, gs_ua_scratch *s, const double *wp, unsigned method, uint16_t *h,
                      size_t RL, unsigned half);

/* The exp used by the geometric score (a few ulp; see ua_rank.c). */
double gs_ua_exp(double t);

/* ------------------------------------------------------------ results */

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
  uint64_t *hist;       /* n * R, or NULL for a multi-pass or sparse result */
  /* A sparse partial (a sharded run above the shard limit, ua.h): every
   * draw's 2*rank of every unit, unit by unit (n * rk_len, each unit's
   * sorted), or NULL. */
  uint32_t *rk;
  uint64_t rk_len;
  gs_ua_unit_stats *unit;
  double mas;
  gs_ua_alloc alloc;
};

/* A zeroed result for n units and k pillars (hist too when with_hist);
 * NULL when out of memory. */
gs_ua_result *gs_ua_result_alloc(const gs_ua_alloc *a, size_t n, size_t k, int has_max, int with_hist);
/* Fills r->unit and r->mas from r->hist (or r->rk, sorting each unit's
 * ranks); -1 when out of memory. */
int gs_ua_result_stats(gs_ua_result *r);
/* Allocates r->rk for n units of len draws each; -1 when out of memory. */
int gs_ua_result_alloc_rk(gs_ua_result *r, uint64_t len);
/* Sorts v[0..m-1] ascending; tmp is m words of scratch. */
void gs_ua_sort_u32(uint32_t *v, uint32_t *tmp, size_t m);
/* The statistics of a unit from its m sorted 2*rank values (m >= 1) with
 * pairs (m of them) as scratch; returns sum |2*rank - nom2| exactly. */
unsigned __int128 gs_ua_stats_sorted(const uint32_t *v, size_t m, uint32_t nom2, gs_ua_rank_count *pairs,
                                     gs_ua_unit_stats *st);
uint64_t gs_ua_hash_x(const double *x, size_t nk);

/* Worker threads for a request (0 = online cores). */
int gs_ua_ncores(int threads);

#endif
