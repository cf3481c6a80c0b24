/* output.c - printing script values: a Lua value becomes a gs_table
 * (table.h), which is then rendered (see output.h). */
#include "output.h"

#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lbox.h"
#include "lgci.h"
#include "lrecords.h"
#include "sandbox.h"
#include "table.h"

/* The table being built, owned by a userdata so that a Lua error (a
 * __tostring that raises, a memory limit) cannot leak it; its bytes are
 * charged to the script's memory limit. */
typedef struct {
  gs_table *t;
  size_t charged;
  int sandboxed;
} tbox;

static void tbox_release(lua_State *L, void *data) {
  tbox *b = data;
  if (b->charged && b->sandboxed) gs_sandbox_release(L, b->charged);
  gs_table_free(b->t);
  b->t = NULL;
  b->charged = 0;
}

static tbox *push_box(lua_State *L) {
  tbox *b = gs_lua_newbox(L, sizeof *b, tbox_release);
  gs_ctx *c = gs_lua_getctx(L);
  b->sandboxed = c && c->sandbox;
  return b;
}

/* Charges what the table grew by since the last call. */
static void charge(lua_State *L, tbox *b) {
  size_t now = gs_table_bytes(b->t);
  if (!b->sandboxed || now <= b->charged) return;
  if (gs_sandbox_charge(L, now - b->charged) != 0) {
    gs_ctx *c = gs_lua_getctx(L);
    luaL_error(L, "%s", gs_sandbox_limit_message(c->sandbox));
  }
  b->charged = now;
}

static void oom(lua_State *L, int rc) {
  if (rc != 0) luaL_error(L, "out of memory while printing");
}

/* A new table in the box b with the column names in the list at `names`
 * (strings, anchored there: no Lua code runs until they are copied). */
static void new_table(lua_State *L, tbox *b, int names, int bare) {
  size_t n = lua_rawlen(L, names);
  const char **v = malloc((n ? n : 1) * sizeof *v);
  if (!v) luaL_error(L, "out of memory while printing");
  for (size_t j = 0; j < n; j++) {
    lua_rawgeti(L, names, (lua_Integer)j + 1);
    v[j] = lua_tostring(L, -1); /* a string: the list holds it */
    lua_pop(L, 1);
  }
  b->t = gs_table_new(n, v, bare);
  free(v);
  if (!b->t) luaL_error(L, "out of memory while printing");
  charge(L, b);
}

/* Puts the value at stack top (popped) in cell (row, col).  Numbers,
 * strings, booleans and nil are cells as they are; a value whose
 * metatable has __tostring prints as that text; anything else cannot be
 * printed (it would show as a "table: 0x..." address). */
