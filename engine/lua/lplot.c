/* lplot.c - gci.plot and the value-to-chart dispatch (see lplot.h).
 *
 * The Lua side only gathers data: every array it fills lives in a userdata
 * on the stack and every string it borrows is anchored by a table on the
 * stack, so an error while gathering leaks nothing.  Records and options
 * are read raw (no __index): a metamethod could return a fresh string that
 * nothing anchors once it is popped, and the collector would free it while
 * the chart still points at it.  Layout, rendering
 * and the atomic write (chart.h, chartdraw.h) are plain C that raise no Lua
 * error; their C allocations are freed before any error is raised. */
#include "lplot.h"

#include "lrecords.h"

#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "chartdraw.h"
#include "lgci.h"
#include "policy.h"
#include "sandbox.h"

#define RES_MT "gci.result"
#define DS_MT "gci.dataset"

static const char *const types[] = {"slope", "intervals", "profile", "bars", NULL};

int gs_plot_type_valid(const char *type) {
  for (int i = 0; types[i]; i++)
    if (strcmp(type, types[i]) == 0) return 1;
  return 0;
}

/* ---------- reading records ---------- */

/* Pushes field of the table at index t, raw; returns its type. */
static int raw_field(lua_State *L, int t, const char *field) {
  t = lua_absindex(L, t);
  lua_pushstring(L, field);
  return lua_rawget(L, t);
}

/* A string field of the record at index t, anchored by the record (read
 * raw, so it is the record's own); NULL when it is not a string. */
static const char *rec_str(lua_State *L, int t, const char *field) {
  const char *s = NULL;
  if (raw_field(L, t, field) == LUA_TSTRING) s = lua_tostring(L, -1);
  lua_pop(L, 1);
  return s;
}

/* A number field of the record at index t, or NaN. */
static double rec_num(lua_State *L, int t, const char *field) {
  double v = NAN;
  if (raw_field(L, t, field) == LUA_TNUMBER) v = lua_tonumber(L, -1);
  lua_pop(L, 1);
  return v;
}

/* Whether the first record of the list at t has field f. */
static int first_has(lua_State *L, int t, const char *f) {
  if (lua_rawgeti(L, t, 1) != LUA_TTABLE) { lua_pop(L, 1); return 0; }
  int has = raw_field(L, -1, f) != LUA_TNIL;
  lua_pop(L, 2);
  return has;
}

/* Pushes the list at index t after checking it is a list of records
 * with a string iso3; returns its length. */
static size_t check_records(lua_State *L, int t, const char *who, const char *what) {
  if (!lua_istable(L, t)) luaL_error(L, "%s: %s", who, what);
  size_t n = lua_rawlen(L, t);
  for (size_t i = 1; i <= n; i++) {
    if (lua_rawgeti(L, t, (lua_Integer)i) != LUA_TTABLE || !rec_str(L, -1, "iso3"))
      luaL_error(L, "%s: record %d has no iso3 (%s)", who, (int)i, what);
    lua_pop(L, 1);
  }
  return n;
}

static const char *rec_label(lua_State *L, int t) {
  const char *s = rec_str(L, t, "country");
  return s ? s : rec_str(L, t, "iso3");
}

/* ---------- the sides of a comparison ---------- */

#define SIDES_KEY "gci.plot.sides" /* registry: weak-keyed {list = {before, after}} */

/* Pushes the registry's sides table, made on first use. */
static void push_sides(lua_State *L) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, SIDES_KEY) == LUA_TTABLE) return;
  lua_pop(L, 1);
  lua_newtable(L);
  lua_createtable(L, 0, 2);
  lua_pushliteral(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_pushliteral(L, SIDES_KEY);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, SIDES_KEY);
}

/* An edition's name from its file: "data/gci2018.csv" -> "gci2018". */
static void push_stem(lua_State *L, const char *source) {
  const char *base = strrchr(source, '/');
  base = base ? base + 1 : source;
  const char *dot = strrchr(base, '.');
  lua_pushlstring(L, base, dot && dot != base ? (size_t)(dot - base) : strlen(base));
}

