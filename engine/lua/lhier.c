/* lhier.c - the Lua side of index hierarchies and methodology (hier.h,
 * method.h): registered into the `gci` module by luaopen_gci.
 *
 *   gci.index{ {code=, parent=, ...}, ... }   an index tree      -> gci.index
 *   gci.index_meta(path)                      from an iMeta CSV  -> gci.index
 *   ix:compute(dataset [, options])           evaluate           -> gci.index_result
 *
 * A gci.index boxes a gs_hier, a gci.index_result a gs_h_result; both are
 * freed by __gc, so a Lua error at any point leaks nothing.  Every scratch
 * buffer is a userdata.  The custom normalisation (a Lua function) runs
 * inside gs_h_eval through a callback that calls it with lua_pcall: an
 * error there makes gs_h_eval fail and free its memory, and only then is
 * the error raised again (so limits hit inside the function still end the
 * script).  Results print as records: Lua lists whose metatable names the
 * columns in __columns. */
#include <lauxlib.h>
#include <lua.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "csvload.h"
#include "dataset.h"
#include "hier.h"
#include "lgci.h"
#include "lrecords.h"
#include "lopts.h"
#include "method.h"
#include "datadir.h"
#include "policy.h"
#include "sandbox.h"
#include "ties.h"
#include "ua.h"
#include "lindex.h" /* the analyses, hooked in by gs_lua_open_hier */

#define IX_MT "gci.index"
#define HR_MT "gci.index_result"


typedef struct {
  gs_hier *h;
} ix_box;

/* user values: 1 = the dataset userdata, 2 = the gci.index it was computed
 * with, 3 = the root's records that res[i] and res:rows() read (built once) */
typedef struct {
  gs_h_result *r;
  size_t charged;
  int digits;
  gs_ties ties;
} hr_box;

/* ------------------------------------------------------------ helpers */

static gs_hier *ix_check(lua_State *L, int i) {
  ix_box *b = luaL_checkudata(L, i, IX_MT);
  if (!b->h) luaL_error(L, "index has been freed");
  return b->h;
}

static hr_box *hr_check(lua_State *L, int i) {
  hr_box *b = luaL_checkudata(L, i, HR_MT);
  if (!b->r) luaL_error(L, "index result has been freed");
  return b;
}


static int ix_gc(lua_State *L) {
  ix_box *b = luaL_checkudata(L, 1, IX_MT);
  gs_h_free(b->h);
  b->h = NULL;
  return 0;
}

static int hr_gc(lua_State *L) {
  hr_box *b = luaL_checkudata(L, 1, HR_MT);
  if (b->charged) gs_sandbox_release(L, b->charged);
  gs_h_result_free(b->r);
  b->r = NULL;
  b->charged = 0;
  return 0;
}

/* Pushes an empty index box, then fills it with a new tree. */
static ix_box *ix_push(lua_State *L) {
  ix_box *b = lua_newuserdatauv(L, sizeof *b, 0);
  b->h = NULL;
  luaL_setmetatable(L, IX_MT);
  b->h = gs_h_new();
  if (!b->h) luaL_error(L, "out of memory");
  return b;
}


/* Gives the records list on the stack top a fresh metatable naming its
 * columns (a NULL-terminated list; NULL entries after the first are not
 * allowed, so the key column name is passed in the list by the caller). */
static void set_columns(lua_State *L, const char *const *cols) {
  lua_createtable(L, 0, 1);
  lua_newtable(L);
  for (int i = 0; cols[i]; i++) {
    lua_pushstring(L, cols[i]);
    lua_rawseti(L, -2, i + 1);
  }
  lua_setfield(L, -2, "__columns");
  lua_setmetatable(L, -2);
  gs_records_adopt(L, -1, "gci.records", NULL); /* protected (lrecords.h) */
}


/* ------------------------------------------------- method specifications */

static const char agg_list[] = "arithmetic, geometric, harmonic, power, median, min or copeland";
static const char norm_list[] =
    "minmax, zscore, rank, prank, goalposts, dist2max, dist2targ or none";

/* The long names (spec.h), or COINr's short ones (method.h). */
static int agg_kind(const char *name) {
  int k = gs_agg_parse(name);
  return k >= 0 ? k : gs_m_agg_parse(name);
}

static const char *agg_display(gs_agg k) { return gs_agg_name(k); }

/* The name of a method spec at idx (absolute), "name" or {"name",
 * parameters...}: the string, or the table's first item when it is a
 * string (still anchored by the table), else NULL; *n is the table's
 * length (0 for anything else). */
static const char *spec_name(lua_State *L, int idx, size_t *n) {
  *n = 0;
  if (lua_type(L, idx) == LUA_TSTRING) return lua_tostring(L, idx);
  if (!lua_istable(L, idx)) return NULL;
  *n = lua_rawlen(L, idx);
  lua_rawgeti(L, idx, 1);
  const char *name = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
  lua_pop(L, 1);
  return name;
}

/* Reads an aggregation spec at idx: "name" or {"power", p}. */
static void read_agg(lua_State *L, int idx, const char *what, gs_agg *kind, double *p) {
  idx = lua_absindex(L, idx);
  size_t n;
  const char *name = spec_name(L, idx, &n);
  int has_p = 0;
  *p = 1;
  if (lua_istable(L, idx)) {
    if (n > 2 || !name) luaL_error(L, "%s: an aggregation is a name or {\"power\", p}", what);
    if (n == 2) {
      lua_rawgeti(L, idx, 2);
      if (lua_type(L, -1) != LUA_TNUMBER || !isfinite(lua_tonumber(L, -1)))
        luaL_error(L, "%s: the exponent of the power mean must be a finite number", what);
      *p = lua_tonumber(L, -1);
      lua_pop(L, 1);
      has_p = 1;
    }
  } else if (!name) {
    luaL_error(L, "%s: an aggregation is a name (%s) or {\"power\", p}", what, agg_list);
  }
  int k = agg_kind(name);
  if (k < 0) luaL_error(L, "%s: unknown aggregation '%s' (%s)", what, name, agg_list);
  if (k == GS_AGG_POWER && !has_p) luaL_error(L, "%s: the power mean needs its exponent: {\"power\", p}", what);
  if (k != GS_AGG_POWER && has_p) luaL_error(L, "%s: aggregation '%s' takes no parameter", what, name);
  *kind = (gs_agg)k;
}

/* Reads a normalisation spec at idx: "name" or {"name", p1, p2, p3}. */
static void read_norm(lua_State *L, int idx, const char *what, gs_m_norm_spec *s) {
  idx = lua_absindex(L, idx);
  size_t n;
  const char *name = spec_name(L, idx, &n);
  double par[3] = {NAN, NAN, NAN};
  int npar = 0;
  if (lua_istable(L, idx)) {
    if (!name || n > 4) luaL_error(L, "%s: a normalisation is a name or {\"name\", parameters...}", what);
    for (size_t i = 2; i <= n; i++) {
      int t = lua_rawgeti(L, idx, (lua_Integer)i);
      if (t == LUA_TBOOLEAN) par[npar++] = lua_toboolean(L, -1);
      else if (t == LUA_TNUMBER && isfinite(lua_tonumber(L, -1))) par[npar++] = lua_tonumber(L, -1);
      else luaL_error(L, "%s: parameter %d of '%s' must be a finite number", what, (int)i - 1, name);
      lua_pop(L, 1);
    }
  } else if (!name) {
    luaL_error(L, "%s: a normalisation is a name (%s), {\"name\", parameters...} or a function", what, norm_list);
  }
  int k = gs_m_norm_parse(name);
  if (k < 0) luaL_error(L, "%s: unknown normalisation '%s' (%s)", what, name, norm_list);
  gs_m_norm_default((gs_m_norm_kind)k, s);
  int maxp = 0;
  switch (k) {
  case GS_NORM_MINMAX: case GS_NORM_ZSCORE: maxp = 2; break;
  case GS_NORM_GOALPOSTS: maxp = 3; break;
  case GS_NORM_DIST2TARG: maxp = 2; break;
  default: maxp = 0;
  }
  if (npar > maxp) {
    if (maxp == 0) luaL_error(L, "%s: normalisation '%s' takes no parameter", what, name);
    luaL_error(L, "%s: normalisation '%s' takes at most %d parameters", what, name, maxp);
  }
  if (npar >= 1) s->p1 = par[0];
  if (npar >= 2) {
    if (k == GS_NORM_DIST2TARG) s->cap = par[1] != 0;
    else s->p2 = par[1];
  }
  if (npar >= 3) s->p3 = par[2];
  char a[32], b[32];
  snprintf(a, sizeof a, "%g", s->p1);
  snprintf(b, sizeof b, "%g", s->p2);
  if ((k == GS_NORM_MINMAX || k == GS_NORM_GOALPOSTS) && !(s->p2 > s->p1))
    luaL_error(L, "%s: normalisation '%s' needs lo < hi (got %s, %s)", what, name, a, b);
  if (k == GS_NORM_ZSCORE && !(s->p2 > 0))
    luaL_error(L, "%s: normalisation 'zscore' needs sd > 0 (got %s)", what, b);
}

/* ------------------------------------------------------------- records */

static int nodes_records(lua_State *L, const gs_hier *h) {
  size_t n = gs_h_count(h);
  lua_createtable(L, (int)n, 0);
  lua_Integer k = 0;
  for (int lev = gs_h_max_level(h); lev >= 1; lev--)
    for (size_t i = 0; i < n; i++) {
      gs_h_node_spec s;
      gs_h_node(h, i, &s);
      if (s.level != lev) continue;
      size_t kids = 0;
      for (size_t j = 0; j < n; j++) {
        gs_h_node_spec c;
        gs_h_node(h, j, &c);
        kids += c.parent && strcmp(c.parent, s.code) == 0;
      }
      lua_createtable(L, 0, 9);
      gs_lua_setstr(L, "code", s.code);
      if (s.name) { lua_pushstring(L, s.name); lua_setfield(L, -2, "name"); }
      lua_pushinteger(L, s.level);
      lua_setfield(L, -2, "level");
      if (s.parent) { lua_pushstring(L, s.parent); lua_setfield(L, -2, "parent"); }
      gs_lua_setnum(L, "weight", s.weight);
      gs_lua_setnum(L, "effective_weight", gs_h_eff_weight(h, i));
      if (s.level == 1) {
        lua_pushinteger(L, s.direction);
        lua_setfield(L, -2, "direction");
        if (s.denominator) { lua_pushstring(L, s.denominator); lua_setfield(L, -2, "denominator"); }
      } else {
        lua_pushinteger(L, (lua_Integer)kids);
        lua_setfield(L, -2, "children");
        if (s.agg == GS_AGG_POWER) lua_pushfstring(L, "power %f", s.agg_p);
        else lua_pushstring(L, agg_display(s.agg));
        lua_setfield(L, -2, "agg");
      }
      lua_rawseti(L, -2, ++k);
    }
  return 1;
}

