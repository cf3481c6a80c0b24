/* optweights.c - see optweights.h. */
#include "optweights.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dynlib.h"
#include "method.h"
#include "reaggregate.h"

/* GSL, opened the first time weights are optimised (dynlib.h says why);
 * libgsl names its CBLAS (libgslcblas) as a dependency, so dlopen brings
 * it.  The last symbol is a variable, the simplex's type (*gsl.name). */
#define GSL_SYMBOLS(X, t) \
  X(t, gsl_multimin_fminimizer_alloc) \
  X(t, gsl_multimin_fminimizer_free) \
  X(t, gsl_multimin_fminimizer_iterate) \
  X(t, gsl_multimin_fminimizer_set) \
  X(t, gsl_multimin_fminimizer_size) \
  X(t, gsl_multimin_test_size) \
  X(t, gsl_set_error_handler) \
  X(t, gsl_set_error_handler_off) \
  X(t, gsl_vector_alloc) \
  X(t, gsl_vector_free) \
  X(t, gsl_vector_set) \
  X(t, gsl_multimin_fminimizer_nmsimplex2)
GS_DYNLIB_TABLE(gsl, GSL_SYMBOLS, GS_SONAME_GSL, GS_PACKAGE_GSL);

void gs_ow_opts_default(gs_ow_opts *o) {
  o->level = 1;
  o->target = NULL;
  o->infomax = 0;
  o->tol = 1e-6;
  o->maxiter = 500;
}

typedef struct {
  const gs_hier *h;
  const gs_h_result *r;
  size_t m, n;
  const char **codes;
  const double **node; /* each node's scores (unchanged by its own weight) */
  const double *t;     /* targets, summing to 1 */
  int infomax;
  const char *root;
  double *w, *idx, *corr;
  int failed;
  char *err;
  size_t errlen;
} ow_ctx;

/* The weights of x, their correlations and the objective. */
static double evaluate(ow_ctx *c, const double *x) {
  double s = 0;
  for (size_t j = 0; j < c->m; j++) s += fabs(x[j]);
  if (!(s > 0) || !isfinite(s)) return GSL_POSINF;
  for (size_t j = 0; j < c->m; j++) c->w[j] = fabs(x[j]) / s;
  if (gs_ra_scores_w(c->h, c->r, c->codes, c->w, c->m, c->root, c->idx, c->err, c->errlen) != 0) {
    c->failed = 1;
    return GSL_POSINF;
  }
  double sc = 0, sq = 0;
  for (size_t j = 0; j < c->m; j++) {
    c->corr[j] = gs_m_pearson(c->node[j], c->idx, c->n);
    sc += c->corr[j];
  }
  if (!isfinite(sc)) return GSL_POSINF;
  if (c->infomax) return -sc;
  if (sc == 0) return GSL_POSINF;
  for (size_t j = 0; j < c->m; j++) {
    double d = c->t[j] - c->corr[j] / sc;
    sq += d * d;
  }
  double v = sq / (double)c->m;
  return log(v > 1e-300 ? v : 1e-300); /* an exact balance would be log 0 */
}

static double f(const gsl_vector *x, void *p) { return evaluate(p, x->data); }

static int fail(char *err, size_t errlen, const char *msg) {
  if (err && errlen) snprintf(err, errlen, "%s", msg);
  return -1;
}

