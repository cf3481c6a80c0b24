/* ua.h - uncertainty analysis (JRC audit recipe) and Sobol sensitivity
 * analysis of composite-index ranks, in pure C (no Lua).
 *
 * Data: n units (countries) x k pillars, row-major x[u*k + i], pillar
 * maxima max[k] and nominal weights spec.w[k] >= 0.  All input arrays are
 * borrowed: the caller owns them and they must stay valid during a call;
 * nothing keeps a pointer to them after the call returns.
 *
 * Scores (the Lua layer uses the same definitions):
 *   arithmetic  S = sum_i w_i x_i                        (i ascending)
 *   geometric   S = W * (prod_i (x_i + c)^(w_i/W) - c),  W = sum_i w_i,
 *               c = spec.offset (default 1.0, so that a zero pillar does not
 *               zero the score); evaluated as W*(exp(sum_i (w_i/W) *
 *               log(x_i + c)) - c) with an exp accurate to ~1e-15 relative.
 * Ranking: descending.  With digits >= 0 the key of y = S * 10^digits
 * (double arithmetic) is floor(y + 0.5 + 1e-9) for y >= 0 and
 * -floor(-y + 0.5 + 1e-9) for y < 0: half away from zero with the 1e-9
 * tolerance of gs_round in ties.c (so 1.005, stored as 1.00499999..., gives
 * y = 100.49999999999999 and still rounds up to 101 at 2 digits).  Units
 * with equal keys are tied; digits < 0 compares the exact doubles.  Tie
 * rules as in ties.h (dense, competition, ordinal = input order,
 * fractional = average position).  Ranks are kept internally as 2*rank
 * (integers), since fractional ranks are multiples of 0.5.
 *
 * Random numbers are counter based, a function of (seed, draw index) only,
 * so results are identical for any thread count and any sharding:
 *   mix(z)   = z ^= z >> 30; z *= 0xBF58476D1CE4E5B9;
 *              z ^= z >> 27; z *= 0x94D049BB133111EB; return z ^ (z >> 31);
 *   stream(seed, d): state s = mix(seed ^ mix(d + 0x9E3779B97F4A7C15))
 *   next():  s += 0x9E3779B97F4A7C15; return mix(s);   (splitmix64)
 *   uniform(): (next() >> 11) * 2^-53, in [0, 1)
 * Draw d uses stream(seed, d): k uniforms u_0..u_{k-1}, then one uniform
 * u_k.  Factor f_i = 1 + p*(2*u_i - 1) (p = perturb); s = sum_i (w_i*f_i)
 * (i ascending, from 0.0); w'_i = (w_i*f_i) * (W/s), so sum w' = W.  The
 * method is the listed method number (unsigned)(u_k * m), m = number of
 * listed methods, in the order arithmetic, geometric. */
#ifndef GS_UA_H
#define GS_UA_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "budget.h"
#include "spec.h"
#include "ties.h"

/* The aggregations a run draws from, as a set of spec.h's gs_agg bits. */
enum { GS_UA_ARITHMETIC = GS_AGG_BIT(GS_AGG_ARITHMETIC), GS_UA_GEOMETRIC = GS_AGG_BIT(GS_AGG_GEOMETRIC) };

/* An allocator in the shape of lua_Alloc (without depending on Lua):
 * fn(ud, NULL, 0, size) allocates, fn(ud, p, size, 0) frees (returning
 * NULL).  Every byte the module allocates for a run goes through it, so a
 * caller can charge it to a budget.  fn NULL means malloc/free. */
typedef struct {
  void *(*fn)(void *ud, void *ptr, size_t osize, size_t nsize);
  void *ud;
} gs_ua_alloc;

/* Largest n accepted (ranks are kept as 2*rank in 32 bits). */
#define GS_UA_MAX_UNITS 2147483647
/* Statistics are exact at every n.  Up to GS_UA_DENSE_MAX units (or
 * cfg->dense_max) a run keeps every unit's full rank histogram (n*(2n+1)
 * counts, mergeable, readable with gs_ua_result_hist) in one pass; above
 * it, a run is multi-pass: pass 1 takes each unit's rank sum and shift and
 * a 64-bin histogram of its ranks, every further pass re-runs the same
 * draws (they are a function of (seed, draw) only) and splits the bins
 * that hold the 5th, 50th and 95th percentile 64 ways, until bins are one
 * rank wide (the last pass also counts the cells within +-3 of the
 * median).  Memory is O(n) per thread (about 3*76*4 + 40 bytes per unit),
 * time ~(1 + log64(2n+1)) times one pass: 3 passes at 85,000 units.  Its
 * statistics are the same numbers as the histograms would give; it keeps
 * no histograms.  A sharded run keeps full histograms up to GS_UA_SHARD_MAX
 * units (or cfg->shard_max); above it, it keeps every draw's ranks of
 * every unit (4 bytes per unit per draw of the shard: its partial is
 * "sparse"), from which a merge takes exactly the statistics one unsharded
 * run gives. */