static void set_cell(lua_State *L, tbox *b, size_t row, size_t col, const char *where) {
  switch (lua_type(L, -1)) {
  case LUA_TNIL: break;
  case LUA_TNUMBER:
    if (lua_isinteger(L, -1)) gs_table_set_integer(b->t, row, col, (long long)lua_tointeger(L, -1));
    else gs_table_set_number(b->t, row, col, lua_tonumber(L, -1));
    break;
  case LUA_TBOOLEAN: gs_table_set_bool(b->t, row, col, lua_toboolean(L, -1)); break;
  case LUA_TSTRING: {
    size_t len;
    const char *s = lua_tolstring(L, -1, &len);
    oom(L, gs_table_set_text(b->t, row, col, s, len));
    break;
  }
  default:
    /* A tabular object (records, a result) prints as a whole table: in a
     * cell its lines would break the table around it. */
    if (luaL_getmetafield(L, -1, "__columns") != LUA_TNIL || luaL_getmetafield(L, -1, "__rows") != LUA_TNIL)
      luaL_error(L, "cannot print %s: a table of records cannot be a cell (return or print it on its own)", where);
    if (luaL_getmetafield(L, -1, "__tostring") == LUA_TNIL)
      luaL_error(L, "cannot print %s: a %s has no text (return numbers, strings or records)", where,
                 luaL_typename(L, -1));
    lua_pop(L, 1);
    size_t len;
    const char *s = luaL_tolstring(L, -1, &len); /* may run script code: copied at once */
    oom(L, gs_table_set_text(b->t, row, col, s, len));
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

static int is_scalar(int type) { return type == LUA_TNUMBER || type == LUA_TSTRING || type == LUA_TBOOLEAN; }

/* Pushes the column list of a records object: its __columns metafield,
 * checked (a list of strings), copied into a list of our own. */
static int push_meta_columns(lua_State *L, int t) {
  int ty = luaL_getmetafield(L, t, "__columns");
  if (ty == LUA_TNIL) return 0;
  if (ty != LUA_TTABLE) luaL_error(L, "cannot print: __columns must be a list of column names, not a %s", lua_typename(L, ty));
  int src = lua_gettop(L);
  size_t n = lua_rawlen(L, src);
  lua_createtable(L, (int)n, 0);
  for (size_t j = 1; j <= n; j++) {
    if (lua_rawgeti(L, src, (lua_Integer)j) != LUA_TSTRING)
      luaL_error(L, "cannot print: __columns[%d] must be a column name (a string), not a %s", (int)j, luaL_typename(L, -1));
    lua_rawseti(L, -2, (lua_Integer)j);
  }
  lua_remove(L, src);
  return 1;
}

/* Orders the keys of one record: "iso3" and "country" first, then the
 * rest by name. */
static int key_cmp(const void *a, const void *b) {
  const char *x = *(const char *const *)a, *y = *(const char *const *)b;
  static const char *const first[] = {"iso3", "country"};
  for (int i = 0; i < 2; i++) {
    int fx = strcmp(x, first[i]) == 0, fy = strcmp(y, first[i]) == 0;
    if (fx != fy) return fy - fx;
  }
  return strcmp(x, y);
}

/* The column list of a list of plain records at t (n of them): the keys
 * of the first record (iso3 and country first, then by name), then the
 * keys only later records have, in the order they first appear.  Pushes
 * two lists: the keys as they are in the records, and their names. */
static void push_record_columns(lua_State *L, int t, size_t n) {
  lua_newtable(L); /* keys */
  int keys = lua_gettop(L);
  lua_newtable(L); /* names */
  int names = lua_gettop(L);
  lua_newtable(L); /* seen: key -> true */
  int seen = lua_gettop(L);
  lua_Integer nk = 0;
  for (size_t i = 1; i <= n; i++) {
    lua_rawgeti(L, t, (lua_Integer)i);
    int row = lua_gettop(L);
    /* this record's new keys, as strings in a userdata-free list */
    lua_newtable(L);
    int fresh = lua_gettop(L);
    size_t nf = 0;
    lua_pushnil(L);
    while (lua_next(L, row)) {
      lua_pop(L, 1);
      int kt = lua_type(L, -1);
      if (kt != LUA_TSTRING && !lua_isinteger(L, -1))
        luaL_error(L, "cannot print record %d: its keys must be names or whole numbers, not a %s", (int)i,
                   lua_typename(L, kt));
      lua_pushvalue(L, -1);
      if (lua_rawget(L, seen) == LUA_TNIL) {
        lua_pushvalue(L, -2);
        lua_rawseti(L, fresh, (lua_Integer)++nf);
      }
      lua_pop(L, 1);
    }
    /* sort them by their names */
    const char **nm = lua_newuserdatauv(L, (nf ? nf : 1) * 2 * sizeof *nm, 0);
    for (size_t j = 0; j < nf; j++) {
      lua_rawgeti(L, fresh, (lua_Integer)j + 1);
      lua_pushstring(L, lua_tostring(L, -1)); /* the name (a copy for integers) */
      lua_rawseti(L, fresh, (lua_Integer)(nf + j + 1)); /* anchored */
      lua_pop(L, 1);
      lua_rawgeti(L, fresh, (lua_Integer)(nf + j + 1));
      nm[j] = lua_tostring(L, -1);
      lua_pop(L, 1);
    }
    /* sort index pairs: names, then look keys up by position */
    typedef struct { const char *name; size_t pos; } pair;
    pair *pr = lua_newuserdatauv(L, (nf ? nf : 1) * sizeof *pr, 0);
    for (size_t j = 0; j < nf; j++) pr[j] = (pair){nm[j], j};
    qsort(pr, nf, sizeof *pr, key_cmp); /* name is the first member */
    for (size_t j = 0; j < nf; j++) {
      lua_rawgeti(L, fresh, (lua_Integer)pr[j].pos + 1);
      lua_pushvalue(L, -1);
      lua_pushboolean(L, 1);
      lua_rawset(L, seen);
      lua_rawseti(L, keys, ++nk);
      lua_rawgeti(L, fresh, (lua_Integer)(nf + pr[j].pos + 1));
      lua_rawseti(L, names, nk);
    }
    lua_settop(L, row - 1);
  }
  lua_settop(L, names);
}

/* A map (no list part, as r:ranks()) prints as key,value records sorted
 * by key: numerically when every key is a number, else by text. */
typedef struct { double num; const char *text; lua_Integer slot; } mapkey;
static int mapkey_num(const void *a, const void *b) {
  const mapkey *x = a, *y = b;
  return (x->num > y->num) - (x->num < y->num);
}
static int mapkey_text(const void *a, const void *b) {
  return strcmp(((const mapkey *)a)->text, ((const mapkey *)b)->text);
}

static void map_table(lua_State *L, tbox *b, int t) {
  lua_newtable(L); /* keys, in a list of our own */
  int keys = lua_gettop(L);
  lua_Integer n = 0;
  int allnum = 1;
  lua_pushnil(L);
  while (lua_next(L, t)) {
    lua_pop(L, 1);
    allnum &= lua_type(L, -1) == LUA_TNUMBER;
    lua_pushvalue(L, -1);
    lua_rawseti(L, keys, ++n);
  }
  lua_newtable(L); /* their texts, anchored */
  int texts = lua_gettop(L);
  mapkey *mk = lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *mk, 0);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, keys, i);
    mk[i - 1].num = lua_type(L, -1) == LUA_TNUMBER ? lua_tonumber(L, -1) : 0;
    if (lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER) lua_pushstring(L, lua_tostring(L, -1));
    else lua_pushfstring(L, "(%s)", luaL_typename(L, -1));
    lua_rawseti(L, texts, i);
    lua_pop(L, 1);
    lua_rawgeti(L, texts, i);
    mk[i - 1].text = lua_tostring(L, -1);
    lua_pop(L, 1);
    mk[i - 1].slot = i;
  }
  qsort(mk, (size_t)n, sizeof *mk, allnum ? mapkey_num : mapkey_text);
  lua_createtable(L, 2, 0);
  lua_pushliteral(L, "key");
  lua_rawseti(L, -2, 1);
  lua_pushliteral(L, "value");
  lua_rawseti(L, -2, 2);
  new_table(L, b, lua_gettop(L), 0);
  lua_pop(L, 1);
  for (lua_Integer i = 0; i < n; i++) {
    oom(L, gs_table_add_row(b->t));
    lua_rawgeti(L, keys, mk[i].slot);
    lua_pushvalue(L, -1);
    set_cell(L, b, (size_t)i, 0, "a key");
    char where[160];
    snprintf(where, sizeof where, "the value of '%s'", mk[i].text);
    lua_rawget(L, t);
    set_cell(L, b, (size_t)i, 1, where);
    charge(L, b);
  }
  lua_settop(L, keys - 1);
}

