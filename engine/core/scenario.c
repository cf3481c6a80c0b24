/* scenario.c - scenario edits (see scenario.h). */
#include "scenario.h"

#include <math.h>

double gs_edit_value(gs_edit ed, double cur) {
  switch (ed.op) {
  case GS_EDIT_ADD: return cur + ed.v;
  case GS_EDIT_MUL: return cur * ed.v;
  default: return ed.v;
  }
}

gs_edit_status gs_scenario_apply(gs_dataset *e, size_t p, const size_t *rows, size_t nrows, gs_edit ed,
                                 size_t *bad_row, double *bad_value) {
  double *col = e->col[e->pillar[p]].num;
  for (size_t k = 0; k < nrows; k++) {
    double v = gs_edit_value(ed, col[rows[k]]);
    gs_edit_status st = !isfinite(v) ? GS_EDIT_NONFINITE
                        : v < e->pmin[p] || v > e->pmax[p] ? GS_EDIT_RANGE
                                                           : GS_EDIT_OK;
    if (st != GS_EDIT_OK) {
      *bad_row = rows[k];
      *bad_value = v;
      return st;
    }
    col[rows[k]] = v;
  }
  return GS_EDIT_OK;
}