static const char *const levels_cols[] = {"code", "name", "level", "parent", "children", "agg",
                                          "direction", "denominator", "weight", "effective_weight",
                                          NULL};
static const char *const effw_cols[] = {"code", "level", "parent", "weight", "effective_weight", NULL};

/* ------------------------------------------------------------ gci.index */

static const char *const node_fields[] = {"code", "parent", "name", "level", "weight", "direction",
                                          "agg", "denominator", "min_share", "target", "normalise",
                                          NULL};

/* A string field of the node table at t (raw access), or NULL. */
static const char *node_str(lua_State *L, int t, const char *f, lua_Integer item) {
  lua_pushstring(L, f);
  int ty = lua_rawget(L, t);
  const char *s = NULL;
  if (ty == LUA_TSTRING) s = lua_tostring(L, -1); /* anchored by the node table */
  else if (ty != LUA_TNIL) luaL_error(L, "gci.index: item %d: field '%s' must be a string", (int)item, f);
  lua_pop(L, 1);
  return s;
}

static int node_num(lua_State *L, int t, const char *f, lua_Integer item, const char *code, double *v) {
  lua_pushstring(L, f);
  int ty = lua_rawget(L, t);
  int has = ty != LUA_TNIL;
  if (has) {
    if (ty != LUA_TNUMBER || !isfinite(lua_tonumber(L, -1)))
      luaL_error(L, "gci.index: item %d ('%s'): field '%s' must be a finite number", (int)item, code, f);
    *v = lua_tonumber(L, -1);
  }
  lua_pop(L, 1);
  return has;
}

/* gci.index{ {code=, parent=, name=, level=, weight=, direction=, agg=,
 * denominator=, min_share=, target=, normalise=}, ... } */
static int gci_index(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  /* the node strings are kept until the tree is built: read them from a
   * private copy no script code (a finalizer run by an allocation) can
   * change or free (lopts.h) */
  gs_opts_snapshot(L, 1);
  size_t n = lua_rawlen(L, 1);
  if (n == 0) return luaL_error(L, "gci.index: give a list of nodes {code = ..., parent = ...}");
  gs_h_node_spec *sp = lua_newuserdatauv(L, n * sizeof *sp, 0);           /* 2 */
  gs_m_norm_spec *nsp = lua_newuserdatauv(L, n * sizeof *nsp, 0);         /* 3 */
  long *par = lua_newuserdatauv(L, n * sizeof *par, 0);                   /* 4 */
  int *lev = lua_newuserdatauv(L, n * sizeof *lev, 0);                    /* 5 */
  char *origins = lua_newuserdatauv(L, n * 32, 0);                        /* 6 */
  for (size_t i = 0; i < n; i++) {
    lua_Integer item = (lua_Integer)i + 1;
    if (lua_rawgeti(L, 1, item) != LUA_TTABLE)
      return luaL_error(L, "gci.index: item %d is not a table {code = ..., parent = ...}", (int)item);
    int t = lua_gettop(L);
    gs_h_node_spec *s = &sp[i];
    gs_h_spec_default(s);
    s->code = node_str(L, t, "code", item);
    if (!s->code || !*s->code) return luaL_error(L, "gci.index: item %d has no code", (int)item);
    {
      char what[96];
      snprintf(what, sizeof what, "gci.index: item %d ('%s')", (int)item, s->code);
      lua_pushnil(L);
      while (lua_next(L, t)) {
        int ok = 0;
        if (lua_type(L, -2) == LUA_TSTRING)
          for (int k = 0; node_fields[k]; k++) ok |= strcmp(lua_tostring(L, -2), node_fields[k]) == 0;
        if (!ok)
          return luaL_error(L, "%s: unknown field '%s' (known: code, parent, name, level, weight, direction,"
                               " agg, denominator, min_share, target, normalise)",
                            what, lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : luaL_typename(L, -2));
        lua_pop(L, 1);
      }
      s->parent = node_str(L, t, "parent", item);
      s->name = node_str(L, t, "name", item);
      s->denominator = node_str(L, t, "denominator", item);
      double v;
      lev[i] = 0;
      if (node_num(L, t, "level", item, s->code, &v)) {
        if (v != floor(v) || v < 1 || v > 1000)
          return luaL_error(L, "%s: level must be an integer >= 1", what);
        lev[i] = (int)v;
      }
      if (node_num(L, t, "weight", item, s->code, &v)) {
        if (v < 0) return luaL_error(L, "%s: weight must be >= 0", what);
        s->weight = v;
      }
      if (node_num(L, t, "direction", item, s->code, &v)) {
        if (v != 1 && v != -1) return luaL_error(L, "%s: direction must be 1 or -1", what);
        s->direction = (int)v;
      }
      if (node_num(L, t, "min_share", item, s->code, &v)) {
        if (v < 0 || v > 1) return luaL_error(L, "%s: min_share must be from 0 to 1", what);
        s->min_share = v;
      }
      if (node_num(L, t, "target", item, s->code, &v)) s->target = v;
      if (lua_getfield(L, t, "agg") != LUA_TNIL) read_agg(L, -1, what, &s->agg, &s->agg_p);
      lua_pop(L, 1);
      if (lua_getfield(L, t, "normalise") != LUA_TNIL) {
        read_norm(L, -1, what, &nsp[i]);
        s->norm = &nsp[i];
      }
      lua_pop(L, 1);
    }
    snprintf(origins + 32 * i, 32, "gci.index item %d", (int)item);
    s->origin = origins + 32 * i;
    lua_pop(L, 1); /* the node table stays anchored in the list */
  }
  /* parents: every one must be a node of the list */
  for (size_t i = 0; i < n; i++) {
    par[i] = -1;
    for (size_t j = 0; j < i; j++)
      if (strcmp(sp[i].code, sp[j].code) == 0)
        return luaL_error(L, "gci.index: item %d: duplicate code '%s' (also item %d)", (int)i + 1, sp[i].code, (int)j + 1);
  }
  for (size_t i = 0; i < n; i++) {
    if (!sp[i].parent || !*sp[i].parent) continue;
    for (size_t j = 0; j < n && par[i] < 0; j++)
      if (strcmp(sp[i].parent, sp[j].code) == 0) par[i] = (long)j;
    if (par[i] < 0)
      return luaL_error(L, "gci.index: item %d ('%s'): unknown parent '%s'", (int)i + 1, sp[i].code, sp[i].parent);
  }
  /* cycles: walking up from any node must reach a root within n steps */
  for (size_t i = 0; i < n; i++) {
    long p = (long)i;
    for (size_t s = 0; s < n && p >= 0; s++) p = par[p];
    if (p < 0) continue;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    long q = p;
    do {
      luaL_addstring(&b, sp[q].code);
      luaL_addstring(&b, " -> ");
      q = par[q];
    } while (q != p);
    luaL_addstring(&b, sp[p].code);
    luaL_pushresult(&b);
    return luaL_error(L, "gci.index: the parents form a cycle: %s", lua_tostring(L, -1));
  }
  /* levels: given, or 1 for leaves and 1 + the highest child's above */
  for (size_t i = 0; i < n; i++) sp[i].level = lev[i] ? lev[i] : 1;
  for (size_t pass = 0; pass < n; pass++) {
    int changed = 0;
    for (size_t i = 0; i < n; i++) {
      long p = par[i];
      if (p >= 0 && !lev[p] && sp[p].level < sp[i].level + 1) { sp[p].level = sp[i].level + 1; changed = 1; }
    }
    if (!changed) break;
  }
  ix_box *b = ix_push(L);
  char err[512];
  for (size_t i = 0; i < n; i++)
    if (gs_h_add(b->h, &sp[i], err, sizeof err) != 0) return luaL_error(L, "%s", err);
  if (gs_h_validate(b->h, "gci.index", err, sizeof err) != 0) return luaL_error(L, "%s", err);
  return 1;
}

/* ------------------------------------------------------ gci.index_meta */

/* gci.index_meta(path): an index read from a COINr iMeta CSV, under the
 * same read policy as gci.load; a malformed file is a data error
 * ("file:line:column: message"). */
static int gci_index_meta(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  gs_ctx *ctx = gs_lua_getctx(L);
  char err[1024], where[4096];
  path = gs_datadir_resolve(path, where, sizeof where); /* as gci.load does */
  ix_box *b = ix_push(L);
  /* Through the one open helper (policy.h): a FIFO or device is refused at
   * once instead of blocking until the watchdog (issue 11, class 8). */
  size_t len;
  char *text = gs_policy_read_file(ctx ? ctx->policy : NULL, path, (size_t)64 << 20, &len, err, sizeof err);
  if (!text) return luaL_error(L, "gci.index_meta: %s", err);
  int rc = gs_h_load_meta_csv(b->h, text, len, path, err, sizeof err);
  free(text);
  if (rc != 0 || gs_h_validate(b->h, path, err, sizeof err) != 0) return gs_lua_data_error(L, err);
  return 1;
}

/* ix:levels() and ix:effective_weights(): the tree as records. */
static int ix_levels(lua_State *L) {
  nodes_records(L, ix_check(L, 1));
  set_columns(L, levels_cols);
  return 1;
}

static int ix_effw(lua_State *L) {
  nodes_records(L, ix_check(L, 1));
  set_columns(L, effw_cols);
  return 1;
}

static int ix_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)gs_h_count(ix_check(L, 1)));
  return 1;
}

static int ix_tostring(lua_State *L) {
  const gs_hier *h = ix_check(L, 1);
  lua_pushfstring(L, "gci.index(%d nodes, %d levels)", (int)gs_h_count(h), gs_h_max_level(h));
  return 1;
}

/* ------------------------------------------------------------- compute */

typedef struct {
  lua_State *L;
  int fn;        /* stack index of the Lua function */
  int failed;    /* the error value is on the stack top */
  int own;       /* ... and it is a message of ours, without a position */
} norm_ctx;

typedef struct {
  const char *code;
  const double *x;
  size_t n;
  int dir;
  double *out;
  int *own;
} norm_args;

