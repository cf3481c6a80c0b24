/* test_ua.c - uncertainty and sensitivity engine (engine/core/ua_*.c).
 *
 * Expected values are computed here independently of the code under test:
 * by hand (3 countries x 2 pillars), by a brute-force O(n^2) reference that
 * re-generates the draws from the RNG formula documented in ua.h, by a
 * sort-based reference (published GCI 2020 data; 2100 units for the
 * multi-pass statistics) and from analytic Sobol indices (additive model,
 * Ishigami). */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>

#include "csvload.h"
#include "dataset.h"
#include "harness.h"
#include "ua.h"

static char err[256];

/* ------------------------------------------------ reference RNG (ua.h) */

static uint64_t ref_mix(uint64_t z) {
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}
typedef struct { uint64_t s; } ref_stream;
static ref_stream ref_stream_new(uint64_t seed, uint64_t d) {
  ref_stream r = {ref_mix(seed ^ ref_mix(d + UINT64_C(0x9E3779B97F4A7C15)))};
  return r;
}
static double ref_uniform(ref_stream *r) {
  r->s += UINT64_C(0x9E3779B97F4A7C15);
  return (double)(ref_mix(r->s) >> 11) * 0x1.0p-53;
}

/* Draw d: weights into wd[k]; returns the method (1 arithmetic, 2 geometric). */
static unsigned ref_draw(uint64_t seed, uint64_t d, size_t k, const double *w, double p,
                         unsigned methods, double *wd) {
  ref_stream st = ref_stream_new(seed, d);
  double W = 0, s = 0;
  for (size_t i = 0; i < k; i++) W += w[i];
  for (size_t i = 0; i < k; i++) {
    double u = ref_uniform(&st);
    wd[i] = w[i] * (1.0 + p * (2.0 * u - 1.0));
    s += wd[i];
  }
  for (size_t i = 0; i < k; i++) wd[i] = wd[i] * (W / s);
  unsigned list[2], nm = 0;
  if (methods & 1) list[nm++] = 1;
  if (methods & 2) list[nm++] = 2;
  return list[(unsigned)(ref_uniform(&st) * nm)];
}

static double ref_score(const double *xu, size_t k, const double *w, unsigned method, double c) {
  double S = 0, W = 0;
  if (method == 1) {
    for (size_t i = 0; i < k; i++) S += w[i] * xu[i];
    return S;
  }
  for (size_t i = 0; i < k; i++) W += w[i];
  double g = 1;
  for (size_t i = 0; i < k; i++) g *= pow(xu[i] + c, w[i] / W);
  return W * (g - c);
}

/* O(n^2) ranking of keys (descending) into 2*rank. */
static void ref_rank2(const double *key, size_t n, gs_ties ties, unsigned *r2) {
  for (size_t u = 0; u < n; u++) {
    size_t greater = 0, equal = 0, equal_before = 0, distinct_greater = 0;
    for (size_t v = 0; v < n; v++) {
      if (key[v] > key[u]) {
        greater++;
        int first = 1; /* count each distinct greater key once */
        for (size_t t = 0; t < v; t++)
          if (key[t] == key[v]) first = 0;
        distinct_greater += first;
      } else if (key[v] == key[u]) {
        equal++;
        if (v < u) equal_before++;
      }
    }
    switch (ties) {
    case GS_TIES_DENSE: r2[u] = (unsigned)(2 * (distinct_greater + 1)); break;
    case GS_TIES_COMPETITION: r2[u] = (unsigned)(2 * (greater + 1)); break;
    case GS_TIES_ORDINAL: r2[u] = (unsigned)(2 * (greater + equal_before + 1)); break;
    default: r2[u] = (unsigned)(2 * (greater + 1) + (equal - 1)); break;
    }
  }
}

static void ref_keys(const double *x, size_t n, size_t k, const double *w, unsigned method,
                     double c, int digits, double *key) {
  for (size_t u = 0; u < n; u++) {
    double S = ref_score(x + u * k, k, w, method, c);
    double y = S * pow(10, digits);
    key[u] = digits < 0 ? S : y >= 0 ? floor(y + 0.5 + 1e-9) : -floor(-y + 0.5 + 1e-9);
    if (key[u] == 0) key[u] = 0; /* -0 == +0 anyway */
  }
}

/* Reference statistics from a histogram h[2n+1] over N draws. */
typedef struct { double median, mean, p05, p95, within3; } ref_stats;
static ref_stats ref_hist_stats(const uint64_t *h, size_t R, uint64_t N) {
  ref_stats s;
  uint64_t cum = 0, sum = 0;
  size_t med = 0, lo = 0, hi = 0;
  for (size_t v = 0; v < R; v++) {
    cum += h[v];
    sum += h[v] * v;
    if (!lo && cum * 20 >= N) lo = v;
    if (!med && cum * 2 >= N) med = v;
    if (!hi && cum * 20 >= 19 * N) hi = v;
  }
  uint64_t near = 0;
  for (size_t v = 0; v < R; v++)
    if ((v > med ? v - med : med - v) <= 6) near += h[v];
  s.median = med / 2.0;
  s.p05 = lo / 2.0;
  s.p95 = hi / 2.0;
  s.mean = (double)sum / (2.0 * (double)N);
  s.within3 = (double)near / (double)N;
  return s;
}

/* ------------------------------------------------------------ helpers */

static gs_ua_config base_cfg(size_t n, size_t k, const double *x, const double *w) {
  gs_ua_config c;
  gs_ua_config_init(&c);
  c.n = n;
  c.k = k;
  c.x = x;
  c.spec.w = w;
  return c;
}

static gs_ua_result *run_ok(const gs_ua_config *c) {
  gs_ua_result *r = NULL;
  int rc = gs_ua_run(c, &r, err, sizeof err);
  T_OK(rc == 0 && r, "gs_ua_run failed: %s", err);
  return r;
}

static double share(const gs_ua_result *r, size_t u, double rank) {
  size_t len;
  const uint64_t *h = gs_ua_result_hist(r, u, &len);
  size_t v = (size_t)(2 * rank);
  return v < len ? (double)h[v] / (double)gs_ua_result_draws(r) : 0;
}

/* Bitwise equality of two results: histograms, stats, mean shift. */
static int same_result(const gs_ua_result *a, const gs_ua_result *b) {
  if (!a || !b || gs_ua_result_n(a) != gs_ua_result_n(b) || gs_ua_result_draws(a) != gs_ua_result_draws(b))
    return 0;
  for (size_t u = 0; u < gs_ua_result_n(a); u++) {
    size_t la, lb;
    const uint64_t *ha = gs_ua_result_hist(a, u, &la), *hb = gs_ua_result_hist(b, u, &lb);
    if (la != lb || memcmp(ha, hb, la * sizeof *ha)) return 0;
    if (memcmp(gs_ua_result_unit(a, u), gs_ua_result_unit(b, u), sizeof(gs_ua_unit_stats))) return 0;
  }
  double ma = gs_ua_result_mean_abs_shift(a), mb = gs_ua_result_mean_abs_shift(b);
  return memcmp(&ma, &mb, sizeof ma) == 0;
}

/* ------------------------------------------------ 1. by hand: 3 x 2 */

