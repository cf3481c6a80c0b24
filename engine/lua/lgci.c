/* lgci.c - the `gci` Lua module (see lgci.h and README.md).
 *
 * Three kinds of object reach scripts:
 *   gci.dataset  userdata boxing a gs_dataset it owns (freed by __gc);
 *   gci.result   userdata holding n scores inline, with a user value
 *                pointing at its dataset's userdata: the dataset supplies
 *                keys and names and stays alive as long as the result;
 *   records      plain Lua tables (lists of records) whose metatable names
 *                their columns in __columns, which is how gcisim prints them.
 * Every buffer that must survive a Lua error lives in a userdata, so a
 * failing formula or a hit limit never leaks C memory. */
#include "lgci.h"

#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compare.h"
#include "csvload.h"
#include "datadir.h"
#include "dataset.h"
#include "lanalysis.h"
#include "lexplain.h"
#include "lopts.h"
#include "lrecords.h"
#include "lplot.h"
#include "output.h"
#include "scenario.h"
#include "score.h"
#include "ties.h"
#include "version.h"

#define DS_MT "gci.dataset"
#define RES_MT "gci.result"
#define CTX_KEY "gcisim.ctx"
#define GROUPS_KEY "gcisim.groups"

/* ---------- context ---------- */

void gs_lua_setctx(lua_State *L, gs_ctx *ctx) {
  lua_pushlightuserdata(L, ctx);
  lua_setfield(L, LUA_REGISTRYINDEX, CTX_KEY);
}

gs_ctx *gs_lua_getctx(lua_State *L) {
  lua_getfield(L, LUA_REGISTRYINDEX, CTX_KEY);
  gs_ctx *c = lua_touserdata(L, -1);
  lua_pop(L, 1);
  return c;
}

void gs_lua_check_options(lua_State *L, int t, const char *const *known, const char *what) {
  gs_opts_check(L, t, known, what); /* lopts.h: snapshot, then the check */
}

const char **gs_lua_na_list(lua_State *L, const char *fn, size_t *n) {
  if (!lua_istable(L, -1)) luaL_error(L, "%s: option 'na' must be a list of strings, e.g. {\"NA\"}", fn);
  *n = lua_rawlen(L, -1);
  const char **na = lua_newuserdatauv(L, (*n ? *n : 1) * sizeof *na, 0);
  for (size_t i = 0; i < *n; i++) {
    if (lua_rawgeti(L, -2, (lua_Integer)i + 1) != LUA_TSTRING)
      luaL_error(L, "%s: option 'na': item %d is not a string", fn, (int)i + 1);
    na[i] = lua_tostring(L, -1); /* anchored by the option table */
    lua_pop(L, 1);
  }
  return na;
}

int gs_lua_data_error(lua_State *L, const char *msg) {
  gs_ctx *c = gs_lua_getctx(L);
  if (c) snprintf(c->data_error, sizeof c->data_error, "%s", msg);
  lua_pushstring(L, msg);
  return lua_error(L);
}

/* ---------- datasets ---------- */

typedef struct {
  gs_dataset *d;
  size_t charged;
} ds_box;

/* What a dataset costs the script: every byte of it, strings included
 * (rows x columns alone let 30 d:with copies of a 60 MB CSV reach 1.8 GB
 * under --max-memory 64M: issue 11, class 7). */
static size_t ds_bytes(const gs_dataset *d) { return gs_dataset_bytes(d); }

/* Charges box b for a dataset of `bytes` before it is made (a copy): the
 * limit is checked before the memory is taken, not after. */
static void ds_precharge(lua_State *L, ds_box *b, size_t bytes) {
  gs_ctx *c = gs_lua_getctx(L);
  if (!c || !c->sandbox) return;
  if (gs_sandbox_charge(L, bytes) != 0) luaL_error(L, "%s", gs_sandbox_limit_message(c->sandbox));
  b->charged = bytes;
}

static int ds_gc(lua_State *L) {
  ds_box *b = luaL_checkudata(L, 1, DS_MT);
  if (b->charged) gs_sandbox_release(L, b->charged);
  gs_dataset_free(b->d);
  b->d = NULL;
  b->charged = 0;
  return 0;
}

/* Pushes a new, empty dataset box (so that the dataset it will hold is
 * freed even if an error follows). */
static ds_box *ds_push_box(lua_State *L) {
  ds_box *b = lua_newuserdatauv(L, sizeof *b, 1); /* user value: the row cache */
  b->d = NULL;
  b->charged = 0;
  luaL_setmetatable(L, DS_MT);
  return b;
}

/* Hands d to the box on the stack top, charging its memory to the script. */
static void ds_adopt(lua_State *L, ds_box *b, gs_dataset *d) {
  b->d = d;
  gs_ctx *c = gs_lua_getctx(L);
  if (b->charged) return; /* ds_precharge did */
  if (c && c->sandbox) {
    size_t bytes = ds_bytes(d);
    if (gs_sandbox_charge(L, bytes) != 0) luaL_error(L, "%s", gs_sandbox_limit_message(c->sandbox));
    b->charged = bytes;
  }
}

void gs_lua_push_dataset(lua_State *L, gs_dataset *d) { ds_adopt(L, ds_push_box(L), d); }

const gs_dataset *gs_lua_checkdataset(lua_State *L, int i) {
  ds_box *b = luaL_checkudata(L, i, DS_MT);
  if (!b->d) luaL_error(L, "dataset has been freed");
  return b->d;
}


/* The row a mistyped key most likely means, for hints: the one key equal
 * to it but for case ("vnm"), else the one country whose name it is, in
 * any case ("Viet Nam"); -1 when there is no such single row. */
static long key_near(const gs_dataset *d, const char *key) {
  long r = gs_dataset_row_nocase(d, key);
  if (r >= 0) return r;
  for (size_t i = 0; i < d->n; i++)
    if (strcasecmp(d->name[i], key) == 0) {
      if (r >= 0) return -1; /* two countries of that name: no guess */
      r = (long)i;
    }
  return r;
}

long gs_lua_checkrow(lua_State *L, const gs_dataset *d, const char *key, const char *fn) {
  long r = gs_dataset_row(d, key);
  if (r < 0) {
    /* codes are case-sensitive in Lua (a script should say what it means),
     * but a near miss gets a hint */
    long near = key_near(d, key);
    const char *sep = fn ? ": " : "";
    if (!fn) fn = "";
    if (near >= 0)
      luaL_error(L, "%s%sunknown country '%s' (not in %s; did you mean '%s'?)", fn, sep, key, d->source, d->key[near]);
    luaL_error(L, "%s%sunknown country '%s' (not in %s)", fn, sep, key, d->source);
  }
  return r;
}

static long row_check(lua_State *L, const gs_dataset *d, const char *key) {
  return gs_lua_checkrow(L, d, key, NULL);
}

static long pillar_check(lua_State *L, const gs_dataset *d, const char *name) {
  long c = gs_dataset_col(d, name);
  long p = c < 0 ? -1 : gs_dataset_pillar_of(d, (size_t)c);
  if (p < 0) luaL_error(L, "unknown pillar '%s'", name);
  return p;
}

/* Pushes one country's values: iso3 (or the key column), name, country,
 * then every column by its name; missing values are left nil. */
static void push_row(lua_State *L, const gs_dataset *d, size_t r) {
  lua_createtable(L, 0, (int)d->ncol + 3);
  lua_pushstring(L, d->key[r]);
  lua_setfield(L, -2, "iso3");
  if (strcmp(d->key_col, "iso3") != 0) {
    lua_pushstring(L, d->key[r]);
    lua_setfield(L, -2, d->key_col);
  }
  lua_pushstring(L, d->name[r]);
  lua_setfield(L, -2, "name");
  lua_pushstring(L, d->name[r]);
  lua_setfield(L, -2, "country");
  for (size_t c = 0; c < d->ncol; c++) {
    const gs_column *col = &d->col[c];
    if (col->type == GS_COL_NUMBER) {
      if (isnan(col->num[r])) continue;
      lua_pushnumber(L, col->num[r]);
    } else {
      lua_pushstring(L, col->text[r]);
    }
    lua_setfield(L, -2, col->name);
  }
}

static const char *opt_string(lua_State *L, int t, const char *field, const char *def, const char *fn) {
  return gs_opt_string(L, t, field, def, fn);
}

/* An options argument at i is absent or a table. */
static void check_opts_table(lua_State *L, int i, const char *fn) {
  if (!lua_isnoneornil(L, i) && !lua_istable(L, i)) luaL_error(L, "%s: options must be a table", fn);
}

static double opt_number(lua_State *L, int t, const char *field, double def, const char *fn) {
  return gs_opt_number(L, t, field, def, fn);
}

