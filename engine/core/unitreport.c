/* unitreport.c - one unit's report on an index result (see unitreport.h). */
#include "unitreport.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "method.h"

void gs_unit_report_free(gs_unit_report *ur) {
  if (!ur) return;
  free(ur->row);
  free(ur->str);
  free(ur->weak);
  free(ur);
}

void gs_ur_node_order(const gs_hier *h, size_t *order) {
  size_t nn = gs_h_count(h), k = 0;
  int lo = 0, hi = 0;
  for (size_t i = 0; i < nn; i++) {
    gs_h_node_spec s;
    gs_h_node(h, i, &s);
    if (i == 0 || s.level < lo) lo = s.level;
    if (i == 0 || s.level > hi) hi = s.level;
  }
  for (int lev = hi; lev >= lo && k < nn; lev--)
    for (size_t i = 0; i < nn; i++) {
      gs_h_node_spec s;
      gs_h_node(h, i, &s);
      if (s.level == lev) order[k++] = i;
    }
}

gs_unit_report *gs_unit_report_new(const gs_hier *h, const gs_h_result *r, size_t u, const gs_ur_spec *spec,
                                   int *status) {
  if (status) *status = -1;
  size_t n = gs_h_result_units(r), nn = h ? gs_h_count(h) : 0;
  if (!h || !r || !spec || u >= n || nn == 0) return NULL;
  gs_unit_report *ur = calloc(1, sizeof *ur);
  size_t *it = malloc(nn * sizeof *it);
  double *rk = malloc(n * sizeof *rk), *gsc = malloc(n * sizeof *gsc), *grk = malloc(n * sizeof *grk);
  size_t *members = malloc(n * sizeof *members), *ind = malloc(nn * sizeof *ind), *rowof = malloc(nn * sizeof *rowof);
  double *X = NULL, *irank = NULL;
  size_t *order = NULL;
  int ok = 0;
  if (!ur || !it || !rk || !gsc || !grk || !members || !ind || !rowof) goto out;
  ur->n = nn;
  if (!(ur->row = calloc(nn, sizeof *ur->row))) goto out;
  gs_ur_node_order(h, it);
  /* the units of u's group (none when no groups, or u has none) */
  size_t nm = 0;
  int g = spec->groups ? spec->groups[u] : -1;
  if (g >= 0)
    for (size_t v = 0; v < n; v++)
      if (spec->groups[v] == g) members[nm++] = v;
  size_t k = 0; /* indicators, in report order */
  for (size_t q = 0; q < nn; q++) {
    gs_h_node_spec s;
    gs_h_node(h, it[q], &s);
    gs_ur_row *w = &ur->row[q];
    const double *sc = gs_h_result_get(r, s.code);
    w->node = it[q];
    w->score = w->rank = w->group_rank = w->sw_rank = NAN;
    rowof[it[q]] = q;
    if (s.level == 1) ind[k++] = it[q];
    if (!sc) continue;
    w->score = sc[u];
    if (gs_rank(sc, n, spec->digits, spec->ties, rk) != 0) goto out;
    w->rank = rk[u];
    for (size_t v = 0; v < n; v++) w->ranked += !isnan(sc[v]);
    if (nm) {
      for (size_t j = 0; j < nm; j++) gsc[j] = sc[members[j]];
      if (gs_rank(gsc, nm, spec->digits, spec->ties, grk) != 0) goto out;
      for (size_t j = 0; j < nm; j++) {
        w->group_ranked += !isnan(gsc[j]);
        if (members[j] == u) w->group_rank = grk[j];
      }
    }
  }
  /* strengths and weaknesses: the indicators' normalised values, every unit */
  if (k) {
    X = malloc(n * k * sizeof *X);
    irank = malloc(k * sizeof *irank);
    order = malloc(k * sizeof *order);
    if (!X || !irank || !order) goto out;
    for (size_t j = 0; j < k; j++) {
      gs_h_node_spec s;
      gs_h_node(h, ind[j], &s);
      if (spec->raw) { /* the data column times the direction */
        long c = -1;
        for (size_t q = 0; q < spec->raw->n_cols && c < 0; q++)
          if (spec->raw->col_names[q] && strcmp(spec->raw->col_names[q], s.code) == 0) c = (long)q;
        for (size_t i = 0; i < n; i++)
          X[i * k + j] = c < 0 || i >= spec->raw->n_units ? NAN
                                                          : s.direction * spec->raw->data[i * spec->raw->n_cols + (size_t)c];
      } else {
        const double *v = gs_h_result_get(r, s.code);
        for (size_t i = 0; i < n; i++) X[i * k + j] = v ? v[i] : NAN;
      }
    }
    size_t m = 0;
    if (gs_a_str_weak(X, n, k, u, spec->min_discard, irank, order, &m) != GS_M_OK) goto out;
    for (size_t j = 0; j < k; j++) ur->row[rowof[ind[j]]].sw_rank = irank[j];
    size_t top = spec->top < m ? spec->top : m, bottom = spec->bottom < m ? spec->bottom : m;
    ur->str = malloc((top ? top : 1) * sizeof *ur->str);
    ur->weak = malloc((bottom ? bottom : 1) * sizeof *ur->weak);
    if (!ur->str || !ur->weak) goto out;
    for (size_t q = 0; q < top; q++) {
      size_t row = rowof[ind[order[q]]];
      ur->str[ur->nstr++] = row;
      ur->row[row].strength = (int)q + 1;
    }
    for (size_t q = m - bottom; q < m; q++) {
      size_t row = rowof[ind[order[q]]];
      ur->weak[ur->nweak++] = row;
      ur->row[row].weakness = (int)ur->nweak;
    }
  }
  ok = 1;
out:
  free(it);
  free(rk);
  free(gsc);
  free(grk);
  free(members);
  free(ind);
  free(rowof);
  free(X);
  free(irank);
  free(order);
  if (!ok) {
    gs_unit_report_free(ur);
    return NULL;
  }
  if (status) *status = 0;
  return ur;
}