int gs_ow_optimise(const gs_hier *h, const gs_h_result *r, const gs_ow_opts *o, double *w, double *corr,
                   double *objective, int *iterations, int *converged, char *err, size_t errlen) {
  gs_ow_opts d;
  if (!o) gs_ow_opts_default(&d), o = &d;
  int maxl = gs_h_max_level(h);
  if (o->level < 1 || o->level >= maxl) return fail(err, errlen, "the level must be below the root's");
  size_t m = gs_h_count_level(h, o->level), n = gs_h_result_units(r);
  if (m < 2) return fail(err, errlen, "the level has fewer than 2 nodes");
  if (gs_dynlib_load(&gsl_lib, err, errlen) != 0) return -1;
  ow_ctx c = {h, r, m, n, NULL, NULL, NULL, o->infomax, NULL, NULL, NULL, NULL, 0, err, errlen};
  c.codes = malloc(m * sizeof *c.codes);
  c.node = malloc(m * sizeof *c.node);
  double *t = malloc(m * sizeof *t), *x0 = malloc(m * sizeof *x0);
  c.w = malloc(m * sizeof *c.w);
  c.corr = malloc(m * sizeof *c.corr);
  c.idx = malloc((n ? n : 1) * sizeof *c.idx);
  gsl_vector *x = gsl.gsl_vector_alloc(m), *step = gsl.gsl_vector_alloc(m);
  gsl_multimin_fminimizer *s = gsl.gsl_multimin_fminimizer_alloc(*gsl.gsl_multimin_fminimizer_nmsimplex2, m);
  int rc = -1;
  if (!c.codes || !c.node || !t || !x0 || !c.w || !c.corr || !c.idx || !x || !step || !s) {
    fail(err, errlen, "out of memory");
    goto out;
  }
  c.root = NULL;
  {
    gs_h_node_spec rs;
    gs_h_node(h, (size_t)gs_h_root(h), &rs);
    c.root = rs.code;
  }
  size_t j = 0;
  double tsum = 0, wsum = 0;
  for (size_t i = 0; i < gs_h_count(h); i++) {
    gs_h_node_spec sp;
    gs_h_node(h, i, &sp);
    if (sp.level != o->level) continue;
    c.codes[j] = sp.code;
    c.node[j] = gs_h_result_get(r, sp.code);
    t[j] = o->target ? o->target[j] : 1.0;
    if (!(t[j] >= 0) || !isfinite(t[j])) {
      fail(err, errlen, "target importances must be finite and >= 0");
      goto out;
    }
    x0[j] = gs_h_eff_weight(h, i);
    tsum += t[j];
    wsum += x0[j];
    j++;
  }
  if (!(tsum > 0)) {
    fail(err, errlen, "the target importances sum to 0");
    goto out;
  }
  for (j = 0; j < m; j++) {
    t[j] /= tsum;
    double start = o->infomax ? (wsum > 0 ? x0[j] / wsum : 1.0 / (double)m) : t[j];
    gsl.gsl_vector_set(x, j, start);
    gsl.gsl_vector_set(step, j, fmax(0.5 * start, 0.05));
  }
  c.t = t;
  gsl_error_handler_t *old = gsl.gsl_set_error_handler_off();
  gsl_multimin_function fn = {f, m, &c};
  gsl.gsl_multimin_fminimizer_set(s, &fn, x, step);
  int it = 0, status = GSL_CONTINUE;
  while (status == GSL_CONTINUE && it < o->maxiter && !c.failed) {
    it++;
    if (gsl.gsl_multimin_fminimizer_iterate(s) != GSL_SUCCESS) break;
    status = gsl.gsl_multimin_test_size(gsl.gsl_multimin_fminimizer_size(s), o->tol);
  }
  gsl.gsl_set_error_handler(old);
  if (c.failed) goto out;
  double best = evaluate(&c, s->x->data); /* w and corr at the optimum */
  if (c.failed) goto out;
  memcpy(w, c.w, m * sizeof *w);
  if (corr) memcpy(corr, c.corr, m * sizeof *corr);
  if (objective) *objective = best;
  if (iterations) *iterations = it;
  if (converged) *converged = status == GSL_SUCCESS;
  rc = 0;
out:
  gsl.gsl_multimin_fminimizer_free(s);
  gsl.gsl_vector_free(x);
  gsl.gsl_vector_free(step);
  free(c.codes);
  free(c.node);
  free(t);
  free(x0);
  free(c.w);
  free(c.corr);
  free(c.idx);
  return rc;
}