/* gci.load(path [, {key=, name=, pillars={...}, min=, max=, na={...}}]) */
static int gci_load(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  static const char *const known[] = {"key", "name", "pillars", "min", "max", "na", "max_size", NULL};
  int given = gs_opts_check(L, 2, known, "gci.load");
  lua_settop(L, 2);
  gs_ctx *ctx = gs_lua_getctx(L);
  char err[1024];
  gs_load_opts o = {0};
  const char **pil = NULL;
  if (given) {
    o.key_col = opt_string(L, 2, "key", NULL, "gci.load");
    o.name_col = opt_string(L, 2, "name", NULL, "gci.load");
    if (lua_getfield(L, 2, "pillars") != LUA_TNIL) {
      if (!lua_istable(L, -1)) return luaL_error(L, "gci.load: option 'pillars' must be a list of column names");
      size_t n = lua_rawlen(L, -1);
      if (n == 0) return luaL_error(L, "gci.load: option 'pillars' is empty");
      pil = lua_newuserdatauv(L, n * sizeof *pil, 1); /* freed by the GC */
      lua_createtable(L, (int)n, 0); /* the names, anchored (user value 1) */
      for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, -3, (lua_Integer)i + 1);
        if (!lua_isstring(L, -1)) return luaL_error(L, "gci.load: pillar %d is not a name", (int)i + 1);
        pil[i] = lua_tostring(L, -1); /* a number becomes a string in this slot... */
        lua_rawseti(L, -2, (lua_Integer)i + 1); /* ...kept here, not in the caller's list */
      }
      lua_setiuservalue(L, -2, 1);
      o.pillars = pil;
      o.npillars = n;
      lua_setfield(L, LUA_REGISTRYINDEX, "gcisim.loadtmp"); /* anchor the array */
    }
    lua_pop(L, 1);
    if (lua_getfield(L, 2, "na") != LUA_TNIL) {
      o.na = gs_lua_na_list(L, "gci.load", &o.nna);
      lua_setfield(L, LUA_REGISTRYINDEX, "gcisim.loadna"); /* anchor the array */
    }
    lua_pop(L, 1);
    /* max_size: the largest file accepted, in bytes (default 64 MiB);
     * under a memory cap no larger than the cap, since the cells of a
     * file take at least its size in memory while it loads. */
    double ms = opt_number(L, 2, "max_size", 0, "gci.load");
    if (ms != 0) {
      if (!(ms >= 1) || ms != floor(ms) || ms > 0x1p62)
        return luaL_error(L, "gci.load: max_size must be a whole number of bytes >= 1");
      size_t cap = ctx && ctx->sandbox ? gs_sandbox_max_memory(ctx->sandbox) : 0;
      if (cap && ms > (double)cap) /* lua_pushfstring knows neither %.0f nor %zu: an integer each */
        return luaL_error(L, "gci.load: max_size %I is above the memory limit %I (raise --max-memory)",
                          (lua_Integer)ms, (lua_Integer)cap);
      o.max_bytes = (size_t)ms;
    }
    o.has_range = 1;
    o.pmin = opt_number(L, 2, "min", 0, "gci.load");
    o.pmax = opt_number(L, 2, "max", 20, "gci.load");
    if (!(o.pmin < o.pmax)) return luaL_error(L, "gci.load: min must be below max");
  }
  ds_box *b = ds_push_box(L);
  /* A relative path missing from the working directory is looked up in
   * the installed data directory (datadir.h), under the same policy. */
  char where[4096];
  path = gs_datadir_resolve(path, where, sizeof where);
  /* Check the policy on the file actually opened, then load from it: no
   * Lua call may raise between the open and the load (the stream would leak). */
  FILE *f = gs_policy_open_read(ctx ? ctx->policy : NULL, path, err, sizeof err);
  if (!f) return luaL_error(L, "gci.load: %s", err);
  gs_dataset *d = gs_load_csv_file(f, path, &o, err, sizeof err);
  if (!d) return gs_lua_data_error(L, err);
  ds_adopt(L, b, d);
  return 1;
}

static int ds_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)gs_lua_checkdataset(L, 1)->n);
  return 1;
}

static int ds_tostring(lua_State *L) {
  const gs_dataset *d = gs_lua_checkdataset(L, 1);
  lua_pushfstring(L, "gci.dataset(%s: %d countries, %d pillars)", d->source, (int)d->n, (int)d->npillar);
  return 1;
}

static int ds_pillars(lua_State *L) {
  const gs_dataset *d = gs_lua_checkdataset(L, 1);
  lua_createtable(L, (int)d->npillar, 0);
  for (size_t p = 0; p < d->npillar; p++) {
    lua_pushstring(L, d->col[d->pillar[p]].name);
    lua_rawseti(L, -2, (lua_Integer)p + 1);
  }
  return 1;
}

static int ds_columns(lua_State *L) {
  const gs_dataset *d = gs_lua_checkdataset(L, 1);
  lua_createtable(L, (int)d->ncol, 0);
  for (size_t c = 0; c < d->ncol; c++) {
    lua_pushstring(L, d->col[c].name);
    lua_rawseti(L, -2, (lua_Integer)c + 1);
  }
  return 1;
}

static int ds_source(lua_State *L) {
  lua_pushstring(L, gs_lua_checkdataset(L, 1)->source);
  return 1;
}

/* d:get(key): the record, or nil for a key that is not in the dataset;
 * a near miss ("vnm", "Viet Nam") is an error with a hint instead, since
 * a nil there would only fail later, without one. */
static int ds_get(lua_State *L) {
  const gs_dataset *d = gs_lua_checkdataset(L, 1);
  const char *key = luaL_checkstring(L, 2);
  long r = gs_dataset_row(d, key);
  if (r < 0 && key_near(d, key) >= 0) gs_lua_checkrow(L, d, key, "get");
  if (r < 0) { lua_pushnil(L); return 1; }
  push_row(L, d, (size_t)r);
  return 1;
}

static int ds_countries_next(lua_State *L) {
  const gs_dataset *d = gs_lua_checkdataset(L, lua_upvalueindex(1));
  lua_Integer i = lua_tointeger(L, lua_upvalueindex(2));
  if (i >= (lua_Integer)d->n) return 0;
  lua_pushinteger(L, i + 1);
  lua_replace(L, lua_upvalueindex(2));
  push_row(L, d, (size_t)i);
  return 1;
}

static int ds_countries(lua_State *L) {
  gs_lua_checkdataset(L, 1);
  lua_settop(L, 1);
  lua_pushinteger(L, 0);
  lua_pushcclosure(L, ds_countries_next, 2);
  return 1;
}

/* ---------- groups ---------- */

static void push_groups(lua_State *L) { luaL_getsubtable(L, LUA_REGISTRYINDEX, GROUPS_KEY); }

/* Whether s has the shape of an ISO 3166-1 alpha-3 code: three ASCII
 * capital letters.  (Whether the code is assigned is for the dataset to
 * say, when the group is used.) */
static int iso3_shape(const char *s) {
  for (int i = 0; i < 3; i++)
    if (s[i] < 'A' || s[i] > 'Z') return 0;
  return s[3] == '\0';
}

/* gci.group(name, {iso3, ...} [, {iso3 = false}]) registers a named group;
 * returns name.  Members must look like ISO3 codes ("vnm", "Viet Nam" and
 * "VN" are refused here, where the typo is); {iso3 = false} allows other
 * keys, for datasets loaded with gci.load(path, {key = ...}).  Whether
 * each member is in the data is checked where the group is used. */
static int gci_group(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  check_opts_table(L, 3, "gci.group");
  int iso3 = 1;
  if (lua_istable(L, 3)) {
    static const char *const known[] = {"iso3", NULL};
    gs_lua_check_options(L, 3, known, "gci.group");
    iso3 = gs_opt_bool(L, 3, "iso3", iso3, "gci.group");
  }
  if (strcmp(name, "*") == 0) return luaL_error(L, "gci.group: '*' means every country; pick another name");
  size_t n = lua_rawlen(L, 2);
  if (n == 0) return luaL_error(L, "gci.group: group '%s' has no members", name);
  lua_createtable(L, (int)n, 0);
  int list = lua_gettop(L);
  lua_newtable(L); /* members seen, for duplicates */
  for (size_t i = 1; i <= n; i++) {
    if (lua_rawgeti(L, 2, (lua_Integer)i) != LUA_TSTRING)
      return luaL_error(L, "gci.group: member %d of '%s' is not a country code", (int)i, name);
    const char *m = lua_tostring(L, -1);
    if (iso3 && !iso3_shape(m)) {
      char up[4] = {0};
      int fix = strlen(m) == 3;
      for (int k = 0; fix && k < 3; k++) {
        up[k] = (char)(m[k] >= 'a' && m[k] <= 'z' ? m[k] - 'a' + 'A' : m[k]);
        fix = up[k] >= 'A' && up[k] <= 'Z';
      }
      if (fix)
        return luaL_error(L, "gci.group: member '%s' of '%s' is not an ISO 3166 alpha-3 code (did you mean '%s'?)",
                          m, name, up);
      return luaL_error(L, "gci.group: member '%s' of '%s' is not an ISO 3166 alpha-3 code (three capital "
                        "letters); for a dataset with other keys, gci.group(name, members, {iso3 = false})", m, name);
    }
    lua_pushvalue(L, -1);
    if (lua_rawget(L, list + 1) != LUA_TNIL)
      return luaL_error(L, "gci.group: member '%s' is listed twice in '%s'", m, name);
    lua_pop(L, 1);
    lua_pushvalue(L, -1);
    lua_pushboolean(L, 1);
    lua_rawset(L, list + 1);
    lua_rawseti(L, list, (lua_Integer)i);
  }
  lua_pop(L, 1);
  push_groups(L);
  lua_pushvalue(L, -2);
  lua_setfield(L, -2, name);
  lua_pop(L, 2);
  lua_pushvalue(L, 1);
  return 1;
}