/* ------------------------------------------------------------ group ids */

typedef struct {
  const gs_column *col;
  size_t i;
} gid_item;

static int gid_cmp(const void *a, const void *b) {
  const gid_item *x = a, *y = b;
  int c;
  if (x->col->type == GS_COL_TEXT) {
    c = strcmp(x->col->text[x->i], y->col->text[y->i]);
  } else {
    double p = x->col->num[x->i], q = y->col->num[y->i];
    c = (p > q) - (p < q);
  }
  return c ? c : (x->i > y->i) - (x->i < y->i);
}

int gs_group_ids(const gs_dataset *d, size_t col, int *ids) {
  if (!d || !ids || col >= d->ncol) return -1;
  const gs_column *c = &d->col[col];
  gid_item *it = malloc((d->n ? d->n : 1) * sizeof *it);
  if (!it) return -1;
  size_t m = 0;
  for (size_t i = 0; i < d->n; i++) {
    int none = c->type == GS_COL_TEXT ? (c->text[i][0] == '\0' || strcmp(c->text[i], "NA") == 0) : isnan(c->num[i]);
    ids[i] = -1;
    if (!none) it[m++] = (gid_item){c, i};
  }
  qsort(it, m, sizeof *it, gid_cmp); /* equal values together, smallest row first */
  for (size_t a = 0; a < m;) {
    size_t e = a + 1;
    while (e < m && (c->type == GS_COL_TEXT ? strcmp(c->text[it[e].i], c->text[it[a].i]) == 0
                                            : c->num[it[e].i] == c->num[it[a].i]))
      e++;
    for (size_t q = a; q < e; q++) ids[it[q].i] = (int)it[a].i;
    a = e;
  }
  free(it);
  return 0;
}