/* A lazy records object's source (lrecords.h), when the list has one. */
typedef struct {
  const gs_lazy_class *cls;
  const void *data;
  size_t n, ncols;
  int src; /* its stack index */
} lazy;

/* Row `row` of the table from record i (0-based) of the source: the cells
 * gs_records would have put in the record, without making it. */
static void lazy_row(lua_State *L, tbox *b, const lazy *z, size_t i, size_t row, size_t nc) {
  for (size_t j = 0; j < nc && j < z->ncols; j++) {
    double num = 0;
    long long in = 0;
    int bo = 0;
    const char *text = NULL;
    switch (z->cls->cell(z->data, i, j, &num, &in, &bo, &text)) {
    case GS_CELL_NUMBER: /* as gs_lua_pushnum: whole numbers are integers */
      if (num == floor(num) && fabs(num) < 9007199254740992.0) gs_table_set_integer(b->t, row, j, (long long)num);
      else gs_table_set_number(b->t, row, j, num);
      break;
    case GS_CELL_INTEGER: gs_table_set_integer(b->t, row, j, in); break;
    case GS_CELL_BOOL: gs_table_set_bool(b->t, row, j, bo); break;
    case GS_CELL_TEXT: oom(L, gs_table_set_text(b->t, row, j, text, strlen(text))); break;
    default: break;
    }
  }
}