void gs_lua_plot_sides_set(lua_State *L, int list, const char *before_source, const char *after_source) {
  list = lua_absindex(L, list);
  push_sides(L);
  lua_pushvalue(L, list);
  lua_createtable(L, 2, 0);
  push_stem(L, before_source);
  push_stem(L, after_source);
  if (lua_rawequal(L, -1, -2)) { /* one file on both sides: a scenario */
    lua_pushliteral(L, " (after)");
    lua_concat(L, 2);
    lua_insert(L, -2);
    lua_pushliteral(L, " (before)");
    lua_concat(L, 2);
    lua_insert(L, -2);
  }
  lua_rawseti(L, -3, 2);
  lua_rawseti(L, -2, 1);
  lua_rawset(L, -3);
  lua_pop(L, 1);
}

void gs_lua_plot_sides_copy(lua_State *L, int from, int to) {
  from = lua_absindex(L, from);
  to = lua_absindex(L, to);
  push_sides(L);
  lua_pushvalue(L, from);
  if (lua_rawget(L, -2) == LUA_TTABLE) {
    lua_pushvalue(L, to);
    lua_insert(L, -2);
    lua_rawset(L, -3);
    lua_pop(L, 1);
  } else {
    lua_pop(L, 2);
  }
}

/* The sides recorded for the list at v: pushes nothing and returns 0, or
 * pushes their table and sets *b and *a (anchored by it) and returns 1. */
static int get_sides(lua_State *L, int v, const char **b, const char **a) {
  push_sides(L);
  lua_pushvalue(L, v);
  if (lua_rawget(L, -2) != LUA_TTABLE) { lua_pop(L, 2); return 0; }
  lua_remove(L, -2);
  lua_rawgeti(L, -1, 1);
  lua_rawgeti(L, -2, 2);
  *b = lua_tostring(L, -2);
  *a = lua_tostring(L, -1);
  lua_pop(L, 2); /* the strings stay anchored by the table */
  return *b && *a;
}

/* ---------- options ---------- */

typedef struct {
  const char *type, *title, *before, *after;
  double width, height;
  size_t top;
  int countries; /* stack index of opts.countries, or 0 */
} plot_opts;

static double size_opt(lua_State *L, int t, const char *field, double def, const char *who) {
  double v = def;
  if (raw_field(L, t, field) != LUA_TNIL) {
    if (!lua_isinteger(L, -1) && !(lua_type(L, -1) == LUA_TNUMBER && lua_tonumber(L, -1) == floor(lua_tonumber(L, -1))))
      luaL_error(L, "%s: option '%s' must be a whole number", who, field);
    v = lua_tonumber(L, -1);
    if (v < 50 || v > 20000) luaL_error(L, "%s: option '%s' must be from 50 to 20000", who, field);
  }
  lua_pop(L, 1);
  return v;
}

static const char *str_opt(lua_State *L, int t, const char *field, const char *who) {
  const char *s = NULL;
  int ty = raw_field(L, t, field);
  if (ty == LUA_TSTRING) s = lua_tostring(L, -1); /* anchored by the options table */
  else if (ty != LUA_TNIL) luaL_error(L, "%s: option '%s' must be a string", who, field);
  lua_pop(L, 1);
  return s;
}

static void read_opts(lua_State *L, int t, plot_opts *o, const char *who) {
  memset(o, 0, sizeof *o);
  o->width = 900;
  if (!t) return;
  static const char *const known[] = {"type", "title", "width", "height", "top", "countries", "before", "after", NULL};
  gs_lua_check_options(L, t, known, who);
  o->type = str_opt(L, t, "type", who);
  if (o->type && !gs_plot_type_valid(o->type))
    luaL_error(L, "%s: unknown chart type '%s' (slope, intervals, profile or bars)", who, o->type);
  o->title = str_opt(L, t, "title", who);
  o->before = str_opt(L, t, "before", who);
  o->after = str_opt(L, t, "after", who);
  o->width = size_opt(L, t, "width", 900, who);
  o->height = size_opt(L, t, "height", 0, who);
  if (raw_field(L, t, "top") != LUA_TNIL) {
    if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 || lua_tointeger(L, -1) > 10000)
      luaL_error(L, "%s: option 'top' must be a whole number from 1 to 10000", who);
    o->top = (size_t)lua_tointeger(L, -1);
  }
  lua_pop(L, 1);
  if (raw_field(L, t, "countries") != LUA_TNIL) {
    if (!lua_istable(L, -1) || lua_rawlen(L, -1) == 0)
      luaL_error(L, "%s: option 'countries' must be a list of country codes, e.g. {\"VNM\", \"SWE\"}", who);
    o->countries = lua_gettop(L); /* stays on the stack */
  } else {
    lua_pop(L, 1);
  }
}