/* Protected: calls fn(values, direction, code) and reads its result. */
static int norm_call(lua_State *L) {
  norm_args *a = lua_touserdata(L, 2);
  lua_createtable(L, (int)a->n, 1);
  for (size_t k = 0; k < a->n; k++) {
    if (isnan(a->x[k])) continue;
    lua_pushnumber(L, a->x[k]);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  lua_pushinteger(L, (lua_Integer)a->n);
  lua_setfield(L, -2, "n");
  lua_pushvalue(L, 1);
  lua_insert(L, -2);
  lua_pushinteger(L, a->dir);
  lua_pushstring(L, a->code);
  lua_call(L, 3, 1);
  *a->own = 1;
  if (!lua_istable(L, -1))
    return luaL_error(L, "normalise function returned %s for indicator '%s'; it must return a list of %d numbers",
                      luaL_typename(L, -1), a->code, (int)a->n);
  for (size_t k = 0; k < a->n; k++) {
    int t = lua_rawgeti(L, -1, (lua_Integer)k + 1);
    if (t == LUA_TNIL) a->out[k] = NAN;
    else if (t == LUA_TNUMBER && isfinite(lua_tonumber(L, -1))) a->out[k] = lua_tonumber(L, -1);
    else
      return luaL_error(L, "normalise function: value %d for indicator '%s' is %s, not a finite number",
                        (int)k + 1, a->code, t == LUA_TNUMBER ? "not finite" : luaL_typename(L, -1));
    lua_pop(L, 1);
  }
  *a->own = 0;
  return 0;
}

static int norm_cb(void *ud, const char *code, const double *x, size_t n, int dir, double *out, char *err,
                   size_t errlen) {
  norm_ctx *c = ud;
  lua_State *L = c->L;
  norm_args a = {code, x, n, dir, out, &c->own};
  c->own = 0;
  lua_pushcfunction(L, norm_call); /* stack space reserved by compute */
  lua_pushvalue(L, c->fn);
  lua_pushlightuserdata(L, &a);
  if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
    c->failed = 1;
    snprintf(err, errlen, "normalise function failed on '%s'", code);
    return -1;
  }
  return 0;
}

/* "group" is the deprecated name of "group_by" (a column): `group` names
 * a country group (gci.group) everywhere else. */
static const char *const compute_opts[] = {"steps", "denominate", "impute", "group_by", "screen", "treat",
                                           "normalise", "agg", "digits", "ties", "group", NULL};
static const char step_list[] = "denominate, impute, screen or treat";
static const char *const treat_opts[] = {"skew", "kurt", "points", NULL};

/* Makes a copy of the index at stack index ixi with the aggregation
 * overrides of the table at ai; pushes it. */
static const gs_hier *agg_override(lua_State *L, int ixi, int ai) {
  const gs_hier *h = ix_check(L, ixi);
  ai = lua_absindex(L, ai);
  size_t n = gs_h_count(h);
  gs_agg *kind = lua_newuserdatauv(L, (n ? n : 1) * sizeof *kind, 0);
  double *p = lua_newuserdatauv(L, (n ? n : 1) * sizeof *p, 0);
  int *by = lua_newuserdatauv(L, (n ? n : 1) * sizeof *by, 0); /* 0 none, 1 level, 2 code */
  for (size_t i = 0; i < n; i++) by[i] = 0;
  int single = lua_type(L, ai) == LUA_TSTRING;
  if (!single && lua_istable(L, ai)) {
    single = lua_rawgeti(L, ai, 1) == LUA_TSTRING;
    lua_pop(L, 1);
  }
  if (single) {
    gs_agg k;
    double pp;
    read_agg(L, ai, "compute: option 'agg'", &k, &pp);
    for (size_t i = 0; i < n; i++) { kind[i] = k; p[i] = pp; by[i] = 1; }
  } else if (lua_istable(L, ai)) {
    lua_pushnil(L);
    while (lua_next(L, ai)) {
      gs_agg k;
      double pp;
      if (lua_type(L, -2) == LUA_TNUMBER) {
        lua_Integer lv = lua_tointeger(L, -2);
        if (lv < 2 || lv > gs_h_max_level(h))
          return luaL_error(L, "compute: option 'agg': level %d has no aggregate (levels 2 to %d)", (int)lv,
                            gs_h_max_level(h)), NULL;
        char what[64];
        snprintf(what, sizeof what, "compute: option 'agg', level %d", (int)lv);
        read_agg(L, -1, what, &k, &pp);
        for (size_t i = 0; i < n; i++) {
          gs_h_node_spec s;
          gs_h_node(h, i, &s);
          if (s.level == lv && by[i] < 2) { kind[i] = k; p[i] = pp; by[i] = 1; }
        }
      } else if (lua_type(L, -2) == LUA_TSTRING) {
        const char *code = lua_tostring(L, -2);
        long i = gs_h_find(h, code);
        if (i < 0) return luaL_error(L, "compute: option 'agg': no node '%s' in the index", code), NULL;
        gs_h_node_spec s;
        gs_h_node(h, (size_t)i, &s);
        if (s.level == 1) return luaL_error(L, "compute: option 'agg': '%s' is an indicator, not an aggregate", code), NULL;
        char what[160];
        snprintf(what, sizeof what, "compute: option 'agg', node '%s'", code);
        read_agg(L, -1, what, &k, &pp);
        kind[i] = k; p[i] = pp; by[i] = 2;
      } else {
        return luaL_error(L, "compute: option 'agg': keys must be levels or node codes"), NULL;
      }
      lua_pop(L, 1);
    }
  } else {
    return luaL_error(L, "compute: option 'agg' must be an aggregation or a table {[level] = ..., code = ...}"), NULL;
  }
  ix_box *b = ix_push(L);
  char err[512];
  for (size_t i = 0; i < n; i++) {
    gs_h_node_spec s;
    gs_h_node(h, i, &s);
    if (by[i] && s.level > 1) { s.agg = kind[i]; s.agg_p = p[i]; }
    if (gs_h_add(b->h, &s, err, sizeof err) != 0) return luaL_error(L, "compute: %s", err), NULL;
  }
  if (gs_h_validate(b->h, "compute", err, sizeof err) != 0) return luaL_error(L, "compute: %s", err), NULL;
  return b->h;
}

/* Pushes a userdata of d->n group ids for the column `gname`: units with
 * equal values share an id; an empty or NaN cell is no group (-1), as an NA
 * group in COINr.  what names the option for errors. */
static int *push_groups(lua_State *L, const gs_dataset *d, const char *gname, const char *what) {
  long c = gs_dataset_col(d, gname);
  if (c < 0) return luaL_error(L, "%s: no column '%s' in %s", what, gname, d->source), NULL;
  int *groups = lua_newuserdatauv(L, (d->n ? d->n : 1) * sizeof *groups, 0);
  const gs_column *col = &d->col[c];
  for (size_t i = 0; i < d->n; i++) {
    int none = col->type == GS_COL_TEXT ? (col->text[i][0] == '\0' || strcmp(col->text[i], "NA") == 0)
                                        : isnan(col->num[i]);
    groups[i] = none ? -1 : (int)i;
    for (size_t j = 0; j < i && !none; j++) {
      if (groups[j] < 0) continue;
      int same = col->type == GS_COL_TEXT ? strcmp(col->text[i], col->text[j]) == 0 : col->num[i] == col->num[j];
      if (same) { groups[i] = groups[j]; break; }
    }
  }
  return groups;
}

/* Checks a step table: positions 1..npos (the name and its arguments) and
 * the known option names; anything else is an error naming the known ones. */
static void check_step(lua_State *L, int t, const char *const *known, lua_Integer npos, const char *what) {
  lua_pushnil(L);
  while (lua_next(L, t)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) == LUA_TNUMBER && lua_isinteger(L, -1)) {
      lua_Integer k = lua_tointeger(L, -1);
      if (k >= 1 && k <= npos) continue;
      luaL_error(L, "%s: takes %d argument%s after the step name", what, (int)npos - 1, npos == 2 ? "" : "s");
    }
    if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "%s: option names must be strings", what);
    int ok = 0;
    for (int i = 0; known[i]; i++) ok |= strcmp(lua_tostring(L, -1), known[i]) == 0;
    if (!ok) {
      luaL_Buffer b;
      luaL_buffinit(L, &b);
      for (int i = 0; known[i]; i++) {
        if (i) luaL_addstring(&b, ", ");
        luaL_addstring(&b, known[i]);
      }
      if (!known[0]) luaL_addstring(&b, "none");
      luaL_pushresult(&b);
      luaL_error(L, "%s: unknown option '%s' (known: %s)", what, lua_tostring(L, -2), lua_tostring(L, -1));
    }
  }
}

static const char *const step_denominate_opts[] = {NULL};
static const char *const step_impute_opts[] = {"group", NULL};
static const char *const step_screen_opts[] = {"by", "nonzero", NULL};
static const char *const step_treat_opts[] = {"skew", "kurt", "points", NULL};

/* Reads compute's `steps` list (at stack index si) into a userdata array of
 * gs_h_step, pushed above a table that anchors the group id arrays (both
 * stay on the stack until compute returns).  Each item is a step name or a table
 * {name, [argument], option = ...}:
 *   "denominate"
 *   {"impute", "mean" | "median" | "group_mean" | "group_median", group = column}
 *   {"screen", threshold, by = "na" | "zeros" | "both", nonzero = share}
 *   {"treat", skew = 2, kurt = 3.5, points = 5}  (or "treat") */