#define GS_UA_DENSE_MAX 2048
#define GS_UA_SHARD_MAX 65535
/* Largest digits accepted. */
#define GS_UA_MAX_DIGITS GS_SPEC_DIGITS_MAX

typedef struct {
  size_t n, k;             /* units and pillars, both >= 1 */
  const double *x;         /* n*k row-major, finite, >= 0; borrowed */
  const double *max;       /* k pillar maxima (x must be <= max), or NULL
                              for no check; borrowed */
  /* The scoring spec (spec.h): spec.w are the k nominal weights (finite,
   * >= 0, positive total; borrowed), spec.offset is c (x + c must be > 0
   * if geometric), spec.digits the rounding before ranking (< 0 = exact,
   * at most GS_UA_MAX_DIGITS), spec.ties the tie rule.  spec.agg is not
   * read: each draw picks its aggregation from `methods`, and the nominal
   * ranks use the first listed.  spec.scale must be <= 0 (a run does not
   * rescale). */
  gs_spec spec;
  double perturb;          /* p in [0, 1): weights vary by U(-p, p) */
  uint64_t n_draws;        /* total draws over all shards, >= 1 */
  uint64_t seed;
  unsigned methods;        /* a non-empty set of GS_UA_ARITHMETIC|GS_UA_GEOMETRIC */
  int threads;             /* worker threads; 0 = all online cores */
  uint32_t shard_index;    /* this run does shard_index of shard_count */
  uint32_t shard_count;    /* 0 is taken as 1 (no sharding) */
  /* Optional progress report: called from the calling thread only, at
   * most ~10 times a second, and once at the end with done == total
   * (total = draws of this shard).  NULL for none. */
  void (*progress)(void *ud, uint64_t done, uint64_t total);
  void *progress_ud;
  /* Optional cancellation (Ctrl-C, a deadline): called from the calling
   * thread only, every few thousand draws and while it waits for the
   * other threads; once it returns nonzero every thread stops within a
   * few thousand draws and gs_ua_run fails with "cancelled".  NULL for
   * none. */
  int (*cancel)(void *ud);
  void *cancel_ud;
  /* Allocator for everything a run allocates (results included: a result
   * keeps a copy and frees through it); {NULL, NULL} = malloc/free. */
  gs_ua_alloc alloc;
  /* Largest n that keeps full histograms (see GS_UA_DENSE_MAX); 0 = that
   * default.  Sharded runs always keep them. */
  size_t dense_max;
  /* Largest n whose sharded runs keep full histograms (see
   * GS_UA_SHARD_MAX); 0 = that default.  Above it a shard keeps every
   * draw's ranks (a sparse partial). */
  size_t shard_max;
  /* Optional memory budget (budget.h): the run's working memory (result,
   * per-thread histograms and scratch) is charged before it is allocated
   * and released at the end; a refusal fails the run with "memory limit".
   * NULL for none. */
  const gs_budget *budget;
} gs_ua_config;

/* Fills *cfg with the defaults: perturb 0.25, n_draws 10000, seed 1,
 * both methods, cfg->spec as gs_spec_init (digits 2, dense ties, offset 1,
 * no scale), threads 0, shard 0/1, no progress; data pointers NULL (the
 * weights spec.w included) and n = k = 0 (the caller sets them). */
void gs_ua_config_init(gs_ua_config *cfg);

/* Draw d of the documented RNG (see the top of this file): writes the
 * perturbed, renormalised weights to wout[k] (caller-owned) and returns the
 * method chosen (GS_UA_ARITHMETIC or GS_UA_GEOMETRIC).  methods must be a
 * non-empty subset of the two. */
unsigned gs_ua_draw(uint64_t seed, uint64_t d, size_t k, const double *w,
                    double perturb, unsigned methods, double *wout);

/* The documented random streams, for other analyses that draw the same
 * way: gs_ua_stream gives the state of stream(seed, d); gs_ua_uniform
 * advances a state and returns uniform() in [0, 1). */
uint64_t gs_ua_stream(uint64_t seed, uint64_t d);
double gs_ua_uniform(uint64_t *state);

/* Scores one unit: x_u[k] under weights w[k] and one method, as defined
 * above (geometric uses the documented exp/log evaluation). */
double gs_ua_score(const double *x_u, size_t k, const double *w,
                   unsigned method, double geo_offset);