/* Pushes the member list of group `name`, or nil. */
static int push_group(lua_State *L, const char *name) {
  push_groups(L);
  int t = lua_getfield(L, -1, name);
  lua_remove(L, -2);
  return t != LUA_TNIL;
}

/* Reads the option {missing = "error" | "ignore"} of the options table at
 * t (none: "error"); returns 1 for "ignore". */
static int missing_opt(lua_State *L, int t, const char *fn) {
  if (!lua_istable(L, t)) return 0;
  int ty = lua_getfield(L, t, "missing");
  int ignore = 0;
  if (ty != LUA_TNIL) {
    const char *v = ty == LUA_TSTRING ? lua_tostring(L, -1) : "";
    if (strcmp(v, "ignore") == 0) ignore = 1;
    else if (strcmp(v, "error") != 0) luaL_error(L, "%s: option 'missing' must be \"error\" or \"ignore\"", fn);
  }
  lua_pop(L, 1);
  return ignore;
}

/* Using group `name` (member list at index gl) on d: members d lacks are
 * an error naming them (a typo such as "VIE" for "VNM" would otherwise
 * leave the group one country short, silently), unless `ignore`. */
static void group_check(lua_State *L, int gl, const char *name, const gs_dataset *d, int ignore, const char *fn) {
  if (ignore) return;
  size_t n = lua_rawlen(L, gl), bad = 0, len = 0;
  char list[400];
  list[0] = '\0';
  for (size_t g = 1; g <= n; g++) {
    lua_rawgeti(L, gl, (lua_Integer)g);
    const char *m = lua_tostring(L, -1); /* anchored by the member list */
    lua_pop(L, 1);
    if (gs_dataset_row(d, m) >= 0) continue;
    long near = key_near(d, m);
    if (len < sizeof list) {
      int k = near >= 0 ? snprintf(list + len, sizeof list - len, "%s'%s' (did you mean '%s'?)", bad ? ", " : "", m,
                                   d->key[near])
                        : snprintf(list + len, sizeof list - len, "%s'%s'", bad ? ", " : "", m);
      len += k > 0 ? (size_t)k : 0;
      if (len >= sizeof list) memcpy(list + sizeof list - 4, "...", 4);
    }
    bad++;
  }
  if (bad)
    luaL_error(L, "%s: group '%s' has %s not in %s: %s (missing = \"ignore\" uses the members present)", fn, name,
               bad == 1 ? "a member" : "members", d->source, list);
}

static int group_has(lua_State *L, int list, const char *key) {
  size_t n = lua_rawlen(L, list);
  for (size_t i = 1; i <= n; i++) {
    lua_rawgeti(L, list, (lua_Integer)i);
    int eq = strcmp(lua_tostring(L, -1), key) == 0;
    lua_pop(L, 1);
    if (eq) return 1;
  }
  return 0;
}

/* ---------- results ---------- */

typedef struct {
  size_t n;
  int digits;      /* default: the data's precision (dataset.h) */
  int digits_asked; /* digits came from an option, not from the data */
  gs_ties ties;
  int ranked;      /* rank[] holds the default ranks */
  size_t nsorted;  /* the rows ranked (user value 3 holds them sorted) */
  char label[48];
  double *score;   /* n, inline after the struct */
  double *rank;    /* n, inline */
  /* What r:explain needs: set only by d:score's arithmetic mean, whose
   * points add up (a formula's or a geometric mean's do not). */
  int explainable;
  int published;   /* d:column's: a published column, not computed here */
  double scale;    /* as given to d:score (0: none) */
  double *w;       /* the dataset's npillar weights, inline */
} res;

/* Pushes a result over the dataset at stack index ds. */
static res *res_push(lua_State *L, int ds, size_t n, const char *label) {
  ds = lua_absindex(L, ds);
  const gs_dataset *d = gs_lua_checkdataset(L, ds);
  size_t k = d->npillar;
  /* user values: 1 = the dataset, 2 = the records r[i] and r:rows() read,
   * built once on first use (see res_cached_records), 3 = the rows in rank
   * order, kept when the ranks are computed (see res_ranks) */
  res *r = lua_newuserdatauv(L, sizeof *r + (2 * (n ? n : 1) + k) * sizeof(double), 3);
  r->n = n;
  r->digits = gs_dataset_score_digits(d);
  r->digits_asked = 0;
  r->ties = GS_TIES_DENSE;
  r->ranked = 0;
  snprintf(r->label, sizeof r->label, "%s", label);
  r->score = (double *)(r + 1);
  r->rank = r->score + n;
  r->w = r->rank + (n ? n : 1);
  r->explainable = 0;
  r->published = 0;
  r->scale = 0;
  lua_pushvalue(L, ds);
  lua_setiuservalue(L, -2, 1);
  luaL_setmetatable(L, RES_MT);
  return r;
}

static res *res_check(lua_State *L, int i) { return luaL_checkudata(L, i, RES_MT); }

/* The result's dataset, anchored as its user value.  Anchoring keeps the
 * box alive, but not the dataset in it: when both became garbage in one
 * cycle, the dataset's __gc ran and a weak-keyed table could still hand
 * the result out (issue 11, class 6), so the box is checked like any. */
static const gs_dataset *res_dataset(lua_State *L, int i) {
  lua_getiuservalue(L, i, 1);
  const gs_dataset *d = gs_lua_checkdataset(L, -1);
  lua_pop(L, 1);
  return d;
}

static void rank_or_die(lua_State *L, const double *s, size_t n, int digits, gs_ties t, double *out) {
  if (gs_rank(s, n, digits, t, out) != 0) luaL_error(L, "out of memory while ranking");
}

/* The ranks of the result at stack index ri, computed on first use.  The
 * rows sorted for them (gs_rank_sorted) are kept in user value 3, a plain
 * userdata charged to the script like the result, so that r:explain
 * neither ranks nor sorts again. */
static const double *res_ranks(lua_State *L, int ri) {
  res *r = res_check(L, ri);
  if (!r->ranked) {
    ri = lua_absindex(L, ri);
    gs_keyrow *sorted = lua_newuserdatauv(L, (r->n ? r->n : 1) * sizeof *sorted, 0);
    size_t m;
    if (gs_rank_sorted(r->score, r->n, r->digits, r->ties, r->rank, sorted, &m) != 0)
      luaL_error(L, "out of memory while ranking");
    lua_setiuservalue(L, ri, 3);
    r->nsorted = m;
    r->ranked = 1;
  }
  return r->rank;
}

/* The rows in rank order that res_ranks keeps (valid while the result at
 * ri is), and their number. */
static const gs_keyrow *res_sorted(lua_State *L, int ri, size_t *m) {
  res *r = res_check(L, ri);
  res_ranks(L, ri);
  lua_getiuservalue(L, ri, 3);
  const gs_keyrow *sorted = lua_touserdata(L, -1);
  lua_pop(L, 1); /* the result holds it */
  *m = r->nsorted;
  return sorted;
}

void gs_lua_pushnum(lua_State *L, double v) {
  if (isnan(v)) lua_pushnil(L);
  else if (v == floor(v) && fabs(v) < 9007199254740992.0) lua_pushinteger(L, (lua_Integer)v);
  else lua_pushnumber(L, v);
}

void gs_lua_setnum(lua_State *L, const char *k, double v) {
  gs_lua_pushnum(L, v);
  lua_setfield(L, -2, k);
}

void gs_lua_setstr(lua_State *L, const char *k, const char *v) {
  if (!v) return;
  lua_pushstring(L, v);
  lua_setfield(L, -2, k);
}

/* Reads {ties=, digits=} into *digits / *ties (defaults kept) through the
 * one option reader (lopts.h); *asked (when not NULL) becomes 1 if digits
 * were given. */
static void rank_opts_asked(lua_State *L, int t, int *digits, gs_ties *ties, int *asked, const char *fn) {
  if (!lua_istable(L, t)) return;
  if (asked) {
    *asked |= lua_getfield(L, t, "digits") != LUA_TNIL;
    lua_pop(L, 1);
  }
  *ties = gs_opt_ties(L, t, *ties, fn);
  *digits = gs_opt_digits(L, t, *digits, fn);
}

static void rank_opts(lua_State *L, int t, int *digits, gs_ties *ties, const char *fn) {
  rank_opts_asked(L, t, digits, ties, NULL, fn);
}