static gs_h_step *read_steps(lua_State *L, int si, const gs_dataset *d, size_t *n_steps) {
  si = lua_absindex(L, si);
  if (!lua_istable(L, si)) return luaL_error(L, "compute: option 'steps' must be a list of steps (%s)", step_list), NULL;
  size_t n = lua_rawlen(L, si);
  lua_newtable(L); /* anchors the group ids */
  int anchor = lua_gettop(L);
  gs_h_step *steps = lua_newuserdatauv(L, (n ? n : 1) * sizeof *steps, 0);
  int top = lua_gettop(L);
  for (size_t i = 0; i < n; i++) {
    int t = lua_rawgeti(L, si, (lua_Integer)i + 1);
    int it = lua_gettop(L);
    const char *name = NULL;
    if (t == LUA_TSTRING) name = lua_tostring(L, it);
    else if (t == LUA_TTABLE && lua_rawgeti(L, it, 1) == LUA_TSTRING)
      name = lua_tostring(L, -1); /* stays on the stack above the step table */
    if (!name)
      return luaL_error(L, "compute: steps[%d] must be a step name or {name, ...} (%s)", (int)i + 1, step_list), NULL;
    char what[64];
    snprintf(what, sizeof what, "compute: steps[%d] (%s)", (int)i + 1, name);
    gs_h_step *sp = &steps[i];
    int is_table = t == LUA_TTABLE;
    if (strcmp(name, "denominate") == 0) {
      gs_h_step_default(GS_STEP_DENOMINATE, sp);
      if (is_table) check_step(L, it, step_denominate_opts, 1, what);
    } else if (strcmp(name, "impute") == 0) {
      gs_h_step_default(GS_STEP_IMPUTE, sp);
      const char *kind = "mean";
      if (is_table) {
        check_step(L, it, step_impute_opts, 2, what);
        int kt = lua_rawgeti(L, it, 2);
        if (kt == LUA_TSTRING) kind = lua_tostring(L, -1);
        else if (kt != LUA_TNIL) return luaL_error(L, "%s: the method must be mean, median, group_mean or group_median", what), NULL;
        int k = gs_m_impute_parse(kind);
        if (k < 0) return luaL_error(L, "%s: unknown imputation '%s' (mean, median, group_mean or group_median)", what, kind), NULL;
        sp->impute_kind = (gs_m_impute_kind)k;
        lua_pop(L, 1);
        int grouped = k == GS_IMP_GROUP_MEAN || k == GS_IMP_GROUP_MEDIAN;
        int gt = lua_getfield(L, it, "group");
        if (gt != LUA_TNIL && gt != LUA_TSTRING) return luaL_error(L, "%s: option 'group' must be a column name", what), NULL;
        if (grouped && gt == LUA_TNIL) return luaL_error(L, "%s: %s needs option 'group' (a column of the dataset)", what, kind), NULL;
        if (!grouped && gt != LUA_TNIL) return luaL_error(L, "%s: option 'group' is only used with group_mean or group_median", what), NULL;
        if (grouped) {
          sp->groups = push_groups(L, d, lua_tostring(L, -1), what);
          lua_rawseti(L, anchor, (lua_Integer)lua_rawlen(L, anchor) + 1);
        }
        lua_pop(L, 1);
      }
    } else if (strcmp(name, "screen") == 0) {
      gs_h_step_default(GS_STEP_SCREEN, sp);
      if (is_table) {
        check_step(L, it, step_screen_opts, 2, what);
        int vt = lua_rawgeti(L, it, 2);
        if (vt != LUA_TNIL) {
          double v = lua_tonumber(L, -1);
          if (vt != LUA_TNUMBER || !(v >= 0 && v <= 1))
            return luaL_error(L, "%s: the threshold must be a number from 0 to 1 (the minimum share of indicators with data)", what), NULL;
          sp->dat_thresh = v;
        }
        lua_pop(L, 1);
        int bt = lua_getfield(L, it, "by");
        if (bt != LUA_TNIL) {
          const char *by = lua_tostring(L, -1);
          if (bt != LUA_TSTRING) by = "";
          if (strcmp(by, "na") == 0) sp->screen_by = GS_SCREEN_BYNA;
          else if (strcmp(by, "zeros") == 0) sp->screen_by = GS_SCREEN_BYZEROS;
          else if (strcmp(by, "both") == 0) sp->screen_by = GS_SCREEN_BOTH;
          else return luaL_error(L, "%s: option 'by' must be na, zeros or both", what), NULL;
        }
        lua_pop(L, 1);
        int zt = lua_getfield(L, it, "nonzero");
        if (zt != LUA_TNIL) {
          double v = lua_tonumber(L, -1);
          if (zt != LUA_TNUMBER || !(v >= 0 && v <= 1))
            return luaL_error(L, "%s: option 'nonzero' must be a number from 0 to 1", what), NULL;
          sp->nonzero_thresh = v;
        }
        lua_pop(L, 1);
      }
    } else if (strcmp(name, "treat") == 0) {
      gs_h_step_default(GS_STEP_TREAT, sp);
      if (is_table) {
        check_step(L, it, step_treat_opts, 1, what);
        if (lua_getfield(L, it, "skew") != LUA_TNIL) {
          if (!lua_isnumber(L, -1) || !(lua_tonumber(L, -1) > 0)) return luaL_error(L, "%s: skew must be a number > 0", what), NULL;
          sp->skew_thresh = lua_tonumber(L, -1);
        }
        if (lua_getfield(L, it, "kurt") != LUA_TNIL) {
          if (!lua_isnumber(L, -1) || !isfinite(lua_tonumber(L, -1))) return luaL_error(L, "%s: kurt must be a number", what), NULL;
          sp->kurt_thresh = lua_tonumber(L, -1);
        }
        if (lua_getfield(L, it, "points") != LUA_TNIL) {
          lua_Number v = lua_tonumber(L, -1);
          if (!lua_isnumber(L, -1) || v != floor(v) || v < 0 || v > 1e6)
            return luaL_error(L, "%s: points must be an integer >= 0", what), NULL;
          sp->max_points = (int)v;
        }
      }
    } else {
      return luaL_error(L, "compute: steps[%d]: unknown step '%s' (%s; normalisation and aggregation always come last)",
                        (int)i + 1, name, step_list), NULL;
    }
    lua_settop(L, top); /* drop the step table */
  }
  *n_steps = n;
  return steps;
}

/* ix:compute(dataset [, {steps=, normalise=, agg=, digits=, ties=}]), or
 * with the fixed-order fields denominate=, impute=, group=, screen=, treat=
 * instead of steps= */
static int ix_compute(lua_State *L) {
  ix_check(L, 1);
  const gs_dataset *d = gs_lua_checkdataset(L, 2);
  if (!lua_isnoneornil(L, 3) && !lua_istable(L, 3)) return luaL_error(L, "compute: options must be a table");
  if (lua_isnoneornil(L, 3)) { lua_settop(L, 2); lua_newtable(L); }
  lua_settop(L, 3);
  gs_lua_check_options(L, 3, compute_opts, "compute");
  /* group_by, or its old name group: read below as "group" (the snapshot
   * is private, lopts.h) */
  if (lua_getfield(L, 3, "group_by") != LUA_TNIL) {
    if (lua_getfield(L, 3, "group") != LUA_TNIL)
      return luaL_error(L, "compute: give 'group_by' only ('group' is its old, deprecated name)");
    lua_pop(L, 1);
    lua_setfield(L, 3, "group");
  } else {
    lua_pop(L, 1);
  }
  gs_h_opts o;
  gs_h_opts_default(&o);
  o.denominate = 0;
  /* ranks as COINr's get_results: min ("competition") ties on exact scores */
  int digits = -1;
  gs_ties ties = GS_TIES_COMPETITION;

  if (lua_getfield(L, 3, "steps") != LUA_TNIL) {
    static const char *const fixed[] = {"denominate", "impute", "group", "screen", "treat", NULL};
    for (const char *const *f = fixed; *f; f++) {
      if (lua_getfield(L, 3, *f) != LUA_TNIL)
        return luaL_error(L, "compute: option '%s' cannot be combined with 'steps' (write it as a step)", *f);
      lua_pop(L, 1);
    }
    o.steps = read_steps(L, -1, d, &o.n_steps); /* the list, its anchor and the steps stay on the stack */
  } else {
    lua_pop(L, 1);
  }
  o.denominate = gs_opt_bool(L, 3, "denominate", 0, "compute");

  int t = lua_getfield(L, 3, "impute");
  if (t == LUA_TSTRING) {
    int k = gs_m_impute_parse(lua_tostring(L, -1));
    if (k < 0)
      return luaL_error(L, "compute: unknown imputation '%s' (mean, median, group_mean or group_median)",
                        lua_tostring(L, -1));
    o.impute = 1;
    o.impute_kind = (gs_m_impute_kind)k;
  } else if (t != LUA_TNIL && !(t == LUA_TBOOLEAN && !lua_toboolean(L, -1))) {
    return luaL_error(L, "compute: option 'impute' must be mean, median, group_mean, group_median or false");
  }
  lua_pop(L, 1);
  int grouped = o.impute && (o.impute_kind == GS_IMP_GROUP_MEAN || o.impute_kind == GS_IMP_GROUP_MEDIAN);
  t = lua_getfield(L, 3, "group");
  if (t != LUA_TNIL && t != LUA_TSTRING) return luaL_error(L, "compute: option 'group_by' must be a column name");
  if (grouped && t == LUA_TNIL)
    return luaL_error(L, "compute: impute = '%s' needs option 'group_by' (a column of the dataset)",
                      o.impute_kind == GS_IMP_GROUP_MEAN ? "group_mean" : "group_median");
  if (!grouped && t != LUA_TNIL)
    return luaL_error(L, "compute: option 'group_by' is only used with impute = 'group_mean' or 'group_median'");
  if (grouped) o.groups = push_groups(L, d, lua_tostring(L, -1), "compute: option 'group_by'"); /* stays on the stack */

  t = lua_getfield(L, 3, "screen");
  if (t != LUA_TNIL) {
    double v = lua_tonumber(L, -1);
    if (t != LUA_TNUMBER || !(v >= 0 && v <= 1))
      return luaL_error(L, "compute: option 'screen' must be a number from 0 to 1 (the minimum share of indicators with data)");
    o.screen = v;
  }
  lua_pop(L, 1);

  t = lua_getfield(L, 3, "treat");
  if (t == LUA_TBOOLEAN) {
    o.treat = lua_toboolean(L, -1);
  } else if (t == LUA_TTABLE) {
    gs_lua_check_options(L, -1, treat_opts, "compute: option 'treat'");
    o.treat = 1;
    int tt = lua_gettop(L);
    if (lua_getfield(L, tt, "skew") != LUA_TNIL) {
      if (!lua_isnumber(L, -1) || !(lua_tonumber(L, -1) > 0)) return luaL_error(L, "compute: treat.skew must be a number > 0");
      o.skew_thresh = lua_tonumber(L, -1);
    }
    if (lua_getfield(L, tt, "kurt") != LUA_TNIL) {
      if (!lua_isnumber(L, -1) || !isfinite(lua_tonumber(L, -1))) return luaL_error(L, "compute: treat.kurt must be a number");
      o.kurt_thresh = lua_tonumber(L, -1);
    }
    if (lua_getfield(L, tt, "points") != LUA_TNIL) {
      lua_Number v = lua_tonumber(L, -1);
      if (!lua_isnumber(L, -1) || v != floor(v) || v < 0 || v > 1e6)
        return luaL_error(L, "compute: treat.points must be an integer >= 0");
      o.max_points = (int)v;
    }
    lua_settop(L, tt);
  } else if (t != LUA_TNIL) {
    return luaL_error(L, "compute: option 'treat' must be true, false or {skew=, kurt=, points=}");
  }
  lua_pop(L, 1);

  norm_ctx nc = {L, 0, 0, 0};
  t = lua_getfield(L, 3, "normalise"); /* 6: kept on the stack */
  if (t == LUA_TFUNCTION) {
    nc.fn = lua_gettop(L);
    o.norm_fn = norm_cb;
    o.norm_ud = &nc;
  } else if (t != LUA_TNIL) {
    read_norm(L, -1, "compute: option 'normalise'", &o.norm);
  }

  ties = gs_opt_ties(L, 3, ties, "compute");
  digits = gs_opt_digits(L, 3, digits, "compute");

  /* the index to use: ix itself, or a copy with other aggregations */
  const gs_hier *h;
  int ixi;
  if (lua_getfield(L, 3, "agg") != LUA_TNIL) {
    int ai = lua_gettop(L);
    h = agg_override(L, 1, ai);
    ixi = lua_gettop(L);
  } else {
    lua_pop(L, 1);
    h = ix_check(L, 1);
    ixi = 1;
  }

  /* the data matrix: the dataset's numeric columns */
  size_t nu = d->n, nc_ = d->ncol;
  const char **names = lua_newuserdatauv(L, (nc_ ? nc_ : 1) * sizeof *names, 0);
  double *X = lua_newuserdatauv(L, (nu * nc_ > 0 ? nu * nc_ : 1) * sizeof *X, 0);
  gs_dataset_numeric_matrix(d, names, X);
  char why[512];
  if (gs_h_check_dataset(h, d, o.denominate, why, sizeof why) != 0) return luaL_error(L, "compute: %s", why);
  gs_h_data data = {nu, nc_, names, X};

  hr_box *b = lua_newuserdatauv(L, sizeof *b, 3);
  b->r = NULL;
  b->charged = 0;
  b->digits = digits;
  b->ties = ties;
  luaL_setmetatable(L, HR_MT);
  int hri = lua_gettop(L);
  lua_pushvalue(L, 2);
  lua_setiuservalue(L, hri, 1);
  lua_pushvalue(L, ixi);
  lua_setiuservalue(L, hri, 2);
  gs_ctx *ctx = gs_lua_getctx(L);
  if (ctx && ctx->sandbox) {
    size_t bytes = gs_h_count(h) * (nu ? nu : 1) * 2 * sizeof(double) + gs_h_count(h) * 96 + nu * 16 + 256;
    if (gs_sandbox_charge(L, bytes) != 0) return luaL_error(L, "%s", gs_sandbox_limit_message(ctx->sandbox));
    b->charged = bytes;
  }
  luaL_checkstack(L, 8, "compute");
  char err[512];
  gs_h_result *r = gs_h_eval(h, &data, &o, err, sizeof err);
  if (!r) {
    if (nc.failed && !nc.own) return lua_error(L); /* the function's own error, as it was */
    if (nc.failed) {
      luaL_where(L, 1);
      lua_insert(L, -2);
      lua_concat(L, 2);
      return lua_error(L);
    }
    return luaL_error(L, "compute: %s", err);
  }
  b->r = r;
  lua_settop(L, hri);
  return 1;
}

