/* lopts.c - the one option reader (see lopts.h). */
#include "lopts.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* The documented range of every numeric option, by name: the same name
 * has the same range in every call (README, "Options").  Upper bounds
 * keep every later cast and product finite: an offset of 1e308 once
 * overflowed a float-to-integer cast in the uncertainty analysis. */
typedef struct {
  const char *name;
  double lo, hi;
  int whole;   /* an integer */
  int hi_open; /* hi itself excluded */
} range;

static const range ranges[] = {
    {"digits", -1, GS_OPT_DIGITS_MAX, 1, 0},
    {"step_digits", 0, 6, 1, 0},
    {"offset", 0, 1e6, 0, 0},
    {"scale", 0, 1e12, 0, 0},
    {"perturb", 0, 1, 0, 1},
    {"seed", 0, 9007199254740991.0, 1, 0},
    {"n", 1, 1e12, 1, 0},
    {"threads", 0, 1024, 1, 0},
    {"boot", 0, 100000, 1, 0},
    {"min", -1e15, 1e15, 0, 0},
    {"max", -1e15, 1e15, 0, 0},
    {"score", -1e15, 1e15, 0, 0},
    {"max_size", 0, 0x1p62, 1, 0},
};

void gs_opts_push_known(lua_State *L, const char *const *known) {
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (int i = 0; known[i]; i++) {
    if (i) luaL_addstring(&b, ", ");
    luaL_addstring(&b, known[i]);
  }
  luaL_pushresult(&b);
}

/* Deep copy of the value at idx onto the stack top.  `seen` (a stack
 * index) maps each plain table copied to its copy, so that shared and
 * cyclic tables stay shared and the copy ends. */
static void copy_value(lua_State *L, int idx, int seen, int depth) {
  idx = lua_absindex(L, idx);
  /* the top table is always copied (its metatable ignored); below it, a
   * table with a metatable is an object (a result, records): kept */
  if (lua_type(L, idx) != LUA_TTABLE || (depth > 0 && lua_getmetatable(L, idx))) {
    if (lua_type(L, idx) == LUA_TTABLE) lua_pop(L, 1); /* the metatable */
    lua_pushvalue(L, idx); /* not a plain table: kept as it is */
    return;
  }
  lua_pushvalue(L, idx);
  if (lua_rawget(L, seen) != LUA_TNIL) return;
  lua_pop(L, 1);
  if (depth > 64) luaL_error(L, "options nested more than 64 tables deep");
  luaL_checkstack(L, 6, "options nested too deep");
  lua_newtable(L);
  int copy = lua_gettop(L);
  lua_pushvalue(L, idx);
  lua_pushvalue(L, copy);
  lua_rawset(L, seen);
  lua_pushnil(L);
  while (lua_next(L, idx)) { /* lua_next is raw: no __pairs */
    copy_value(L, -2, seen, depth + 1);
    copy_value(L, -2, seen, depth + 1);
    lua_rawset(L, copy);
    lua_pop(L, 1);
  }
}

void gs_opts_snapshot(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  lua_newtable(L);
  int seen = lua_gettop(L);
  copy_value(L, idx, seen, 0);
  lua_replace(L, idx);
  lua_pop(L, 1);
}

int gs_opts_check(lua_State *L, int arg, const char *const *known, const char *fn) {
  arg = lua_absindex(L, arg);
  if (lua_gettop(L) < arg) lua_settop(L, arg);
  if (lua_isnil(L, arg)) {
    lua_newtable(L);
    lua_replace(L, arg);
    return 0;
  }
  if (!lua_istable(L, arg)) return luaL_error(L, "%s: options must be a table, got %s", fn, luaL_typename(L, arg));
  gs_opts_snapshot(L, arg);
  lua_pushnil(L);
  while (lua_next(L, arg)) {
    int ok = 0;
    if (lua_type(L, -2) == LUA_TSTRING)
      for (int i = 0; known[i] && !ok; i++) ok = strcmp(lua_tostring(L, -2), known[i]) == 0;
    if (!ok) {
      if (!known[0]) lua_pushliteral(L, "none: it takes no options");
      else gs_opts_push_known(L, known);
      const char *key = lua_type(L, -3) == LUA_TSTRING ? lua_tostring(L, -3) : luaL_typename(L, -3);
      return luaL_error(L, "%s: unknown option '%s' (known: %s)", fn, key, lua_tostring(L, -1));
    }
    lua_pop(L, 1);
  }
  return 1;
}

const char *gs_opt_string(lua_State *L, int t, const char *key, const char *def, const char *fn) {
  const char *s = def;
  lua_pushstring(L, key);
  if (lua_rawget(L, t) != LUA_TNIL) {
    /* strings only: lua_tostring would make a number into a new string
     * held by this stack slot alone */
    if (lua_type(L, -1) != LUA_TSTRING)
      luaL_error(L, "%s: option '%s' must be a string, got %s", fn, key, luaL_typename(L, -1));
    s = lua_tostring(L, -1); /* anchored by the snapshot at t */
  }
  lua_pop(L, 1);
  return s;
}

int gs_opt_bool(lua_State *L, int t, const char *key, int def, const char *fn) {
  int v = def;
  lua_pushstring(L, key);
  if (lua_rawget(L, t) != LUA_TNIL) {
    if (lua_type(L, -1) != LUA_TBOOLEAN)
      luaL_error(L, "%s: option '%s' must be true or false, got %s", fn, key, luaL_typename(L, -1));
    v = lua_toboolean(L, -1);
  }
  lua_pop(L, 1);
  return v;
}