/* Pushes a userdata array of n indices in rank order (ties by input
 * order, NaN last: gs_rank_order, O(n) for gs_rank's ranks); returns it. */
static size_t *rank_order(lua_State *L, const double *rank, size_t n) {
  size_t *o = lua_newuserdatauv(L, (n ? n : 1) * sizeof *o, 0);
  if (gs_rank_order(rank, n, o) != 0) luaL_error(L, "out of memory while ordering ranks");
  return o;
}

static void push_result_record(lua_State *L, const gs_dataset *d, const res *r, size_t i, double rank) {
  lua_createtable(L, 0, 4);
  lua_pushstring(L, d->key[i]);
  lua_setfield(L, -2, d->key_col); /* the dataset's key column, in every object */
  lua_pushstring(L, d->name[i]);
  lua_setfield(L, -2, "country");
  gs_lua_pushnum(L, r->score[i]);
  lua_setfield(L, -2, "score");
  gs_lua_pushnum(L, rank);
  lua_setfield(L, -2, "rank");
}

/* How a result ranks, for its footer: "dense ranks on scores rounded to 3
 * decimals (the precision of the data)". */
static void rank_note(const res *r, char *buf, size_t len) {
  if (r->digits < 0)
    snprintf(buf, len, "%s ranks on exact scores", gs_ties_name(r->ties));
  else
    snprintf(buf, len, "%s ranks on scores rounded to %d decimal%s%s", gs_ties_name(r->ties), r->digits,
             r->digits == 1 ? "" : "s", r->digits_asked ? "" : " (the precision of the data)");
}

/* A result's records in rank order, made as they are read (lrecords.h):
 * the source keeps the rank order; user value 2 anchors the result, whose
 * scores and ranks it reads and whose dataset it checks. */
typedef struct {
  const gs_dataset *d; /* refreshed by rec_check */
  const double *score, *rank;
  size_t order[]; /* r->n indices in rank order */
} rec_src;

static void rec_check(lua_State *L, int src, void *data) {
  rec_src *s = data;
  lua_getiuservalue(L, src, 2);
  s->d = res_dataset(L, lua_gettop(L));
  lua_pop(L, 1);
}

static gs_cell_kind rec_cell(const void *data, size_t row, size_t col, double *num, long long *in, int *b,
                             const char **text) {
  const rec_src *s = data;
  size_t i = s->order[row];
  (void)in;
  (void)b;
  switch (col) {
  case 0: *text = s->d->key[i]; return GS_CELL_TEXT;
  case 1: *text = s->d->name[i]; return GS_CELL_TEXT;
  case 2: *num = s->score[i]; return GS_CELL_NUMBER;
  default: *num = s->rank[i]; return GS_CELL_NUMBER;
  }
}

static const gs_lazy_class rec_class = {rec_check, rec_cell};

/* Pushes the first `limit` records in rank order; with `whole_ties`, also
 * those tied with the last of them (r:top never cuts a tie).  The records
 * are made when read (a lazy records object): printing a result of 10^6
 * units makes no table per unit. */
static int push_records_ties(lua_State *L, int ri, size_t limit, int whole_ties) {
  ri = lua_absindex(L, ri);
  res *r = res_check(L, ri);
  const gs_dataset *d = res_dataset(L, ri);
  const double *rank = res_ranks(L, ri);
  if (r->n > ((size_t)-1 - sizeof(rec_src)) / sizeof(size_t)) return luaL_error(L, "out of memory");
  if (limit > r->n) limit = r->n;
  /* the source orders all n units; its records are the first `limit` */
  rec_src *s = gs_records_lazy_new(L, &rec_class, r->n, sizeof *s + (r->n ? r->n : 1) * sizeof(size_t), 1);
  int src = lua_gettop(L);
  if (gs_rank_order(rank, r->n, s->order) != 0) return luaL_error(L, "out of memory while ordering ranks");
  size_t *o = s->order;
  if (whole_ties && limit > 0)
    while (limit < r->n && rank[o[limit]] == rank[o[limit - 1]]) limit++;
  s->d = d;
  s->score = r->score;
  s->rank = rank;
  lua_pushvalue(L, ri);
  lua_setiuservalue(L, src, 2);
  gs_records_lazy_setn(L, src, limit);
  {
    const char *cols[] = {d->key_col, "country", "score", "rank", NULL};
    char note[128];
    rank_note(r, note, sizeof note);
    gs_records_lazy_push(L, src, "gci.records", cols, note, NULL);
  }
  lua_remove(L, src);
  return 1;
}

static int push_records(lua_State *L, int ri, size_t limit) { return push_records_ties(L, ri, limit, 0); }

static int res_rows_mm(lua_State *L) { return push_records(L, 1, (size_t)-1); }

static int res_top(lua_State *L) {
  lua_Integer n = luaL_checkinteger(L, 2);
  luaL_argcheck(L, n >= 0, 2, "must be >= 0");
  return push_records_ties(L, 1, (size_t)n, 1);
}

static int res_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)res_check(L, 1)->n);
  return 1;
}

static long res_row(lua_State *L, int ri, const char *key) {
  return row_check(L, res_dataset(L, ri), key);
}

static int res_score(lua_State *L) {
  res *r = res_check(L, 1);
  long i = res_row(L, 1, luaL_checkstring(L, 2));
  gs_lua_pushnum(L, r->score[i]);
  return 1;
}

/* r:rank(iso [, {ties=, digits=, group=, missing=}]) */
static int res_rank(lua_State *L) {
  res *r = res_check(L, 1);
  const char *key = luaL_checkstring(L, 2);
  long i = res_row(L, 1, key);
  check_opts_table(L, 3, "rank");
  static const char *const known[] = {"digits", "ties", "group", "missing", NULL};
  gs_opts_check(L, 3, known, "rank");
  int digits = r->digits;
  gs_ties ties = r->ties;
  rank_opts(L, 3, &digits, &ties, "rank");
  const char *group = opt_string(L, 3, "group", NULL, "rank");
  if (!group) {
    if (digits == r->digits && ties == r->ties) {
      gs_lua_pushnum(L, res_ranks(L, 1)[i]);
      return 1;
    }
    double *tmp = lua_newuserdatauv(L, (r->n ? r->n : 1) * sizeof *tmp, 0);
    rank_or_die(L, r->score, r->n, digits, ties, tmp);
    gs_lua_pushnum(L, tmp[i]);
    return 1;
  }
  if (!push_group(L, group)) return luaL_error(L, "unknown group '%s' (define it with gci.group)", group);
  int gl = lua_gettop(L);
  if (!group_has(L, gl, key)) return luaL_error(L, "country '%s' is not in group '%s'", key, group);
  const gs_dataset *d = res_dataset(L, 1);
  group_check(L, gl, group, d, missing_opt(L, 3, "rank"), "rank");
  size_t gn = lua_rawlen(L, gl), m = 0;
  double *s = lua_newuserdatauv(L, 2 * (gn ? gn : 1) * sizeof *s, 0);
  double *rk = s + gn;
  long self = -1;
  for (size_t g = 1; g <= gn; g++) {
    lua_rawgeti(L, gl, (lua_Integer)g);
    long row = gs_dataset_row(d, lua_tostring(L, -1));
    lua_pop(L, 1);
    if (row < 0) continue; /* a member this dataset lacks */
    if (row == i) self = (long)m;
    s[m++] = r->score[row];
  }
  rank_or_die(L, s, m, digits, ties, rk);
  gs_lua_pushnum(L, rk[self]);
  return 1;
}

/* r:ranks([{ties=, digits=}]) -> {iso3 = rank, ...} */
static int res_ranks_fn(lua_State *L) {
  res *r = res_check(L, 1);
  static const char *const known[] = {"digits", "ties", NULL};
  gs_opts_check(L, 2, known, "ranks");
  int digits = r->digits;
  gs_ties ties = r->ties;
  rank_opts(L, 2, &digits, &ties, "ranks");
  const gs_dataset *d = res_dataset(L, 1);
  double *tmp = lua_newuserdatauv(L, (r->n ? r->n : 1) * sizeof *tmp, 0);
  rank_or_die(L, r->score, r->n, digits, ties, tmp);
  lua_createtable(L, 0, (int)r->n);
  for (size_t i = 0; i < r->n; i++) {
    gs_lua_pushnum(L, tmp[i]);
    lua_setfield(L, -2, d->key[i]);
  }
  return 1;
}