/* Countries A = (10, 0), B = (0, 10), C = (4, 4); nominal weights (1, 1),
 * perturbation p = 0.5, so f1, f2 ~ U(0.5, 1.5) independent and the
 * renormalised weights are w'1 = 2q, w'2 = 2(1 - q), q = f1/(f1 + f2),
 * q in (0.25, 0.75).
 *
 * For m >= 1 (and m <= 3), P(f1 > m f2) is the area of {f1 > m f2} in the
 * unit square [0.5, 1.5]^2: f2 runs from 0.5 to 1.5/m and f1 from m f2 to
 * 1.5, so P = int_{0.5}^{1.5/m} (1.5 - m f2) df2 = 1.125/m - 0.75 + m/8.
 * Then P(q > t) = P(f1 > m f2) with m = t/(1 - t), and by symmetry
 * P(q < 1 - t) is the same.
 *
 * Arithmetic: S_A = 20q, S_B = 20(1 - q), S_C = 8.  A beats B iff q > 1/2
 * (prob 1/2).  C beats A iff 20q < 8 iff q < 0.4; C beats B iff q > 0.6;
 * never both.  P(q > 0.6) = P(m = 1.5) = 0.75 - 0.75 + 0.1875 = 0.1875.
 *   q > 0.6:        A 1, C 2, B 3   (0.1875)
 *   0.5 < q < 0.6:  A 1, B 2, C 3   (0.3125)
 *   0.4 < q < 0.5:  B 1, A 2, C 3   (0.3125)
 *   q < 0.4:        B 1, C 2, A 3   (0.1875)
 * so A (and B) has ranks 1/2/3 with 0.5/0.3125/0.1875, C has 2/3 with
 * 0.375/0.625; mean rank A = 1.6875, C = 2.625; C's median is 3, its p05
 * is 2 and p95 3.  Nominal (q = 1/2): A and B tie at 10, C = 8, so dense
 * 1 1 2, competition 1 1 3, ordinal 1 2 3, fractional 1.5 1.5 3.  Mean
 * |shift| (dense): A, B 0.3125 + 2*0.1875 = 0.6875, C 0.625; mean 2/3.
 *
 * Geometric (c = 1): S_A = 2(11^q - 1), S_B = 2(11^(1-q) - 1), S_C =
 * 2(5 - 1) = 8.  C beats A iff 11^q < 5 iff q < t_s = ln 5/ln 11 = 0.67118,
 * so C is beaten only when q > t_s (by A) or q < 1 - t_s (by B), each with
 * P_s = 1.125/m_s - 0.75 + m_s/8, m_s = t_s/(1 - t_s) (about 0.0563).
 *   q > t_s:         A 1, C 2, B 3   (P_s)
 *   0.5 < q < t_s:   C 1, A 2, B 3   (0.5 - P_s)
 * and symmetrically; so A: 1/2/3 with P_s, 0.5 - P_s, 0.5; C: 1/2 with
 * 1 - 2P_s, 2P_s.  Nominal: A = B = 2(sqrt(11) - 1) = 4.63 < 8, dense C 1,
 * A B 2. */
static double p_above(double t) {
  double m = t / (1 - t);
  return 1.125 / m - 0.75 + m / 8;
}

static void test_hand(void) {
  static const double x[] = {10, 0, 0, 10, 4, 4}, w[] = {1, 1};
  const double tol = 0.006; /* > 3.5 sigma for 200000 draws */
  gs_ua_config c = base_cfg(3, 2, x, w);
  c.perturb = 0.5;
  c.n_draws = 200000;
  c.methods = GS_UA_ARITHMETIC;
  c.spec.digits = -1;
  c.seed = 42;
  gs_ua_result *r = run_ok(&c);
  if (r) {
    T_NEAR(share(r, 0, 1), 0.5, tol);
    T_NEAR(share(r, 0, 2), 0.3125, tol);
    T_NEAR(share(r, 0, 3), 0.1875, tol);
    T_NEAR(share(r, 1, 1), 0.5, tol);
    T_NEAR(share(r, 1, 3), 0.1875, tol);
    T_NEAR(share(r, 2, 1), 0.0, 0);
    T_NEAR(share(r, 2, 2), 0.375, tol);
    T_NEAR(share(r, 2, 3), 0.625, tol);
    const gs_ua_unit_stats *a = gs_ua_result_unit(r, 0), *cc = gs_ua_result_unit(r, 2);
    T_NEAR(a->nominal, 1, 0);
    T_NEAR(gs_ua_result_unit(r, 1)->nominal, 1, 0);
    T_NEAR(cc->nominal, 2, 0);
    T_NEAR(a->mean, 1.6875, 2 * tol);
    T_OK(a->median == 1 || a->median == 2, "A median %g", a->median);
    T_NEAR(a->p05, 1, 0);
    T_NEAR(a->p95, 3, 0);
    T_NEAR(cc->mean, 2.625, tol);
    T_NEAR(cc->median, 3, 0);
    T_NEAR(cc->p05, 2, 0);
    T_NEAR(cc->p95, 3, 0);
    T_NEAR(cc->within3, 1, 0);
    T_NEAR(gs_ua_result_mean_abs_shift(r), 2.0 / 3, 2 * tol);
  }
  gs_ua_result_free(r);

  /* Nominal ranks under each tie rule (the tie A = B = 10). */
  static const double want[4][3] = {{1, 1, 2}, {1, 1, 3}, {1, 2, 3}, {1.5, 1.5, 3}};
  for (int t = 0; t < 4; t++) {
    c.spec.ties = (gs_ties)t;
    c.n_draws = 10;
    c.spec.digits = 2;
    r = run_ok(&c);
    for (size_t u = 0; r && u < 3; u++) T_NEAR(gs_ua_result_unit(r, u)->nominal, want[t][u], 0);
    gs_ua_result_free(r);
  }

  /* Geometric only, 2 digits. */
  c = base_cfg(3, 2, x, w);
  c.perturb = 0.5;
  c.n_draws = 200000;
  c.methods = GS_UA_GEOMETRIC;
  c.seed = 7;
  double ts = log(5) / log(11), P = p_above(ts);
  T_NEAR(P, 0.0563, 0.0001);
  r = run_ok(&c);
  if (r) {
    T_NEAR(share(r, 0, 1), P, tol);
    T_NEAR(share(r, 0, 2), 0.5 - P, tol);
    T_NEAR(share(r, 0, 3), 0.5, tol);
    T_NEAR(share(r, 2, 1), 1 - 2 * P, tol);
    T_NEAR(share(r, 2, 2), 2 * P, tol);
    T_NEAR(gs_ua_result_unit(r, 2)->nominal, 1, 0);
    T_NEAR(gs_ua_result_unit(r, 0)->nominal, 2, 0);
    T_NEAR(gs_ua_result_unit(r, 1)->nominal, 2, 0);
    T_NEAR(gs_ua_result_unit(r, 2)->median, 1, 0);
    T_NEAR(gs_ua_result_unit(r, 2)->p95, 2, 0);
  }
  gs_ua_result_free(r);
}

/* ------------------------------------------- 2. brute-force reference */

#define BN 12
#define BK 3

static void make_data(double *x) {
  ref_stream st = ref_stream_new(99, 0);
  for (size_t j = 0; j < BN * BK; j++) x[j] = round(ref_uniform(&st) * 2000) / 100; /* 0..20, 2 dp */
  memcpy(x + 3 * BK, x + 1 * BK, BK * sizeof *x);  /* unit 3 duplicates unit 1 */
  memcpy(x + 7 * BK, x + 1 * BK, BK * sizeof *x);  /* and so does unit 7 */
  memcpy(x + 10 * BK, x + 5 * BK, BK * sizeof *x); /* unit 10 duplicates 5 */
  for (size_t i = 0; i < BK; i++) x[8 * BK + i] = 0; /* an all-zero unit */
  x[9 * BK + 0] = 20;
  x[9 * BK + 1] = 0;
  x[9 * BK + 2] = 20;
}

/* The geometric offset of check_reference's runs. */
static double ref_c = 1.0;