/* ---------- gathering ---------- */

/* The chart type for the value at v when none is given. */
static const char *pick_type(lua_State *L, int v, const plot_opts *o, const char *who) {
  if (o->countries) return "profile";
  if (luaL_testudata(L, v, RES_MT)) return "bars";
  if (luaL_testudata(L, v, DS_MT))
    luaL_error(L, "%s: a dataset plots as a pillar profile: give opts.countries, e.g. {\"VNM\", \"SWE\"}", who);
  if (lua_istable(L, v)) {
    if (first_has(L, v, "p05") && first_has(L, v, "p95")) return "intervals";
    if (first_has(L, v, "rank_before") || first_has(L, v, "rank_after")) return "slope";
    if (first_has(L, v, "score")) return "bars";
    luaL_error(L, "%s: cannot plot this table (expected a comparison, an uncertainty result or a result's records)",
               who);
  }
  luaL_error(L, "%s: cannot plot a %s value (expected a comparison, an uncertainty result, a result or a dataset)",
             who, luaL_typename(L, v));
  return NULL;
}

/* A slope chart's two headers: the options', else the editions gci.compare
 * recorded (pushing their table), else "before" and "after". */
static void slope_sides(lua_State *L, int v, const plot_opts *o, const char **b, const char **a) {
  const char *sb = NULL, *sa = NULL;
  if ((!o->before || !o->after) && !get_sides(L, v, &sb, &sa)) sb = "before", sa = "after";
  *b = o->before ? o->before : sb;
  *a = o->after ? o->after : sa;
}

/* Pushes the title a chart gets when the options give none, from the
 * data: the editions compared, the countries and dataset profiled, how
 * many rows are shown of how many.  Returns it (anchored on the stack). */
static const char *default_title(lua_State *L, int v, const char *t, const plot_opts *o) {
  size_t n = lua_istable(L, v) ? lua_rawlen(L, v) : 0;
  if (strcmp(t, "slope") == 0) {
    const char *b, *a;
    slope_sides(L, v, o, &b, &a);
    return lua_pushfstring(L, "Ranks from %s to %s: the top %d of either", b, a, (int)(o->top ? o->top : 30));
  }
  if (strcmp(t, "intervals") == 0) {
    size_t rows = o->top && o->top < n ? o->top : n;
    return lua_pushfstring(L, "Rank uncertainty over random weightings: %d of %d countries", (int)rows, (int)n);
  }
  const char *src = NULL;
  if (luaL_testudata(L, v, DS_MT)) {
    src = gs_lua_checkdataset(L, v)->source;
  } else if (luaL_testudata(L, v, RES_MT)) {
    lua_getiuservalue(L, v, 1); /* a result's user value is its dataset (lgci.c) */
    src = gs_lua_checkdataset(L, -1)->source;
    lua_pop(L, 1); /* the result keeps its dataset, and the dataset its source */
  }
  if (src) push_stem(L, src);
  else lua_pushliteral(L, "");
  const char *stem = lua_tostring(L, -1);
  if (strcmp(t, "profile") == 0) {
    luaL_Buffer bu;
    luaL_buffinit(L, &bu);
    luaL_addstring(&bu, "Pillar profile of ");
    size_t k = o->countries ? lua_rawlen(L, o->countries) : 0;
    for (size_t i = 1; i <= k; i++) {
      if (lua_rawgeti(L, o->countries, (lua_Integer)i) == LUA_TSTRING) {
        const char *c = lua_tostring(L, -1);
        lua_pop(L, 1);
        if (i > 1) luaL_addstring(&bu, ", ");
        luaL_addstring(&bu, c);
      } else {
        lua_pop(L, 1);
      }
    }
    if (*stem) {
      luaL_addstring(&bu, " (");
      luaL_addstring(&bu, stem);
      luaL_addstring(&bu, ")");
    }
    luaL_pushresult(&bu);
  } else {
    lua_pushfstring(L, "Scores: the top %d%s%s", (int)(o->top ? o->top : 20), *stem ? " of " : "", stem);
  }
  lua_remove(L, -2);
  return lua_tostring(L, -1);
}