/* ------------------------------------------------------------ results */

static const gs_dataset *hr_dataset(lua_State *L, int i) {
  lua_getiuservalue(L, i, 1);
  const gs_dataset *d = gs_lua_checkdataset(L, -1);
  lua_pop(L, 1);
  return d;
}

static const gs_hier *hr_index(lua_State *L, int i) {
  lua_getiuservalue(L, i, 2);
  const gs_hier *h = ((ix_box *)lua_touserdata(L, -1))->h;
  lua_pop(L, 1);
  if (!h) luaL_error(L, "index has been freed");
  return h;
}

static const double *node_scores(lua_State *L, hr_box *b, const char *code) {
  const double *s = gs_h_result_get(b->r, code);
  if (!s) luaL_error(L, "unknown node '%s' (res:levels() lists them)", code);
  return s;
}

/* Pushes a userdata with the ranks of s over the kept units. */
static double *push_ranks(lua_State *L, hr_box *b, const double *s) {
  size_t n = gs_h_result_units(b->r);
  double *rk = lua_newuserdatauv(L, (n ? n : 1) * sizeof *rk, 0);
  if (gs_rank(s, n, b->digits, b->ties, rk) != 0) luaL_error(L, "out of memory while ranking");
  return rk;
}

/* Pushes a userdata of the kept units' indices in rank order (the core's
 * gs_rank_order: unranked last, ties in row order); *m = count. */
static size_t *push_order(lua_State *L, hr_box *b, const double *rk, size_t *m) {
  size_t n = gs_h_result_units(b->r), cap = n ? n : 1;
  const int *kept = gs_h_result_kept(b->r);
  /* one block: the order, then the kept units' rows and their ranks */
  size_t *o = lua_newuserdatauv(L, cap * (2 * sizeof(size_t) + sizeof(double)), 0), *row = o + cap;
  double *krk = (double *)(row + cap);
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (kept[i]) { row[k] = i; krk[k++] = rk[i]; }
  if (gs_rank_order(krk, k, o) != 0) luaL_error(L, "out of memory while ordering by rank");
  for (size_t q = 0; q < k; q++) o[q] = row[o[q]];
  *m = k;
  return o;
}

static void push_unit(lua_State *L, const gs_dataset *d, size_t u) {
  gs_lua_setstr(L, d->key_col, d->key[u]);
  gs_lua_setstr(L, "country", d->name[u]);
}