static void check_reference(const double *x, const double *w, unsigned methods, int digits,
                            gs_ties ties, double p, uint64_t draws, uint64_t seed) {
  gs_ua_config c = base_cfg(BN, BK, x, w);
  c.spec.offset = ref_c;
  c.methods = methods;
  c.spec.digits = digits;
  c.spec.ties = ties;
  c.perturb = p;
  c.n_draws = draws;
  c.seed = seed;
  c.threads = 2;
  gs_ua_result *r = run_ok(&c);
  if (!r) return;
  enum { R = 2 * BN + 1 };
  static uint64_t h[BN][R];
  memset(h, 0, sizeof h);
  double key[BN], wd[BK], wd2[BK];
  unsigned r2[BN], nom2[BN];
  unsigned first = (methods & 1) ? 1 : 2;
  ref_keys(x, BN, BK, w, first, ref_c, digits, key);
  ref_rank2(key, BN, ties, nom2);
  int draws_match = 1;
  for (uint64_t d = 0; d < draws; d++) {
    unsigned m = ref_draw(seed, d, BK, w, p, methods, wd);
    unsigned m2 = gs_ua_draw(seed, d, BK, w, p, methods, wd2);
    if (m != m2 || memcmp(wd, wd2, sizeof wd)) draws_match = 0;
    ref_keys(x, BN, BK, wd, m, ref_c, digits, key);
    ref_rank2(key, BN, ties, r2);
    for (size_t u = 0; u < BN; u++) h[u][r2[u]]++;
  }
  T_OK(draws_match, "gs_ua_draw differs from the documented formula");
  int hist_ok = 1, stats_ok = 1;
  uint64_t shift = 0;
  for (size_t u = 0; u < BN; u++) {
    size_t len;
    const uint64_t *hh = gs_ua_result_hist(r, u, &len);
    if (len != R || memcmp(hh, h[u], sizeof h[u])) hist_ok = 0;
    ref_stats s = ref_hist_stats(h[u], R, draws);
    const gs_ua_unit_stats *g = gs_ua_result_unit(r, u);
    if (g->nominal != nom2[u] / 2.0 || g->median != s.median || g->mean != s.mean ||
        g->p05 != s.p05 || g->p95 != s.p95 || g->within3 != s.within3) {
      stats_ok = 0;
      fprintf(stderr, "unit %zu: nominal %g/%g median %g/%g mean %.17g/%.17g p05 %g/%g p95 %g/%g w3 %g/%g\n", u,
              g->nominal, nom2[u] / 2.0, g->median, s.median, g->mean, s.mean, g->p05, s.p05,
              g->p95, s.p95, g->within3, s.within3);
    }
    for (size_t v = 0; v < R; v++) shift += h[u][v] * (v > nom2[u] ? v - nom2[u] : nom2[u] - v);
  }
  T_OK(hist_ok, "histograms differ from the reference (methods %u digits %d ties %d)", methods, digits, (int)ties);
  T_OK(stats_ok, "statistics differ from the reference (methods %u digits %d ties %d)", methods, digits, (int)ties);
  T_OK(gs_ua_result_mean_abs_shift(r) == (double)shift / (2.0 * BN * (double)draws),
       "mean abs shift %.17g vs %.17g", gs_ua_result_mean_abs_shift(r), (double)shift / (2.0 * BN * (double)draws));
  gs_ua_result_free(r);
}

static void test_reference(void) {
  double x[BN * BK];
  make_data(x);
  static const double w[BK] = {1, 2, 0.5};
  for (int t = 0; t < 4; t++) {
    check_reference(x, w, GS_UA_ARITHMETIC | GS_UA_GEOMETRIC, 2, (gs_ties)t, 0.3, 3000, 11 + t);
    check_reference(x, w, GS_UA_ARITHMETIC | GS_UA_GEOMETRIC, 0, (gs_ties)t, 0.6, 2000, 21 + t);
    check_reference(x, w, GS_UA_ARITHMETIC, -1, (gs_ties)t, 0.25, 2000, 31 + t);
  }
  check_reference(x, w, GS_UA_GEOMETRIC, 1, GS_TIES_FRACTIONAL, 0.4, 2000, 41);
  check_reference(x, w, GS_UA_GEOMETRIC, -1, GS_TIES_COMPETITION, 0.4, 2000, 42);
  check_reference(x, w, GS_UA_ARITHMETIC, 2, GS_TIES_DENSE, 0.0, 50, 43);
  /* N a multiple of 20: cum == q*N happens, testing the >= of type 1. */
  for (int t = 0; t < 4; t++) check_reference(x, w, GS_UA_ARITHMETIC | GS_UA_GEOMETRIC, 2, (gs_ties)t, 0.5, 40, 50 + t);
  check_reference(x, w, GS_UA_ARITHMETIC, 2, GS_TIES_DENSE, 0.5, 20, 60);
  /* An offset whose log is beyond 690 (zeros: log(1e-300) = -690.8): the
   * data no longer keep every key in range by themselves (keys_safe), so
   * the key loop checks each block; the zeros' scores round to 0. */
  ref_c = 1e-300;
  for (int t = 0; t < 4; t++) check_reference(x, w, GS_UA_ARITHMETIC | GS_UA_GEOMETRIC, 2, (gs_ties)t, 0.3, 2000, 70 + t);
  ref_c = 1.0;

  /* Decimal halves: 1.005 is stored as 1.00499999999999989..., and the
   * 1e-9 tolerance of the rounding rule (ua.h) still rounds it to 1.01,
   * tying with 1.01 (plain round(100.49999999999999) would give 1.00);
   * 1.0049 stays below. */
  {
    static const double xs[3] = {1.005, 1.01, 1.0049}, w1[1] = {1};
    gs_ua_config c = base_cfg(3, 1, xs, w1);
    c.perturb = 0;
    c.n_draws = 3;
    c.methods = GS_UA_ARITHMETIC;
    gs_ua_result *r = run_ok(&c);
    if (r) {
      T_NEAR(gs_ua_result_unit(r, 0)->nominal, 1, 0);
      T_NEAR(gs_ua_result_unit(r, 1)->nominal, 1, 0);
      T_NEAR(gs_ua_result_unit(r, 2)->nominal, 2, 0);
      T_NEAR(gs_ua_result_unit(r, 0)->mean, 1, 0);
    }
    gs_ua_result_free(r);
  }

  /* gs_ua_score agrees with the product formula. */
  double maxrel = 0;
  for (size_t u = 0; u < BN; u++) {
    double a = gs_ua_score(x + u * BK, BK, w, GS_UA_GEOMETRIC, 1.0), b = ref_score(x + u * BK, BK, w, 2, 1.0);
    double rel = fabs(a - b) / (fabs(b) + 1e-300);
    if (b != 0 && rel > maxrel) maxrel = rel;
    T_NEAR(gs_ua_score(x + u * BK, BK, w, GS_UA_ARITHMETIC, 1.0), ref_score(x + u * BK, BK, w, 1, 1.0), 0);
  }
  T_OK(maxrel < 1e-13, "geometric score relative error %g", maxrel);
  /* A zero pillar with offset 0 gives a zero geometric score. */
  static const double z[3] = {0, 10, 10};
  T_NEAR(gs_ua_score(z, 3, w, GS_UA_GEOMETRIC, 0.0), 0, 0);
}

/* ----------------------------------- 3. threads, shards, partial files */

