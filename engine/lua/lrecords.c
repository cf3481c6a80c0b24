/* lrecords.c - the records protocol (see lrecords.h). */
#include "lrecords.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lbox.h"
#include "lgci.h"
#include "output.h"
#include "table.h"

static int rows_next(lua_State *L) {
  lua_Integer i = lua_tointeger(L, lua_upvalueindex(2)) + 1;
  /* lua_geti: a lazy records object makes its records as they are read */
  if (lua_geti(L, lua_upvalueindex(1), i) == LUA_TNIL) return 0;
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

/* A memory stream in a box (lbox.h), so that a Lua error raised while it
 * is written cannot leak it. */
typedef struct {
  FILE *f;
  char *buf;
  size_t len;
} membuf;

static void membuf_release(lua_State *L, void *data) {
  (void)L;
  membuf *m = data;
  if (m->f) fclose(m->f);
  m->f = NULL;
  free(m->buf);
  m->buf = NULL;
}

/* __tostring: the table gcisim prints for the object, without the last
 * newline (print adds one). */
int gs_records_tostring(lua_State *L) {
  membuf *m = gs_lua_newbox(L, sizeof *m, membuf_release);
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

/* ---------- lazy records (see lrecords.h) ---------- */

#define LAZY_MT "gci.lazyrows"

/* The source userdata: this header, the bitmap of records made, then the
 * kind's data.  User value 1 is the column list (strings), 2.. the kind's
 * anchors. */
typedef struct {
  const gs_lazy_class *cls;
  size_t n, ncols;
  unsigned char *made; /* n bits, inside the userdata */
  void *data;          /* inside the userdata */
} lazy_src;

void *gs_records_lazy_new(lua_State *L, const gs_lazy_class *cls, size_t n, size_t size, int anchors) {
  const size_t al = _Alignof(max_align_t);
  size_t head = (sizeof(lazy_src) + al - 1) / al * al;
  size_t bits = ((n + 7) / 8 + al - 1) / al * al;
  if (n > ((size_t)-1 - head - size) / 2) luaL_error(L, "out of memory");
  lazy_src *s = lua_newuserdatauv(L, head + bits + size, 1 + anchors);
  memset(s, 0, head + bits + size);
  s->cls = cls;
  s->n = n;
  s->made = (unsigned char *)s + head;
  s->data = (unsigned char *)s + head + bits;
  if (luaL_newmetatable(L, LAZY_MT)) {
    lua_pushliteral(L, LAZY_MT);
    lua_setfield(L, -2, "__metatable");
  }
  lua_setmetatable(L, -2);
  return s->data;
}

static int made(const lazy_src *s, size_t i) { return (s->made[i >> 3] >> (i & 7)) & 1; }
static void set_made(lazy_src *s, size_t i) { s->made[i >> 3] |= (unsigned char)(1u << (i & 7)); }

/* The source of the lazy records object at t (pushed), or NULL (nothing
 * pushed).  The metatable is read raw: __metatable hides it from scripts,
 * and a script cannot make a userdata of this type. */
static lazy_src *push_src(lua_State *L, int t) {
  if (!lua_istable(L, t) || luaL_getmetafield(L, t, "__lazy") == LUA_TNIL) return NULL;
  lazy_src *s = luaL_testudata(L, -1, LAZY_MT);
  if (!s) lua_pop(L, 1);
  return s;
}

/* Pushes a number cell as gs_lua_pushnum would. */
static void push_cell(lua_State *L, gs_cell_kind k, double num, long long in, int b, const char *text) {
  switch (k) {
  case GS_CELL_NUMBER: gs_lua_pushnum(L, num); break;
  case GS_CELL_INTEGER: lua_pushinteger(L, (lua_Integer)in); break;
  case GS_CELL_BOOL: lua_pushboolean(L, b); break;
  case GS_CELL_TEXT: lua_pushstring(L, text); break;
  default: lua_pushnil(L);
  }
}

/* Makes record i (0-based, not made yet) of the list t from the source at
 * src (checked) and stores it; leaves it on the stack. */
static void make_row(lua_State *L, int t, int src, lazy_src *s, size_t i) {
  lua_getiuservalue(L, src, 1);
  int cols = lua_gettop(L);
  lua_createtable(L, 0, (int)s->ncols);
  for (size_t j = 0; j < s->ncols; j++) {
    double num = 0;
    long long in = 0;
    int b = 0;
    const char *text = NULL;
    gs_cell_kind k = s->cls->cell(s->data, i, j, &num, &in, &b, &text);
    if (k == GS_CELL_NONE) continue;
    lua_rawgeti(L, cols, (lua_Integer)j + 1);
    push_cell(L, k, num, in, b, text);
    lua_rawset(L, -3);
  }
  lua_remove(L, cols);
  set_made(s, i);
  lua_pushvalue(L, -1);
  lua_rawseti(L, t, (lua_Integer)i + 1);
}

static void check_src(lua_State *L, int src, lazy_src *s) {
  if (s->cls->check) s->cls->check(L, src, s->data);
}

/* Element i (1-based) of the list as a plain list of records would have
 * it: 1 when it is there (not pushed). */
static int has(lua_State *L, int t, lazy_src *s, lua_Integer i) {
  if (i >= 1 && (size_t)i <= s->n && !made(s, (size_t)i - 1)) return 1;
  int ty = lua_rawgeti(L, t, i);
  lua_pop(L, 1);
  return ty != LUA_TNIL;
}

/* The length of the lazy list t: a border of the list it stands for. */
static size_t lazy_len(lua_State *L, int t, lazy_src *s) {
  lua_Integer k = (lua_Integer)s->n;
  if (k == 0) return lua_rawlen(L, t);
  if (has(L, t, s, k)) {
    while (has(L, t, s, k + 1)) k++;
  } else {
    while (k > 0 && !has(L, t, s, k)) k--;
  }
  return (size_t)k;
}

/* __index(t, k): record k, made on first use; other keys: the methods.
 * Upvalue 1 is the methods table (as for every records object whose
 * __index is a function), upvalue 2 the source. */
static int lazy_index(lua_State *L) {
  lazy_src *s = lua_touserdata(L, lua_upvalueindex(2));
  int isint = 0;
  lua_Integer i = lua_type(L, 2) == LUA_TNUMBER ? lua_tointegerx(L, 2, &isint) : 0;
  if (isint) {
    if (i >= 1 && (size_t)i <= s->n && !made(s, (size_t)i - 1)) {
      check_src(L, lua_upvalueindex(2), s);
      make_row(L, 1, lua_upvalueindex(2), s, (size_t)i - 1);
      return 1;
    }
    lua_pushnil(L);
    return 1;
  }
  lua_pushvalue(L, 2);
  lua_rawget(L, lua_upvalueindex(1));
  return 1;
}

/* __newindex(t, k, v) (k not in t): a record assigned before it was read
 * is the script's, not the source's. */
static int lazy_newindex(lua_State *L) {
  lazy_src *s = lua_touserdata(L, lua_upvalueindex(1));
  int isint = 0;
  lua_Integer i = lua_type(L, 2) == LUA_TNUMBER ? lua_tointegerx(L, 2, &isint) : 0;
  if (isint && i >= 1 && (size_t)i <= s->n) set_made(s, (size_t)i - 1);
  lua_settop(L, 3);
  lua_rawset(L, 1);
  return 0;
}

static int lazy_lenmm(lua_State *L) {
  lazy_src *s = lua_touserdata(L, lua_upvalueindex(1));
  lua_pushinteger(L, (lua_Integer)lazy_len(L, 1, s));
  return 1;
}

static int lazy_next(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 2);
  if (lua_next(L, 1)) return 2;
  lua_pushnil(L);
  return 1;
}

/* __pairs: every record made, then the raw traversal (as next). */
static int lazy_pairs(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  gs_records_materialise(L, 1);
  lua_pushcfunction(L, lazy_next);
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

void gs_records_lazy_push(lua_State *L, int src, const char *kind, const char *const *cols, const char *footer,
                          const luaL_Reg *methods) {
  src = lua_absindex(L, src);
  lazy_src *s = luaL_checkudata(L, src, LAZY_MT);
  lua_newtable(L);
  for (int i = 0; cols[i]; i++) {
    lua_pushstring(L, cols[i]);
    lua_rawseti(L, -2, i + 1);
    s->ncols = (size_t)i + 1;
  }
  lua_setiuservalue(L, src, 1);
  lua_newtable(L); /* the list: records are made into it */
  int t = lua_gettop(L);
  gs_records_setmeta(L, t, kind, cols, footer, methods);
  lua_getmetatable(L, t);
  int mt = lua_gettop(L);
  lua_pushvalue(L, src);
  lua_setfield(L, mt, "__lazy");
  lua_getfield(L, mt, "__index"); /* the methods table */
  lua_pushvalue(L, src);
  lua_pushcclosure(L, lazy_index, 2);
  lua_setfield(L, mt, "__index");
  lua_pushvalue(L, src);
  lua_pushcclosure(L, lazy_newindex, 1);
  lua_setfield(L, mt, "__newindex");
  lua_pushvalue(L, src);
  lua_pushcclosure(L, lazy_lenmm, 1);
  lua_setfield(L, mt, "__len");
  lua_pushcfunction(L, lazy_pairs);
  lua_setfield(L, mt, "__pairs");
  lua_settop(L, t);
}

void gs_records_lazy_setn(lua_State *L, int src, size_t n) {
  lazy_src *s = luaL_checkudata(L, src, LAZY_MT);
  if (n < s->n) s->n = n;
}

size_t gs_records_len(lua_State *L, int t) {
  t = lua_absindex(L, t);
  lazy_src *s = push_src(L, t);
  if (!s) return lua_rawlen(L, t);
  size_t n = lazy_len(L, t, s);
  lua_pop(L, 1);
  return n;
}

void gs_records_materialise(lua_State *L, int t) {
  t = lua_absindex(L, t);
  lazy_src *s = push_src(L, t);
  if (!s) return;
  int src = lua_gettop(L);
  check_src(L, src, s);
  luaL_checkstack(L, 8, "records");
  for (size_t i = 0; i < s->n; i++)
    if (!made(s, i)) {
      make_row(L, t, src, s, i);
      lua_pop(L, 1);
    }
  lua_pop(L, 1);
}

const gs_lazy_class *gs_records_lazy_source(lua_State *L, int t, const void **data, size_t *n, size_t *ncols) {
  t = lua_absindex(L, t);
  lazy_src *s = push_src(L, t);
  if (!s) return NULL;
  check_src(L, lua_gettop(L), s);
  *data = s->data;
  *n = s->n;
  *ncols = s->ncols;
  return s->cls;
}

int gs_records_lazy_unmade(lua_State *L, int t, int src, size_t i) {
  lazy_src *s = lua_touserdata(L, src);
  if (i >= s->n || made(s, i)) return 0;
  int ty = lua_rawgeti(L, t, (lua_Integer)i + 1); /* a script's rawset */
  lua_pop(L, 1);
  return ty == LUA_TNIL;
}