static gs_dl *gather_slope(lua_State *L, int v, const plot_opts *o, const gs_chart_opts *co, const char *who,
                           char *err, size_t errlen) {
  const char *what = "a slope chart needs a comparison (gci.compare)";
  size_t n = check_records(L, v, who, what);
  if (n && !first_has(L, v, "rank_before") && !first_has(L, v, "rank_after")) luaL_error(L, "%s: %s", who, what);
  gs_slope_item *it = lua_newuserdatauv(L, (n ? n : 1) * sizeof *it, 0);
  for (size_t i = 0; i < n; i++) {
    lua_rawgeti(L, v, (lua_Integer)i + 1);
    it[i] = (gs_slope_item){rec_str(L, -1, "iso3"), rec_label(L, -1), rec_num(L, -1, "rank_before"),
                            rec_num(L, -1, "rank_after")};
    lua_pop(L, 1);
  }
  const char *b, *a;
  slope_sides(L, v, o, &b, &a);
  return gs_chart_slope(it, n, b, a, co, err, errlen);
}

static gs_dl *gather_intervals(lua_State *L, int v, const gs_chart_opts *co, const char *who, char *err,
                               size_t errlen) {
  const char *what = "an interval chart needs an uncertainty result (d:uncertainty)";
  size_t n = check_records(L, v, who, what);
  gs_interval_item *it = lua_newuserdatauv(L, (n ? n : 1) * sizeof *it, 0);
  for (size_t i = 0; i < n; i++) {
    lua_rawgeti(L, v, (lua_Integer)i + 1);
    it[i] = (gs_interval_item){rec_str(L, -1, "iso3"), rec_label(L, -1), rec_num(L, -1, "nominal"),
                               rec_num(L, -1, "median"), rec_num(L, -1, "p05"), rec_num(L, -1, "p95")};
    if (isnan(it[i].nominal) || isnan(it[i].median) || isnan(it[i].p05) || isnan(it[i].p95))
      luaL_error(L, "%s: %s (record %d lacks nominal, median, p05 or p95)", who, what, (int)i + 1);
    lua_pop(L, 1);
  }
  return gs_chart_intervals(it, n, co, err, errlen);
}

/* Bar order: by rank (1 first) where both records have one, else by
 * score, highest first; missing values last; ties keep list order. */
typedef struct { gs_bar_item b; size_t i; } bar_sort;
static int bar_cmp(const void *pa, const void *pb) {
  const bar_sort *x = pa, *y = pb;
  if (isfinite(x->b.rank) && isfinite(y->b.rank)) {
    if (x->b.rank != y->b.rank) return x->b.rank < y->b.rank ? -1 : 1;
  } else if (isfinite(x->b.score) != isfinite(y->b.score)) {
    return isfinite(x->b.score) ? -1 : 1;
  } else if (isfinite(x->b.score) && x->b.score != y->b.score) {
    return x->b.score > y->b.score ? -1 : 1;
  }
  return (x->i > y->i) - (x->i < y->i);
}

static gs_dl *gather_bars(lua_State *L, int v, const gs_chart_opts *co, const char *who, char *err, size_t errlen) {
  const char *what = "a bar chart needs a result (d:score) or a list of records with a numeric score";
  int result = luaL_testudata(L, v, RES_MT) != NULL;
  if (result) {
    luaL_callmeta(L, v, "__rows"); /* the records in rank order */
    v = lua_gettop(L);
    gs_records_materialise(L, v); /* read raw below */
  }
  size_t n = check_records(L, v, who, what);
  bar_sort *it = lua_newuserdatauv(L, (n ? n : 1) * sizeof *it, 0);
  size_t scored = 0;
  for (size_t i = 0; i < n; i++) {
    lua_rawgeti(L, v, (lua_Integer)i + 1);
    it[i].b = (gs_bar_item){rec_str(L, -1, "iso3"), rec_label(L, -1), rec_num(L, -1, "score"), rec_num(L, -1, "rank")};
    it[i].i = i;
    if (raw_field(L, -1, "score") != LUA_TNUMBER && !lua_isnil(L, -1))
      luaL_error(L, "%s: %s (record %d has a score that is not a number)", who, what, (int)i + 1);
    scored += !isnan(it[i].b.score);
    lua_pop(L, 2);
  }
  /* A comparison or an uncertainty result has records but no scores: its
   * bars would all be "n/a". */
  if (n && !scored)
    luaL_error(L, "%s: %s (no record has a score: a comparison plots as a slope chart, an uncertainty result "
               "as intervals)", who, what);
  /* A result's rows are in rank order already; a list is put in it. */
  if (!result) qsort(it, n, sizeof *it, bar_cmp);
  gs_bar_item *bars = lua_newuserdatauv(L, (n ? n : 1) * sizeof *bars, 0);
  for (size_t i = 0; i < n; i++) bars[i] = it[i].b;
  gs_chart_opts c = *co;
  if (!c.top) c.top = 20;
  return gs_chart_bars(bars, n, &c, err, errlen);
}