static void test_threads_shards(void) {
  enum { N = 60, K = 5 };
  static double x[N * K];
  ref_stream st = ref_stream_new(5, 5);
  for (size_t j = 0; j < N * K; j++) x[j] = round(ref_uniform(&st) * 2000) / 100;
  memcpy(x + 10 * K, x + 20 * K, K * sizeof *x);
  static const double w[K] = {1, 1, 1, 1, 1}, mx[K] = {20, 20, 20, 20, 20};
  gs_ua_config c = base_cfg(N, K, x, w);
  c.max = mx;
  c.n_draws = 20011;
  c.seed = 1234;
  gs_ua_result *r1, *r2, *r3;
  c.threads = 1;
  r1 = run_ok(&c);
  c.threads = 2;
  r2 = run_ok(&c);
  c.threads = 3;
  r3 = run_ok(&c);
  T_OK(same_result(r1, r2), "threads 1 and 2 differ");
  T_OK(same_result(r1, r3), "threads 1 and 3 differ");

  /* 3 shards, each written to a partial file and read back. */
  gs_ua_result *part[3] = {NULL, NULL, NULL};
  uint64_t total = 0;
  for (uint32_t i = 0; i < 3; i++) {
    c.shard_index = i;
    c.shard_count = 3;
    c.threads = (int)i + 1;
    gs_ua_result *p = run_ok(&c);
    FILE *f = tmpfile();
    T_OK(f != NULL, "tmpfile");
    if (!p || !f) continue;
    T_INT(gs_ua_partial_write(f, p), 0);
    rewind(f);
    T_INT(gs_ua_partial_read(f, &part[i], err, sizeof err), 0);
    T_OK(same_result(p, part[i]), "partial %u does not round-trip", i);
    uint32_t si, sc;
    if (part[i]) {
      gs_ua_result_shard(part[i], &si, &sc);
      T_INT(si, i);
      T_INT(sc, 3);
      total += gs_ua_result_draws(part[i]);
    }
    fclose(f);
    gs_ua_result_free(p);
  }
  T_INT(total, 20011);
  gs_ua_result *m = NULL;
  const gs_ua_result *order[3] = {part[2], part[0], part[1]};
  T_INT(gs_ua_merge(order, 3, &m, err, sizeof err), 0);
  T_OK(same_result(m, r1), "merged shards differ from a single run");
  gs_ua_result_free(m);

  /* Refusals: missing, duplicated, mismatched fingerprint. */
  m = NULL;
  const gs_ua_result *two[2] = {part[0], part[1]};
  T_INT(gs_ua_merge(two, 2, &m, err, sizeof err), -1);
  T_CONTAINS(err, "missing");
  T_OK(m == NULL, "no result on failure");
  const gs_ua_result *dup[3] = {part[0], part[1], part[1]};
  T_INT(gs_ua_merge(dup, 3, &m, err, sizeof err), -1);
  T_CONTAINS(err, "twice");
  c.shard_index = 2;
  c.seed = 1235;
  gs_ua_result *other = run_ok(&c);
  const gs_ua_result *mix[3] = {part[0], part[1], other};
  T_INT(gs_ua_merge(mix, 3, &m, err, sizeof err), -1);
  T_CONTAINS(err, "seed");
  gs_ua_result_free(other);
  c.seed = 1234;
  x[0] += 0.01;
  other = run_ok(&c);
  mix[2] = other;
  T_INT(gs_ua_merge(mix, 3, &m, err, sizeof err), -1);
  T_CONTAINS(err, "hash of x");
  gs_ua_result_free(other);
  x[0] -= 0.01;
  c.spec.ties = GS_TIES_COMPETITION;
  other = run_ok(&c);
  mix[2] = other;
  T_INT(gs_ua_merge(mix, 3, &m, err, sizeof err), -1);
  T_CONTAINS(err, "ties");
  gs_ua_result_free(other);

  /* A malformed partial is refused. */
  FILE *f = tmpfile();
  T_OK(f != NULL, "tmpfile");
  if (f) {
    fputs("gcisim-ua-partial 1\nn 3\nk 2\nseed x\n", f);
    rewind(f);
    gs_ua_result *bad = (gs_ua_result *)&c; /* must be reset to NULL */
    T_INT(gs_ua_partial_read(f, &bad, err, sizeof err), -1);
    T_OK(bad == NULL, "partial_read leaves NULL on failure");
    fclose(f);
  }
  for (int i = 0; i < 3; i++) gs_ua_result_free(part[i]);
  gs_ua_result_free(r1);
  gs_ua_result_free(r2);
  gs_ua_result_free(r3);
}

/* ---------------------------------------- progress and config errors */

typedef struct { uint64_t calls, last, total; int monotone; } prog;
static void on_progress(void *ud, uint64_t done, uint64_t total) {
  prog *p = ud;
  if (done < p->last) p->monotone = 0;
  p->calls++;
  p->last = done;
  p->total = total;
}

static void test_misc(void) {
  static const double x[] = {1, 2, 3, 4, 5, 6}, w[] = {1, 1};
  gs_ua_config c = base_cfg(3, 2, x, w);
  prog p = {0, 0, 0, 1};
  c.progress = on_progress;
  c.progress_ud = &p;
  c.n_draws = 5000;
  c.threads = 2;
  gs_ua_result *r = run_ok(&c);
  T_OK(p.calls >= 1 && p.monotone, "progress calls %" PRIu64, p.calls);
  T_INT(p.last, 5000);
  T_INT(p.total, 5000);
  gs_ua_result_free(r);

  gs_ua_config b;
  r = (gs_ua_result *)&b;
  b = base_cfg(3, 2, x, w);
  b.n = 0;
  T_INT(gs_ua_run(&b, &r, err, sizeof err), -1);
  T_OK(r == NULL, "out NULL on error");
  b = base_cfg(3, 2, x, w);
  b.perturb = 1.0;
  T_INT(gs_ua_run(&b, &r, err, sizeof err), -1);
  T_CONTAINS(err, "perturb");
  b = base_cfg(3, 2, x, w);
  b.methods = 0;
  T_INT(gs_ua_run(&b, &r, err, sizeof err), -1);
  b = base_cfg(3, 2, x, w);
  b.shard_index = 3;
  b.shard_count = 3;
  T_INT(gs_ua_run(&b, &r, err, sizeof err), -1);
  static const double wneg[] = {1, -1}, mx[] = {5, 5};
  b = base_cfg(3, 2, x, wneg);
  T_INT(gs_ua_run(&b, &r, err, sizeof err), -1);
  T_CONTAINS(err, "weight");
  b = base_cfg(3, 2, x, w);
  b.max = mx; /* x = 6 exceeds 5 */
  T_INT(gs_ua_run(&b, &r, err, sizeof err), -1);
  T_CONTAINS(err, "exceeds");
  b = base_cfg(3, 2, x, w);
  b.n_draws = 0;
  T_INT(gs_ua_run(&b, &r, err, sizeof err), -1);
  /* More shards than draws: empty shards still merge exactly. */
  b = base_cfg(3, 2, x, w);
  b.n_draws = 2;
  gs_ua_result *parts[4] = {NULL, NULL, NULL, NULL};
  for (uint32_t i = 0; i < 4; i++) {
    b.shard_index = i;
    b.shard_count = 4;
    parts[i] = run_ok(&b);
  }
  gs_ua_result *m = NULL;
  T_INT(gs_ua_merge((const gs_ua_result *const *)parts, 4, &m, err, sizeof err), 0);
  b.shard_index = 0;
  b.shard_count = 1;
  gs_ua_result *one = run_ok(&b);
  T_OK(same_result(m, one), "4 shards of 2 draws");
  gs_ua_result_free(m);
  gs_ua_result_free(one);
  for (int i = 0; i < 4; i++) gs_ua_result_free(parts[i]);
  gs_ua_result_free(NULL);
  gs_sa_result_free(NULL);
  T_OK(1, "free(NULL)");
}

/* --------------------------------------------------------- 4. Sobol */

static double additive(const double *u, void *ud) {
  const double *a = ud;
  return a[0] * u[0] + a[1] * u[1] + a[2] * u[2];
}

static double ishigami(const double *u, void *ud) {
  (void)ud;
  const double pi = 3.14159265358979323846;
  double x1 = -pi + 2 * pi * u[0], x2 = -pi + 2 * pi * u[1], x3 = -pi + 2 * pi * u[2];
  double s2 = sin(x2);
  return sin(x1) + 7 * s2 * s2 + 0.1 * x3 * x3 * x3 * x3 * sin(x1);
}

