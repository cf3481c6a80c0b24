/* unittable.h - a unit report (unitreport.h) as a gs_table (table.h): what
 * `gcisim explain --index` prints, built without a Lua state.
 *
 * One row per node, highest level first (the report's order); columns
 * code, name, level, parent, score, rank, group_rank (only when the report
 * has groups), flag ("strength N", "weakness N", both, or empty).  The
 * footer gives the unit's score and rank at the root (and in its group),
 * its strengths and weaknesses in COINr's order, and how ranks were made. */
#ifndef GS_UNITTABLE_H
#define GS_UNITTABLE_H
#include <stddef.h>

#include "dataset.h"
#include "hier.h"
#include "table.h"
#include "ties.h"
#include "unitreport.h"

typedef struct {
  const char *group_col;   /* the group column's name; NULL = no group ranks */
  const char *group;       /* the unit's group (its cell), NULL/"" = none */
  int digits;              /* how the ranks were made, for the footer */
  gs_ties ties;
  int kept;                /* the unit was kept by screening */
  int raw;                 /* strengths and weaknesses were ranked on the data (gs_ur_spec.raw) */
} gs_unit_table_info;

/* The table of ur, the report of row u of d on tree h (all borrowed).
 * NULL when out of memory; the caller frees it. */
gs_table *gs_unit_table(const gs_hier *h, const gs_dataset *d, size_t u, const gs_unit_report *ur,
                        const gs_unit_table_info *info);

#endif