/* r:ranked{ties=, digits=} -> the same scores with other rank settings. */
static int res_ranked(lua_State *L) {
  res *r = res_check(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  static const char *const known[] = {"digits", "ties", NULL};
  gs_opts_check(L, 2, known, "ranked");
  lua_settop(L, 2);
  lua_getiuservalue(L, 1, 1);
  res *o = res_push(L, -1, r->n, r->label);
  memcpy(o->score, r->score, r->n * sizeof *o->score);
  o->digits = r->digits;
  o->digits_asked = r->digits_asked;
  o->ties = r->ties;
  o->explainable = r->explainable;
  o->published = r->published;
  o->scale = r->scale;
  memcpy(o->w, r->w, res_dataset(L, 1)->npillar * sizeof *o->w);
  rank_opts_asked(L, 2, &o->digits, &o->ties, &o->digits_asked, "ranked");
  return 1;
}

static int res_rows_next(lua_State *L) {
  lua_Integer i = lua_tointeger(L, lua_upvalueindex(2)) + 1;
  if (lua_geti(L, lua_upvalueindex(1), i) == LUA_TNIL) return 0; /* made as read */
  lua_pushinteger(L, i);
  lua_replace(L, lua_upvalueindex(2));
  return 1;
}

/* Pushes the result's records, built on first use and kept as its second
 * user value: r[i] in a loop over every i would otherwise rank-order all
 * units at each access, O(n^2 log n) for the loop (issue 15); kept, every
 * r[i] is O(1) and r[i] is the same record r:rows() gives (issue 12). */
static void res_cached_records(lua_State *L, int ri) {
  ri = lua_absindex(L, ri);
  if (lua_getiuservalue(L, ri, 2) == LUA_TTABLE) return;
  lua_pop(L, 1);
  push_records(L, ri, (size_t)-1);
  lua_pushvalue(L, -1);
  lua_setiuservalue(L, ri, 2);
}

/* for row in r:rows() do ... end, in rank order */
static int res_rows(lua_State *L) {
  res_check(L, 1);
  res_cached_records(L, 1);
  lua_pushinteger(L, 0);
  lua_pushcclosure(L, res_rows_next, 2);
  return 1;
}

static int res_index(lua_State *L) {
  if (lua_type(L, 2) == LUA_TNUMBER) {
    res *r = res_check(L, 1);
    lua_Integer k = lua_tointeger(L, 2);
    if (k < 1 || (size_t)k > r->n) return 0;
    res_cached_records(L, 1);
    lua_geti(L, -1, k); /* lazy records: made when first read */
    return 1;
  }
  luaL_getmetatable(L, RES_MT);
  lua_getfield(L, -1, "methods");
  lua_pushvalue(L, 2);
  lua_rawget(L, -2);
  return 1;
}

/* r:explain(iso3): the result's score of iso3 explained (explain.h), at
 * the result's digits and tie rule. */
static int res_explain(lua_State *L) {
  res *r = res_check(L, 1);
  /* luaL_checkstring would say "bad argument #2 to '?'" when the call is a
   * tail call (return r:explain()), which has no name to report */
  if (lua_type(L, 2) != LUA_TSTRING)
    return luaL_error(L, "explain: needs a country code, e.g. r:explain(\"VNM\"), got %s", luaL_typename(L, 2));
  static const char *const known[] = {NULL};
  gs_opts_check(L, 3, known, "explain");
  const char *key = lua_tostring(L, 2);
  long u = res_row(L, 1, key);
  if (r->published)
    return luaL_error(L, "explain: d:column(\"%s\") is a published column, not computed from pillar weights, so "
                      "it has no pillar contributions; explain a computed score: d:score():explain(\"%s\") "
                      "or d:score{weights = ..., scale = ...}:explain(...)", r->label, key);
  if (!r->explainable)
    return luaL_error(L, "explain: a %s result has no pillar contributions; explain works on "
                      "d:score{weights = ..., scale = ...} (the arithmetic mean)", r->label);
  gs_spec spec;
  gs_spec_init(&spec, r->w);
  spec.scale = r->scale;
  spec.digits = r->digits;
  spec.ties = r->ties;
  /* the dataset stays alive: the result (argument 1) holds it; its scores
   * and ranks are lent, so explain ranks nothing again */
  size_t m;
  const gs_keyrow *sorted = res_sorted(L, 1, &m);
  gs_lua_push_explain(L, res_dataset(L, 1), (size_t)u, &spec, r->score, r->rank, sorted, m);
  return 1;
}

/* Classifies a score by descending thresholds: tier 1 at or above the
 * first, ..., the last tier below them all. */
static int tier_of(double s, const double *th, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s >= th[i]) return (int)i + 1;
  return (int)n + 1;
}

static const double gci2024_tiers[] = {95, 85, 55, 20};

/* Reads a threshold list at index t (or the GCI 2024 default) into th. */
static size_t read_thresholds(lua_State *L, int t, double *th, size_t cap) {
  if (lua_isnoneornil(L, t)) {
    memcpy(th, gci2024_tiers, sizeof gci2024_tiers);
    return 4;
  }
  luaL_checktype(L, t, LUA_TTABLE);
  size_t n = lua_rawlen(L, t);
  if (n == 0 || n > cap) luaL_error(L, "tier thresholds: give 1 to %d numbers, highest first", (int)cap);
  for (size_t i = 0; i < n; i++) {
    lua_rawgeti(L, t, (lua_Integer)i + 1);
    if (!lua_isnumber(L, -1)) luaL_error(L, "tier threshold %d is not a number", (int)i + 1);
    th[i] = lua_tonumber(L, -1);
    lua_pop(L, 1);
    if (i && !(th[i] < th[i - 1])) luaL_error(L, "tier thresholds must decrease");
  }
  return n;
}

/* gci.tier(score [, thresholds]) */
static int gci_tier(lua_State *L) {
  double s = luaL_checknumber(L, 1);
  double th[32];
  size_t n = read_thresholds(L, 2, th, 32);
  lua_pushinteger(L, tier_of(s, th, n));
  return 1;
}

/* r:tiers([thresholds]): records (key, country, score, rank, tier) in rank
 * order, as res:tiers gives for an index.  The map {iso3 = tier} it used
 * to return still answers t.VNM for one release (deprecated, CHANGELOG):
 * the records' method table falls back to it. */
static int res_tiers(lua_State *L) {
  res *r = res_check(L, 1);
  double th[32];
  size_t n = read_thresholds(L, 2, th, 32);
  lua_settop(L, 1);
  const gs_dataset *d = res_dataset(L, 1);
  const double *rank = res_ranks(L, 1);
  size_t *o = rank_order(L, rank, r->n); /* 2 */
  lua_createtable(L, 0, (int)r->n);      /* 3: the old map */
  lua_createtable(L, (int)r->n, 0);      /* 4: the records */
  for (size_t k = 0; k < r->n; k++) {
    size_t i = o[k];
    push_result_record(L, d, r, i, rank[i]);
    if (!isnan(r->score[i])) {
      lua_pushinteger(L, tier_of(r->score[i], th, n));
      lua_pushvalue(L, -1);
      lua_setfield(L, 3, d->key[i]);
      lua_setfield(L, -2, "tier");
    }
    lua_rawseti(L, 4, (lua_Integer)k + 1);
  }
  const char *cols[] = {d->key_col, "country", "score", "rank", "tier", NULL};
  gs_records_setmeta(L, 4, "gci.records", cols, NULL, NULL);
  lua_getmetatable(L, 4); /* the C API reads it despite __metatable */
  lua_getfield(L, -1, "__index");
  lua_createtable(L, 0, 1);
  lua_pushvalue(L, 3);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, -2);
  lua_settop(L, 4);
  return 1;
}

/* ---------- scoring ---------- */

/* Reads weights for d's pillars from the table at t (nil: all 1); a pillar
 * the table does not name keeps weight 1, as with `gcisim explain
 * --weights` and d:uncertainty (one rule for partial weights). */
static void read_weights(lua_State *L, int t, const gs_dataset *d, double *w) {
  for (size_t p = 0; p < d->npillar; p++) w[p] = 1;
  if (lua_isnoneornil(L, t)) return;
  if (!lua_istable(L, t)) luaL_error(L, "weights must be a table {pillar = weight, ...}");
  t = lua_absindex(L, t);
  lua_pushnil(L);
  while (lua_next(L, t)) {
    if (lua_type(L, -2) != LUA_TSTRING) luaL_error(L, "weights: keys must be pillar names");
    long p = pillar_check(L, d, lua_tostring(L, -2));
    w[p] = gs_opt_check_weight(L, -1, lua_tostring(L, -2), "weights");
    lua_pop(L, 1);
  }
}

static int ro_newindex(lua_State *L) {
  lua_getfield(L, 1, "iso3");
  return luaL_error(L, "the record of %s is read-only (copy it with d:get)", lua_tostring(L, -1));
}

/* pairs(c) walks the row with a C iterator holding it as an upvalue: the
 * row table itself never reaches the script (returning `next, row` as
 * pairs usually does would hand it out, writable). */
static int ro_next(lua_State *L) {
  lua_settop(L, 2);
  if (lua_next(L, lua_upvalueindex(1))) return 2;
  return 0;
}

