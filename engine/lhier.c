/* lhier.c - the Lua side of index hierarchies and methodology (hier.h,
 * method.h): registered into the `gci` module by luaopen_gci. */
#include <lauxlib.h>
#include <lua.h>

#include "lgci.h"

void gs_lua_open_hier(lua_State *L, int module) {
  (void)L;
  (void)module;
}