static gs_dl *gather_profile(lua_State *L, int v, const plot_opts *o, const gs_chart_opts *co, const char *who,
                             char *err, size_t errlen) {
  const gs_dataset *d;
  if (luaL_testudata(L, v, DS_MT)) {
    d = gs_lua_checkdataset(L, v);
  } else if (luaL_testudata(L, v, RES_MT)) {
    lua_getiuservalue(L, v, 1); /* a result's user value is its dataset (lgci.c) */
    d = gs_lua_checkdataset(L, -1);
  } else {
    luaL_error(L, "%s: a profile needs a dataset or a result (with opts.countries)", who);
    return NULL;
  }
  if (!o->countries) luaL_error(L, "%s: a profile needs opts.countries, e.g. {\"VNM\", \"SWE\"}", who);
  size_t n = lua_rawlen(L, o->countries);
  gs_profile_item *it = lua_newuserdatauv(L, n * sizeof *it, 0);
  double *val = lua_newuserdatauv(L, n * (d->npillar ? d->npillar : 1) * sizeof *val, 0);
  char **pname = lua_newuserdatauv(L, (d->npillar ? d->npillar : 1) * sizeof *pname, 0);
  double *pmin = lua_newuserdatauv(L, (d->npillar ? d->npillar : 1) * sizeof *pmin, 0);
  double *pmax = lua_newuserdatauv(L, (d->npillar ? d->npillar : 1) * sizeof *pmax, 0);
  for (size_t i = 0; i < n; i++) {
    if (lua_rawgeti(L, o->countries, (lua_Integer)i + 1) != LUA_TSTRING)
      luaL_error(L, "%s: option 'countries': item %d is not a country code", who, (int)i + 1);
    long r = gs_dataset_row(d, lua_tostring(L, -1));
    if (r < 0) luaL_error(L, "%s: unknown country '%s' (not in %s)", who, lua_tostring(L, -1), d->source);
    for (size_t j = 0; j < i; j++) /* twice would draw the same bars twice, in two colours */
      if (it[j].key == d->key[r]) luaL_error(L, "%s: option 'countries': '%s' is given twice", who, lua_tostring(L, -1));
    lua_pop(L, 1);
    for (size_t p = 0; p < d->npillar; p++) val[i * d->npillar + p] = gs_dataset_pv(d, (size_t)r, p);
    it[i] = (gs_profile_item){d->key[r], d->name[r], val + i * d->npillar};
  }
  for (size_t p = 0; p < d->npillar; p++) {
    pname[p] = d->col[d->pillar[p]].name;
    pmin[p] = d->pmin[p];
    pmax[p] = d->pmax[p];
  }
  return gs_chart_profile(it, n, pname, pmin, pmax, d->npillar, co, err, errlen);
}

/* ---------- plotting ---------- */

static int measurer_gc(lua_State *L) {
  gs_measurer **mb = lua_touserdata(L, 1);
  gs_measurer_free(*mb);
  *mb = NULL;
  return 0;
}