static int ro_pairs(lua_State *L) {
  luaL_getmetafield(L, 1, "__index");
  lua_pushcclosure(L, ro_next, 1);
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

/* The read-only proxy's metamethods besides its __index (the row). */
static const luaL_Reg ro_meta[] = {{"__newindex", ro_newindex}, {"__pairs", ro_pairs}, {NULL, NULL}};

/* Pushes the dataset's read-only row records, built once and kept in the
 * dataset's user value: a formula then costs one Lua call per country and
 * no allocation.  Each record is an empty USERDATA proxy whose protected
 * metatable indexes the row's values and refuses writes: a userdata has
 * no raw fields, so rawset(c, ...) fails as c.x = ... does, and pairs(c)
 * never hands out the row; a formula cannot change what the next call, a
 * later formula or the dataset sees. */
static void push_row_cache(lua_State *L, int ds) {
  if (lua_getiuservalue(L, ds, 1) == LUA_TTABLE) return;
  lua_pop(L, 1);
  const gs_dataset *d = gs_lua_checkdataset(L, ds);
  lua_createtable(L, (int)d->n, 0);
  for (size_t i = 0; i < d->n; i++) {
    lua_newuserdatauv(L, 0, 0); /* the proxy */
    lua_createtable(L, 0, 4);   /* its metatable */
    push_row(L, d, i);
    lua_setfield(L, -2, "__index");
    luaL_setfuncs(L, ro_meta, 0);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_pushvalue(L, -1);
  lua_setiuservalue(L, ds, 1);
}

static int score_formula(lua_State *L) {
  const gs_dataset *d = gs_lua_checkdataset(L, 1);
  int f = 2;
  push_row_cache(L, 1);
  int cache = lua_gettop(L);
  res *r = res_push(L, 1, d->n, "formula");
  for (size_t i = 0; i < d->n; i++) {
    lua_pushvalue(L, f);
    lua_rawgeti(L, cache, (lua_Integer)i + 1);
    lua_call(L, 1, 1);
    int isnum = 0;
    double v = lua_tonumberx(L, -1, &isnum);
    if (!isnum || lua_type(L, -1) != LUA_TNUMBER)
      return luaL_error(L, "score formula returned %s for %s (%s); it must return a number",
                        luaL_typename(L, -1), d->key[i], d->name[i]);
    if (!isfinite(v))
      return luaL_error(L, "score formula returned %s for %s (%s); it must be finite",
                        isnan(v) ? "NaN" : "an infinite number", d->key[i], d->name[i]);
    r->score[i] = v;
    lua_pop(L, 1);
  }
  return 1;
}

/* d:score{weights=, method=, scale=, offset=, digits=, ties=} or d:score(function) */
static int ds_score(lua_State *L) {
  const gs_dataset *d = gs_lua_checkdataset(L, 1);
  if (lua_isfunction(L, 2)) {
    lua_settop(L, 2);
    return score_formula(L);
  }
  /* "method" is the deprecated spelling of "agg" (lopts.h) */
  static const char *const known[] = {"weights", "agg", "scale", "offset", "digits", "ties", "method", NULL};
  gs_opts_check(L, 2, known, "score");
  lua_settop(L, 2);
  if (d->npillar == 0) return luaL_error(L, "score: %s has no pillars to score", d->source);
  double *w = lua_newuserdatauv(L, d->npillar * sizeof *w, 0);
  lua_getfield(L, 2, "weights");
  read_weights(L, -1, d, w);
  lua_pop(L, 1);
  gs_spec spec;
  gs_spec_init(&spec, w);
  spec.digits = gs_dataset_score_digits(d); /* ranks follow the data */
  int asked = gs_opt_spec(L, 2, &spec, 1, "score");
  res *r = res_push(L, 1, d->n, gs_agg_name(spec.agg));
  r->digits = spec.digits;
  r->ties = spec.ties;
  r->digits_asked = asked;
  char err[256];
  if (gs_score_dataset(d, &spec, r->score, err, sizeof err) != 0) return luaL_error(L, "score: %s", err);
  r->explainable = spec.agg == GS_AGG_ARITHMETIC;
  r->scale = spec.scale;
  memcpy(r->w, w, d->npillar * sizeof *w);
  return 1;
}

/* d:column(name [, {digits=, ties=}]) ranks a published numeric column. */
static int ds_column(lua_State *L) {
  const gs_dataset *d = gs_lua_checkdataset(L, 1);
  const char *name = luaL_checkstring(L, 2);
  static const char *const known[] = {"digits", "ties", NULL};
  gs_opts_check(L, 3, known, "column");
  long c = gs_dataset_col(d, name);
  if (c < 0 || d->col[c].type != GS_COL_NUMBER) {
    /* say what the column is, and which ones can be ranked */
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (size_t k = 0, m = 0; k < d->ncol; k++)
      if (d->col[k].type == GS_COL_NUMBER) {
        if (m++) luaL_addstring(&b, ", ");
        luaL_addstring(&b, d->col[k].name);
      }
    luaL_pushresult(&b);
    const char *nums = lua_tostring(L, -1);
    if (strcmp(name, d->name_col) == 0 || strcmp(name, d->key_col) == 0 || c >= 0)
      return luaL_error(L, "column: '%s' is %s of %s (text, not numbers); numeric columns: %s", name,
                        strcmp(name, d->key_col) == 0 ? "the key column" : strcmp(name, d->name_col) == 0
                        ? "the name column" : "a column", d->source, nums);
    return luaL_error(L, "column: no column '%s' in %s; numeric columns: %s", name, d->source, nums);
  }
  res *r = res_push(L, 1, d->n, name);
  r->published = 1;
  r->digits = gs_dataset_col_digits(d, (size_t)c); /* as published */
  memcpy(r->score, d->col[c].num, d->n * sizeof *r->score);
  rank_opts_asked(L, 3, &r->digits, &r->ties, &r->digits_asked, "column");
  return 1;
}

/* ---------- scenarios ---------- */

/* Reads the edit (number, or {set=|add=|mul=}) at stack top of pillar
 * column c, for `who`. */
static gs_edit read_edit(lua_State *L, const gs_dataset *e, long c, const char *who) {
  gs_edit ed = {GS_EDIT_SET, 0};
  if (lua_type(L, -1) == LUA_TNUMBER) {
    ed.v = lua_tonumber(L, -1);
    return ed;
  }
  if (lua_istable(L, -1)) {
    static const char *const ops[] = {"set", "add", "mul"};
    int kinds = 0;
    for (int i = 0; i < 3; i++) {
      if (lua_getfield(L, -1, ops[i]) != LUA_TNIL) {
        kinds++;
        ed = (gs_edit){(gs_edit_op)i, luaL_checknumber(L, -1)};
      }
      lua_pop(L, 1);
    }
    if (kinds == 1) return ed;
  }
  luaL_error(L, "with: edit of %s %s must be a number or one of {set=x}, {add=x}, {mul=x}", who, e->col[c].name);
  return ed;
}

/* Applies the table of edits at index t (column -> edit) to the rows
 * listed in the `rows` array, through the core (scenario.h). */
static void apply_edits(lua_State *L, gs_dataset *e, int t, const size_t *rows, size_t nrows, const char *who) {
  lua_pushnil(L);
  while (lua_next(L, t)) {
    if (lua_type(L, -2) != LUA_TSTRING) luaL_error(L, "with: %s: keys must be pillar names", who);
    const char *col = lua_tostring(L, -2);
    long c = gs_dataset_col(e, col);
    long p = c < 0 || e->col[c].type != GS_COL_NUMBER ? -1 : gs_dataset_pillar_of(e, (size_t)c);
    if (p < 0) luaL_error(L, "with: unknown pillar '%s' (editing %s)", col, who);
    gs_edit ed = read_edit(L, e, c, who);
    size_t bad;
    double v;
    gs_edit_status st = gs_scenario_apply(e, (size_t)p, rows, nrows, ed, &bad, &v);
    if (st == GS_EDIT_NONFINITE) luaL_error(L, "with: %s %s would not be a finite number", e->key[bad], col);
    if (st == GS_EDIT_RANGE) {
      char a[32], lo[32], hi[32];
      gs_format_number(v, a, sizeof a);
      gs_format_number(e->pmin[p], lo, sizeof lo);
      gs_format_number(e->pmax[p], hi, sizeof hi);
      luaL_error(L, "with: %s %s = %s is outside the pillar's range %s..%s", e->key[bad], col, a, lo, hi);
    }
    lua_pop(L, 1);
  }
}

/* d:with({VNM = {technical = 20}, ASEAN = {legal = {add = 1}}, ["*"] = {...}}
 *        [, {missing = "ignore"}])
 * Edits for every country ("*") apply first, then groups, then single
 * countries, so the most specific edit has the last word.  A group with
 * members the dataset lacks is an error unless missing = "ignore". */
static int ds_with(lua_State *L) {
  const gs_dataset *d = gs_lua_checkdataset(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  check_opts_table(L, 3, "with");
  int ignore = 0;
  if (lua_istable(L, 3)) {
    static const char *const known[] = {"missing", NULL};
    gs_lua_check_options(L, 3, known, "with");
    ignore = missing_opt(L, 3, "with");
  }
  lua_settop(L, 2);
  ds_box *b = ds_push_box(L); /* 3 */
  ds_precharge(L, b, ds_bytes(d));
  gs_dataset *e = gs_dataset_copy(d);
  if (!e) return luaL_error(L, "with: out of memory");
  ds_adopt(L, b, e);
  size_t *rows = lua_newuserdatauv(L, (d->n ? d->n : 1) * sizeof *rows, 0); /* 4 */
  /* A group may name a country many times: rows[] holds each row once
   * (seen[] marks them), so its size is the dataset's, whatever the
   * group's length (issue 11, class 5: 5000 "USA" wrote past rows[]). */
  unsigned char *seen = lua_newuserdatauv(L, d->n ? d->n : 1, 0); /* 5 */
  for (int pass = 0; pass < 3; pass++) {
    lua_pushnil(L);
    while (lua_next(L, 2)) {
      if (lua_type(L, -2) != LUA_TSTRING || !lua_istable(L, -1))
        return luaL_error(L, "with: expected {COUNTRY = {pillar = value, ...}, ...}");
      const char *who = lua_tostring(L, -2);
      int vt = lua_gettop(L);
      size_t nr = 0;
      if (strcmp(who, "*") == 0) {
        if (pass == 0) { for (size_t i = 0; i < e->n; i++) rows[nr++] = i; }
      } else if (gs_dataset_row(e, who) >= 0) {
        if (pass == 2) rows[nr++] = (size_t)gs_dataset_row(e, who);
      } else if (push_group(L, who)) {
        if (pass == 1) {
          group_check(L, lua_gettop(L), who, e, ignore, "with");
          size_t gn = lua_rawlen(L, -1);
          memset(seen, 0, e->n ? e->n : 1);
          for (size_t g = 1; g <= gn; g++) {
            lua_rawgeti(L, -1, (lua_Integer)g);
            const char *code = lua_tostring(L, -1);
            long r = code ? gs_dataset_row(e, code) : -1;
            lua_pop(L, 1);
            if (r >= 0 && (size_t)r < e->n && !seen[r]) {
              seen[r] = 1;
              rows[nr++] = (size_t)r;
            }
          }
          if (nr == 0) return luaL_error(L, "with: no member of group '%s' is in %s", who, e->source);
        }
        lua_pop(L, 1);
      } else {
        lua_pop(L, 1);
        long near = key_near(e, who);
        if (near >= 0)
          return luaL_error(L, "with: unknown country or group '%s' (did you mean '%s'?)", who, e->key[near]);
        return luaL_error(L, "with: unknown country or group '%s'", who);
      }
      if (nr) apply_edits(L, e, vt, rows, nr, who);
      lua_settop(L, vt - 1);
    }
  }
  lua_settop(L, 3);
  return 1;
}

/* d:without{"cooperation", ...} drops pillars from scoring. */
static int ds_without(lua_State *L) {
  const gs_dataset *d = gs_lua_checkdataset(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  ds_box *b = ds_push_box(L);
  ds_precharge(L, b, ds_bytes(d));
  gs_dataset *e = gs_dataset_copy(d);
  if (!e) return luaL_error(L, "without: out of memory");
  ds_adopt(L, b, e);
  size_t n = lua_rawlen(L, 2);
  for (size_t i = 1; i <= n; i++) {
    lua_rawgeti(L, 2, (lua_Integer)i);
    const char *name = lua_tostring(L, -1);
    if (!name) return luaL_error(L, "without: item %d is not a pillar name", (int)i);
    long p = pillar_check(L, e, name);
    gs_dataset_drop_pillar(e, (size_t)p);
    lua_pop(L, 1);
  }
  if (e->npillar == 0) return luaL_error(L, "without: no pillar would be left");
  return 1;
}

/* ---------- comparisons ---------- */


/* Keeps the records of comparison 1 whose `field` is a nonzero number
 * (changed = 1) or is missing (changed = 0), in a comparison of their
 * own (plain records: the filter reads every record anyway). */
static int cmp_movers(lua_State *L);
static int cmp_unmatched(lua_State *L);
static int cmp_tier_changes(lua_State *L);
static const luaL_Reg cmp_methods[] = {{"movers", cmp_movers}, {"unmatched", cmp_unmatched},
                                       {"tier_changes", cmp_tier_changes}, {NULL, NULL}};

static int cmp_filter(lua_State *L, const char *field, int changed, const char *who) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  if (luaL_getmetafield(L, 1, "__columns") != LUA_TTABLE)
    return luaL_error(L, "%s: not a comparison (gci.compare)", who);
  int cols = lua_gettop(L);
  gs_records_materialise(L, 1);
  lua_newtable(L);
  size_t n = gs_records_len(L, 1), k = 0;
  for (size_t i = 1; i <= n; i++) {
    if (lua_rawgeti(L, 1, (lua_Integer)i) != LUA_TTABLE) { lua_pop(L, 1); continue; }
    lua_getfield(L, -1, field);
    int has = !lua_isnil(L, -1);
    int keep = changed ? has && lua_tonumber(L, -1) != 0 : !has;
    lua_pop(L, 1);
    if (keep) lua_rawseti(L, -2, (lua_Integer)++k);
    else lua_pop(L, 1);
  }
  gs_records_setmeta_list(L, -1, "gci.comparison", cols, NULL, cmp_methods);
  gs_lua_plot_sides_copy(L, 1, -1); /* its chart still names the editions */
  return 1;
}

static int cmp_movers(lua_State *L) { return cmp_filter(L, "rank_change", 1, "movers"); }
static int cmp_unmatched(lua_State *L) { return cmp_filter(L, "rank_change", 0, "unmatched"); }
/* c:tier_changes(): the records whose tier changed (comparisons with tiers). */
static int cmp_tier_changes(lua_State *L) { return cmp_filter(L, "tier_change", 1, "tier_changes"); }

/* A comparison's records, made as they are read (lrecords.h).  User
 * values 2 and 3 anchor the results before and after, whose scores and
 * ranks the source reads and whose datasets it checks. */
enum { CF_KEY, CF_COUNTRY, CF_SB, CF_RB, CF_TB, CF_SA, CF_RA, CF_TA, CF_RC, CF_TC };
typedef struct {
  const gs_dataset *da, *db; /* refreshed by cmp_check */
  const double *sa, *sb, *ra, *rb;
  size_t nth;
  double th[32];
  unsigned char field[10]; /* column -> CF_* */
  gs_compare_row rows[];
} cmp_src;

static void cmp_check(lua_State *L, int src, void *data) {
  cmp_src *s = data;
  lua_getiuservalue(L, src, 2);
  s->da = res_dataset(L, lua_gettop(L));
  lua_getiuservalue(L, src, 3);
  s->db = res_dataset(L, lua_gettop(L));
  lua_pop(L, 2);
}

/* A side's tier (0: none), from its score when it has one, as the records
 * always had it: a missing or NaN score has no tier. */
static int cmp_tier(const cmp_src *s, const double *score, long i) {
  return i >= 0 && !isnan(score[i]) ? tier_of(score[i], s->th, s->nth) : 0;
}

static gs_cell_kind cmp_cell(const void *data, size_t row, size_t col, double *num, long long *in, int *b,
                             const char **text) {
  const cmp_src *s = data;
  const gs_compare_row *c = &s->rows[row];
  long i = c->before, j = c->after;
  (void)b;
  switch (s->field[col]) {
  case CF_KEY: *text = j >= 0 ? s->db->key[j] : s->da->key[i]; return GS_CELL_TEXT;
  case CF_COUNTRY: *text = j >= 0 ? s->db->name[j] : s->da->name[i]; return GS_CELL_TEXT;
  case CF_SB: if (i < 0) return GS_CELL_NONE; *num = s->sa[i]; return GS_CELL_NUMBER;
  case CF_RB: if (i < 0) return GS_CELL_NONE; *num = s->ra[i]; return GS_CELL_NUMBER;
  case CF_SA: if (j < 0) return GS_CELL_NONE; *num = s->sb[j]; return GS_CELL_NUMBER;
  case CF_RA: if (j < 0) return GS_CELL_NONE; *num = s->rb[j]; return GS_CELL_NUMBER;
  case CF_RC: *num = c->rank_change; return GS_CELL_NUMBER; /* NaN: missing */
  case CF_TB: *in = cmp_tier(s, s->sa, i); return *in ? GS_CELL_INTEGER : GS_CELL_NONE;
  case CF_TA: *in = cmp_tier(s, s->sb, j); return *in ? GS_CELL_INTEGER : GS_CELL_NONE;
  default: {
    int tb = cmp_tier(s, s->sa, i), ta = cmp_tier(s, s->sb, j);
    if (!tb || !ta) return GS_CELL_NONE;
    *in = tb - ta;
    return GS_CELL_INTEGER;
  }
  }
}

static const gs_lazy_class cmp_class = {cmp_check, cmp_cell};

/* gci.compare(before, after [, {tiers = {95, 85, 55, 20}}]): matched by
 * iso3; after's rank order, then the countries only `before` has.
 * rank_change = rank_before - rank_after; with tiers, also each side's
 * tier and tier_change = tier_before - tier_after.  The matching is the
 * core's (compare.h); the records are made when read or printed. */
static int gci_compare(lua_State *L) {
  res *a = res_check(L, 1), *b = res_check(L, 2);
  double th[32];
  size_t nth = 0;
  static const char *const known[] = {"tiers", NULL};
  if (gs_opts_check(L, 3, known, "compare")) {
    lua_getfield(L, 3, "tiers");
    if (!lua_isnil(L, -1)) nth = read_thresholds(L, lua_gettop(L), th, 32);
    lua_pop(L, 1);
  }
  lua_settop(L, 2);
  const gs_dataset *da = res_dataset(L, 1), *db = res_dataset(L, 2);
  const double *ra = res_ranks(L, 1), *rb = res_ranks(L, 2);
  size_t cap = a->n + b->n ? a->n + b->n : 1;
  if (cap > ((size_t)-1 - sizeof(cmp_src)) / sizeof(gs_compare_row)) return luaL_error(L, "compare: out of memory");
  cmp_src *s = gs_records_lazy_new(L, &cmp_class, cap, sizeof *s + cap * sizeof(gs_compare_row), 2);
  int src = lua_gettop(L);
  long nrows = gs_compare(da, ra, db, rb, s->rows);
  if (nrows < 0) return luaL_error(L, "compare: out of memory");
  gs_records_lazy_setn(L, src, (size_t)nrows);
  s->da = da;
  s->db = db;
  s->sa = a->score;
  s->sb = b->score;
  s->ra = ra;
  s->rb = rb;
  s->nth = nth;
  memcpy(s->th, th, nth * sizeof *th);
  lua_pushvalue(L, 1);
  lua_setiuservalue(L, src, 2);
  lua_pushvalue(L, 2);
  lua_setiuservalue(L, src, 3);
  /* the key column keeps after's name (one name in one object) */
  if (nth) {
    static const unsigned char f[] = {CF_KEY, CF_COUNTRY, CF_SB, CF_RB, CF_TB, CF_SA, CF_RA, CF_TA, CF_RC, CF_TC};
    memcpy(s->field, f, sizeof f);
    const char *cols[] = {db->key_col, "country", "score_before", "rank_before", "tier_before", "score_after",
                          "rank_after", "tier_after", "rank_change", "tier_change", NULL};
    gs_records_lazy_push(L, src, "gci.comparison", cols, NULL, cmp_methods);
  } else {
    static const unsigned char f[] = {CF_KEY, CF_COUNTRY, CF_SB, CF_RB, CF_SA, CF_RA, CF_RC};
    memcpy(s->field, f, sizeof f);
    const char *cols[] = {db->key_col, "country", "score_before", "rank_before", "score_after", "rank_after",
                          "rank_change", NULL};
    gs_records_lazy_push(L, src, "gci.comparison", cols, NULL, cmp_methods);
  }
  gs_lua_plot_sides_set(L, -1, da->source, db->source); /* for its chart (lplot.h) */
  return 1;
}

/* gci.records(list, {columns...}): gives a list of records a column order
 * for printing. */
static int gci_records(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 2);
  gs_records_materialise(L, 1); /* a lazy list becomes a plain one */
  gs_records_setmeta_list(L, 1, "gci.records", 2, NULL, NULL);
  lua_settop(L, 1);
  return 1;
}

/* gci.dataset([opts]) loads the dataset the job was given (batch runs,
 * or --dataset FILE). */
static int gci_dataset(lua_State *L) {
  gs_ctx *ctx = gs_lua_getctx(L);
  if (!ctx || !ctx->dataset) return luaL_error(L, "gci.dataset: no dataset given (use --dataset FILE or gcisim batch)");
  lua_settop(L, 1);
  lua_pushcfunction(L, gci_load);
  lua_pushstring(L, ctx->dataset);
  lua_pushvalue(L, 1);
  lua_call(L, 2, 1);
  return 1;
}

/* gci.dataset_path() -> the job's dataset path or nil. */
static int gci_dataset_path(lua_State *L) {
  gs_ctx *ctx = gs_lua_getctx(L);
  if (ctx && ctx->dataset) lua_pushstring(L, ctx->dataset);
  else lua_pushnil(L);
  return 1;
}


/* gci.write(path, text): writes a file under an --allow-write directory,
 * atomically (a temporary file renamed on success). */
static int gci_write(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  size_t len;
  const char *text = luaL_checklstring(L, 2, &len);
  gs_ctx *ctx = gs_lua_getctx(L);
  char err[1024];
  if (!ctx || !ctx->policy || gs_policy_check(ctx->policy, path, 1, err, sizeof err) != 0)
    return luaL_error(L, "gci.write: %s", ctx && ctx->policy ? err : "writing is not allowed");
  char *tmp = lua_newuserdatauv(L, strlen(path) + 32, 0);
  FILE *f = gs_atomic_open(path, tmp, strlen(path) + 32);
  if (!f) return luaL_error(L, "gci.write: cannot write %s", path);
  if (fwrite(text, 1, len, f) != len) {
    gs_atomic_abort(f, tmp);
    return luaL_error(L, "gci.write: cannot write %s", path);
  }
  if (gs_atomic_commit(f, tmp, path, 1) != 0) return luaL_error(L, "gci.write: cannot write %s", path);
  return 0;
}

static const luaL_Reg ds_methods[] = {
    {"pillars", ds_pillars}, {"columns", ds_columns}, {"source", ds_source},   {"get", ds_get},
    {"countries", ds_countries}, {"score", ds_score}, {"column", ds_column}, {"with", ds_with},
    {"without", ds_without}, {NULL, NULL}};

static const luaL_Reg ds_meta[] = {{"__gc", ds_gc}, {"__len", ds_len}, {"__tostring", ds_tostring}, {NULL, NULL}};

static const luaL_Reg res_methods[] = {
    {"score", res_score}, {"rank", res_rank}, {"ranks", res_ranks_fn}, {"ranked", res_ranked},
    {"top", res_top},     {"rows", res_rows}, {"tiers", res_tiers},    {"explain", res_explain},
    {NULL, NULL}};

static const luaL_Reg res_meta[] = {{"__len", res_len}, {"__index", res_index}, {"__tostring", gs_records_tostring},
                                    {"__rows", res_rows_mm}, {NULL, NULL}};

static const luaL_Reg gci_funcs[] = {{"load", gci_load},       {"group", gci_group},
                                     {"compare", gci_compare}, {"tier", gci_tier},
                                     {"records", gci_records}, {"dataset", gci_dataset},
                                     {"dataset_path", gci_dataset_path}, {"write", gci_write},
                                     {NULL, NULL}};

/* Creates the metatable `name` with its metamethods, its methods under
 * `field` ("__index", or "methods" when __index is a function), and a
 * __metatable field so scripts can neither read nor replace it. */
static void new_class(lua_State *L, const char *name, const luaL_Reg *meta, const luaL_Reg *methods,
                      const char *field) {
  luaL_newmetatable(L, name);
  luaL_setfuncs(L, meta, 0);
  lua_newtable(L);
  luaL_setfuncs(L, methods, 0);
  lua_setfield(L, -2, field);
  lua_pushstring(L, name);
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);
}

/* The default ctx of a state whose host set none (a stock interpreter
 * loading gci.so): a userdata anchored in the registry, so that it lives
 * as long as the state and its __gc frees the policy. */
#define OWNCTX_MT "gcisim.ownctx"
#define OWNCTX_KEY "gcisim.ownctx.anchor"

static int ownctx_gc(lua_State *L) {
  gs_ctx *c = lua_touserdata(L, 1); /* only ever set on the ctx userdata */
  gs_policy_free(c->policy);
  c->policy = NULL;
  return 0;
}

static void default_ctx(lua_State *L) {
  gs_ctx *c = lua_newuserdatauv(L, sizeof *c, 0);
  memset(c, 0, sizeof *c); /* no sandbox, no dataset, all cores */
  if (luaL_newmetatable(L, OWNCTX_MT)) {
    lua_pushcfunction(L, ownctx_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  lua_setfield(L, LUA_REGISTRYINDEX, OWNCTX_KEY); /* anchored before anything can fail */
  /* Unrestricted: the interpreter's scripts have io and os anyway, so a
   * read or write policy here would protect nothing. */
  c->policy = gs_policy_new();
  if (!c->policy) luaL_error(L, "gci: out of memory");
  gs_policy_trust(c->policy);
  gs_lua_setctx(L, c);
}

int luaopen_gci(lua_State *L) {
  if (!gs_lua_getctx(L)) default_ctx(L);
  new_class(L, DS_MT, ds_meta, ds_methods, "__index");
  new_class(L, RES_MT, res_meta, res_methods, "methods");
  gs_lua_open_analysis(L);
  luaL_newlib(L, gci_funcs);
  gs_lua_open_hier(L, lua_gettop(L));
  gs_lua_open_plot(L, lua_gettop(L));
  lua_pushliteral(L, GCISIM_VERSION);
  lua_setfield(L, -2, "version");
  return 1;
}
