/* bench_ua.c - uncertainty-analysis throughput.
 *
 * Reads the 194 x 5 pillars of data/gci2020.csv (run from the repo root)
 * and runs 1e6 draws (weights 1, +-25%, arithmetic + geometric, dense ties
 * at 2 digits) on one thread, printing CPU microseconds per draw (target
 * <= 0.5), the same for each aggregation alone, then on all cores.  Then
 * 1,000 draws over 10^4 and 85,000 synthetic units (5 pillars, 0..20 at 2 decimals from a fixed LCG: the
 * scale of the CDC SVI's census tracts), printing draws/s, wall time and
 * peak RSS (targets <= 10 s and <= 1 GiB at 85,000).  Also times a small
 * Sobol run.  It never fails on timing; it exits 1 only when the data
 * cannot be read or a run errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <stdint.h>

#include "ua.h"

#define MAXU 256
#define K 5

static double wall(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double cpu_s(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
}

static double maxrss_mib(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024.0; /* kilobytes on Linux */
}

/* Splits one CSV line into at most nf fields (quotes honoured, modified in
 * place); returns the number of fields. */
static int split_csv(char *line, char **field, int nf) {
  int n = 0;
  char *p = line;
  while (n < nf) {
    char *out = p;
    field[n++] = p;
    if (*p == '"') {
      char *q = p + 1;
      for (;;) {
        if (*q == '"' && q[1] == '"') { *out++ = '"'; q += 2; }
        else if (*q == '"') { q++; break; }
        else if (!*q) break;
        else *out++ = *q++;
      }
      p = q;
    } else {
      while (*p && *p != ',' && *p != '\n' && *p != '\r') *out++ = *p++;
    }
    int more = *p == ',';
    if (*p) p++;
    *out = 0;
    if (!more) break;
  }
  return n;
}

static int load(const char *path, double *x, size_t *n) {
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  char line[4096], *fld[32];
  int col[K] = {-1, -1, -1, -1, -1};
  const char *names[K] = {"legal", "technical", "organizational", "capacity", "cooperation"};
  if (!fgets(line, sizeof line, f)) { fclose(f); return -1; }
  int nf = split_csv(line, fld, 32);
  for (int i = 0; i < nf; i++)
    for (int j = 0; j < K; j++)
      if (strcmp(fld[i], names[j]) == 0) col[j] = i;
  for (int j = 0; j < K; j++)
    if (col[j] < 0) { fclose(f); return -1; }
  *n = 0;
  while (fgets(line, sizeof line, f) && *n < MAXU) {
    nf = split_csv(line, fld, 32);
    if (nf <= col[K - 1]) continue;
    for (int j = 0; j < K; j++) x[*n * K + j] = strtod(fld[col[j]], NULL);
    (*n)++;
  }
  fclose(f);
  return 0;
}

static int run_m(const double *x, size_t n, uint64_t draws, int threads, unsigned methods, const char *target) {
  static const double w[K] = {1, 1, 1, 1, 1}, mx[K] = {20, 20, 20, 20, 20};
  gs_ua_config c;
  gs_ua_config_init(&c);
  c.n = n;
  c.k = K;
  c.x = x;
  c.spec.w = w;
  c.max = mx;
  c.n_draws = draws;
  c.seed = 2020;
  c.threads = threads;
  c.methods = methods;
  gs_ua_result *r = NULL;
  char err[200];
  double t0 = wall(), c0 = cpu_s();
  if (gs_ua_run(&c, &r, err, sizeof err) < 0) {
    fprintf(stderr, "bench_ua: %s\n", err);
    return -1;
  }
  double t = wall() - t0, cpu = cpu_s() - c0;
  printf("ua %zu units x %.0e draws, %s%s: %.2f s wall, %.3gk draws/s, cpu %.2f s = %.3f us/draw, "
         "maxrss %.1f MiB, mean |rank shift| %.3f  (%s)\n",
         n, (double)draws, threads == 1 ? "1 thread" : "all cores",
         methods == GS_UA_ARITHMETIC ? ", arithmetic only" : methods == GS_UA_GEOMETRIC ? ", geometric only" : "",
         t, draws / t / 1e3, cpu,
         cpu / (double)draws * 1e6, maxrss_mib(), gs_ua_result_mean_abs_shift(r), target);
  gs_ua_result_free(r);
  return 0;
}

static int run(const double *x, size_t n, uint64_t draws, int threads, const char *target) {
  return run_m(x, n, draws, threads, GS_UA_ARITHMETIC | GS_UA_GEOMETRIC, target);
}

/* n synthetic units x K pillars in 0..20 at 2 decimals (a fixed LCG). */
static double *synthetic(size_t n) {
  double *x = malloc(n * K * sizeof *x);
  uint64_t s = 7;
  for (size_t j = 0; x && j < n * K; j++) {
    s = s * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
    x[j] = (double)((s >> 33) % 2001) / 100.0;
  }
  return x;
}

/* With the argument "loop", only the one-thread run at 194 units (for a
 * profiler). */
int main(int argc, char **argv) {
  static double x[MAXU * K];
  size_t n = 0;
  if (load("data/gci2020.csv", x, &n) < 0 || n == 0) {
    fprintf(stderr, "bench_ua: cannot read data/gci2020.csv (run from the repo root)\n");
    return 1;
  }
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  printf("bench_ua: %zu units x %d pillars from data/gci2020.csv, %ld cores\n", n, K, cores);
  if (run(x, n, 1000000, 1, "target <= 0.5 us/draw cpu") < 0) return 1;
  if (argc > 1 && strcmp(argv[1], "loop") == 0) return 0;
  /* the two aggregations apart (the run above draws each half the time) */
  if (run_m(x, n, 1000000, 1, GS_UA_ARITHMETIC, "-") < 0 || run_m(x, n, 1000000, 1, GS_UA_GEOMETRIC, "-") < 0)
    return 1;
  if (run(x, n, 1000000, 0, "all cores") < 0) return 1;
  static const size_t big[2] = {10000, 85000};
  for (int i = 0; i < 2; i++) {
    double *xs = synthetic(big[i]);
    if (!xs || run(xs, big[i], 1000, 0, big[i] == 85000 ? "target <= 10 s, maxrss <= 1024 MiB" : "-") < 0) {
      free(xs);
      return 1;
    }
    free(xs);
  }

  static const double w[K] = {1, 1, 1, 1, 1};
  gs_ua_config c;
  gs_ua_config_init(&c);
  c.n = n;
  c.k = K;
  c.x = x;
  c.spec.w = w;
  gs_sa_options o = {.n_base = 20000, .seed = 7, .n_boot = 500, .boot_seed = 8, .threads = 0};
  gs_sa_result *s = NULL;
  char err[200];
  double t0 = wall();
  if (gs_sa_run(&c, &o, &s, err, sizeof err) < 0) {
    fprintf(stderr, "bench_ua: %s\n", err);
    return 1;
  }
  printf("sa N=%llu (%llu model runs, %u bootstrap): %.2f s, maxrss %.1f MiB\n",
         (unsigned long long)o.n_base, (unsigned long long)s->n_eval, o.n_boot, wall() - t0, maxrss_mib());
  for (size_t i = 0; i < s->d; i++)
    printf("  input %zu: S %.3f [%.3f, %.3f]  ST %.3f [%.3f, %.3f]\n", i + 1, s->S[i], s->S_lo[i],
           s->S_hi[i], s->ST[i], s->ST_lo[i], s->ST_hi[i]);
  gs_sa_result_free(s);
  return 0;
}
