/* reaggregate.c - see reaggregate.h. */
#include "reaggregate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "method.h"

gs_hier *gs_ra_copy(const gs_hier *h, const char *zero, char *err, size_t errlen) {
  const double w0 = 0;
  return gs_ra_copy_w(h, zero ? &zero : NULL, &w0, zero ? 1 : 0, err, errlen);
}

gs_hier *gs_ra_copy_w(const gs_hier *h, const char *const *codes, const double *w, size_t m, char *err,
                      size_t errlen) {
  gs_hier *c = gs_h_new();
  if (!c) {
    if (err && errlen) snprintf(err, errlen, "out of memory");
    return NULL;
  }
  gs_m_norm_spec none;
  gs_m_norm_default(GS_NORM_NONE, &none);
  size_t found = 0;
  for (size_t i = 0; i < gs_h_count(h); i++) {
    gs_h_node_spec s;
    gs_h_node(h, i, &s);
    if (s.level == 1) {
      s.direction = 1;
      s.norm = &none;
      s.denominator = NULL;
    }
    for (size_t k = 0; k < m; k++)
      if (strcmp(s.code, codes[k]) == 0) {
        s.weight = w[k];
        found++;
      }
    if (gs_h_add(c, &s, err, errlen) != 0) {
      gs_h_free(c);
      return NULL;
    }
  }
  if (found != m) {
    if (err && errlen) snprintf(err, errlen, "a node to reweight is not in the index");
    gs_h_free(c);
    return NULL;
  }
  if (gs_h_validate(c, "reaggregate", err, errlen) != 0) {
    gs_h_free(c);
    return NULL;
  }
  return c;
}

int gs_ra_scores(const gs_hier *h, const gs_h_result *r, const char *zero, const char *target,
                 double *out, char *err, size_t errlen) {
  const double w0 = 0;
  return gs_ra_scores_w(h, r, zero ? &zero : NULL, &w0, zero ? 1 : 0, target, out, err, errlen);
}

int gs_ra_scores_w(const gs_hier *h, const gs_h_result *r, const char *const *codes, const double *w,
                   size_t m, const char *target, double *out, char *err, size_t errlen) {
  size_t n = gs_h_result_units(r), k = gs_h_count_level(h, 1);
  gs_hier *c = gs_ra_copy_w(h, codes, w, m, err, errlen);
  if (!c) return -1;
  const char **names = malloc((k ? k : 1) * sizeof *names);
  double *X = malloc((n * k > 0 ? n * k : 1) * sizeof *X);
  int rc = -1;
  if (!names || !X) {
    if (err && errlen) snprintf(err, errlen, "out of memory");
    goto out;
  }
  size_t j = 0;
  for (size_t i = 0; i < gs_h_count(h); i++) {
    gs_h_node_spec s;
    gs_h_node(h, i, &s);
    if (s.level != 1) continue;
    const double *v = gs_h_result_get(r, s.code);
    if (!v) {
      if (err && errlen) snprintf(err, errlen, "the result has no indicator '%s'", s.code);
      goto out;
    }
    names[j] = s.code;
    for (size_t u = 0; u < n; u++) X[u * k + j] = v[u];
    j++;
  }
  gs_h_data d = {n, k, names, X};
  gs_h_opts o;
  gs_h_opts_default(&o);
  o.denominate = 0;
  o.impute = 0;
  o.treat = 0;
  o.screen = 0;
  gs_m_norm_default(GS_NORM_NONE, &o.norm);
  gs_h_result *rr = gs_h_eval(c, &d, &o, err, errlen);
  if (!rr) goto out;
  const double *t = gs_h_result_get(rr, target);
  if (!t) {
    if (err && errlen) snprintf(err, errlen, "no node '%s' in the index", target);
  } else {
    memcpy(out, t, n * sizeof *out);
    rc = 0;
  }
  gs_h_result_free(rr);
out:
  free(names);
  free(X);
  gs_h_free(c);
  return rc;
}