/* Fills the box with the records list at t (n records), columns from the
 * list `keys` (the keys to read) named by the list `names`; the records a
 * lazy list (z, or NULL) has not made come from its source. */
static void records_table(lua_State *L, tbox *b, int t, size_t n, int keys, int names, const lazy *z) {
  new_table(L, b, names, 0);
  size_t nc = lua_rawlen(L, keys);
  char where[160];
  for (size_t i = 1; i <= n; i++) {
    oom(L, gs_table_add_row(b->t));
    if (z && gs_records_lazy_unmade(L, t, z->src, i - 1)) {
      lazy_row(L, b, z, i - 1, i - 1, nc);
      charge(L, b);
      continue;
    }
    int ty = lua_rawgeti(L, t, (lua_Integer)i);
    if (ty != LUA_TTABLE && ty != LUA_TNIL)
      luaL_error(L, "cannot print record %d: it is a %s, not a table of fields", (int)i, lua_typename(L, ty));
    for (size_t j = 1; j <= nc && ty == LUA_TTABLE; j++) {
      lua_rawgeti(L, keys, (lua_Integer)j);
      lua_rawget(L, -2); /* raw: no script code between reading and copying */
      lua_rawgeti(L, names, (lua_Integer)j);
      snprintf(where, sizeof where, "record %d, column '%s'", (int)i, lua_tostring(L, -1));
      lua_pop(L, 1);
      set_cell(L, b, i - 1, j - 1, where);
    }
    lua_pop(L, 1);
    charge(L, b);
  }
}

/* Checks and reads a __footer metafield into the table. */
static void take_footer(lua_State *L, tbox *b, int obj) {
  int ty = luaL_getmetafield(L, obj, "__footer");
  if (ty == LUA_TNIL) return;
  if (ty != LUA_TSTRING) luaL_error(L, "cannot print: __footer must be a string, not a %s", lua_typename(L, ty));
  oom(L, gs_table_set_footer(b->t, lua_tostring(L, -1)));
  lua_pop(L, 1);
  charge(L, b);
}

/* Converts the value at idx into a gs_table in a box pushed on the stack
 * (NULL table: nothing to print).  meta: where the footer may also be. */
