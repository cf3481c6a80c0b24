/* lindex.h - the analyses of an index result (engine/lua/lindex.c):
 * res:strengths, res:unit, res:corr_flags, res:cronbach, res:pca, res:mpi,
 * res:bod, res:remove_elements, res:opt_weights on the "gci.index_result"
 * class that lhier.c makes; ix:panel, ix:whatif on "gci.index"; and
 * gci.load_panel. */
#ifndef GS_LINDEX_H
#define GS_LINDEX_H
#include <lua.h>

#include "dataset.h"
#include "hier.h"
#include "ties.h"

/* What an index result holds (lhier.c): the result at stack index i (a
 * Lua error if it is not one), its index tree and dataset (through *h, *d;
 * owned by userdata the result keeps alive: valid while it is on the
 * stack) and its rank settings (*digits, *ties). */
const gs_h_result *gs_lua_index_result(lua_State *L, int i, const gs_hier **h, const gs_dataset **d,
                                       int *digits, gs_ties *ties);

/* Adds the analysis methods to the index and index result classes and
 * gci.load_panel to the module table at stack index `module`
 * (gs_lua_open_hier calls it after making the classes). */
void gs_lua_open_index(lua_State *L, int module);
#endif