/* Per-unit statistics, all in rank units (fractional ranks may be x.5).
 * Over the N draws of a result, with h[r] the number of draws giving rank
 * r, percentiles are the inverted CDF (Hyndman-Fan type 1): the smallest
 * rank r with cum(r) >= q*N, evaluated exactly in integers; the median is
 * q = 1/2 (the lower median), p05 q = 1/20, p95 q = 19/20.  within3 is the
 * share of draws whose rank is within +-3 of the median (inclusive). */
typedef struct {
  double nominal;  /* rank under the nominal weights, first listed method */
  double median, mean, p05, p95;
  double within3;
} gs_ua_unit_stats;

/* One unit's statistics from its rank distribution: m pairs (2*rank,
 * count) with distinct 2*rank ascending and counts summing to N >= 1;
 * nom2 is 2*nominal rank.  The same code derives the statistics of
 * gs_ua_run's results.  *shift2 (if not NULL) gets sum |2*rank - nom2| *
 * count (exact below 2^53). */
typedef struct {
  uint32_t r2;
  uint64_t count;
} gs_ua_rank_count;
void gs_ua_unit_stats_from(const gs_ua_rank_count *h, size_t m, uint64_t N, uint32_t nom2,
                           gs_ua_unit_stats *st, double *shift2);

/* The same statistics for a rank distribution that gs_ua_run does not
 * draw: n units ranked under nsc scenarios, scenario c ranking unit u at
 * ranks[c*n + u] and coming up count[c] times (N = the sum of the counts,
 * >= 1); nominal[u] is u's nominal rank.  Ranks are multiples of 1/2 below
 * 2^31; NaN is "not ranked".  (ix:uncertainty ranks every combination of
 * methodological choices once and its draws only count how often each
 * comes up.)  st[u] (n, caller-owned) gets unit u's statistics, all NaN
 * (nominal included) for a unit without a nominal rank; *mas gets the
 * mean over the units with a nominal rank and the N draws of |rank -
 * nominal rank| (NaN when no unit has one).  pairs is scratch for nsc
 * entries.  O(n * nsc log nsc).  Returns 0, or -1 when a scenario that
 * comes up leaves a unit with a nominal rank unranked (st is then
 * unspecified). */
int gs_ua_scenario_stats(size_t n, size_t nsc, const double *nominal, const double *ranks, const uint64_t *count,
                         gs_ua_rank_count *pairs, gs_ua_unit_stats *st, double *mas);

/* A result of gs_ua_run or gs_ua_merge, or a partial read back from a file:
 * the config fingerprint, per-unit rank histograms (uint64 counts, exact to
 * merge) and the statistics derived from them.  Opaque; owned by the
 * caller, freed with gs_ua_result_free. */
typedef struct gs_ua_result gs_ua_result;

/* Runs the draws of shard cfg->shard_index of cfg->shard_count: contiguous
 * blocks, shard I covers global draws [floor(I*D/N), floor((I+1)*D/N)) for
 * D = n_draws, N = shard_count.  Draws are split into contiguous blocks per
 * thread with per-thread counts summed at the end; memory is
 * O(threads * n^2) up to dense_max units and O(threads * n) above (see
 * GS_UA_DENSE_MAX), independent of n_draws.  On success stores a new
 * result in *out (caller frees) and returns 0; on error returns -1, writes
 * a message to err[errlen] (if err is not NULL) and leaves *out NULL. */
int gs_ua_run(const gs_ua_config *cfg, gs_ua_result **out, char *err, size_t errlen);

/* Frees r; NULL is a no-op. */
void gs_ua_result_free(gs_ua_result *r);

/* Accessors (r must not be NULL; i < n).  Pointers returned stay owned by r
 * and live until gs_ua_result_free. */
size_t gs_ua_result_n(const gs_ua_result *r);
uint64_t gs_ua_result_draws(const gs_ua_result *r);   /* draws accumulated */
const gs_ua_unit_stats *gs_ua_result_unit(const gs_ua_result *r, size_t i);
/* Mean over units and draws of |rank - nominal rank|. */
double gs_ua_result_mean_abs_shift(const gs_ua_result *r);
/* Histogram of unit i: counts indexed by 2*rank, length 2n+1 (stored in
 * *len); entries 0 and 1 are always zero.  NULL (and *len 0) for a
 * multi-pass result (n above dense_max), which keeps no histograms. */
const uint64_t *gs_ua_result_hist(const gs_ua_result *r, size_t i, size_t *len);
/* Bytes the result holds (histograms or ranks, statistics, settings). */
size_t gs_ua_result_bytes(const gs_ua_result *r);

/* The shard this result covers (0 of 1 for a full run or a merge). */
void gs_ua_result_shard(const gs_ua_result *r, uint32_t *index, uint32_t *count);