static int same_sa(const gs_sa_result *a, const gs_sa_result *b) {
  if (!a || !b || a->d != b->d) return 0;
  size_t sz = a->d * sizeof(double);
  return !memcmp(a->S, b->S, sz) && !memcmp(a->ST, b->ST, sz) && !memcmp(a->S_lo, b->S_lo, sz) &&
         !memcmp(a->S_hi, b->S_hi, sz) && !memcmp(a->ST_lo, b->ST_lo, sz) && !memcmp(a->ST_hi, b->ST_hi, sz) &&
         !memcmp(&a->var, &b->var, sizeof a->var);
}

static void test_sobol(void) {
  static double a[3] = {1, 2, 3};
  gs_sa_options o = {.n_base = 20000, .seed = 3, .n_boot = 200, .boot_seed = 4, .threads = 2};
  gs_sa_result *r = NULL, *r1 = NULL;
  T_INT(gs_sa_run_model(3, additive, a, &o, &r, err, sizeof err), 0);
  if (r) {
    T_INT(r->n_eval, 20000 * 5);
    for (int i = 0; i < 3; i++) {
      double want = a[i] * a[i] / 14.0;
      T_NEAR(r->S[i], want, 0.03);
      T_NEAR(r->ST[i], want, 0.02);
      T_OK(r->S_lo[i] <= r->S[i] + 0.01 && r->S[i] <= r->S_hi[i] + 0.01, "S interval %d", i);
      T_OK(r->S_lo[i] - 0.02 <= want && want <= r->S_hi[i] + 0.02, "S %d truth outside CI", i);
      T_OK(r->ST_lo[i] - 0.02 <= want && want <= r->ST_hi[i] + 0.02, "ST %d truth outside CI", i);
    }
    T_NEAR(r->var, 14.0 / 12.0, 0.05);
  }
  o.threads = 1;
  T_INT(gs_sa_run_model(3, additive, a, &o, &r1, err, sizeof err), 0);
  T_OK(same_sa(r, r1), "Sobol results depend on the thread count");
  gs_sa_result_free(r);
  gs_sa_result_free(r1);

  gs_sa_options oi = {.n_base = 1 << 15, .seed = 9, .n_boot = 100, .boot_seed = 10, .threads = 0};
  r = NULL;
  T_INT(gs_sa_run_model(3, ishigami, NULL, &oi, &r, err, sizeof err), 0);
  if (r) {
    static const double S[3] = {0.314, 0.442, 0.0}, ST[3] = {0.558, 0.442, 0.244};
    for (int i = 0; i < 3; i++) {
      T_NEAR(r->S[i], S[i], 0.04);
      T_NEAR(r->ST[i], ST[i], 0.03);
    }
  }
  gs_sa_result_free(r);

  /* The rank model on a small data set: d = k + 1, thread invariant. */
  double x[BN * BK];
  make_data(x);
  static const double w[BK] = {1, 1, 1};
  gs_ua_config c = base_cfg(BN, BK, x, w);
  c.perturb = 0.4;
  gs_sa_options ou = {.n_base = 2000, .seed = 1, .n_boot = 50, .boot_seed = 2, .threads = 1};
  r = r1 = NULL;
  T_INT(gs_sa_run(&c, &ou, &r, err, sizeof err), 0);
  ou.threads = 3;
  T_INT(gs_sa_run(&c, &ou, &r1, err, sizeof err), 0);
  if (r) {
    T_INT(r->d, BK + 1);
    for (size_t i = 0; i < r->d; i++)
      T_OK(r->ST[i] >= 0 && r->ST[i] < 1.5 && r->S[i] > -0.5 && r->S[i] < 1.5, "input %zu: S %g ST %g", i,
           r->S[i], r->ST[i]);
    T_OK(r->var > 0, "rank model variance %g", r->var);
  }
  T_OK(same_sa(r, r1), "rank-model Sobol results depend on the thread count");
  gs_sa_result_free(r);
  gs_sa_result_free(r1);
  c.methods = GS_UA_ARITHMETIC;
  r = NULL;
  T_INT(gs_sa_run(&c, &ou, &r, err, sizeof err), 0);
  if (r) T_INT(r->d, BK);
  gs_sa_result_free(r);
  o.n_base = 1;
  r = (gs_sa_result *)&o;
  T_INT(gs_sa_run_model(3, additive, a, &o, &r, err, sizeof err), -1);
  T_OK(r == NULL, "sa out NULL on error");
}

/* Cancellation: a callback that says stop on its nth call.  The run must
 * fail with "cancelled", return no result, and stop early (far fewer
 * calls than a whole run would make); a callback that never says stop
 * changes nothing (same histograms as without one). */
typedef struct { int calls, at; } cancel_t;
static int on_cancel(void *ud) {
  cancel_t *c = ud;
  return ++c->calls >= c->at;
}

static void test_cancel(void) {
  double x[BN * BK];
  make_data(x);
  static const double w[BK] = {1, 1, 1};
  for (int threads = 1; threads <= 3; threads += 2) {
    gs_ua_config c = base_cfg(BN, BK, x, w);
    c.threads = threads;
    c.n_draws = 4000000; /* about 2000 ticks of 2048 draws */
    cancel_t k = {0, 3};
    c.cancel = on_cancel;
    c.cancel_ud = &k;
    gs_ua_result *r = (gs_ua_result *)&c;
    T_INT(gs_ua_run(&c, &r, err, sizeof err), -1);
    T_STR(err, "cancelled");
    T_OK(r == NULL, "cancelled run: out NULL");
    T_OK(k.calls >= 3 && k.calls < 100, "cancel asked %d times after saying stop at 3", k.calls);
  }
  gs_ua_config c = base_cfg(BN, BK, x, w);
  c.threads = 2;
  c.n_draws = 20000;
  gs_ua_result *plain = run_ok(&c);
  cancel_t never = {0, 1 << 30};
  c.cancel = on_cancel;
  c.cancel_ud = &never;
  gs_ua_result *asked = run_ok(&c);
  T_OK(never.calls > 0, "cancel never asked");
  if (plain && asked) {
    size_t len;
    const uint64_t *h0 = gs_ua_result_hist(plain, 0, &len), *h1 = gs_ua_result_hist(asked, 0, &len);
    T_OK(memcmp(h0, h1, BN * len * sizeof *h0) == 0, "a cancel that never fires changed the result");
  }
  gs_ua_result_free(plain);
  gs_ua_result_free(asked);

  gs_sa_options o = {.n_base = 1 << 18, .seed = 1, .n_boot = 0, .boot_seed = 2, .threads = 2};
  cancel_t ks = {0, 2};
  o.cancel = on_cancel;
  o.cancel_ud = &ks;
  gs_ua_config cs = base_cfg(BN, BK, x, w);
  gs_sa_result *sr = (gs_sa_result *)&o;
  T_INT(gs_sa_run(&cs, &o, &sr, err, sizeof err), -1);
  T_STR(err, "cancelled");
  T_OK(sr == NULL, "cancelled Sobol run: out NULL");
  T_OK(ks.calls >= 2 && ks.calls < 100, "Sobol cancel asked %d times", ks.calls);
}


/* --------------------------- 5. GCI 2020 and large n, against a sort */

/* A second reference ranking, O(n log n): sort (key desc, index asc) with
 * qsort and walk the groups -- a different algorithm from both the code's
 * bitmap/radix paths and ref_rank2 (which is O(n^3) for dense ties). */
