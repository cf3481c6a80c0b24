/* lexplain.h - an explanation (explain.h) as a Lua value: the printable
 * table r:explain returns and `gcisim explain` prints. */
#ifndef GS_LEXPLAIN_H
#define GS_LEXPLAIN_H
#include <lua.h>
#include <stddef.h>

#include "dataset.h"
#include "explain.h"

/* Explains row u of d (borrowed; it must outlive the call only) and pushes
 * a list of records, one per pillar and a last "(score)" row, with columns
 * pillar, value, max, weight, points, share_pct, gap, gap_points,
 * possible (a boolean: a single-pillar gain exists), gain, new_value,
 * new_rank (nil when not possible); fields iso3, country, score, rank, ties, digits,
 * step, factor, above, below, tied (lists of {iso3, country, score, rank,
 * difference}) and best ({pillar, gain, value, score, rank}, or absent);
 * and a footer saying how the points add up, the neighbours and the best
 * gain.  score, rank and sorted[0..m-1] (borrowed during the call) are
 * every row's score and rank under spec and the rows gs_rank_sorted
 * sorted for them, when the caller has them (a result's), else NULL.
 * Raises a Lua error on bad weights or when out of memory. */
void gs_lua_push_explain(lua_State *L, const gs_dataset *d, size_t u, const gs_spec *spec, const double *score,
                         const double *rank, const gs_keyrow *sorted, size_t m);
#endif