static tbox *to_table(lua_State *L, int idx, int meta) {
  tbox *b = push_box(L);
  int box = lua_gettop(L);
  int ty = lua_type(L, idx);
  if (ty == LUA_TNIL || ty == LUA_TNONE) return b;
  if (ty != LUA_TTABLE) { /* one value */
    lua_createtable(L, 1, 0);
    lua_pushliteral(L, "value");
    lua_rawseti(L, -2, 1);
    new_table(L, b, lua_gettop(L), 1);
    lua_pop(L, 1);
    oom(L, gs_table_add_row(b->t));
    lua_pushvalue(L, idx);
    set_cell(L, b, 0, 0, "the value returned");
    charge(L, b);
    return b;
  }
  size_t n = lua_rawlen(L, idx);
  if (push_meta_columns(L, idx)) { /* a records object */
    int names = lua_gettop(L);
    lazy z;
    z.cls = gs_records_lazy_source(L, idx, &z.data, &z.n, &z.ncols); /* pushes the source */
    z.src = lua_gettop(L);
    n = gs_records_len(L, idx);
    records_table(L, b, idx, n, names, names, z.cls ? &z : NULL);
  } else if (n == 0) {
    lua_pushnil(L);
    int empty = !lua_next(L, idx);
    if (!empty) lua_pop(L, 2);
    if (empty) {
      lua_createtable(L, 1, 0);
      lua_pushliteral(L, "value");
      lua_rawseti(L, -2, 1);
      new_table(L, b, lua_gettop(L), 1); /* nothing: an empty list */
    } else {
      map_table(L, b, idx);
    }
  } else {
    /* a list: of scalars (one per line) or of records, not a mix */
    int first = lua_rawgeti(L, idx, 1);
    lua_pop(L, 1);
    int records = first == LUA_TTABLE;
    if (!records && !is_scalar(first))
      luaL_error(L, "cannot print item 1 of the list: a %s has no text (return numbers, strings or records)",
                 lua_typename(L, first));
    for (size_t i = 2; i <= n; i++) {
      int ti = lua_rawgeti(L, idx, (lua_Integer)i);
      lua_pop(L, 1);
      if (records ? ti != LUA_TTABLE : !is_scalar(ti))
        luaL_error(L, "cannot print the list: item 1 is a %s but item %d is a %s (a list prints either values or "
                   "records)", lua_typename(L, first), (int)i, lua_typename(L, ti));
    }
    if (records) {
      push_record_columns(L, idx, n);
      if (lua_rawlen(L, -1) == 0)
        luaL_error(L, "cannot print the list: its %d records have no fields", (int)n);
      records_table(L, b, idx, n, lua_gettop(L) - 1, lua_gettop(L), NULL);
    } else {
      lua_createtable(L, 1, 0);
      lua_pushliteral(L, "value");
      lua_rawseti(L, -2, 1);
      new_table(L, b, lua_gettop(L), 1);
      for (size_t i = 1; i <= n; i++) {
        oom(L, gs_table_add_row(b->t));
        lua_rawgeti(L, idx, (lua_Integer)i);
        set_cell(L, b, i - 1, 0, "a list item");
      }
      charge(L, b);
    }
  }
  lua_settop(L, box);
  take_footer(L, b, idx);
  if (meta != idx && !gs_table_footer(b->t)) take_footer(L, b, meta);
  return b;
}

int gs_output_value(lua_State *L, int idx, gs_format fmt, FILE *f) {
  idx = lua_absindex(L, idx);
  int meta = idx;
  /* __raw: text to write as it is, whatever the format (shard files). */
  int ty = luaL_getmetafield(L, idx, "__raw");
  if (ty != LUA_TNIL) {
    if (ty != LUA_TFUNCTION) return luaL_error(L, "cannot print: __raw must be a function, not a %s", lua_typename(L, ty));
    lua_pushvalue(L, idx);
    lua_call(L, 1, 1);
    if (lua_type(L, -1) != LUA_TSTRING) return luaL_error(L, "cannot print: __raw must return a string");
    size_t len;
    const char *s = lua_tolstring(L, -1, &len);
    fwrite(s, 1, len, f);
    lua_pop(L, 1);
    return 0;
  }
  ty = luaL_getmetafield(L, idx, "__rows");
  if (ty != LUA_TNIL) {
    if (ty != LUA_TFUNCTION) return luaL_error(L, "cannot print: __rows must be a function, not a %s", lua_typename(L, ty));
    lua_pushvalue(L, idx);
    lua_call(L, 1, 1);
    idx = lua_gettop(L);
  }
  tbox *b = to_table(L, idx, meta);
  if (b->t && gs_table_write(b->t, fmt, f) != 0) return luaL_error(L, "cannot write the output");
  lua_pop(L, 1);
  return 0;
}