static const double *sort_key;
static int sort_cmp(const void *pa, const void *pb) {
  size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
  if (sort_key[a] > sort_key[b]) return -1;
  if (sort_key[a] < sort_key[b]) return 1;
  return a < b ? -1 : a > b;
}
static void sort_rank2(const double *key, size_t n, gs_ties ties, size_t *ord, unsigned *r2) {
  for (size_t i = 0; i < n; i++) ord[i] = i;
  sort_key = key;
  qsort(ord, n, sizeof *ord, sort_cmp);
  size_t distinct = 0;
  for (size_t j0 = 0; j0 < n;) {
    size_t j1 = j0 + 1;
    while (j1 < n && key[ord[j1]] == key[ord[j0]]) j1++;
    distinct++;
    for (size_t j = j0; j < j1; j++) {
      size_t u = ord[j];
      switch (ties) {
      case GS_TIES_DENSE: r2[u] = (unsigned)(2 * distinct); break;
      case GS_TIES_COMPETITION: r2[u] = (unsigned)(2 * (j0 + 1)); break;
      case GS_TIES_ORDINAL: r2[u] = (unsigned)(2 * (j + 1)); break;
      default: r2[u] = (unsigned)(j0 + 1 + j1); break; /* 2 * (j0+1 + j1)/2 */
      }
    }
    j0 = j1;
  }
}

static int u32_cmp(const void *pa, const void *pb) {
  unsigned a = *(const unsigned *)pa, b = *(const unsigned *)pb;
  return a < b ? -1 : a > b;
}

/* Runs cfg and checks every unit's statistics (and the histograms when
 * the result keeps them) against the reference: every draw re-generated
 * and ranked by sort_rank2, each unit's N ranks sorted, percentiles read
 * at index ceil(q*N) - 1. */
static void check_sorted_result(const gs_ua_config *c, gs_ua_result *r, const char *what);
static void check_sorted(const gs_ua_config *c, const char *what) {
  gs_ua_result *r = run_ok(c);
  if (r) check_sorted_result(c, r, what);
}

/* Checks result r (freed here) of the run c describes (all its draws)
 * against the sort reference. */
static void check_sorted_result(const gs_ua_config *c, gs_ua_result *r, const char *what) {
  size_t n = c->n, k = c->k;
  uint64_t N = c->n_draws;
  unsigned *all = malloc(n * N * sizeof *all), *r2 = malloc(n * sizeof *r2), nom2[1];
  unsigned *nom = malloc(n * sizeof *nom);
  double *key = malloc(n * sizeof *key), *wd = malloc(k * sizeof *wd);
  size_t *ord = malloc(n * sizeof *ord);
  T_OK(all && r2 && nom && key && wd && ord, "out of memory");
  if (!all || !r2 || !nom || !key || !wd || !ord) return;
  (void)nom2;
  unsigned first = (c->methods & 1) ? 1 : 2;
  ref_keys(c->x, n, k, c->spec.w, first, c->spec.offset, c->spec.digits, key);
  sort_rank2(key, n, c->spec.ties, ord, nom);
  for (uint64_t d = 0; d < N; d++) {
    unsigned m = ref_draw(c->seed, d, k, c->spec.w, c->perturb, c->methods, wd);
    ref_keys(c->x, n, k, wd, m, c->spec.offset, c->spec.digits, key);
    sort_rank2(key, n, c->spec.ties, ord, r2);
    for (size_t u = 0; u < n; u++) all[u * N + d] = r2[u];
  }
  int ok = 1, hist_ok = 1;
  uint64_t shift = 0;
  size_t i05 = (size_t)((N + 19) / 20) - 1, i50 = (size_t)((N + 1) / 2) - 1, i95 = (size_t)((19 * N + 19) / 20) - 1;
  for (size_t u = 0; u < n && ok; u++) {
    unsigned *a = all + u * N;
    uint64_t sum = 0;
    for (uint64_t d = 0; d < N; d++) {
      sum += a[d];
      shift += a[d] > nom[u] ? a[d] - nom[u] : nom[u] - a[d];
    }
    size_t len;
    const uint64_t *h = gs_ua_result_hist(r, u, &len);
    if (h) { /* the histogram: counts of each 2*rank */
      uint64_t *cnt = calloc(2 * n + 1, sizeof *cnt);
      for (uint64_t d = 0; cnt && d < N; d++) cnt[a[d]]++;
      if (!cnt || len != 2 * n + 1 || memcmp(cnt, h, len * sizeof *h)) hist_ok = 0;
      free(cnt);
    }
    qsort(a, N, sizeof *a, u32_cmp);
    unsigned med = a[i50];
    uint64_t near = 0;
    for (uint64_t d = 0; d < N; d++) near += (a[d] > med ? a[d] - med : med - a[d]) <= 6;
    const gs_ua_unit_stats *g = gs_ua_result_unit(r, u);
    if (g->nominal != nom[u] / 2.0 || g->median != med / 2.0 || g->p05 != a[i05] / 2.0 ||
        g->p95 != a[i95] / 2.0 || g->mean != (double)sum / (2.0 * (double)N) ||
        g->within3 != (double)near / (double)N) {
      ok = 0;
      fprintf(stderr, "%s: unit %zu: nominal %g/%g median %g/%g p05 %g/%g p95 %g/%g mean %.17g/%.17g w3 %g/%g\n",
              what, u, g->nominal, nom[u] / 2.0, g->median, med / 2.0, g->p05, a[i05] / 2.0, g->p95,
              a[i95] / 2.0, g->mean, (double)sum / (2.0 * (double)N), g->within3, (double)near / (double)N);
    }
  }
  T_OK(ok, "%s: statistics differ from the sorted reference", what);
  T_OK(hist_ok, "%s: histograms differ from the sorted reference", what);
  if (ok)
    T_OK(gs_ua_result_mean_abs_shift(r) == (double)shift / (2.0 * (double)n * (double)N),
         "%s: mean abs shift %.17g vs %.17g", what, gs_ua_result_mean_abs_shift(r),
         (double)shift / (2.0 * (double)n * (double)N));
  free(all);
  free(r2);
  free(nom);
  free(key);
  free(wd);
  free(ord);
  gs_ua_result_free(r);
}

/* The published GCI 2020 pillars (194 x 5): histograms and statistics of
 * the fast ranking paths equal the sort reference for every tie rule,
 * digits (grid keys, exact doubles) and method, at 1 and 2 threads. */
static void test_gci2020(void) {
  char e[256];
  gs_dataset *ds = gs_load_csv("data/gci2020.csv", NULL, e, sizeof e);
  T_OK(ds != NULL, "load data/gci2020.csv: %s", e);
  if (!ds) return;
  size_t n = ds->n, k = ds->npillar;
  T_INT(n, 194);
  T_INT(k, 5);
  double *x = malloc(n * k * sizeof *x);
  for (size_t u = 0; u < n; u++)
    for (size_t i = 0; i < k; i++) x[u * k + i] = gs_dataset_pv(ds, u, i);
  static const double w1[5] = {1, 1, 1, 1, 1}, w2[5] = {2, 1, 0.5, 1.5, 1};
  static const unsigned meth[3] = {3, 1, 2};
  static const int digs[3] = {2, 0, -1};
  int set = 0;
  for (int mi = 0; mi < 3; mi++)
    for (int di = 0; di < 3; di++)
      for (int t = 0; t < 4; t++) {
        gs_ua_config c = base_cfg(n, k, x, set % 2 ? w2 : w1);
        c.methods = meth[mi];
        c.spec.digits = digs[di];
        c.spec.ties = (gs_ties)t;
        c.perturb = 0.1 + 0.1 * (set % 5);
        c.n_draws = 601 + (uint64_t)set;
        c.seed = 2020 + (uint64_t)set;
        c.threads = 1 + set % 2;
        if (mi == 2 && di == 1) c.spec.offset = 0.5;
        char what[96];
        snprintf(what, sizeof what, "GCI 2020 methods %u digits %d ties %d", c.methods, c.spec.digits, t);
        check_sorted(&c, what);
        set++;
      }
  free(x);
  gs_dataset_free(ds);
}

/* Above dense_max units the run is multi-pass: the same statistics (here
 * 2100 units, three passes, on a 0..20 grid with many ties) as the sort
 * reference and as a forced one-pass histogram run, no histograms kept,
 * partials refused, and sharded runs beyond GS_UA_SHARD_MAX refused. */
