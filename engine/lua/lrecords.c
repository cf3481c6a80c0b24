/* lrecords.c - the records protocol (see lrecords.h). */
#include "lrecords.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lgci.h"
#include "output.h"
#include "table.h"

static int rows_next(lua_State *L) {
  lua_Integer i = lua_tointeger(L, lua_upvalueindex(2)) + 1;
  if (lua_rawgeti(L, lua_upvalueindex(1), i) == LUA_TNIL) return 0;
  lua_pushinteger(L, i);
  lua_replace(L, lua_upvalueindex(2));
  return 1;
}

int gs_records_rows(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  lua_pushinteger(L, 0);
  lua_pushcclosure(L, rows_next, 2);
  return 1;
}

/* A memory stream owned by a userdata, so that a Lua error raised while
 * it is written cannot leak it. */
typedef struct {
  FILE *f;
  char *buf;
  size_t len;
} membuf;

static int membuf_gc(lua_State *L) {
  membuf *m = lua_touserdata(L, 1);
  if (m->f) fclose(m->f);
  m->f = NULL;
  free(m->buf);
  m->buf = NULL;
  return 0;
}

/* __tostring: the table gcisim prints for the object, without the last
 * newline (print adds one). */
int gs_records_tostring(lua_State *L) {
  membuf *m = lua_newuserdatauv(L, sizeof *m, 0);
  memset(m, 0, sizeof *m);
  if (luaL_newmetatable(L, "gci.membuf")) {
    lua_pushcfunction(L, membuf_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushliteral(L, "gci.membuf");
    lua_setfield(L, -2, "__metatable");
  }
  lua_setmetatable(L, -2);
  m->f = open_memstream(&m->buf, &m->len);
  if (!m->f) return luaL_error(L, "out of memory");
  gs_output_value(L, 1, GS_FMT_TABLE, m->f);
  int bad = fclose(m->f) != 0;
  m->f = NULL;
  if (bad) return luaL_error(L, "out of memory");
  size_t n = m->len;
  while (n > 0 && m->buf[n - 1] == '\n') n--;
  lua_pushlstring(L, m->buf, n);
  return 1; /* the userdata's __gc frees buf */
}

/* Builds the metatable with the column list on the stack top (popped)
 * and sets it on t. */
static void finish(lua_State *L, int t, const char *kind, const char *footer, const luaL_Reg *methods) {
  int cols = lua_gettop(L);
  lua_createtable(L, 0, 6);
  lua_pushvalue(L, cols);
  lua_setfield(L, -2, "__columns");
  if (footer) {
    lua_pushstring(L, footer);
    lua_setfield(L, -2, "__footer");
  }
  lua_pushcfunction(L, gs_records_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_createtable(L, 0, 4);
  lua_pushcfunction(L, gs_records_rows);
  lua_setfield(L, -2, "rows");
  if (methods) luaL_setfuncs(L, methods, 0);
  lua_setfield(L, -2, "__index");
  lua_pushstring(L, kind);
  lua_setfield(L, -2, "__name");
  lua_pushstring(L, kind);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, t);
  lua_settop(L, cols - 1);
}

void gs_records_setmeta(lua_State *L, int t, const char *kind, const char *const *cols, const char *footer,
                        const luaL_Reg *methods) {
  t = lua_absindex(L, t);
  lua_newtable(L);
  for (int i = 0; cols[i]; i++) {
    lua_pushstring(L, cols[i]);
    lua_rawseti(L, -2, i + 1);
  }
  finish(L, t, kind, footer, methods);
}

void gs_records_setmeta_list(lua_State *L, int t, const char *kind, int cols, const char *footer,
                             const luaL_Reg *methods) {
  t = lua_absindex(L, t);
  cols = lua_absindex(L, cols);
  size_t n = lua_rawlen(L, cols);
  lua_createtable(L, (int)n, 0);
  for (size_t i = 1; i <= n; i++) {
    if (lua_rawgeti(L, cols, (lua_Integer)i) != LUA_TSTRING)
      luaL_error(L, "column %d is not a name (a string)", (int)i);
    lua_rawseti(L, -2, (lua_Integer)i);
  }
  finish(L, t, kind, footer, methods);
}

void gs_records_adopt(lua_State *L, int t, const char *kind, const luaL_Reg *methods) {
  t = lua_absindex(L, t);
  int top = lua_gettop(L);
  if (!lua_getmetatable(L, t)) lua_newtable(L);
  int mt = lua_gettop(L);
  if (lua_getfield(L, mt, "__columns") != LUA_TTABLE) luaL_error(L, "%s: no column list", kind);
  int cols = lua_gettop(L);
  const char *footer = lua_getfield(L, mt, "__footer") == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
  gs_records_setmeta_list(L, t, kind, cols, footer, methods); /* footer anchored at the top */
  lua_settop(L, top);
}

void gs_records_push_table(lua_State *L, const gs_table *t, const char *kind, const luaL_Reg *methods) {
  size_t nr = gs_table_rows(t), nc = gs_table_columns(t);
  lua_createtable(L, (int)nr, 0);
  int list = lua_gettop(L);
  for (size_t i = 0; i < nr; i++) {
    lua_createtable(L, 0, (int)nc);
    for (size_t j = 0; j < nc; j++) {
      double num;
      long long in;
      int b;
      const char *text;
      switch (gs_table_cell(t, i, j, &num, &in, &b, &text)) {
      case GS_CELL_NUMBER: gs_lua_pushnum(L, num); break;
      case GS_CELL_INTEGER: lua_pushinteger(L, (lua_Integer)in); break;
      case GS_CELL_BOOL: lua_pushboolean(L, b); break;
      case GS_CELL_TEXT: lua_pushstring(L, text); break;
      default: continue;
      }
      lua_setfield(L, -2, gs_table_column(t, j));
    }
    lua_rawseti(L, list, (lua_Integer)i + 1);
  }
  lua_createtable(L, (int)nc, 0);
  for (size_t j = 0; j < nc; j++) {
    lua_pushstring(L, gs_table_column(t, j));
    lua_rawseti(L, -2, (lua_Integer)j + 1);
  }
  gs_records_setmeta_list(L, list, kind, lua_gettop(L), gs_table_footer(t), methods);
  lua_settop(L, list);
}
