/* ua_sobol.c - Sobol sensitivity analysis (Saltelli sampling, Jansen total
 * effects, bootstrap limits) of any model and of the uncertainty draws'
 * mean absolute rank shift; see ua.h. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ua_impl.h"

#define fail gs_ua_fail
#define stream_init gs_ua_stream_init
#define stream_uniform gs_ua_stream_uniform

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
  int T = gs_ua_ncores(opt->threads);
  /* fA, fB, fAB, the bootstrap tables and each thread's N indices, charged
   * to the caller's budget before they are allocated (issue 11, class 7) */
  size_t charged = ((size_t)N * (d + 2) + ((size_t)opt->n_boot + 1) * (2 * d + 1) + 6 * d) * sizeof(double) +
                   (size_t)T * (size_t)N * sizeof(size_t);
  if (gs_budget_charge(opt->budget, charged) != 0)
    return fail(err, errlen, "memory limit: %" PRIu64 " base samples need %zu MiB", N, charged >> 20);
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
  gs_budget_release(opt->budget, charged);
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
static void *sa_ua_snew(void *ud) { return gs_ua_scratch_new(ud); }
static void sa_ua_sfree(void *s) { gs_ua_scratch_free(s); }

static double sa_ua_f(const double *u, void *ud, void *sp) {
  const gs_ua_model *m = ud;
  gs_ua_scratch *s = sp;
  double *wp = gs_ua_scratch_wp(s);
  gs_ua_weights_from_uniforms(m->w, m->k, m->perturb, m->W, u, wp);
  unsigned meth = m->nm > 1 ? m->list[(unsigned)(u[m->k] * m->nm)] : m->list[0];
  const uint32_t *r2 = gs_ua_rank(m, s, wp, meth);
  uint64_t sum = 0;
  for (size_t i = 0; i < m->n; i++) sum += r2[i] > m->nom2[i] ? r2[i] - m->nom2[i] : m->nom2[i] - r2[i];
  return (double)sum / (2.0 * (double)m->n);
}

int gs_sa_run(const gs_ua_config *cfg, const gs_sa_options *opt, gs_sa_result **out, char *err,
              size_t errlen) {
  if (out) *out = NULL;
  gs_ua_model m;
  if (gs_ua_model_init(&m, cfg, err, errlen) < 0) return -1;
  size_t d = m.k + (m.nm > 1);
  int rc = sa_core(d, sa_ua_f, &m, sa_ua_snew, sa_ua_sfree, opt, out, err, errlen);
  gs_ua_model_free(&m);
  return rc;
}