static void test_multipass(void) {
  enum { N = 2100, K = 4 };
  double *x = malloc(N * K * sizeof *x);
  ref_stream st = ref_stream_new(77, 1);
  for (size_t j = 0; j < N * K; j++) x[j] = round(ref_uniform(&st) * 200) / 10; /* 0..20, 1 dp */
  static const double w[K] = {1, 2, 1, 1};
  static const struct { unsigned m; int digits; gs_ties ties; int threads; } cs[] = {
      {3, 2, GS_TIES_DENSE, 2},       {1, 0, GS_TIES_COMPETITION, 1}, {1, 1, GS_TIES_FRACTIONAL, 2},
      {2, 1, GS_TIES_ORDINAL, 1},     {1, -1, GS_TIES_DENSE, 2}};
  for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) {
    gs_ua_config c = base_cfg(N, K, x, w);
    c.methods = cs[i].m;
    c.spec.digits = cs[i].digits;
    c.spec.ties = cs[i].ties;
    c.threads = cs[i].threads;
    c.n_draws = 151;
    c.seed = 500 + i;
    c.perturb = 0.4;
    char what[96];
    snprintf(what, sizeof what, "multi-pass n %d methods %u digits %d ties %d", N, c.methods, c.spec.digits,
             (int)c.spec.ties);
    check_sorted(&c, what);
    /* the one-pass histogram run gives bitwise the same statistics */
    gs_ua_result *mp = run_ok(&c);
    c.dense_max = N;
    gs_ua_result *de = run_ok(&c);
    if (mp && de) {
      size_t len = 1;
      T_OK(gs_ua_result_hist(mp, 0, &len) == NULL && len == 0, "a multi-pass result keeps no histograms");
      T_OK(gs_ua_result_hist(de, 0, &len) != NULL && len == 2 * N + 1, "a dense result keeps them");
      int same = 1;
      for (size_t u = 0; u < N; u++)
        same &= memcmp(gs_ua_result_unit(mp, u), gs_ua_result_unit(de, u), sizeof(gs_ua_unit_stats)) == 0;
      double a = gs_ua_result_mean_abs_shift(mp), b = gs_ua_result_mean_abs_shift(de);
      T_OK(same && memcmp(&a, &b, sizeof a) == 0, "%s: multi-pass and one-pass statistics differ", what);
      FILE *f = tmpfile();
      T_OK(f != NULL, "tmpfile");
      if (f) {
        T_INT(gs_ua_partial_write(f, mp), -1);
        fclose(f);
      }
    }
    gs_ua_result_free(mp);
    gs_ua_result_free(de);
  }
  free(x);
  /* above the shard limit a shard keeps every draw's ranks (a sparse
   * partial, version 2): n = GS_UA_SHARD_MAX + 1 of one pillar, all tied
   * at 0, so every unit's rank is 1 in every draw (by hand) */
  size_t big = GS_UA_SHARD_MAX + 1;
  double *xb = calloc(big, sizeof *xb);
  static const double w1[1] = {1};
  gs_ua_config c = base_cfg(big, 1, xb, w1);
  c.shard_count = 2;
  c.n_draws = 5;
  gs_ua_result *p2[2] = {NULL, NULL}, *m2 = NULL;
  for (uint32_t i = 0; i < 2; i++) {
    c.shard_index = i;
    gs_ua_result *r = run_ok(&c);
    FILE *f = tmpfile();
    if (r && f) {
      T_INT(gs_ua_partial_write(f, r), 0);
      rewind(f);
      char head[32] = "";
      T_OK(fgets(head, sizeof head, f) && strcmp(head, "gcisim-ua-partial 2\n") == 0, "a sparse partial is version 2");
      rewind(f);
      T_INT(gs_ua_partial_read(f, &p2[i], err, sizeof err), 0);
    }
    if (f) fclose(f);
    gs_ua_result_free(r);
  }
  if (p2[0] && p2[1]) {
    T_INT(gs_ua_merge((const gs_ua_result *const *)p2, 2, &m2, err, sizeof err), 0);
    int ones = m2 != NULL;
    for (size_t u = 0; m2 && u < big; u++) {
      const gs_ua_unit_stats *g = gs_ua_result_unit(m2, u);
      ones &= g->nominal == 1 && g->median == 1 && g->p05 == 1 && g->p95 == 1 && g->mean == 1 && g->within3 == 1;
    }
    T_OK(ones && m2 && gs_ua_result_draws(m2) == 5, "a sharded run of %zu tied units: every rank 1", big);
  }
  gs_ua_result_free(p2[0]);
  gs_ua_result_free(p2[1]);
  gs_ua_result_free(m2);
  free(xb);
}

/* Sparse partials (sharded runs above cfg.shard_max), forced at 700 units
 * with shard_max 100: every tie rule, several shard counts, partials
 * written, read back and merged in a shuffled order; the merged statistics
 * equal the sort reference of all the draws.  Malformed sparse partials are
 * refused. */
static void test_sparse_shards(void) {
  enum { N = 700, K = 3 };
  double *x = malloc(N * K * sizeof *x);
  ref_stream st = ref_stream_new(99, 1);
  for (size_t j = 0; j < N * K; j++) x[j] = round(ref_uniform(&st) * 100) / 10; /* 0..10, 1 dp: ties */
  static const double w[K] = {1, 1, 2};
  static const struct { unsigned m; int digits; gs_ties ties; uint32_t shards; uint64_t draws; } cs[] = {
      {3, 1, GS_TIES_DENSE, 3, 100},      {1, 0, GS_TIES_COMPETITION, 2, 61}, {1, 1, GS_TIES_FRACTIONAL, 4, 41},
      {2, 1, GS_TIES_ORDINAL, 3, 30},     {1, -1, GS_TIES_DENSE, 5, 7}};
  for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) {
    gs_ua_config c = base_cfg(N, K, x, w);
    c.methods = cs[i].m;
    c.spec.digits = cs[i].digits;
    c.spec.ties = cs[i].ties;
    c.n_draws = cs[i].draws;
    c.seed = 900 + i;
    c.perturb = 0.3;
    c.shard_max = 100;
    c.threads = 1 + (int)(i % 2);
    uint32_t S = cs[i].shards;
    gs_ua_result *parts[8] = {NULL};
    int ok = 1;
    for (uint32_t s = 0; s < S; s++) {
      gs_ua_config cs_ = c;
      cs_.shard_index = s;
      cs_.shard_count = S;
      gs_ua_result *r = run_ok(&cs_);
      FILE *f = tmpfile();
      ok &= r && f;
      if (r && f) {
        T_INT(gs_ua_partial_write(f, r), 0);
        rewind(f);
        /* shuffled: shard s goes to slot (s * 2 + 1) % S when S is odd */
        uint32_t slot = S % 2 ? (s * 2 + 1) % S : S - 1 - s;
        T_INT(gs_ua_partial_read(f, &parts[slot], err, sizeof err), 0);
        ok &= parts[slot] != NULL;
      }
      if (f) fclose(f);
      gs_ua_result_free(r);
    }
    gs_ua_result *m = NULL;
    if (ok) T_INT(gs_ua_merge((const gs_ua_result *const *)parts, S, &m, err, sizeof err), 0);
    char what[96];
    snprintf(what, sizeof what, "sparse shards %u: methods %u digits %d ties %d", S, c.methods, c.spec.digits,
             (int)c.spec.ties);
    if (m) check_sorted_result(&c, m, what);
    else T_OK(0, "%s: no merge: %s", what, err);
    /* a sparse partial missing a shard's part is refused by the merge */
    gs_ua_result *m1 = NULL;
    if (ok && S > 1) T_INT(gs_ua_merge((const gs_ua_result *const *)parts, S - 1, &m1, err, sizeof err), -1);
    gs_ua_result_free(m1);
    for (uint32_t s = 0; s < S; s++) gs_ua_result_free(parts[s]);
  }
  free(x);
  /* malformed sparse partials: a rank out of range, too few values, a
   * value that steps back, a bad repeat */
  static const char *const bad[] = {
      "s 2 2\ns 9\n", "s 2\ns 2 2\n", "s 4 0\ns 2 2\n", "s 2*1\ns 2 2\n", "s 2*3\ns 2 2\n", "s 2 2x\ns 2 2\n"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    FILE *f = tmpfile();
    if (!f) continue;
    fprintf(f, "gcisim-ua-partial 2\nn 2\nk 1\nseed 1\nn_draws 4\nperturb 0x1p-2\nmethods 1\ndigits 2\nties 0\n"
               "offset 0x1p+0\nw 0x1p+0\nmax none\nxhash 0000000000000001\nshard 0 2\ndraws 2\nnominal 2 4\n%send\n",
            bad[i]);
    rewind(f);
    gs_ua_result *r = NULL;
    T_INT(gs_ua_partial_read(f, &r, err, sizeof err), -1);
    T_OK(r == NULL, "malformed sparse partial %zu refused", i);
    fclose(f);
  }
  /* the same header with good lines reads */
  FILE *f = tmpfile();
  if (f) {
    fprintf(f, "gcisim-ua-partial 2\nn 2\nk 1\nseed 1\nn_draws 4\nperturb 0x1p-2\nmethods 1\ndigits 2\nties 0\n"
               "offset 0x1p+0\nw 0x1p+0\nmax none\nxhash 0000000000000001\nshard 0 2\ndraws 2\nnominal 2 4\n"
               "s 2 2\ns 4*2\nend\n");
    rewind(f);
    gs_ua_result *r = NULL;
    T_INT(gs_ua_partial_read(f, &r, err, sizeof err), 0);
    if (r) { /* unit 0: ranks 1 and 2 -> mean 1.5; unit 1: 2 and 2 */
      T_OK(gs_ua_result_unit(r, 0)->mean == 1.5 && gs_ua_result_unit(r, 1)->mean == 2 &&
               gs_ua_result_unit(r, 1)->p05 == 2,
           "a sparse partial's statistics, by hand");
    }
    gs_ua_result_free(r);
    fclose(f);
  }
}

