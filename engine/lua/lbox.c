/* lbox.c - see lbox.h. */
#include "lbox.h"

#include <lauxlib.h>
#include <stdalign.h>
#include <stddef.h>
#include <string.h>

#include "table.h"

#define BOX_MT "gci.box"

/* The userdata: the release function, then the data, aligned for any
 * type the data may hold. */
typedef struct {
  gs_box_release release;
} box_head;
#define DATA_OFFSET ((sizeof(box_head) + alignof(max_align_t) - 1) / alignof(max_align_t) * alignof(max_align_t))

static int box_gc(lua_State *L) {
  box_head *h = luaL_checkudata(L, 1, BOX_MT);
  if (h->release) h->release(L, (char *)h + DATA_OFFSET);
  return 0;
}

void *gs_lua_newbox(lua_State *L, size_t size, gs_box_release release) {
  box_head *h = lua_newuserdatauv(L, DATA_OFFSET + size, 0);
  memset(h, 0, DATA_OFFSET + size);
  h->release = release;
  if (luaL_newmetatable(L, BOX_MT)) {
    lua_pushcfunction(L, box_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushliteral(L, BOX_MT);
    lua_setfield(L, -2, "__metatable");
  }
  lua_setmetatable(L, -2);
  return (char *)h + DATA_OFFSET;
}

static void table_release(lua_State *L, void *data) {
  (void)L;
  gs_table **t = data;
  gs_table_free(*t);
  *t = NULL;
}

gs_table **gs_lua_tablebox(lua_State *L) { return gs_lua_newbox(L, sizeof(gs_table *), table_release); }

void gs_lua_box_release(lua_State *L, int idx) {
  box_head *h = luaL_checkudata(L, idx, BOX_MT);
  if (h->release) h->release(L, (char *)h + DATA_OFFSET);
}
