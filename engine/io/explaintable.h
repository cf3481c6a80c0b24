/* explaintable.h - an explanation (explain.h) as a gs_table (table.h): the
 * one definition of what r:explain returns and `gcisim explain` prints, so
 * that the command prints it without a Lua state.
 *
 * One row per pillar and a last "(score)" row; columns pillar, value, max,
 * weight, points, share_pct, gap, gap_points, possible (a boolean: a
 * single-pillar gain exists), gain, new_value, new_rank (missing when not
 * possible); the footer says how the points add up, the neighbours and the
 * best gain. */
#ifndef GS_EXPLAINTABLE_H
#define GS_EXPLAINTABLE_H
#include <stddef.h>

#include "dataset.h"
#include "explain.h"
#include "table.h"

/* The table of e, the explanation of row u of d under spec (all
 * borrowed).  NULL when out of memory; the caller frees it. */
gs_table *gs_explain_table(const gs_dataset *d, size_t u, const gs_spec *spec, const gs_explain *e);

#endif
