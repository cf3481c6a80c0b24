/* bod.c - see bod.h.  GLPK's simplex (glp_simplex) solves each program;
 * the problem is built once (the n unit rows); from unit to unit only the
 * objective and the 2m share-bound rows change, and each simplex starts
 * from the previous unit's basis. */
#include "bod.h"

#include <glpk.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "dynlib.h"

/* GLPK, opened the first time a benefit of the doubt runs (dynlib.h says
 * why). */
#define GLPK_SYMBOLS(X, t) \
  X(t, glp_add_cols) \
  X(t, glp_add_rows) \
  X(t, glp_create_prob) \
  X(t, glp_delete_prob) \
  X(t, glp_get_col_prim) \
  X(t, glp_get_obj_val) \
  X(t, glp_get_status) \
  X(t, glp_init_smcp) \
  X(t, glp_load_matrix) \
  X(t, glp_set_col_bnds) \
  X(t, glp_set_mat_row) \
  X(t, glp_set_obj_coef) \
  X(t, glp_set_obj_dir) \
  X(t, glp_set_row_bnds) \
  X(t, glp_simplex) \
  X(t, glp_std_basis) \
  X(t, glp_term_hook)
GS_DYNLIB_TABLE(glpk, GLPK_SYMBOLS, GS_SONAME_GLPK, GS_PACKAGE_GLPK);

static int fail(char *err, size_t errlen, const char *msg) {
  if (err && errlen) snprintf(err, errlen, "%s", msg);
  return -1;
}

/* GLPK prints to stdout by default: a script's output is its own. */
static int quiet(void *info, const char *s) {
  (void)info, (void)s;
  return 1;
}

int gs_bod(const double *Y, size_t n, size_t m, double lo, double up, double *score, double *share,
           double *weight, char *err, size_t errlen) {
  if (!Y || !score || !share || n == 0 || m == 0) return fail(err, errlen, "no data");
  for (size_t i = 0; i < n * m; i++)
    if (!(Y[i] >= 0) || !isfinite(Y[i]))
      return fail(err, errlen, "benefit of the doubt needs values >= 0 with none missing");
  if (!(lo >= 0 && lo <= up && up <= 1) || (double)m * lo > 1 + 1e-12 || (double)m * up < 1 - 1e-12)
    return fail(err, errlen, "share bounds must satisfy 0 <= lo <= up <= 1, lo * m <= 1 <= up * m");
  if (gs_dynlib_load(&glpk_lib, err, errlen) != 0) return -1;
  int bounded = lo > 0 || up < 1;
  size_t nrow = n + (bounded ? 2 * m : 0);
  size_t nz = n * m;
  int *ia = malloc((nz + 1) * sizeof *ia), *ja = malloc((nz + 1) * sizeof *ja);
  double *ar = malloc((nz + 1) * sizeof *ar), *vb = malloc((m + 1) * sizeof *vb);
  if (!ia || !ja || !ar || !vb) {
    free(ia), free(ja), free(ar), free(vb);
    return fail(err, errlen, "out of memory");
  }
  glpk.glp_term_hook(quiet, NULL);
  glp_prob *lp = glpk.glp_create_prob();
  glpk.glp_set_obj_dir(lp, GLP_MAX);
  glpk.glp_add_rows(lp, (int)nrow);
  glpk.glp_add_cols(lp, (int)m);
  for (size_t k = 0; k < m; k++) glpk.glp_set_col_bnds(lp, (int)k + 1, GLP_LO, 0.0, 0.0);
  for (size_t j = 0; j < n; j++) glpk.glp_set_row_bnds(lp, (int)j + 1, GLP_UP, 0.0, 1.0);
  for (size_t r = n; r < nrow; r++) glpk.glp_set_row_bnds(lp, (int)r + 1, GLP_LO, 0.0, 0.0);
  glp_smcp parm;
  glpk.glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  /* the n unit rows, once */
  size_t e = 0;
  for (size_t j = 0; j < n; j++)
    for (size_t k = 0; k < m; k++) {
      e++;
      ia[e] = (int)j + 1, ja[e] = (int)k + 1, ar[e] = Y[j * m + k];
    }
  glpk.glp_load_matrix(lp, (int)e, ia, ja, ar);
  int rc = 0;
  for (size_t o = 0; o < n && rc == 0; o++) {
    const double *yo = Y + o * m;
    /* the share-bound rows depend on the unit: m rows of m entries each */
    if (bounded)
      for (size_t k = 0; k < m; k++) {
        int *ind = ia; /* free after the matrix was loaded: n*m+1 >= m+1 entries */
        double *vlo = ar, *vup = vb;
        for (size_t l = 0; l < m; l++) {
          double d = k == l ? 1.0 : 0.0;
          ind[l + 1] = (int)l + 1;
          vlo[l + 1] = yo[l] * (d - lo); /* y_ok w_k - lo sum_l y_ol w_l >= 0 */
          vup[l + 1] = yo[l] * (up - d); /* up sum_l y_ol w_l - y_ok w_k >= 0 */
        }
        glpk.glp_set_mat_row(lp, (int)(n + k) + 1, (int)m, ind, vlo);
        glpk.glp_set_mat_row(lp, (int)(n + m + k) + 1, (int)m, ind, vup);
      }
    for (size_t k = 0; k < m; k++) glpk.glp_set_obj_coef(lp, (int)k + 1, yo[k]);
    /* The previous unit's basis is a good start, but after the bound rows
     * changed it can be singular: then start again from the standard one. */
    int ret = glpk.glp_simplex(lp, &parm);
    if (ret != 0) {
      glpk.glp_std_basis(lp);
      ret = glpk.glp_simplex(lp, &parm);
    }
    if (ret != 0 || glpk.glp_get_status(lp) != GLP_OPT) {
      if (err && errlen) snprintf(err, errlen, "the linear program of unit %zu has no optimum", o + 1);
      rc = -1;
      break;
    }
    double s = glpk.glp_get_obj_val(lp);
    score[o] = s;
    for (size_t k = 0; k < m; k++) {
      double w = glpk.glp_get_col_prim(lp, (int)k + 1);
      if (weight) weight[o * m + k] = w;
      double sh = s > 0 ? w * yo[k] / s : 0.0;
      share[o * m + k] = sh > 0 ? sh : 0.0; /* no -0 or -1e-17 from the solver */
    }
  }
  glpk.glp_delete_prob(lp);
  glpk.glp_term_hook(NULL, NULL);
  free(ia), free(ja), free(ar), free(vb);
  return rc;
}