/* gs_ua_unit_stats_from: by hand.  Ranks 1 (x3), 2.5 (x1), 5 (x6) over
 * N = 10 with nominal 2: cum 3, 4, 10 -> p05 = 1 (3 >= 0.5), median = 5
 * (cum 4 < 5, 10 >= 5), p95 = 5; mean = (3 + 2.5 + 30)/10 = 3.55; within
 * +-3 of 5: 2.5 and 5 (not 1) -> 7/10; in half ranks shift2 = 3*|2-4| +
 * 1*|5-4| + 6*|10-4| = 43. */
static void test_stats_from(void) {
  const gs_ua_rank_count h[] = {{2, 3}, {5, 1}, {10, 6}};
  gs_ua_unit_stats s;
  double sh = 0;
  gs_ua_unit_stats_from(h, 3, 10, 4, &s, &sh);
  T_NEAR(s.nominal, 2, 0);
  T_NEAR(s.p05, 1, 0);
  T_NEAR(s.median, 5, 0);
  T_NEAR(s.p95, 5, 0);
  T_NEAR(s.mean, 3.55, 1e-15);
  T_NEAR(s.within3, 0.7, 0);
  T_NEAR(sh, 43, 0);
}

/* gs_ua_scenario_stats: by hand.  Four units, three scenarios coming up
 * 3, 1 and 4 times (N = 8), nominal ranks 1, 2, none, 1:
 *   unit 0: ranks 1 (x3), 2 (x1), 1.5 (x4): by rank cum 3, 7, 8 -> p05 = 1
 *     (3*20 >= 8), median = 1.5 (first cum >= 4), p95 = 2 (first cum >=
 *     7.6); mean = (3 + 2 + 6)/8 = 1.375; all within +-3 -> 1; shift
 *     0*3 + 1*1 + 0.5*4 = 3;
 *   unit 1: ranks 2 (x3), 1 (x1), 1.5 (x4): cum 1, 5, 8 -> 1, 1.5, 2; mean
 *     (6 + 1 + 6)/8 = 1.625; shift 0 + 1 + 2 = 3;
 *   unit 2: no nominal rank: NaN, left out of the mean shift;
 *   unit 3: ranks 10 (x3), 1 (x1), 1 (x4): 1 (x5), 10 (x3) -> p05 1,
 *     median 1, p95 10; mean 35/8; within +-3 of 1: 5/8; shift 27.
 * Mean absolute shift (3 + 3 + 27) / (3 units * 8 draws) = 1.375. */
static void test_scenario_stats(void) {
  const double nom[] = {1, 2, NAN, 1};
  const double rk[] = {1, 2, NAN, 10, /* scenario 0 */
                       2, 1, 3, 1,    /* scenario 1 */
                       1.5, 1.5, NAN, 1};
  const uint64_t count[] = {3, 1, 4};
  gs_ua_rank_count pairs[3];
  gs_ua_unit_stats st[4];
  double mas = 0;
  T_INT(gs_ua_scenario_stats(4, 3, nom, rk, count, pairs, st, &mas), 0);
  const double want[4][5] = {{1, 1.5, 2, 1.375, 1}, {1, 1.5, 2, 1.625, 1}, {0}, {1, 1, 10, 35.0 / 8, 5.0 / 8}};
  for (int u = 0; u < 4; u++) {
    if (u == 2) {
      T_OK(isnan(st[2].nominal) && isnan(st[2].median) && isnan(st[2].within3), "unit without a nominal rank");
      continue;
    }
    T_NEAR(st[u].nominal, nom[u], 0);
    T_NEAR(st[u].p05, want[u][0], 0);
    T_NEAR(st[u].median, want[u][1], 0);
    T_NEAR(st[u].p95, want[u][2], 0);
    T_NEAR(st[u].mean, want[u][3], 1e-15);
    T_NEAR(st[u].within3, want[u][4], 1e-15);
  }
  T_NEAR(mas, 1.375, 1e-15);
  /* a scenario that never comes up may leave a unit unranked; one that
   * does may not */
  const uint64_t none1[] = {3, 0, 4};
  double rk2[12];
  memcpy(rk2, rk, sizeof rk2);
  rk2[4] = NAN; /* scenario 1 leaves unit 0 unranked */
  T_INT(gs_ua_scenario_stats(4, 3, nom, rk2, none1, pairs, st, &mas), 0);
  T_INT(gs_ua_scenario_stats(4, 3, nom, rk2, count, pairs, st, &mas), -1);
}

/* The config's scoring spec goes through the one check (spec.h); a run
 * does not rescale, so a scale is refused rather than ignored. */
static void test_config_spec(void) {
  static const double x[] = {1, 2, 3, 4, 5, 6}, w[] = {1, 1};
  gs_ua_config b = base_cfg(3, 2, x, w);
  gs_ua_result *r = NULL;
  b.spec.scale = 100;
  T_INT(gs_ua_run(&b, &r, err, sizeof err), -1);
  T_CONTAINS(err, "scale");
  b = base_cfg(3, 2, x, w);
  b.spec.offset = -1;
  T_INT(gs_ua_run(&b, &r, err, sizeof err), -1);
  T_STR(err, "offset must be a finite number >= 0");
  T_OK(r == NULL, "no result on failure");
  T_INT(GS_UA_ARITHMETIC, 1u << GS_AGG_ARITHMETIC);
  T_INT(GS_UA_GEOMETRIC, 1u << GS_AGG_GEOMETRIC);
}

int main(void) {
  test_hand();
  test_reference();
  test_threads_shards();
  test_sparse_shards();
  test_misc();
  test_sobol();
  test_cancel();
  test_gci2020();
  test_multipass();
  test_stats_from();
  test_scenario_stats();
  test_config_spec();
  return t_done();
}