void gs_lua_plot(lua_State *L, int value, const char *path, const char *type, int opts, int sync,
                 const char *who, int *write_failed, gs_plot_pending *pending) {
  value = lua_absindex(L, value);
  if (opts) opts = lua_absindex(L, opts);
  gs_records_materialise(L, value); /* records are read raw below (lrecords.h) */
  if (gs_chart_format_for_path(path) < 0)
    luaL_error(L, "%s: %s: unknown chart format (use " GS_CHART_EXTENSIONS ")", who, path);
  plot_opts o;
  read_opts(L, opts, &o, who);
  if (type && !o.type) o.type = type;
  if (o.type && !gs_plot_type_valid(o.type))
    luaL_error(L, "%s: unknown chart type '%s' (slope, intervals, profile or bars)", who, o.type);
  const char *t = o.type ? o.type : pick_type(L, value, &o, who);
  /* The measurer is C memory: box it so an error while gathering frees it. */
  gs_measurer **mb = lua_newuserdatauv(L, sizeof *mb, 0);
  *mb = NULL;
  if (luaL_newmetatable(L, "gci.plot.measurer")) {
    lua_pushcfunction(L, measurer_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  if (!(*mb = gs_measurer_new())) luaL_error(L, "%s: cannot set up text measurement (cairo)", who);
  /* Every chart says what it shows: without opts.title, one from the data. */
  const char *title = o.title ? o.title : default_title(L, value, t, &o);
  gs_chart_opts co = {o.width, o.height, title, o.top, gs_chart_measure, *mb};
  gs_ctx *ctx = gs_lua_getctx(L); /* here: nothing may raise once dl exists */
  char err[512] = "";
  gs_dl *dl = NULL;
  if (strcmp(t, "slope") == 0) dl = gather_slope(L, value, &o, &co, who, err, sizeof err);
  else if (strcmp(t, "intervals") == 0) dl = gather_intervals(L, value, &co, who, err, sizeof err);
  else if (strcmp(t, "bars") == 0) dl = gather_bars(L, value, &co, who, err, sizeof err);
  else dl = gather_profile(L, value, &o, &co, who, err, sizeof err);
  gs_measurer_free(*mb); /* done with text: free it now rather than at the next collection */
  *mb = NULL;
  if (!dl) luaL_error(L, "%s: %s", who, err);
  /* A PNG is drawn on a raster of 4 bytes a pixel, 1.6 GB at the largest
   * size: the script's memory, charged to its limit as a dataset is (in
   * gci.so there is no sandbox, and nothing to charge). */
  size_t raster = 0;
  if (ctx && ctx->sandbox && gs_chart_format_for_path(path) == GS_CHART_PNG) {
    raster = (size_t)lround(dl->width) * (size_t)lround(dl->height) * 4;
    if (gs_sandbox_charge(L, raster) != 0) {
      gs_dl_free(dl);
      luaL_error(L, "%s: %s", who, gs_sandbox_limit_message(ctx->sandbox));
    }
  }
  /* From here to gs_dl_free nothing raises. */
  int bad = pending ? gs_chart_write_begin(dl, path, &pending->f, pending->tmp, sizeof pending->tmp, err, sizeof err)
                    : gs_chart_write(dl, path, sync, err, sizeof err);
  if (raster) gs_sandbox_release(L, raster);
  gs_dl_free(dl);
  if (bad) {
    if (write_failed) *write_failed = 1;
    luaL_error(L, "%s: %s", who, err);
  }
}

/* gci.plot(x, path [, opts]): writes a chart of x under an --allow-write
 * directory (or anywhere with --trusted). */
static int gci_plot(lua_State *L) {
  luaL_checkany(L, 1);
  const char *path = luaL_checkstring(L, 2);
  if (!lua_isnoneornil(L, 3) && !lua_istable(L, 3)) return luaL_error(L, "gci.plot: options must be a table");
  lua_settop(L, 3);
  gs_ctx *ctx = gs_lua_getctx(L);
  char err[1024];
  if (!ctx || !ctx->policy || gs_policy_check(ctx->policy, path, 1, err, sizeof err) != 0)
    return luaL_error(L, "gci.plot: %s", ctx && ctx->policy ? err : "writing is not allowed");
  gs_lua_plot(L, 1, path, NULL, lua_istable(L, 3) ? 3 : 0, 1, "gci.plot", NULL, NULL);
  return 0;
}

void gs_lua_open_plot(lua_State *L, int module) {
  lua_pushcfunction(L, gci_plot);
  lua_setfield(L, module, "plot");
}