/* Records {key, country, score, rank [, tier]} of a node in rank order. */
static int node_records(lua_State *L, int hi, const char *code, const double *th, size_t nth) {
  hr_box *b = hr_check(L, hi);
  const gs_dataset *d = hr_dataset(L, hi);
  const double *s = node_scores(L, b, code);
  double *rk = push_ranks(L, b, s);
  size_t m;
  size_t *o = push_order(L, b, rk, &m);
  lua_createtable(L, (int)m, 0);
  for (size_t k = 0; k < m; k++) {
    size_t u = o[k];
    lua_createtable(L, 0, 5);
    push_unit(L, d, u);
    gs_lua_setnum(L, "score", s[u]);
    gs_lua_setnum(L, "rank", rk[u]);
    if (th && !isnan(s[u])) {
      size_t t = 0;
      while (t < nth && !(s[u] >= th[t])) t++;
      lua_pushinteger(L, (lua_Integer)t + 1);
      lua_setfield(L, -2, "tier");
    }
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  const char *cols[] = {d->key_col, "country", "score", "rank", th ? "tier" : NULL, NULL};
  set_columns(L, cols);
  return 1;
}

static int hr_node(lua_State *L) {
  hr_check(L, 1);
  return node_records(L, 1, luaL_checkstring(L, 2), NULL, 0);
}

/* res:level(code) = res:node(code); res:level(L): every node of level L as
 * columns, one record per kept unit, in data order. */
static int hr_level(lua_State *L) {
  hr_box *b = hr_check(L, 1);
  if (lua_type(L, 2) != LUA_TNUMBER) return hr_node(L);
  const gs_hier *h = hr_index(L, 1);
  const gs_dataset *d = hr_dataset(L, 1);
  lua_Integer lev = luaL_checkinteger(L, 2);
  if (lev < 1 || lev > gs_h_max_level(h))
    return luaL_error(L, "level: the index has levels 1 to %d, not %d", gs_h_max_level(h), (int)lev);
  size_t nn = gs_h_count(h), n = gs_h_result_units(b->r);
  const int *kept = gs_h_result_kept(b->r);
  lua_newtable(L);
  int cols = lua_gettop(L);
  lua_pushstring(L, d->key_col);
  lua_rawseti(L, cols, 1);
  lua_pushliteral(L, "country");
  lua_rawseti(L, cols, 2);
  lua_Integer nc = 2;
  lua_createtable(L, (int)n, 0);
  int list = lua_gettop(L);
  lua_Integer k = 0;
  for (size_t u = 0; u < n; u++) {
    if (!kept[u]) continue;
    lua_createtable(L, 0, 8);
    push_unit(L, d, u);
    lua_rawseti(L, list, ++k);
  }
  for (size_t i = 0; i < nn; i++) {
    gs_h_node_spec s;
    gs_h_node(h, i, &s);
    if (s.level != lev) continue;
    const double *sc = node_scores(L, b, s.code);
    lua_pushstring(L, s.code);
    lua_rawseti(L, cols, ++nc);
    k = 0;
    for (size_t u = 0; u < n; u++) {
      if (!kept[u]) continue;
      lua_rawgeti(L, list, ++k);
      gs_lua_setnum(L, s.code, sc[u]);
      lua_pop(L, 1);
    }
  }
  lua_createtable(L, 0, 1);
  lua_pushvalue(L, cols);
  lua_setfield(L, -2, "__columns");
  lua_setmetatable(L, list);
  gs_records_adopt(L, list, "gci.records", NULL); /* protected (lrecords.h) */
  return 1;
}

static int hr_levels(lua_State *L) {
  hr_check(L, 1);
  nodes_records(L, hr_index(L, 1));
  set_columns(L, levels_cols);
  return 1;
}

static int hr_effw(lua_State *L) {
  hr_check(L, 1);
  nodes_records(L, hr_index(L, 1));
  set_columns(L, effw_cols);
  return 1;
}

static long unit_check(lua_State *L, const gs_dataset *d, const char *key) {
  long r = gs_dataset_row(d, key);
  if (r < 0) luaL_error(L, "unknown unit '%s' (not in %s)", key, d->source);
  return r;
}

/* res:score(node, unit) */
static int hr_score(lua_State *L) {
  hr_box *b = hr_check(L, 1);
  const double *s = node_scores(L, b, luaL_checkstring(L, 2));
  long u = unit_check(L, hr_dataset(L, 1), luaL_checkstring(L, 3));
  gs_lua_pushnum(L, s[u]);
  return 1;
}

/* res:rank(node, unit) */
static int hr_rank(lua_State *L) {
  hr_box *b = hr_check(L, 1);
  const double *s = node_scores(L, b, luaL_checkstring(L, 2));
  long u = unit_check(L, hr_dataset(L, 1), luaL_checkstring(L, 3));
  gs_lua_pushnum(L, push_ranks(L, b, s)[u]);
  return 1;
}

/* res:tiers(node [, {t1, t2, ...}]): records with a tier column; thresholds
 * descending (default the GCI 2024 ones, 95/85/55/20). */
static int hr_tiers(lua_State *L) {
  hr_check(L, 1);
  const char *code = luaL_checkstring(L, 2);
  double th[32];
  size_t nth = 0;
  if (lua_isnoneornil(L, 3)) {
    memcpy(th, gs_m_gci2024_tiers, 4 * sizeof *th);
    nth = 4;
  } else {
    luaL_checktype(L, 3, LUA_TTABLE);
    nth = lua_rawlen(L, 3);
    if (nth == 0 || nth > 32) return luaL_error(L, "tiers: give 1 to 32 thresholds, highest first");
    for (size_t i = 0; i < nth; i++) {
      lua_rawgeti(L, 3, (lua_Integer)i + 1);
      if (lua_type(L, -1) != LUA_TNUMBER) return luaL_error(L, "tiers: threshold %d is not a number", (int)i + 1);
      th[i] = lua_tonumber(L, -1);
      lua_pop(L, 1);
      if (i && !(th[i] < th[i - 1])) return luaL_error(L, "tiers: thresholds must decrease");
    }
  }
  return node_records(L, 1, code, th, nth);
}

/* res:treated(): the indicators the outlier treatment changed. */
static int hr_treated(lua_State *L) {
  hr_box *b = hr_check(L, 1);
  const gs_hier *h = hr_index(L, 1);
  lua_newtable(L);
  lua_Integer k = 0;
  for (size_t i = 0; i < gs_h_count(h); i++) {
    gs_h_node_spec s;
    gs_h_node(h, i, &s);
    const gs_m_treat_report *tr = gs_h_result_treat(b->r, s.code);
    if (!tr || !tr->treated) continue;
    lua_createtable(L, 0, 8);
    gs_lua_setstr(L, "code", s.code);
    gs_lua_setstr(L, "treatment", tr->log_transformed ? "log" : "winsorised");
    lua_pushinteger(L, tr->n_winsorised);
    lua_setfield(L, -2, "points");
    gs_lua_setnum(L, "skew_before", tr->skew0);
    gs_lua_setnum(L, "kurt_before", tr->kurt0);
    gs_lua_setnum(L, "skew_after", tr->skew1);
    gs_lua_setnum(L, "kurt_after", tr->kurt1);
    lua_pushboolean(L, tr->passes);
    lua_setfield(L, -2, "passes");
    lua_rawseti(L, -2, ++k);
  }
  static const char *const cols[] = {"code", "treatment", "points", "skew_before", "kurt_before",
                                     "skew_after", "kurt_after", "passes", NULL};
  set_columns(L, cols);
  return 1;
}

/* Order of units for group ranks: by group (no group last, then by the
 * group's first unit in data order), then by the root's group rank (NaN
 * last), then data order. */
typedef struct { int g; double rk; size_t i; } grp_item;
static int grp_cmp(const void *a, const void *b) {
  const grp_item *x = a, *y = b;
  if ((x->g < 0) != (y->g < 0)) return x->g < 0 ? 1 : -1;
  if (x->g != y->g) return x->g < y->g ? -1 : 1;
  int xn = isnan(x->rk), yn = isnan(y->rk);
  if (xn != yn) return xn - yn;
  if (!xn && x->rk != y->rk) return x->rk < y->rk ? -1 : 1;
  return (x->i > y->i) - (x->i < y->i);
}

static const char *const group_ranks_opts[] = {"node", NULL};

/* res:group_ranks(column [, {node = code}]): each kept unit's rank at every
 * node (or one node) among the units of its group in `column`, as COINr's
 * rank_df(use_group): descending, ties as the result ranks (COINr: min),
 * on scores at the result's digits (COINr's get_results(use =
 * "groupranks") ranks its 2-decimal table: compute with digits = 2 for
 * that).  A unit with no group (an empty or NA cell) gets no rank.  One
 * record per kept unit: key, country, the group, then one column per node,
 * from the root down; sorted by group, then by the root's group rank. */
static int hr_group_ranks(lua_State *L) {
  hr_box *b = hr_check(L, 1);
  const gs_dataset *d = hr_dataset(L, 1);
  const gs_hier *h = hr_index(L, 1);
  const char *gname = luaL_checkstring(L, 2);
  const char *only = NULL;
  if (!lua_isnoneornil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    gs_lua_check_options(L, 3, group_ranks_opts, "group_ranks");
    if (lua_getfield(L, 3, "node") != LUA_TNIL) {
      if (lua_type(L, -1) != LUA_TSTRING) return luaL_error(L, "group_ranks: option 'node' must be a node code");
      only = lua_tostring(L, -1);
      node_scores(L, b, only); /* known? */
    }
  }
  lua_settop(L, 4);
  int *grp = push_groups(L, d, gname, "group_ranks"); /* 5 */
  size_t n = gs_h_result_units(b->r), nn = gs_h_count(h);
  const int *kept = gs_h_result_kept(b->r);
  grp_item *it = lua_newuserdatauv(L, (n ? n : 1) * sizeof *it, 0);
  double *sub = lua_newuserdatauv(L, 2 * (n ? n : 1) * sizeof *sub, 0), *srk = sub + (n ? n : 1);
  double *rk = lua_newuserdatauv(L, (nn ? nn : 1) * (n ? n : 1) * sizeof *rk, 0);
  /* the nodes, from the root down */
  size_t *nodes = lua_newuserdatauv(L, (nn ? nn : 1) * sizeof *nodes, 0);
  size_t nsel = 0;
  for (int lev = gs_h_max_level(h); lev >= 1; lev--)
    for (size_t i = 0; i < nn; i++) {
      gs_h_node_spec sp;
      gs_h_node(h, i, &sp);
      if (sp.level == lev && (!only || strcmp(sp.code, only) == 0)) nodes[nsel++] = i;
    }
  /* units grouped: sort by group id once, then rank each group's run */
  size_t m = 0;
  for (size_t u = 0; u < n; u++)
    if (kept[u]) it[m++] = (grp_item){grp[u], 0, u};
  qsort(it, m, sizeof *it, grp_cmp);
  for (size_t q = 0; q < nsel; q++) {
    gs_h_node_spec sp;
    gs_h_node(h, nodes[q], &sp);
    const double *sc = node_scores(L, b, sp.code);
    double *r = rk + q * n;
    for (size_t u = 0; u < n; u++) r[u] = NAN;
    for (size_t a = 0; a < m;) {
      size_t e = a;
      while (e < m && it[e].g == it[a].g) e++;
      if (it[a].g >= 0) {
        for (size_t k = a; k < e; k++) sub[k - a] = sc[it[k].i];
        if (gs_rank(sub, e - a, b->digits, b->ties, srk) != 0) return luaL_error(L, "out of memory while ranking");
        for (size_t k = a; k < e; k++) r[it[k].i] = srk[k - a];
      }
      a = e;
    }
  }
  /* records, sorted by group then by the first node's group rank */
  for (size_t k = 0; k < m; k++) it[k].rk = nsel ? rk[it[k].i] : NAN;
  qsort(it, m, sizeof *it, grp_cmp);
  long gc = gs_dataset_col(d, gname);
  const gs_column *col = &d->col[gc];
  lua_createtable(L, (int)m, 0);
  for (size_t k = 0; k < m; k++) {
    size_t u = it[k].i;
    lua_createtable(L, 0, (int)nsel + 3);
    push_unit(L, d, u);
    if (col->type == GS_COL_TEXT) gs_lua_setstr(L, gname, col->text[u]);
    else gs_lua_setnum(L, gname, col->num[u]);
    for (size_t q = 0; q < nsel; q++) {
      gs_h_node_spec sp;
      gs_h_node(h, nodes[q], &sp);
      gs_lua_setnum(L, sp.code, rk[q * n + u]);
    }
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  /* columns */
  lua_createtable(L, 0, 1);
  lua_createtable(L, (int)nsel + 3, 0);
  lua_pushstring(L, d->key_col);
  lua_rawseti(L, -2, 1);
  lua_pushliteral(L, "country");
  lua_rawseti(L, -2, 2);
  lua_pushstring(L, gname);
  lua_rawseti(L, -2, 3);
  for (size_t q = 0; q < nsel; q++) {
    gs_h_node_spec sp;
    gs_h_node(h, nodes[q], &sp);
    lua_pushstring(L, sp.code);
    lua_rawseti(L, -2, (lua_Integer)q + 4);
  }
  lua_setfield(L, -2, "__columns");
  lua_setmetatable(L, -2);
  gs_records_adopt(L, -1, "gci.group_ranks", NULL); /* protected (lrecords.h) */
  return 1;
}

/* res:correlations([{method = "pearson" | "spearman"}]): each node but the
 * root against its parent and against the root, over the kept units. */
static int hr_correlations(lua_State *L) {
  hr_box *b = hr_check(L, 1);
  const gs_hier *h = hr_index(L, 1);
  int spearman = 0;
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    static const char *const known[] = {"method", NULL};
    gs_lua_check_options(L, 2, known, "correlations");
    lua_getfield(L, 2, "method");
    const char *m = lua_tostring(L, -1);
    if (m && strcmp(m, "spearman") == 0) spearman = 1;
    else if (!lua_isnil(L, -1) && !(m && strcmp(m, "pearson") == 0))
      return luaL_error(L, "correlations: method must be pearson or spearman");
    lua_pop(L, 1);
  }
  size_t n = gs_h_result_units(b->r);
  gs_h_node_spec root;
  gs_h_node(h, (size_t)gs_h_root(h), &root);
  const double *rs = node_scores(L, b, root.code);
  lua_newtable(L);
  lua_Integer k = 0;
  for (int lev = gs_h_max_level(h) - 1; lev >= 1; lev--)
    for (size_t i = 0; i < gs_h_count(h); i++) {
      gs_h_node_spec s;
      gs_h_node(h, i, &s);
      if (s.level != lev || !s.parent) continue;
      const double *x = node_scores(L, b, s.code), *p = node_scores(L, b, s.parent);
      lua_createtable(L, 0, 5);
      gs_lua_setstr(L, "code", s.code);
      lua_pushinteger(L, s.level);
      lua_setfield(L, -2, "level");
      gs_lua_setstr(L, "parent", s.parent);
      gs_lua_setnum(L, "r_parent", spearman ? gs_m_spearman(x, p, n) : gs_m_pearson(x, p, n));
      gs_lua_setnum(L, "r_index", spearman ? gs_m_spearman(x, rs, n) : gs_m_pearson(x, rs, n));
      lua_rawseti(L, -2, ++k);
    }
  static const char *const cols[] = {"code", "level", "parent", "r_parent", "r_index", NULL};
  set_columns(L, cols);
  return 1;
}

/* res:availability(): every unit's data availability and whether it was
 * kept; res:screened(): only the units screening left out. */
static int availability(lua_State *L, int only_dropped) {
  hr_box *b = hr_check(L, 1);
  const gs_dataset *d = hr_dataset(L, 1);
  size_t n = gs_h_result_units(b->r);
  const double *sh = gs_h_result_share(b->r);
  const int *kept = gs_h_result_kept(b->r);
  lua_newtable(L);
  lua_Integer k = 0;
  for (size_t u = 0; u < n; u++) {
    if (only_dropped && kept[u]) continue;
    lua_createtable(L, 0, 4);
    push_unit(L, d, u);
    gs_lua_setnum(L, "availability", sh[u]);
    lua_pushboolean(L, kept[u]);
    lua_setfield(L, -2, "kept");
    lua_rawseti(L, -2, ++k);
  }
  const char *cols[] = {d->key_col, "country", "availability", only_dropped ? NULL : "kept", NULL};
  set_columns(L, cols);
  return 1;
}

static int hr_availability(lua_State *L) { return availability(L, 0); }
static int hr_screened(lua_State *L) { return availability(L, 1); }

/* res:warnings() -> count, first message (or nil) */
static int hr_warnings(lua_State *L) {
  hr_box *b = hr_check(L, 1);
  const char *first;
  size_t k = gs_h_result_warnings(b->r, &first);
  lua_pushinteger(L, (lua_Integer)k);
  if (k) lua_pushstring(L, first);
  else lua_pushnil(L);
  return 2;
}

static int hr_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)gs_h_result_n_kept(hr_check(L, 1)->r));
  return 1;
}

