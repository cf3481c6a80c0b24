/* harness.h - a thirty-line unit-test harness in the style of cmark's.
 *
 * Each test file defines `int main(void)` calling its cases, then
 * `return t_done();`, which prints the closing line "N passed, N failed"
 * that tests/run.sh adds up.  Checks never abort: a failed check prints
 * file:line and the values it compared, and the run goes on. */
#ifndef GS_TEST_HARNESS_H
#define GS_TEST_HARNESS_H
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int t_pass, t_fail;

#define T_OK(cond, ...) do { if (cond) t_pass++; else { t_fail++; \
  fprintf(stderr, "%s:%d: FAIL: ", __FILE__, __LINE__); \
  fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)
#define T_INT(got, want) do { long long g_ = (long long)(got), w_ = (long long)(want); \
  T_OK(g_ == w_, "%s = %lld, want %lld", #got, g_, w_); } while (0)
#define T_NEAR(got, want, tol) do { double g_ = (got), w_ = (want); \
  T_OK(fabs(g_ - w_) <= (tol), "%s = %.17g, want %.17g (tol %g)", #got, g_, w_, (double)(tol)); } while (0)
#define T_STR(got, want) do { const char *g_ = (got), *w_ = (want); \
  T_OK(g_ && w_ && strcmp(g_, w_) == 0, "%s = \"%s\", want \"%s\"", #got, g_ ? g_ : "(null)", w_); } while (0)
#define T_CONTAINS(hay, needle) do { const char *h_ = (hay), *n_ = (needle); \
  T_OK(h_ && strstr(h_, n_), "%s = \"%s\" lacks \"%s\"", #hay, h_ ? h_ : "(null)", n_); } while (0)

/* xorshift64: reproducible pseudo-random numbers for the tests that draw
 * their cases; each test file has its own state (t_seed sets it). */
static uint64_t t_rng = 88172645463325252u;
static inline void t_seed(uint64_t s) { t_rng = s; }
static inline uint64_t t_next(void) {
  t_rng ^= t_rng << 13;
  t_rng ^= t_rng >> 7;
  t_rng ^= t_rng << 17;
  return t_rng;
}

static inline int t_done(void) {
  printf("%d passed, %d failed\n", t_pass, t_fail);
  return t_fail ? 1 : 0;
}
#endif
