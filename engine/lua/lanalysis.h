/* lanalysis.h - the analysis methods of gci datasets (d:uncertainty,
 * d:sensitivity, d:target) and the shard files of sharded uncertainty runs. */
#ifndef GS_LANALYSIS_H
#define GS_LANALYSIS_H
#include <lua.h>

#include "ua.h"

/* Adds the methods to the "gci.dataset" metatable (luaopen_gci calls it). */
void gs_lua_open_analysis(lua_State *L);

/* Pushes the printable records of an uncertainty result (columns key_col
 * (the dataset's key column, "iso3" for the GCI), country, nominal, median,
 * mean, p05, p95, within3, in nominal rank order) with `note` and the mean
 * absolute rank shift as the footer.  keys and names (n each) are borrowed. */
void gs_lua_push_ua_records(lua_State *L, const gs_ua_result *r, const char *key_col, char *const *keys,
                            char *const *names, const char *note);
#endif