/* Printing a result prints the root's records. */
static int hr_rows(lua_State *L) {
  hr_check(L, 1);
  const gs_hier *h = hr_index(L, 1);
  gs_h_node_spec root;
  gs_h_node(h, (size_t)gs_h_root(h), &root);
  return node_records(L, 1, root.code, NULL, 0);
}

/* ------------------------------------------------------- uncertainty */

/* The methodological choices an uncertainty analysis may vary, in the
 * order each draw picks them. */
static const char *const ua_params[] = {"normalise", "impute", "treat", "agg", NULL};
static const char *const ua_opts[] = {"base", "vary", "n", "seed", NULL};

/* Validates one candidate value of a varied choice without computing. */
static void ua_validate(lua_State *L, int ixi, const char *param, int v, size_t item) {
  char what[96];
  snprintf(what, sizeof what, "uncertainty: vary.%s[%zu]", param, item);
  v = lua_absindex(L, v);
  int top = lua_gettop(L);
  if (strcmp(param, "normalise") == 0) {
    gs_m_norm_spec s;
    if (lua_isfunction(L, v)) return;
    read_norm(L, v, what, &s);
  } else if (strcmp(param, "impute") == 0) {
    if (lua_type(L, v) == LUA_TBOOLEAN && !lua_toboolean(L, v)) return;
    if (lua_type(L, v) != LUA_TSTRING || gs_m_impute_parse(lua_tostring(L, v)) < 0)
      luaL_error(L, "%s: imputation must be mean, median, group_mean, group_median or false", what);
  } else if (strcmp(param, "treat") == 0) {
    if (lua_type(L, v) != LUA_TBOOLEAN && lua_type(L, v) != LUA_TTABLE)
      luaL_error(L, "%s: treat must be true, false or {skew=, kurt=, points=}", what);
  } else {
    agg_override(L, ixi, v);
  }
  lua_settop(L, top);
}

/* ix:uncertainty(d, {base = {compute options}, vary = {normalise = {...},
 *   impute = {...}, treat = {...}, agg = {...}}, n = draws, seed = s})
 *
 * Each draw picks, for every varied choice in the order normalise, impute,
 * treat, agg, the alternative number floor(u * count) with u the next
 * uniform of stream(seed, draw) (engine/ua.h), and ranks the units by the
 * index under the base options with those choices.  Every combination is
 * computed once, in C, before the draws are tallied; the draws only count
 * how often each combination comes up, so the per-unit rank distribution
 * is exact for those counts.  Statistics as in d:uncertainty. */
