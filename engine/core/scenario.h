/* scenario.h - scenario edits of a dataset (d:with): a pillar value set,
 * added to or multiplied, for a list of rows, each result checked to be
 * finite and within the pillar's range.  The caller edits its own copy
 * (gs_dataset_copy); the Lua binding only reads the edit table. */
#ifndef GS_SCENARIO_H
#define GS_SCENARIO_H
#include <stddef.h>

#include "dataset.h"

typedef enum { GS_EDIT_SET, GS_EDIT_ADD, GS_EDIT_MUL } gs_edit_op;

typedef struct {
  gs_edit_op op;
  double v;
} gs_edit;

/* Why an edit was refused. */
typedef enum { GS_EDIT_OK = 0, GS_EDIT_NONFINITE, GS_EDIT_RANGE } gs_edit_status;

/* The value edit ed gives a cell holding cur. */
double gs_edit_value(gs_edit ed, double cur);

/* Applies ed to pillar p (0..npillar-1) of rows[0..nrows-1] of e, in that
 * order.  Returns GS_EDIT_OK, or the status of the first refused row with
 * that row in *bad_row and the value it would have had in *bad_value;
 * rows before it are edited, it and those after are not.  O(nrows). */
gs_edit_status gs_scenario_apply(gs_dataset *e, size_t p, const size_t *rows, size_t nrows, gs_edit ed,
                                 size_t *bad_row, double *bad_value);
#endif