int gs_opt_enum(lua_State *L, int t, const char *key, int def, const char *const *list, const char *fn) {
  const char *s = gs_opt_string(L, t, key, NULL, fn);
  if (!s) return def;
  for (int i = 0; list[i]; i++)
    if (strcmp(s, list[i]) == 0) return i;
  gs_opts_push_known(L, list);
  return luaL_error(L, "%s: option '%s': unknown value '%s' (known: %s)", fn, key, s, lua_tostring(L, -1));
}

static void fail_range(lua_State *L, const char *fn, const char *key, double lo, double hi, int whole, int open) {
  char msg[300]; /* lua_pushfstring has no %g */
  snprintf(msg, sizeof msg, "%s: option '%s' must be %s from %.17g to %.17g%s", fn, key,
           whole ? "a whole number" : "a number", lo, hi, open ? " (excluded)" : "");
  luaL_error(L, "%s", msg);
}

static double read_number(lua_State *L, int t, const char *key, double def, const range *r, const char *fn) {
  double v = def;
  lua_pushstring(L, key);
  if (lua_rawget(L, t) != LUA_TNIL) {
    /* numbers only: "2" is a string, refused as in every other call */
    if (lua_type(L, -1) != LUA_TNUMBER)
      luaL_error(L, "%s: option '%s' must be a number, got %s", fn, key, luaL_typename(L, -1));
    v = lua_tonumber(L, -1);
    if (!isfinite(v)) luaL_error(L, "%s: option '%s' must be a finite number", fn, key);
    if (r && (v < r->lo || v > r->hi || (r->hi_open && v >= r->hi) || (r->whole && v != floor(v))))
      fail_range(L, fn, key, r->lo, r->hi, r->whole, r->hi_open);
  }
  lua_pop(L, 1);
  return v;
}

double gs_opt_number(lua_State *L, int t, const char *key, double def, const char *fn) {
  const range *r = NULL;
  for (size_t i = 0; i < sizeof ranges / sizeof *ranges; i++)
    if (strcmp(ranges[i].name, key) == 0) r = &ranges[i];
  return read_number(L, t, key, def, r, fn);
}

double gs_opt_number_in(lua_State *L, int t, const char *key, double def, double lo, double hi, int whole,
                        const char *fn) {
  range r = {key, lo, hi, whole, 0};
  /* never wider than the documented range */
  for (size_t i = 0; i < sizeof ranges / sizeof *ranges; i++)
    if (strcmp(ranges[i].name, key) == 0) {
      if (r.lo < ranges[i].lo) r.lo = ranges[i].lo;
      if (r.hi > ranges[i].hi) r.hi = ranges[i].hi;
      r.whole |= ranges[i].whole;
      r.hi_open = ranges[i].hi_open && r.hi == ranges[i].hi;
    }
  return read_number(L, t, key, def, &r, fn);
}

int gs_opt_digits(lua_State *L, int t, int def, const char *fn) {
  return (int)gs_opt_number(L, t, "digits", def, fn);
}

gs_ties gs_opt_ties(lua_State *L, int t, gs_ties def, const char *fn) {
  static const char *const names[] = {"dense", "competition", "ordinal", "fractional", NULL};
  const char *s = gs_opt_string(L, t, "ties", NULL, fn);
  if (!s) return def;
  int x = gs_ties_parse(s);
  if (x < 0) {
    gs_opts_push_known(L, names);
    luaL_error(L, "%s: unknown tie rule '%s' (known: %s)", fn, s, lua_tostring(L, -1));
  }
  return (gs_ties)x;
}

const char *gs_opt_agg(lua_State *L, int t, const char *def, const char *fn) {
  const char *a = gs_opt_string(L, t, "agg", NULL, fn);
  const char *m = gs_opt_string(L, t, "method", NULL, fn);
  if (a && m) luaL_error(L, "%s: give 'agg' only ('method' is its old, deprecated name)", fn);
  return a ? a : m ? m : def;
}

int gs_opt_spec(lua_State *L, int t, gs_spec *s, int with_agg, const char *fn) {
  if (with_agg) {
    const char *a = gs_opt_agg(L, t, NULL, fn);
    int m = a ? gs_agg_parse(a) : (int)s->agg;
    if (m < 0 || m >= GS_AGG_SCORES) luaL_error(L, "%s: unknown agg '%s' (arithmetic or geometric)", fn, a);
    s->agg = (gs_agg)m;
  }
  s->scale = gs_opt_number(L, t, "scale", s->scale, fn);
  s->offset = gs_opt_number(L, t, "offset", s->offset, fn);
  s->ties = gs_opt_ties(L, t, s->ties, fn);
  lua_pushliteral(L, "digits");
  int asked = lua_rawget(L, t) != LUA_TNIL;
  lua_pop(L, 1);
  s->digits = gs_opt_digits(L, t, s->digits, fn);
  return asked;
}

double gs_opt_check_weight(lua_State *L, int idx, const char *name, const char *fn) {
  if (lua_type(L, idx) != LUA_TNUMBER)
    luaL_error(L, "%s: weight of '%s' must be a finite number >= 0, got %s", fn, name, luaL_typename(L, idx));
  double v = lua_tonumber(L, idx);
  if (!(v >= 0) || !isfinite(v) || v > 1e12)
    luaL_error(L, "%s: weight of '%s' must be a finite number from 0 to 1e12", fn, name);
  return v;
}