/* Writes r as a mergeable text partial ("gcisim-ua-partial 1" header,
 * fingerprint with doubles in C99 hex-float notation so they round-trip
 * exactly, FNV-1a hash of the bit patterns of x, nominal ranks and the
 * nonzero histogram counts).  Returns 0, or -1 on a write error or when r
 * keeps no histograms. */
int gs_ua_partial_write(FILE *f, const gs_ua_result *r);

/* Reads a partial written by gs_ua_partial_write.  Returns 0 with a new
 * result in *out (caller frees), or -1 with a message in err. */
int gs_ua_partial_read(FILE *f, gs_ua_result **out, char *err, size_t errlen);

/* Merges nparts results (borrowed) of one sharded run: all must have the
 * same fingerprint (n, k, seed, n_draws, perturb, methods, digits, ties,
 * offset, weights, maxima, hash of x) and the same shard_count N, and
 * together cover the shard indices 0..N-1 exactly once.  The merged result
 * is bitwise the same as a single unsharded run's.  Returns 0 with a new
 * result in *out (caller frees), or -1 with a message in err. */
int gs_ua_merge(const gs_ua_result *const *parts, size_t nparts, gs_ua_result **out,
                char *err, size_t errlen);

/* ------------------------------------------------------------------------
 * Sobol sensitivity analysis (Saltelli sampling).
 *
 * Inputs u in [0,1)^d.  Row j (0-based) of the base matrices uses
 * stream(seed, j): A_j = its first d uniforms, B_j = the next d.  AB_i is A
 * with column i from B.  With f evaluated on A, B and every AB_i, and V the
 * (population) variance of f over A and B together (2N values):
 *   first order  S_i  = mean_j f(B_j) (f(AB_i,j) - f(A_j)) / V  (Saltelli 2010)
 *   total        ST_i = mean_j (f(A_j) - f(AB_i,j))^2 / (2V)     (Jansen)
 * Bootstrap b (0-based) draws N row indices with replacement from
 * stream(boot_seed, b) as (size_t)(uniform() * N) and recomputes both
 * estimators (V over the resampled rows); the 5% and 95% limits are the
 * inverted-CDF (type 1) percentiles of the n_boot values.  S and ST are
 * NaN when V = 0 (a constant output).  Every quantity is computed in a
 * fixed order, so results do not depend on threads.  Memory: N*(d+2)
 * doubles of model outputs plus N indices per bootstrap thread. */
typedef struct {
  uint64_t n_base;      /* N >= 2 */
  uint64_t seed;
  unsigned n_boot;      /* bootstrap resamples; 0 = none (limits NaN) */
  uint64_t boot_seed;
  int threads;          /* 0 = all online cores */
  /* Optional cancellation, as in gs_ua_config (called from the calling
   * thread only; nonzero stops the run, which fails with "cancelled").
   * NULL for none. */
  int (*cancel)(void *ud);
  void *cancel_ud;
  /* Optional memory budget (budget.h), as in gs_ua_config: the model
   * outputs, bootstrap tables and per-thread indices are charged first. */
  const gs_budget *budget;
} gs_sa_options;

typedef struct {
  size_t d;             /* number of inputs */
  double *S, *S_lo, *S_hi;     /* d values each: first order, 5%, 95% */
  double *ST, *ST_lo, *ST_hi;  /* total effect, 5%, 95% */
  double mean, var;            /* of f over A and B */
  uint64_t n_eval;             /* model evaluations, N*(d+2) */
} gs_sa_result;

/* Sensitivity of any model: f(u, ud) with u[d] in [0,1)^d.  f is called
 * concurrently from several threads with the same ud, so it must be
 * thread-safe.  On success stores a new result in *out (caller frees with
 * gs_sa_result_free) and returns 0; -1 with a message in err otherwise. */
int gs_sa_run_model(size_t d, double (*f)(const double *u, void *ud), void *ud,
                    const gs_sa_options *opt, gs_sa_result **out, char *err, size_t errlen);

/* Sensitivity of the draw's mean absolute rank shift (mean over units of
 * |rank - nominal rank|) for the data and settings in cfg (n_draws, seed,
 * threads, shards, progress and cancel are ignored; opt gives them).  Inputs:
 * u_i, i < k, is pillar i's weight factor 1 + p*(2u_i - 1) (renormalised as
 * in a draw); when both methods are listed, input k is the method,
 * (unsigned)(u_k * 2) in the order arithmetic, geometric, so d = k + 1;
 * otherwise d = k.  Same ownership and return convention as above. */
int gs_sa_run(const gs_ua_config *cfg, const gs_sa_options *opt, gs_sa_result **out,
              char *err, size_t errlen);

/* Frees r; NULL is a no-op. */
void gs_sa_result_free(gs_sa_result *r);

#endif