static int ix_uncertainty(lua_State *L) {
  ix_check(L, 1);
  const gs_dataset *d = gs_lua_checkdataset(L, 2);
  luaL_checktype(L, 3, LUA_TTABLE);
  lua_settop(L, 3);
  gs_lua_check_options(L, 3, ua_opts, "uncertainty");
  if (lua_getfield(L, 3, "base") == LUA_TNIL) { lua_pop(L, 1); lua_newtable(L); }
  if (!lua_istable(L, -1)) return luaL_error(L, "uncertainty: option 'base' must be a table of compute options");
  int base = lua_gettop(L); /* 4 */
  if (lua_getfield(L, 3, "vary") != LUA_TTABLE) return luaL_error(L, "uncertainty: option 'vary' must be a table such as {normalise = {\"minmax\", \"prank\"}}");
  int vary = lua_gettop(L); /* 5 */
  gs_lua_check_options(L, vary, ua_params, "uncertainty: vary");
  lua_Number nd = gs_opt_number(L, 3, "n", 10000, "uncertainty");
  lua_Number seed = gs_opt_number(L, 3, "seed", 1, "uncertainty");
  lua_settop(L, vary);
  /* the varied choices, validated before anything is computed */
  size_t np = 0, cnt[4], combos = 1;
  int pidx[4];
  for (int k = 0; ua_params[k]; k++) {
    if (lua_getfield(L, vary, ua_params[k]) == LUA_TNIL) { lua_pop(L, 1); continue; }
    size_t m = lua_istable(L, -1) ? lua_rawlen(L, -1) : 0;
    if (m == 0) return luaL_error(L, "uncertainty: vary.%s must be a non-empty list of alternatives", ua_params[k]);
    for (size_t i = 1; i <= m; i++) {
      lua_rawgeti(L, -1, (lua_Integer)i);
      ua_validate(L, 1, ua_params[k], -1, i);
      lua_pop(L, 1);
    }
    pidx[np] = k;
    cnt[np++] = m;
    combos *= m;
    if (combos > 4096) return luaL_error(L, "uncertainty: more than 4096 combinations of choices");
    lua_pop(L, 1);
  }
  if (np == 0) return luaL_error(L, "uncertainty: vary names no choice (normalise, impute, treat or agg)");
  size_t n = d->n;
  /* nominal and every combination: root scores -> ranks, combos + 1 rows */
  double *rk = lua_newuserdatauv(L, (combos + 1) * (n ? n : 1) * sizeof *rk, 0);
  int rki = lua_gettop(L);
  const char *root_code = NULL;
  int digits = 6;
  gs_ties ties = GS_TIES_DENSE;
  for (size_t c = 0; c <= combos; c++) {
    lua_newtable(L); /* options: a copy of base */
    int ot = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, base)) {
      lua_pushvalue(L, -2);
      lua_insert(L, -2);
      lua_rawset(L, ot);
    }
    if (c > 0) { /* combination c-1, mixed radix in parameter order */
      size_t rest = c - 1;
      for (size_t q = 0; q < np; q++) {
        size_t pick = rest % cnt[q];
        rest /= cnt[q];
        lua_getfield(L, vary, ua_params[pidx[q]]);
        lua_rawgeti(L, -1, (lua_Integer)pick + 1);
        lua_setfield(L, ot, ua_params[pidx[q]]);
        lua_pop(L, 1);
      }
    }
    /* with a step list, a varied imputation replaces the method of its
     * impute steps (keeping their group for the group methods) */
    if (lua_getfield(L, ot, "steps") == LUA_TTABLE && lua_getfield(L, ot, "impute") != LUA_TNIL) {
      int sl = lua_gettop(L) - 1, iv = sl + 1;
      int grouped = lua_type(L, iv) == LUA_TSTRING && strncmp(lua_tostring(L, iv), "group_", 6) == 0;
      lua_Integer len = (lua_Integer)lua_rawlen(L, sl);
      lua_createtable(L, (int)len, 0);
      int ns = lua_gettop(L);
      for (lua_Integer i = 1; i <= len; i++) {
        int t = lua_rawgeti(L, sl, i);
        int is_imp = (t == LUA_TSTRING && strcmp(lua_tostring(L, -1), "impute") == 0);
        if (t == LUA_TTABLE) {
          lua_rawgeti(L, -1, 1);
          is_imp = lua_type(L, -1) == LUA_TSTRING && strcmp(lua_tostring(L, -1), "impute") == 0;
          lua_pop(L, 1);
        }
        if (is_imp) {
          if (lua_type(L, iv) == LUA_TBOOLEAN) { lua_pop(L, 1); continue; } /* impute = false: no step */
          lua_createtable(L, 2, 1);
          lua_pushliteral(L, "impute");
          lua_rawseti(L, -2, 1);
          lua_pushvalue(L, iv);
          lua_rawseti(L, -2, 2);
          if (grouped && t == LUA_TTABLE) {
            lua_getfield(L, -2, "group");
            lua_setfield(L, -2, "group");
          }
          lua_remove(L, -2);
        }
        lua_rawseti(L, ns, (lua_Integer)lua_rawlen(L, ns) + 1);
      }
      lua_setfield(L, ot, "steps");
      lua_pushnil(L);
      lua_setfield(L, ot, "impute");
    }
    lua_settop(L, ot);
    /* group only goes with a group imputation: drop it for the others */
    lua_getfield(L, ot, "impute");
    const char *imp = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
    if (strncmp(imp, "group_", 6) != 0) {
      lua_pushnil(L);
      lua_setfield(L, ot, "group");
      lua_pushnil(L);
      lua_setfield(L, ot, "group_by");
    }
    lua_pop(L, 1);
    lua_pushcfunction(L, ix_compute);
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 2);
    lua_pushvalue(L, ot);
    if (lua_pcall(L, 3, 1, 0) != LUA_OK) {
      /* name the combination; the script's line comes from luaL_error */
      if (c == 0) return luaL_error(L, "uncertainty: base options: %s", lua_tostring(L, -1));
      return luaL_error(L, "uncertainty: combination %d: %s", (int)c, lua_tostring(L, -1));
    }
    hr_box *b = hr_check(L, -1);
    const gs_hier *h = hr_index(L, lua_gettop(L));
    gs_h_node_spec root;
    gs_h_node(h, (size_t)gs_h_root(h), &root);
    if (c == 0) { digits = b->digits; ties = b->ties; }
    const double *s = gs_h_result_get(b->r, root.code);
    if (gs_rank(s, n, digits, ties, rk + c * n) != 0) return luaL_error(L, "uncertainty: out of memory");
    if (c == 0) {
      lua_pushstring(L, root.code);
      lua_setfield(L, LUA_REGISTRYINDEX, "gcisim.ua_root"); /* keep the name alive */
    } else {
      /* A combination must score every unit the nominal one scores (a
       * geometric mean of z-scores, say, cannot): refuse it, named. */
      size_t lost = 0;
      for (size_t u = 0; u < n; u++) lost += !isnan(rk[u]) && isnan(rk[c * n + u]);
      if (lost) {
        luaL_Buffer nb;
        luaL_buffinit(L, &nb);
        for (size_t q = 0; q < np; q++) {
          lua_getfield(L, ot, ua_params[pidx[q]]);
          if (lua_istable(L, -1)) { lua_rawgeti(L, -1, 1); lua_remove(L, -2); }
          lua_pushfstring(L, "%s%s = %s", q ? ", " : "", ua_params[pidx[q]], luaL_tolstring(L, -1, NULL));
          lua_remove(L, -2);
          lua_remove(L, -2);
          luaL_addvalue(&nb);
        }
        luaL_pushresult(&nb);
        return luaL_error(L, "uncertainty: with %s, %d units get no index score (a geometric or harmonic "
                          "mean needs positive values); leave that combination out",
                          lua_tostring(L, -1), (int)lost);
      }
    }
    lua_settop(L, rki);
  }
  lua_getfield(L, LUA_REGISTRYINDEX, "gcisim.ua_root");
  root_code = lua_tostring(L, -1);
  /* the draws: how often each combination comes up */
  uint64_t *count = lua_newuserdatauv(L, combos * sizeof *count, 0);
  memset(count, 0, combos * sizeof *count);
  uint64_t N = (uint64_t)nd;
  gs_ctx *uctx = gs_lua_getctx(L);
  gs_sandbox *usb = uctx ? uctx->sandbox : NULL;
  for (uint64_t dr = 0; dr < N; dr++) {
    /* n may be 1e12: Ctrl-C and --timeout must reach this loop (the
     * userdata above are collected after the error) */
    if (usb && dr % 65536 == 65535 && gs_sandbox_expired(usb))
      return luaL_error(L, "%s", gs_sandbox_limit_message(usb));
    uint64_t st = gs_ua_stream((uint64_t)seed, dr);
    size_t c = 0, mul = 1;
    for (size_t q = 0; q < np; q++) {
      size_t pick = (size_t)(gs_ua_uniform(&st) * (double)cnt[q]);
      c += pick * mul;
      mul *= cnt[q];
    }
    count[c]++;
  }
  /* per unit: the statistics of its rank distribution over the draws
   * (the uncertainty module's, as d:uncertainty's), row 0 of rk nominal */
  gs_ua_rank_count *pr = lua_newuserdatauv(L, combos * sizeof *pr, 0);
  gs_ua_unit_stats *st = lua_newuserdatauv(L, (n ? n : 1) * sizeof *st, 0);
  double mas;
  if (gs_ua_scenario_stats(n, combos, rk, rk + n, count, pr, st, &mas) != 0)
    return luaL_error(L, "uncertainty: a combination leaves a unit unranked");
  const double *nom = rk;
  size_t *ord = lua_newuserdatauv(L, (n ? n : 1) * sizeof *ord, 0);
  if (gs_rank_order(nom, n, ord) != 0) return luaL_error(L, "uncertainty: out of memory");
  lua_newtable(L);
  int out = lua_gettop(L);
  lua_Integer row = 0;
  size_t kept = 0;
  /* nominal rank order (ties by row); units without a nominal rank last,
   * left out */
  for (size_t q = 0; q < n && !isnan(nom[ord[q]]); q++) {
    size_t u = ord[q];
    const gs_ua_unit_stats *us = &st[u];
    kept++;
    lua_createtable(L, 0, 8);
    gs_lua_setstr(L, d->key_col, d->key[u]);
    gs_lua_setstr(L, "country", d->name[u]);
    gs_lua_setnum(L, "nominal", nom[u]);
    gs_lua_setnum(L, "median", us->median);
    gs_lua_setnum(L, "mean", us->mean);
    gs_lua_setnum(L, "p05", us->p05);
    gs_lua_setnum(L, "p95", us->p95);
    gs_lua_setnum(L, "within3", us->within3);
    lua_rawseti(L, out, ++row);
  }
  lua_pushvalue(L, out);
  lua_newtable(L);
  lua_newtable(L);
  const char *cols[] = {d->key_col, "country", "nominal", "median", "mean", "p05", "p95", "within3"};
  for (int i = 0; i < 8; i++) {
    lua_pushstring(L, cols[i]);
    lua_rawseti(L, -2, i + 1);
  }
  lua_setfield(L, -2, "__columns");
  luaL_Buffer fb;
  luaL_buffinit(L, &fb);
  /* the ranking said as every other footer says it (lgci.c rank_note) */
  if (digits < 0)
    lua_pushfstring(L, "ranks of %s (%s ranks on exact scores) over %I draws of %d combinations of ", root_code,
                    gs_ties_name(ties), (lua_Integer)N, (int)combos);
  else
    lua_pushfstring(L, "ranks of %s (%s ranks on scores rounded to %d decimal%s) over %I draws of %d combinations of ",
                    root_code, gs_ties_name(ties), digits, digits == 1 ? "" : "s", (lua_Integer)N, (int)combos);
  luaL_addvalue(&fb);
  for (size_t q = 0; q < np; q++) {
    lua_pushfstring(L, "%s%s (%d alternatives)", q ? ", " : "", ua_params[pidx[q]], (int)cnt[q]);
    luaL_addvalue(&fb);
  }
  char tail[96];
  snprintf(tail, sizeof tail, ", each equally likely, seed %.0f; mean absolute rank shift %.4f", (double)seed,
           kept ? mas : 0.0);
  luaL_addstring(&fb, tail);
  luaL_pushresult(&fb);
  lua_setfield(L, -2, "__footer");
  lua_setmetatable(L, -2);
  gs_records_adopt(L, -1, "gci.uncertainty", NULL); /* protected (lrecords.h) */
  return 1;
}

/* For lindex.c (the analyses): what a result holds. */
const gs_h_result *gs_lua_index_result(lua_State *L, int i, const gs_hier **h, const gs_dataset **d,
                                       int *digits, gs_ties *ties) {
  hr_box *b = hr_check(L, i);
  *h = hr_index(L, i);
  *d = hr_dataset(L, i);
  *digits = b->digits;
  *ties = b->ties;
  return b->r;
}

/* ----------------------------------------------------------- register */

/* res:rows() and res[i]: the records of the root node (what returning
 * res prints), as for every tabular object (lrecords.h). */
/* Pushes the root's records, built on first use and kept as user value 3:
 * res[i] over every i rebuilt every record at each access, O(n^2) for the
 * loop (issue 15); kept, res[i] is O(1) and the same record res:rows()
 * gives (issue 12).  Printing builds its own (hr_rows). */
static void hr_cached_rows(lua_State *L) {
  if (lua_getiuservalue(L, 1, 3) == LUA_TTABLE) return;
  lua_pop(L, 1);
  hr_rows(L);
  lua_pushvalue(L, -1);
  lua_setiuservalue(L, 1, 3);
}

static int hr_rows_iter(lua_State *L) {
  hr_check(L, 1);
  hr_cached_rows(L);
  lua_replace(L, 1);
  lua_settop(L, 1);
  return gs_records_rows(L);
}

static int hr_index_mm(lua_State *L) {
  if (lua_type(L, 2) == LUA_TNUMBER) {
    hr_check(L, 1);
    hr_cached_rows(L);
    lua_rawgeti(L, -1, luaL_checkinteger(L, 2));
    return 1;
  }
  lua_pushvalue(L, 2);
  lua_rawget(L, lua_upvalueindex(1)); /* the methods */
  return 1;
}

static const luaL_Reg ix_methods[] = {{"compute", ix_compute}, {"uncertainty", ix_uncertainty}, {"levels", ix_levels},
                                      {"effective_weights", ix_effw}, {NULL, NULL}};
static const luaL_Reg ix_meta[] = {{"__gc", ix_gc}, {"__len", ix_len}, {"__tostring", ix_tostring}, {NULL, NULL}};

static const luaL_Reg hr_methods[] = {
    {"node", hr_node},           {"level", hr_level},       {"levels", hr_levels},
    {"effective_weights", hr_effw}, {"score", hr_score},    {"rank", hr_rank},
    {"group_ranks", hr_group_ranks},
    {"tiers", hr_tiers},         {"treated", hr_treated},   {"correlations", hr_correlations},
    {"availability", hr_availability}, {"screened", hr_screened}, {"warnings", hr_warnings},
    {"rows", hr_rows_iter}, {NULL, NULL}};
static const luaL_Reg hr_meta[] = {{"__gc", hr_gc}, {"__len", hr_len}, {"__tostring", gs_records_tostring},
                                   {"__rows", hr_rows}, {NULL, NULL}};

static void new_class(lua_State *L, const char *name, const luaL_Reg *meta, const luaL_Reg *methods) {
  luaL_newmetatable(L, name);
  luaL_setfuncs(L, meta, 0);
  lua_newtable(L);
  luaL_setfuncs(L, methods, 0);
  lua_setfield(L, -2, "__index");
  gs_lua_setstr(L, "__metatable", name);
  lua_pop(L, 1);
}

void gs_lua_open_hier(lua_State *L, int module) {
  module = lua_absindex(L, module);
  new_class(L, IX_MT, ix_meta, ix_methods);
  new_class(L, HR_MT, hr_meta, hr_methods);
  gs_lua_open_index(L, module); /* the analyses: lindex.c */
  luaL_getmetatable(L, HR_MT); /* __index: numbers give records, names methods */
  lua_getfield(L, -1, "__index");
  lua_pushcclosure(L, hr_index_mm, 1);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
  lua_pushcfunction(L, gci_index);
  lua_setfield(L, module, "index");
  lua_pushcfunction(L, gci_index_meta);
  lua_setfield(L, module, "index_meta");
}
