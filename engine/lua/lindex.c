/* lindex.c - the analyses of an index result (ix:compute's gci.index_result),
 * as methods that return printable records:
 *
 *   res:unit(unit)                 every node's score and rank for one unit
 *   res:strengths(unit [, opts])   its best and worst indicators (get_str_weak)
 *   res:report(unit [, opts])      both, with group ranks: `gcisim explain --index`'s table
 *   res:corr_flags([opts])         collinear / negative pairs within groups
 *   res:cronbach([opts])           Cronbach's alpha per aggregation group
 *   res:pca([opts])                components and loadings per group (LAPACK)
 *   res:mpi([opts])                Mazziotta-Pareto index, MPI or AMPI
 *   res:bod([opts])                benefit-of-the-doubt weights (GLPK)
 *   res:remove_elements([opts])    rank changes when an element weighs 0
 *   res:opt_weights([opts])        weights for target importances (GSL)
 *   ix:panel({[year] = d, ...}, opts)  per-year results, rank changes (COINr purse)
 *   ix:whatif(d, edits [, opts])   ix:compute on a copy of d with edited values
 *   gci.load_panel(path, {year =}) a long CSV -> {[year] = dataset}
 *   gci.ampi({[period] = res}, opts)  AMPI over several periods (Compind)
 *
 * The numerics are in the core (analysis.h, bod.h, reaggregate.h,
 * optweights.h); this file
 * reads options, gathers the matrices (every scratch buffer a userdata, so a
 * Lua error leaks nothing) and builds the records.  The core's own
 * temporary mallocs are charged against --max-memory around each call. */
#include "lindex.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "bod.h"
#include "csvload.h"
#include "datadir.h"
#include "panelsplit.h"
#include "policy.h"
#include "lbox.h"
#include "lgci.h"
#include "lopts.h"
#include "lrecords.h"
#include "method.h"
#include "optweights.h"
#include "reaggregate.h"
#include "sandbox.h"
#include "unitreport.h"
#include "unittable.h"

/* ------------------------------------------------------------ helpers */

typedef struct {
  const gs_h_result *r;
  const gs_hier *h;
  const gs_dataset *d;
  int digits;
  gs_ties ties;
  size_t n; /* units */
} ctx_t;

/* The index result at stack index idx (checked) with what it was computed
 * from; get_ctx: a method's self. */
static ctx_t ctx_at(lua_State *L, int idx) {
  ctx_t c;
  c.r = gs_lua_index_result(L, idx, &c.h, &c.d, &c.digits, &c.ties);
  c.n = gs_h_result_units(c.r);
  return c;
}
static ctx_t get_ctx(lua_State *L) { return ctx_at(L, 1); }

/* Charges (or, with release, gives back) bytes the core mallocs for a
 * moment; no Lua error may come between the two. */
static int charge(lua_State *L, size_t bytes) {
  gs_ctx *x = gs_lua_getctx(L);
  if (x && x->sandbox && gs_sandbox_charge(L, bytes) != 0) return -1;
  return 0;
}
static void release(lua_State *L, size_t bytes) {
  gs_ctx *x = gs_lua_getctx(L);
  if (x && x->sandbox) gs_sandbox_release(L, bytes);
}
static int limit_error(lua_State *L) {
  gs_ctx *x = gs_lua_getctx(L);
  return luaL_error(L, "%s", x && x->sandbox ? gs_sandbox_limit_message(x->sandbox) : "out of memory");
}

static void *scratch(lua_State *L, size_t bytes) { return lua_newuserdatauv(L, bytes ? bytes : 1, 0); }


/* Pushes a new list of column names: head (NULL-terminated), to which the
 * caller appends the names known only at run time before it gives the
 * list to gs_records_setmeta_list.  Returns the list's length. */
static lua_Integer push_column_names(lua_State *L, const char *const *head, size_t more) {
  lua_Integer n = 0;
  while (head[n]) n++;
  lua_createtable(L, (int)(n + (lua_Integer)more), 0);
  for (lua_Integer i = 0; i < n; i++) {
    lua_pushstring(L, head[i]);
    lua_rawseti(L, -2, i + 1);
  }
  return n;
}

/* Ends a method that returns the list on the stack top as records with
 * these columns (NULL-terminated). */
static int records(lua_State *L, const char *const *cols) {
  gs_records_setmeta(L, -1, "gci.records", cols, NULL, NULL);
  return 1;
}

static void set_int(lua_State *L, const char *k, lua_Integer v) {
  lua_pushinteger(L, v);
  lua_setfield(L, -2, k);
}

static void push_unit(lua_State *L, const gs_dataset *d, size_t u) {
  gs_lua_setstr(L, d->key_col, d->key[u]);
  gs_lua_setstr(L, "country", d->name[u]);
}

/* opts at index i, a method's last argument (the stack is cut there): nil
 * or a table of known options; an empty table replaces nil so that later
 * lua_getfield calls work.  Returns the index. */
static int opts_table(lua_State *L, int i, const char *const *known, const char *what) {
  lua_settop(L, i);
  if (lua_isnoneornil(L, i)) {
    lua_newtable(L);
    lua_replace(L, i);
  } else if (!lua_istable(L, i)) {
    luaL_error(L, "%s: options must be a table", what);
  }
  gs_lua_check_options(L, i, known, what);
  return i;
}

/* The start of a method res:NAME([opts]): the result and its options
 * table (*t). */
static ctx_t get_ctx_opts(lua_State *L, const char *const *known, const char *what, int *t) {
  ctx_t c = get_ctx(L);
  *t = opts_table(L, 2, known, what);
  return c;
}

/* Option k of the table t: pushes its value and returns 1 when it is
 * given (of Lua type `type`, else "what: option 'k' must be " + must),
 * pushes nothing and returns 0 when it is not. */
/* Options are read by lopts (the snapshot gs_lua_check_options made):
 * the same types, ranges and messages as every other gci call. */
static double opt_num(lua_State *L, int t, const char *k, double def, const char *what) {
  return gs_opt_number(L, t, k, def, what);
}

static int opt_int(lua_State *L, int t, const char *k, int def, int lo, int hi, const char *what) {
  return (int)gs_opt_number_in(L, t, k, def, lo, hi, 1, what);
}

/* A string option among choices (NULL-terminated); returns its index, 0
 * when missing. */
static int opt_choice(lua_State *L, int t, const char *k, const char *const *choices, const char *what) {
  return gs_opt_enum(L, t, k, 0, choices, what);
}

static gs_h_node_spec node_at(const gs_hier *h, size_t i) {
  gs_h_node_spec s;
  gs_h_node(h, i, &s);
  return s;
}

/* The node option (default the root): its index; a Lua error if unknown. */
static long opt_node(lua_State *L, int t, const gs_hier *h, const char *what) {
  int ty = lua_getfield(L, t, "node");
  long i = gs_h_root(h);
  if (ty != LUA_TNIL) {
    if (ty != LUA_TSTRING) luaL_error(L, "%s: option 'node' must be a node code", what);
    i = gs_h_find(h, lua_tostring(L, -1));
    if (i < 0) luaL_error(L, "%s: unknown node '%s' (res:levels() lists them)", what, lua_tostring(L, -1));
  }
  lua_pop(L, 1);
  return i;
}

/* Whether node i lies under node anc (or is it). */
static int under(const gs_hier *h, size_t i, size_t anc) {
  for (long c = (long)i; c >= 0;) {
    if ((size_t)c == anc) return 1;
    gs_h_node_spec s = node_at(h, (size_t)c);
    c = s.parent ? gs_h_find(h, s.parent) : -1;
  }
  return 0;
}

/* Pushes a userdata of the node indices of the indicators under node anc,
 * in index order; *k = their number. */
static size_t *indicators_under(lua_State *L, const gs_hier *h, size_t anc, size_t *k) {
  size_t nn = gs_h_count(h), c = 0;
  size_t *o = scratch(L, nn * sizeof *o);
  for (size_t i = 0; i < nn; i++)
    if (node_at(h, i).level == 1 && under(h, i, anc)) o[c++] = i;
  *k = c;
  return o;
}

/* The ancestor of node i at level lev (its code), or NULL. */
static const char *ancestor(const gs_hier *h, size_t i, int lev) {
  for (long c = (long)i; c >= 0;) {
    gs_h_node_spec s = node_at(h, (size_t)c);
    if (s.level == lev) return s.code;
    c = s.parent ? gs_h_find(h, s.parent) : -1;
  }
  return NULL;
}

/* Pushes a userdata matrix (m rows x k) of the scores of nodes idx[k]
 * over the kept units (their indices in rows[m], a second userdata).
 * With raw set, level-1 nodes take the dataset's column (times direction
 * when dir_adjust) instead. */
static double *gather(lua_State *L, const ctx_t *c, const size_t *idx, size_t k, int raw, int dir_adjust,
                      size_t **rows, size_t *m) {
  const int *kept = gs_h_result_kept(c->r);
  size_t *rw = scratch(L, c->n * sizeof *rw);
  size_t mm = 0;
  for (size_t u = 0; u < c->n; u++)
    if (kept[u]) rw[mm++] = u;
  double *X = scratch(L, mm * k * sizeof *X);
  for (size_t j = 0; j < k; j++) {
    gs_h_node_spec s = node_at(c->h, idx[j]);
    const double *v = NULL;
    double dir = 1;
    if (raw && s.level == 1) {
      long col = gs_dataset_col(c->d, s.code);
      if (col < 0 || c->d->col[col].type != GS_COL_NUMBER) luaL_error(L, "no numeric column '%s'", s.code);
      v = c->d->col[col].num;
      if (dir_adjust) dir = s.direction;
    } else {
      v = gs_h_result_get(c->r, s.code);
    }
    for (size_t i = 0; i < mm; i++) X[i * k + j] = dir * v[rw[i]];
  }
  *rows = rw;
  *m = mm;
  return X;
}

/* The aggregation groups of level lev: the nodes of level lev + 1, each
 * with its children.  Pushes a userdata of child indices (grouped, in
 * index order) and one of group starts (ngroups + 1 entries, into the
 * first) and of the group node indices. */
typedef struct {
  size_t ng;
  size_t *gnode, *start, *child;
} groups_t;

static groups_t groups_of(lua_State *L, const gs_hier *h, int lev) {
  size_t nn = gs_h_count(h);
  groups_t g = {0, scratch(L, nn * sizeof(size_t)), scratch(L, (nn + 1) * sizeof(size_t)),
                scratch(L, nn * sizeof(size_t))};
  size_t c = 0;
  for (size_t p = 0; p < nn; p++) {
    gs_h_node_spec ps = node_at(h, p);
    if (ps.level != lev + 1) continue;
    g.gnode[g.ng] = p;
    g.start[g.ng] = c;
    for (size_t i = 0; i < nn; i++) {
      gs_h_node_spec s = node_at(h, i);
      if (s.level == lev && s.parent && strcmp(s.parent, ps.code) == 0) g.child[c++] = i;
    }
    g.ng++;
  }
  g.start[g.ng] = c;
  return g;
}

static int opt_level(lua_State *L, int t, const gs_hier *h, int def, int top_ok, const char *what) {
  int max = gs_h_max_level(h) - (top_ok ? 0 : 1);
  return opt_int(L, t, "level", def, 1, max < 1 ? 1 : max, what);
}

static const char *const data_choices[] = {"normalised", "raw", NULL};

/* ------------------------------------------------------ unit report */


/* res:unit(unit): code, name, level, parent, score, rank of every node,
 * highest level first (COINr get_unit_summary over all levels). */
static int ri_unit(lua_State *L) {
  ctx_t c = get_ctx(L);
  const char *key = luaL_checkstring(L, 2);
  long u = gs_dataset_row(c.d, key);
  if (u < 0) return luaL_error(L, "unit: unknown unit '%s' (not in %s)", key, c.d->source);
  size_t nn = gs_h_count(c.h);
  size_t *it = scratch(L, nn * sizeof *it);
  gs_ur_node_order(c.h, it); /* the unit report's order (unitreport.h) */
  double *rk = scratch(L, c.n * sizeof *rk);
  lua_createtable(L, (int)nn, 0);
  for (size_t q = 0; q < nn; q++) {
    gs_h_node_spec s = node_at(c.h, it[q]);
    const double *sc = gs_h_result_get(c.r, s.code);
    if (gs_rank(sc, c.n, c.digits, c.ties, rk) != 0) return luaL_error(L, "out of memory while ranking");
    lua_createtable(L, 0, 6);
    gs_lua_setstr(L, "code", s.code);
    gs_lua_setstr(L, "name", s.name);
    set_int(L, "level", s.level);
    gs_lua_setstr(L, "parent", s.parent);
    gs_lua_setnum(L, "score", sc[u]);
    gs_lua_setnum(L, "rank", rk[u]);
    lua_rawseti(L, -2, (lua_Integer)q + 1);
  }
  static const char *const cols[] = {"code", "name", "level", "parent", "score", "rank", NULL};
  return records(L, cols);
}

/* ------------------------------------------ strengths and weaknesses */

/* The arguments of res:NAME(unit [, opts]): the unit's row (an error if
 * the dataset has no such key) and the options table (*t). */
static long unit_and_opts(lua_State *L, const ctx_t *c, const char *const *known, const char *what, int *t) {
  const char *key = luaL_checkstring(L, 2);
  *t = opts_table(L, 3, known, what);
  long u = gs_dataset_row(c->d, key);
  if (u < 0) luaL_error(L, "%s: unknown unit '%s' (not in %s)", what, key, c->d->source);
  return u;
}

static const char *const sw_opts[] = {"top", "bottom", "min_discard", "data", "level", NULL};

/* res:strengths(unit [, {top = 5, bottom = 5, min_discard = true,
 * data = "normalised" | "raw", level = 2}]) */
static int ri_strengths(lua_State *L) {
  ctx_t c = get_ctx(L);
  int t;
  long u = unit_and_opts(L, &c, sw_opts, "strengths", &t);
  size_t k;
  size_t *ind = indicators_under(L, c.h, (size_t)gs_h_root(c.h), &k);
  int top = opt_int(L, t, "top", 5, 1, (int)k, "strengths");
  int bottom = opt_int(L, t, "bottom", 5, 1, (int)k, "strengths");
  int mind = gs_opt_bool(L, t, "min_discard", 1, "strengths");
  int raw = opt_choice(L, t, "data", data_choices, "strengths") == 1;
  int maxl = gs_h_max_level(c.h);
  int lev = opt_int(L, t, "level", maxl >= 2 ? 2 : 1, 1, maxl, "strengths");
  /* all units, not only the kept ones: a raw value ranks among every unit */
  double *X = scratch(L, c.n * k * sizeof *X);
  for (size_t j = 0; j < k; j++) {
    gs_h_node_spec s = node_at(c.h, ind[j]);
    const double *v;
    double dir = 1;
    if (raw) {
      v = c.d->col[gs_dataset_col(c.d, s.code)].num;
      dir = s.direction;
    } else {
      v = gs_h_result_get(c.r, s.code);
    }
    for (size_t i = 0; i < c.n; i++) X[i * k + j] = dir * v[i];
  }
  if (!raw && !gs_h_result_kept(c.r)[u])
    return luaL_error(L, "strengths: unit '%s' was screened out and has no normalised values", c.d->key[u]);
  double *rank = scratch(L, k * sizeof *rank);
  size_t *order = scratch(L, k * sizeof *order), m;
  if (charge(L, k * 16) != 0) return limit_error(L);
  int st = gs_a_str_weak(X, c.n, k, (size_t)u, mind, rank, order, &m);
  release(L, k * 16);
  if (st != GS_M_OK) return luaL_error(L, "strengths: %s", gs_m_strerror(st));
  lua_newtable(L);
  lua_Integer row = 0;
  for (int pass = 0; pass < 2; pass++) {
    size_t want = (size_t)(pass ? bottom : top), from = pass ? (m > want ? m - want : 0) : 0;
    size_t to = pass ? m : (want < m ? want : m);
    for (size_t q = from; q < to; q++) {
      size_t j = order[q];
      gs_h_node_spec s = node_at(c.h, ind[j]);
      lua_createtable(L, 0, 7);
      gs_lua_setstr(L, "kind", pass ? "weakness" : "strength");
      gs_lua_setstr(L, "code", s.code);
      gs_lua_setstr(L, "name", s.name);
      gs_lua_setstr(L, "group", ancestor(c.h, ind[j], lev));
      gs_lua_setnum(L, "rank", rank[j]);
      gs_lua_setnum(L, "value", raw ? c.d->col[gs_dataset_col(c.d, s.code)].num[u] : X[(size_t)u * k + j]);
      lua_rawseti(L, -2, ++row);
    }
  }
  static const char *const cols[] = {"kind", "code", "name", "group", "rank", "value", NULL};
  return records(L, cols);
}

/* ------------------------------------------------------- unit report */

static const char *const rp_opts[] = {"group", "top", "bottom", "data", NULL};

/* res:report(unit [, {group = column, top = 5, bottom = 5, data =
 * "normalised" | "raw"}]): the unit report `gcisim explain --index`
 * prints (unitreport.h computes it, unittable.h makes the table, the same
 * definition for both): every node's score, rank, group rank (with group)
 * and the strengths and weaknesses in `flag`, the footer. */
static int ri_report(lua_State *L) {
  ctx_t c = get_ctx(L);
  int t;
  long u = unit_and_opts(L, &c, rp_opts, "report", &t);
  size_t k;
  indicators_under(L, c.h, (size_t)gs_h_root(c.h), &k);
  int top = opt_int(L, t, "top", 5, 0, (int)k, "report");
  int bottom = opt_int(L, t, "bottom", 5, 0, (int)k, "report");
  int raw = opt_choice(L, t, "data", data_choices, "report") == 1;
  const char *gname = NULL;
  int *gids = NULL;
  if (lua_getfield(L, t, "group") != LUA_TNIL) {
    if (lua_type(L, -1) != LUA_TSTRING) return luaL_error(L, "report: option 'group' must be a column name");
    gname = lua_tostring(L, -1); /* anchored by the options table */
  }
  lua_pop(L, 1);
  long gcol = -1;
  if (gname) {
    if ((gcol = gs_dataset_col(c.d, gname)) < 0) return luaL_error(L, "report: no column '%s' in %s", gname, c.d->source);
    gids = scratch(L, c.n * sizeof *gids);
    if (charge(L, c.n * 24 + 64) != 0) return limit_error(L);
    int st = gs_group_ids(c.d, (size_t)gcol, gids);
    release(L, c.n * 24 + 64);
    if (st != 0) return luaL_error(L, "report: out of memory");
  }
  /* the raw data: the dataset's numeric columns (as ix:compute reads them) */
  gs_h_data data = {c.n, c.d->ncol, NULL, NULL};
  if (raw) {
    const char **names = scratch(L, c.d->ncol * sizeof *names);
    double *X = scratch(L, c.n * c.d->ncol * sizeof *X);
    for (size_t j = 0; j < c.d->ncol; j++) {
      const gs_column *col = &c.d->col[j];
      names[j] = col->type == GS_COL_NUMBER ? col->name : NULL;
      for (size_t i = 0; i < c.n; i++) X[i * c.d->ncol + j] = col->type == GS_COL_NUMBER ? col->num[i] : NAN;
    }
    data.col_names = names;
    data.data = X;
  }
  const char *gval = NULL;
  char gbuf[64];
  if (gcol >= 0 && gids[u] >= 0) {
    const gs_column *col = &c.d->col[gcol];
    if (col->type == GS_COL_TEXT) gval = col->text[u];
    else { snprintf(gbuf, sizeof gbuf, "%.15g", col->num[u]); gval = gbuf; }
  }
  gs_table **tb = gs_lua_tablebox(L); /* the table while its records are made */
  /* the core's mallocs (the report, its scratch, the table) are charged
   * while they live; no Lua error comes between charge and release */
  size_t nn = gs_h_count(c.h), bytes = nn * (sizeof(gs_ur_row) + 160) + c.n * (k + 6) * sizeof(double) + 4096;
  if (charge(L, bytes) != 0) return limit_error(L);
  gs_ur_spec spec = {.digits = c.digits, .ties = c.ties, .groups = gids, .top = (size_t)top,
                     .bottom = (size_t)bottom, .min_discard = 1, .raw = raw ? &data : NULL};
  gs_unit_report *ur = gs_unit_report_new(c.h, c.r, (size_t)u, &spec, NULL); /* freed below, before any Lua call */
  gs_unit_table_info info = {gname, gval, c.digits, c.ties, gs_h_result_kept(c.r)[u], raw};
  if (ur) *tb = gs_unit_table(c.h, c.d, (size_t)u, ur, &info);
  gs_unit_report_free(ur);
  release(L, bytes);
  if (!*tb) return luaL_error(L, "report: out of memory");
  gs_records_push_table(L, *tb, "gci.unit_report", NULL);
  gs_lua_box_release(L, -2); /* the records hold their own copy */
  return 1;
}

/* ---------------------------------------------------- correlation flags */

static const char *const cf_opts[] = {"threshold", "type", "level", "group_level", "method", "data", NULL};
static const char *const cf_types[] = {"high", "low", NULL};
static const char *const methods[] = {"pearson", "spearman", NULL};

/* res:corr_flags([{threshold = 0.9, type = "high" | "low", level = 1,
 * group_level = level + 1, method = "pearson" | "spearman", data}]):
 * pairs of nodes of `level` under the same node of `group_level` whose
 * correlation is above (high) or below (low) the threshold. */
static int ri_corr_flags(lua_State *L) {
  int t;
  ctx_t c = get_ctx_opts(L, cf_opts, "corr_flags", &t);
  double th = opt_num(L, t, "threshold", 0.9, "corr_flags");
  if (!(th >= -1 && th <= 1)) return luaL_error(L, "corr_flags: option 'threshold' must be from -1 to 1");
  int low = opt_choice(L, t, "type", cf_types, "corr_flags") == 1;
  int lev = opt_level(L, t, c.h, 1, 0, "corr_flags");
  int gl = opt_int(L, t, "group_level", lev + 1, lev + 1, gs_h_max_level(c.h), "corr_flags");
  int spear = opt_choice(L, t, "method", methods, "corr_flags") == 1;
  int raw = opt_choice(L, t, "data", data_choices, "corr_flags") == 1;
  size_t nn = gs_h_count(c.h), k = 0;
  size_t *idx = scratch(L, nn * sizeof *idx);
  for (size_t i = 0; i < nn; i++)
    if (node_at(c.h, i).level == lev) idx[k++] = i;
  size_t *rows, m;
  double *X = gather(L, &c, idx, k, raw, 0, &rows, &m);
  double *a = scratch(L, m * sizeof *a), *b = scratch(L, m * sizeof *b);
  lua_newtable(L);
  lua_Integer row = 0;
  for (size_t p = 0; p < k; p++)
    for (size_t q = p + 1; q < k; q++) {
      const char *g1 = ancestor(c.h, idx[p], gl), *g2 = ancestor(c.h, idx[q], gl);
      if (!g1 || !g2 || strcmp(g1, g2) != 0) continue;
      for (size_t i = 0; i < m; i++) a[i] = X[i * k + p], b[i] = X[i * k + q];
      double r = spear ? gs_m_spearman(a, b, m) : gs_m_pearson(a, b, m);
      if (isnan(r) || !(low ? r < th : r > th)) continue;
      lua_createtable(L, 0, 4);
      gs_lua_setstr(L, "group", g1);
      gs_lua_setstr(L, "ind1", node_at(c.h, idx[p]).code);
      gs_lua_setstr(L, "ind2", node_at(c.h, idx[q]).code);
      gs_lua_setnum(L, "r", r);
      lua_rawseti(L, -2, ++row);
    }
  static const char *const cols[] = {"group", "ind1", "ind2", "r", NULL};
  return records(L, cols);
}

/* A table {code = number} at stack index tbl giving one number for each of
 * the nodes[n] (into out[n]), and naming no other: goalposts, targets.
 * Errors start with where ("mpi: goalposts") and call a node a noun
 * ("indicator"); stray keys are "not " + which ("an indicator under the
 * node"). */
static void numbers_by_node(lua_State *L, int tbl, const gs_hier *h, const size_t *nodes, size_t n, double *out,
                            const char *where, const char *noun, const char *which) {
  for (size_t j = 0; j < n; j++) {
    const char *code = node_at(h, nodes[j]).code;
    if (lua_getfield(L, tbl, code) != LUA_TNUMBER) luaL_error(L, "%s: no number for %s '%s'", where, noun, code);
    out[j] = lua_tonumber(L, -1);
    lua_pop(L, 1);
  }
  lua_pushnil(L);
  while (lua_next(L, tbl)) {
    lua_pop(L, 1);
    int ok = 0;
    for (size_t j = 0; j < n && lua_type(L, -1) == LUA_TSTRING; j++)
      ok |= strcmp(lua_tostring(L, -1), node_at(h, nodes[j]).code) == 0;
    if (!ok) luaL_error(L, "%s: '%s' is not %s", where, luaL_tolstring(L, -1, NULL), which);
  }
}

/* ------------------------------------------------------- Cronbach, PCA */

static const char *const grp_opts[] = {"level", "data", NULL};

/* res:cronbach([{level = 1, data}]): alpha of each group of level-`level`
 * nodes (the children of each node one level up), over the kept units. */
/* The groups res:cronbach and res:pca work on, from their options {level
 * (into *lev), data (*raw: data = "raw")}. */
static groups_t groups_opts(lua_State *L, const ctx_t *c, int t, const char *what, int *lev, int *raw) {
  *lev = opt_level(L, t, c->h, 1, 0, what);
  *raw = opt_choice(L, t, "data", data_choices, what) == 1;
  return groups_of(L, c->h, *lev);
}

static int ri_cronbach(lua_State *L) {
  int t, lev, raw;
  ctx_t c = get_ctx_opts(L, grp_opts, "cronbach", &t);
  groups_t g = groups_opts(L, &c, t, "cronbach", &lev, &raw);
  lua_newtable(L);
  int out = lua_gettop(L);
  for (size_t q = 0; q < g.ng; q++) {
    size_t k = g.start[q + 1] - g.start[q], *rows, m;
    double *X = gather(L, &c, g.child + g.start[q], k, raw, 0, &rows, &m);
    lua_createtable(L, 0, 4);
    gs_lua_setstr(L, "group", node_at(c.h, g.gnode[q]).code);
    set_int(L, "level", lev + 1);
    set_int(L, "k", (lua_Integer)k);
    gs_lua_setnum(L, "alpha", gs_a_cronbach(X, m, k));
    lua_rawseti(L, out, (lua_Integer)q + 1);
    lua_settop(L, out);
  }
  static const char *const cols[] = {"group", "level", "k", "alpha", NULL};
  return records(L, cols);
}

/* res:pca([{level = 1, data}]) -> components, loadings.
 * components: group, pc, eigenvalue, variance (share), cumulative, units;
 * loadings: group, code, weight (the first component's loading, COINr's
 * PCA weight), pc1, pc2, ... */
static int ri_pca(lua_State *L) {
  int t, lev, raw;
  ctx_t c = get_ctx_opts(L, grp_opts, "pca", &t);
  groups_t g = groups_opts(L, &c, t, "pca", &lev, &raw);
  int comps = lua_gettop(L) + 1, loads = comps + 1; /* the two lists returned */
  lua_newtable(L);
  lua_newtable(L);
  lua_Integer nc = 0, nl = 0;
  size_t kmax = 0;
  for (size_t q = 0; q < g.ng; q++) {
    size_t k = g.start[q + 1] - g.start[q], *rows, m, used;
    const char *gc = node_at(c.h, g.gnode[q]).code;
    if (k > kmax) kmax = k;
    double *X = gather(L, &c, g.child + g.start[q], k, raw, 0, &rows, &m);
    double *eig = scratch(L, k * sizeof *eig), *ld = scratch(L, k * k * sizeof *ld);
    size_t bytes = m * k * sizeof(double) + 2 * k * k * sizeof(double) + k * sizeof(double) + 64;
    if (charge(L, bytes) != 0) return limit_error(L);
    int st = gs_a_pca(X, m, k, eig, ld, &used);
    release(L, bytes);
    if (st != GS_M_OK) return luaL_error(L, "pca: group '%s': %s", gc, gs_m_strerror(st));
    double cum = 0, tot = 0;
    for (size_t p = 0; p < k; p++) tot += eig[p];
    for (size_t p = 0; p < k; p++) {
      cum += eig[p];
      lua_createtable(L, 0, 6);
      gs_lua_setstr(L, "group", gc);
      set_int(L, "pc", (lua_Integer)p + 1);
      gs_lua_setnum(L, "eigenvalue", eig[p]);
      gs_lua_setnum(L, "variance", eig[p] / tot);
      gs_lua_setnum(L, "cumulative", cum / tot);
      set_int(L, "units", (lua_Integer)used);
      lua_rawseti(L, comps, ++nc);
    }
    for (size_t j = 0; j < k; j++) {
      lua_createtable(L, 0, (int)k + 3);
      gs_lua_setstr(L, "group", gc);
      gs_lua_setstr(L, "code", node_at(c.h, g.child[g.start[q] + j]).code);
      gs_lua_setnum(L, "weight", ld[j * k]);
      for (size_t p = 0; p < k; p++) {
        lua_pushfstring(L, "pc%d", (int)p + 1);
        gs_lua_pushnum(L, ld[j * k + p]);
        lua_settable(L, -3);
      }
      lua_rawseti(L, loads, ++nl);
    }
    lua_settop(L, loads);
  }
  static const char *const ccols[] = {"group", "pc", "eigenvalue", "variance", "cumulative", "units", NULL};
  gs_records_setmeta(L, comps, "gci.records", ccols, NULL, NULL);
  static const char *const lhead[] = {"group", "code", "weight", NULL};
  lua_Integer ncol = push_column_names(L, lhead, kmax);
  for (size_t p = 0; p < kmax; p++) {
    lua_pushfstring(L, "pc%d", (int)p + 1);
    lua_rawseti(L, -2, ++ncol);
  }
  gs_records_setmeta_list(L, loads, "gci.pca_loadings", -1, NULL, NULL);
  lua_pop(L, 1);
  lua_pushvalue(L, comps);
  lua_pushvalue(L, loads);
  return 2;
}

/* ------------------------------------------------- scores of the kept */

/* Pushes records {key, country, score, rank} for the kept units rows[m]
 * with scores s[m], ranked with the result's rules (two scratch userdata
 * stay below the records on the stack). */
static void unit_scores(lua_State *L, const ctx_t *c, const size_t *rows, size_t m, const double *s) {
  double *full = scratch(L, c->n * sizeof *full), *rk = scratch(L, c->n * sizeof *rk);
  for (size_t u = 0; u < c->n; u++) full[u] = NAN;
  for (size_t i = 0; i < m; i++) full[rows[i]] = s[i];
  if (gs_rank(full, c->n, c->digits, c->ties, rk) != 0) luaL_error(L, "out of memory while ranking");
  lua_createtable(L, (int)m, 0);
  for (size_t i = 0; i < m; i++) {
    lua_createtable(L, 0, 4);
    push_unit(L, c->d, rows[i]);
    gs_lua_setnum(L, "score", s[i]);
    gs_lua_setnum(L, "rank", rk[rows[i]]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

/* ---------------------------------------------------------- MPI, AMPI */

static const char *const mpi_opts[] = {"node", "method", "polarity", "goalposts", NULL};
static const char *const mpi_methods[] = {"mpi", "ampi", NULL};
static const char *const polarities[] = {"positive", "negative", NULL};

/* res:mpi([{node = root, method = "mpi" | "ampi", polarity = "positive" |
 * "negative", goalposts = {code = value}}]): the indicators under node,
 * after denomination, imputation and treatment (before normalisation),
 * over the kept units. */
static int ri_mpi(lua_State *L) {
  int t;
  ctx_t c = get_ctx_opts(L, mpi_opts, "mpi", &t);
  long node = opt_node(L, t, c.h, "mpi");
  int ampi = opt_choice(L, t, "method", mpi_methods, "mpi") == 1;
  int sign = opt_choice(L, t, "polarity", polarities, "mpi") == 1 ? -1 : 1;
  size_t k;
  size_t *ind = indicators_under(L, c.h, (size_t)node, &k);
  if (k < 2) return luaL_error(L, "mpi: node '%s' has fewer than 2 indicators", node_at(c.h, (size_t)node).code);
  const int *kept = gs_h_result_kept(c.r);
  size_t *rows = scratch(L, c.n * sizeof *rows), m = 0;
  for (size_t u = 0; u < c.n; u++)
    if (kept[u]) rows[m++] = u;
  double *X = scratch(L, m * k * sizeof *X), *gp = scratch(L, k * sizeof *gp);
  int *dir = scratch(L, k * sizeof *dir);
  int has_gp = lua_getfield(L, t, "goalposts") != LUA_TNIL;
  int gpi = lua_gettop(L);
  if (has_gp && !lua_istable(L, gpi)) return luaL_error(L, "mpi: option 'goalposts' must be a table {indicator = value}");
  if (has_gp && !ampi) return luaL_error(L, "mpi: option 'goalposts' is for method = 'ampi'");
  for (size_t j = 0; j < k; j++) {
    gs_h_node_spec s = node_at(c.h, ind[j]);
    const double *v = gs_h_result_pre(c.r, s.code);
    dir[j] = s.direction;
    double sum = 0;
    for (size_t i = 0; i < m; i++) {
      X[i * k + j] = v[rows[i]];
      sum += v[rows[i]];
    }
    gp[j] = sum / (double)m;
  }
  if (has_gp) numbers_by_node(L, gpi, c.h, ind, k, gp, "mpi: goalposts", "indicator", "an indicator under the node");
  double *Z = scratch(L, m * k * sizeof *Z), *out = scratch(L, m * sizeof *out);
  int st;
  if (ampi) {
    if (charge(L, m * k * sizeof(double) + 64) != 0) return limit_error(L);
    st = gs_a_ampi(X, m, k, dir, gp, sign, out);
    release(L, m * k * sizeof(double) + 64);
  } else {
    st = gs_a_standardise(X, m, k, dir, Z);
    if (st == GS_M_OK) st = gs_a_mpi(Z, m, k, sign, out);
  }
  if (st != GS_M_OK) return luaL_error(L, "mpi: %s", gs_m_strerror(st));
  unit_scores(L, &c, rows, m, out);
  const char *cols[] = {c.d->key_col, "country", "score", "rank", NULL};
  return records(L, cols);
}

/* ----------------------------------------------- benefit of the doubt */

static const char *const bod_opts[] = {"node", "bounds", NULL};

/* res:bod([{node = root, bounds = {lo, up}}]): each kept unit's
 * benefit-of-the-doubt score (0..1) and the shares of its score that its
 * most favourable weights give each indicator under node (normalised
 * values, which must be >= 0). */
static int ri_bod(lua_State *L) {
  int t;
  ctx_t c = get_ctx_opts(L, bod_opts, "bod", &t);
  long node = opt_node(L, t, c.h, "bod");
  double lo = 0, up = 1;
  if (lua_getfield(L, t, "bounds") != LUA_TNIL) {
    if (!lua_istable(L, -1) || lua_rawlen(L, -1) != 2) return luaL_error(L, "bod: option 'bounds' must be {lo, up}");
    lua_rawgeti(L, -1, 1);
    lua_rawgeti(L, -2, 2);
    if (!lua_isnumber(L, -2) || !lua_isnumber(L, -1)) return luaL_error(L, "bod: option 'bounds' must be {lo, up}");
    lo = lua_tonumber(L, -2);
    up = lua_tonumber(L, -1);
    lua_pop(L, 2);
  }
  lua_pop(L, 1);
  size_t k;
  size_t *ind = indicators_under(L, c.h, (size_t)node, &k);
  size_t *rows, m;
  double *Y = gather(L, &c, ind, k, 0, 0, &rows, &m);
  double *score = scratch(L, m * sizeof *score), *share = scratch(L, m * k * sizeof *share);
  char err[256];
  size_t bytes = (m * k + 1) * (sizeof(int) * 2 + sizeof(double)) + (k + 1) * sizeof(double) + 4096 + m * k * 64;
  if (charge(L, bytes) != 0) return limit_error(L);
  int rc = gs_bod(Y, m, k, lo, up, score, share, NULL, err, sizeof err);
  release(L, bytes);
  if (rc != 0) return luaL_error(L, "bod: %s", err);
  unit_scores(L, &c, rows, m, score);
  for (size_t i = 0; i < m; i++) {
    lua_rawgeti(L, -1, (lua_Integer)i + 1);
    for (size_t j = 0; j < k; j++) gs_lua_setnum(L, node_at(c.h, ind[j]).code, share[i * k + j]);
    lua_pop(L, 1);
  }
  const char *head[] = {c.d->key_col, "country", "score", "rank", NULL};
  lua_Integer nh = push_column_names(L, head, k);
  for (size_t j = 0; j < k; j++) {
    lua_pushstring(L, node_at(c.h, ind[j]).code);
    lua_rawseti(L, -2, ++nh);
  }
  gs_records_setmeta_list(L, -2, "gci.records", -1, NULL, NULL);
  lua_pop(L, 1);
  return 1;
}

/* --------------------------------------------------- removing elements */

static const char *const rm_opts[] = {"level", "node", NULL};

/* res:remove_elements([{level = 1, node = root}]): for each node of
 * `level`, the scores of `node` with that element weighing 0 (COINr
 * remove_elements), ranked with the result's rules; records code, level,
 * parent, mean_abs_change (mean over kept units of |nominal rank - rank|),
 * max_abs_change. */
static int ri_remove(lua_State *L) {
  int t;
  ctx_t c = get_ctx_opts(L, rm_opts, "remove_elements", &t);
  int lev = opt_level(L, t, c.h, 1, 0, "remove_elements");
  long node = opt_node(L, t, c.h, "remove_elements");
  const char *target = node_at(c.h, (size_t)node).code;
  const int *kept = gs_h_result_kept(c.r);
  double *nom = scratch(L, c.n * sizeof *nom), *s = scratch(L, c.n * sizeof *s), *rk = scratch(L, c.n * sizeof *rk);
  if (gs_rank(gs_h_result_get(c.r, target), c.n, c.digits, c.ties, nom) != 0)
    return luaL_error(L, "out of memory while ranking");
  size_t nn = gs_h_count(c.h);
  size_t bytes = nn * (c.n + 1) * 2 * sizeof(double) + nn * 256 + c.n * gs_h_count_level(c.h, 1) * sizeof(double);
  lua_newtable(L);
  lua_Integer row = 0;
  for (size_t i = 0; i < nn; i++) {
    gs_h_node_spec e = node_at(c.h, i);
    if (e.level != lev) continue;
    char err[512];
    if (charge(L, bytes) != 0) return limit_error(L);
    int rc = gs_ra_scores(c.h, c.r, e.code, target, s, err, sizeof err);
    release(L, bytes);
    if (rc != 0) return luaL_error(L, "remove_elements: without '%s': %s", e.code, err);
    if (gs_rank(s, c.n, c.digits, c.ties, rk) != 0) return luaL_error(L, "out of memory while ranking");
    double sum = 0, mx = 0;
    size_t cnt = 0;
    for (size_t u = 0; u < c.n; u++) {
      if (!kept[u] || isnan(nom[u]) || isnan(rk[u])) continue;
      double dlt = fabs(nom[u] - rk[u]);
      sum += dlt;
      if (dlt > mx) mx = dlt;
      cnt++;
    }
    lua_createtable(L, 0, 5);
    gs_lua_setstr(L, "code", e.code);
    set_int(L, "level", e.level);
    gs_lua_setstr(L, "parent", e.parent);
    gs_lua_setnum(L, "mean_abs_change", cnt ? sum / (double)cnt : NAN);
    gs_lua_setnum(L, "max_abs_change", cnt ? mx : NAN);
    lua_rawseti(L, -2, ++row);
  }
  static const char *const cols[] = {"code", "level", "parent", "mean_abs_change", "max_abs_change", NULL};
  return records(L, cols);
}

/* ----------------------------------------------------- optimised weights */

static const char *const ow_opts_[] = {"level", "target", "type", "tol", "maxiter", NULL};
static const char *const ow_types[] = {"balance", "infomax", NULL};

/* res:opt_weights([{level = max - 1, target = {code = importance} (default
 * equal), type = "balance" | "infomax", tol = 1e-6, maxiter = 500}]):
 * records code, level, parent, nominal (effective weight), weight (the
 * optimised one, summing to 1 over the level), target (scaled to sum 1),
 * r (correlation with the index at the optimum), share (r / sum r); the
 * footer tells the objective, iterations and whether it converged. */
static int ri_opt_weights(lua_State *L) {
  int t;
  ctx_t c = get_ctx_opts(L, ow_opts_, "opt_weights", &t);
  gs_ow_opts o;
  gs_ow_opts_default(&o);
  int maxl = gs_h_max_level(c.h);
  if (maxl < 2) return luaL_error(L, "opt_weights: the index has no level below its root");
  o.level = opt_int(L, t, "level", maxl - 1, 1, maxl - 1, "opt_weights");
  o.infomax = opt_choice(L, t, "type", ow_types, "opt_weights") == 1;
  o.tol = opt_num(L, t, "tol", o.tol, "opt_weights");
  if (!(o.tol > 0)) return luaL_error(L, "opt_weights: option 'tol' must be > 0");
  o.maxiter = opt_int(L, t, "maxiter", o.maxiter, 1, 1000000, "opt_weights");
  size_t nn = gs_h_count(c.h), m = gs_h_count_level(c.h, o.level), k = 0;
  size_t *idx = scratch(L, nn * sizeof *idx);
  for (size_t i = 0; i < nn; i++)
    if (node_at(c.h, i).level == o.level) idx[k++] = i;
  double *tg = scratch(L, m * sizeof *tg), *w = scratch(L, m * sizeof *w), *r = scratch(L, m * sizeof *r);
  int ty = lua_getfield(L, t, "target");
  int tgi = lua_gettop(L);
  if (ty != LUA_TNIL) {
    if (ty != LUA_TTABLE) return luaL_error(L, "opt_weights: option 'target' must be a table {node = importance}");
    if (o.infomax) return luaL_error(L, "opt_weights: option 'target' is for type = 'balance'");
    char which[48];
    snprintf(which, sizeof which, "a node of level %d", o.level);
    numbers_by_node(L, tgi, c.h, idx, m, tg, "opt_weights: target", "node", which);
    o.target = tg;
  }
  double obj;
  int iters, conv;
  char err[512];
  size_t bytes = (nn * (c.n + 1) * 2 * sizeof(double) + nn * 256 + c.n * gs_h_count_level(c.h, 1) * sizeof(double)) +
                 m * (m + 8) * sizeof(double) + c.n * sizeof(double) + 1024;
  if (charge(L, bytes) != 0) return limit_error(L);
  int rc = gs_ow_optimise(c.h, c.r, &o, w, r, &obj, &iters, &conv, err, sizeof err);
  release(L, bytes);
  if (rc != 0) return luaL_error(L, "opt_weights: %s", err);
  double tsum = 0, rsum = 0, nsum = 0;
  for (size_t j = 0; j < m; j++) {
    tsum += o.target ? tg[j] : 1.0;
    rsum += r[j];
    nsum += gs_h_eff_weight(c.h, idx[j]);
  }
  lua_createtable(L, (int)m, 0);
  for (size_t j = 0; j < m; j++) {
    gs_h_node_spec s = node_at(c.h, idx[j]);
    lua_createtable(L, 0, 8);
    gs_lua_setstr(L, "code", s.code);
    set_int(L, "level", s.level);
    gs_lua_setstr(L, "parent", s.parent);
    gs_lua_setnum(L, "nominal", gs_h_eff_weight(c.h, idx[j]) / nsum);
    gs_lua_setnum(L, "weight", w[j]);
    if (!o.infomax) gs_lua_setnum(L, "target", (o.target ? tg[j] : 1.0) / tsum);
    gs_lua_setnum(L, "r", r[j]);
    gs_lua_setnum(L, "share", r[j] / rsum);
    lua_rawseti(L, -2, (lua_Integer)j + 1);
  }
  /* infomax has no target */
  static const char *const cols[] = {"code", "level", "parent", "nominal", "weight", "target", "r", "share", NULL};
  static const char *const icols[] = {"code", "level", "parent", "nominal", "weight", "r", "share", NULL};
  lua_pushfstring(L, "%s: objective %s after %d iterations%s", o.infomax ? "infomax" : "balance",
                  lua_tostring(L, (gs_lua_pushnum(L, obj), -1)), iters, conv ? "" : " (not converged)");
  lua_remove(L, -2);
  gs_records_setmeta(L, -2, "gci.opt_weights", o.infomax ? icols : cols, lua_tostring(L, -1), NULL);
  lua_pop(L, 1);
  return 1;
}

/* ------------------------------------------------------------- panel */

/* Calls ix:compute(d, opts) with the index at ixi, the dataset at di and the
 * options at oi; leaves the result on the stack top. */
static void compute_call(lua_State *L, int ixi, int di, int oi) {
  if (luaL_getmetafield(L, ixi, "__index") != LUA_TTABLE) luaL_error(L, "not a gci.index");
  lua_getfield(L, -1, "compute");
  lua_remove(L, -2);
  lua_pushvalue(L, ixi);
  lua_pushvalue(L, di);
  lua_pushvalue(L, oi);
  lua_call(L, 3, 1);
}

typedef struct {
  const char *key;
  double rank;
} key_rank;
static int kr_cmp(const void *a, const void *b) {
  return strcmp(((const key_rank *)a)->key, ((const key_rank *)b)->key);
}

typedef struct {
  int isnum;
  double num;
  const char *str;
  int ki; /* stack index of the key */
} year_item;
static int year_cmp(const void *a, const void *b) {
  const year_item *x = a, *y = b;
  if (x->isnum != y->isnum) return x->isnum ? -1 : 1;
  if (x->isnum) return (x->num > y->num) - (x->num < y->num);
  return strcmp(x->str, y->str);
}

/* The keys of the table at tbl ({[year] = value, ...}), sorted: numbers
 * first, ascending, then strings; ix:panel's years and gci.ampi's periods.
 * Pushes the list of keys, a scratch block (the returned array, *n items)
 * and then every key, kept on the stack at yi[y].ki.  bad and none are the
 * errors for a key that is neither number nor string and for no key; what
 * names the call when the stack cannot hold the keys. */
static year_item *sorted_keys(lua_State *L, int tbl, const char *what, const char *bad, const char *none,
                              size_t *n) {
  size_t ny = 0;
  lua_newtable(L);
  int keys = lua_gettop(L);
  lua_pushnil(L);
  while (lua_next(L, tbl)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TNUMBER && lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "%s", bad);
    lua_pushvalue(L, -1);
    lua_rawseti(L, keys, (lua_Integer)++ny);
  }
  if (ny == 0) luaL_error(L, "%s", none);
  luaL_checkstack(L, (int)ny * 2 + 20, what);
  year_item *yi = scratch(L, ny * sizeof *yi);
  for (size_t y = 0; y < ny; y++) {
    lua_rawgeti(L, keys, (lua_Integer)y + 1);
    yi[y].isnum = lua_type(L, -1) == LUA_TNUMBER;
    yi[y].num = lua_tonumber(L, -1);
    yi[y].str = yi[y].isnum ? NULL : lua_tostring(L, -1);
    yi[y].ki = lua_gettop(L);
  }
  qsort(yi, ny, sizeof *yi, year_cmp);
  *n = ny;
  return yi;
}

/* Appends the concatenation of s1 and s2 (s2 may be NULL) to the buffer as
 * one CSV field, quoted when it needs it. */
static void csv_field2(luaL_Buffer *b, const char *s1, const char *s2) {
  int q = strpbrk(s1, ",\"\r\n") || (s2 && strpbrk(s2, ",\"\r\n"));
  if (q) luaL_addchar(b, '"');
  for (int part = 0; part < 2; part++)
    for (const char *s = part ? s2 : s1; s && *s; s++) {
      if (*s == '"') luaL_addchar(b, '"');
      luaL_addchar(b, *s);
    }
  if (q) luaL_addchar(b, '"');
}
static void csv_field(luaL_Buffer *b, const char *s) { csv_field2(b, s, NULL); }

/* ix:panel({[year] = dataset, ...} [, compute options + {global = false}]):
 * the index computed for each year, records KEY, country, year, score,
 * rank, rank_change (the previous year's rank minus this one; none in the
 * first year or for a unit new that year), years in order.  With global =
 * true (COINr's Normalise(purse, global = TRUE)) every step before
 * normalisation still runs year by year, but the normalisation (and what
 * follows) runs once over all unit-years pooled, so that a score means the
 * same in every year. */
static int ix_panel(lua_State *L) {
  luaL_checkudata(L, 1, "gci.index");
  luaL_checktype(L, 2, LUA_TTABLE);
  if (!lua_isnoneornil(L, 3)) luaL_checktype(L, 3, LUA_TTABLE);
  lua_settop(L, 3);
  /* ix:compute's options and `global`, named together when one is unknown */
  static const char *const panel_opts[] = {"steps", "denominate", "impute", "group_by", "screen", "treat",
                                           "normalise", "agg", "digits", "ties", "group", "global", NULL};
  if (!lua_isnil(L, 3)) gs_lua_check_options(L, 3, panel_opts, "panel");
  /* the compute options without `global` (4), and global */
  lua_newtable(L);
  int global = 0;
  if (!lua_isnil(L, 3)) {
    lua_pushnil(L);
    while (lua_next(L, 3)) {
      if (lua_type(L, -2) == LUA_TSTRING && strcmp(lua_tostring(L, -2), "global") == 0) {
        if (!lua_isboolean(L, -1)) return luaL_error(L, "panel: option 'global' must be true or false");
        global = lua_toboolean(L, -1);
      } else {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_settable(L, 4);
        continue;
      }
      lua_pop(L, 1);
    }
  }
  /* the years, sorted */
  size_t ny;
  year_item *yi = sorted_keys(L, 2, "panel", "panel: the datasets must be given as {[year] = dataset, ...}",
                              "panel: no dataset given", &ny);
  const char **ystr = scratch(L, ny * sizeof *ystr); /* "@year", strings kept on the stack */
  for (size_t y = 0; y < ny; y++) {
    lua_pushfstring(L, "@%s", luaL_tolstring(L, yi[y].ki, NULL));
    lua_remove(L, -2);
    ystr[y] = lua_tostring(L, -1);
  }
  int res0 = lua_gettop(L) + 1; /* the per-year results: res0 + y */
  for (size_t y = 0; y < ny; y++) {
    lua_pushvalue(L, yi[y].ki);
    lua_gettable(L, 2);
    int di = lua_gettop(L);
    gs_lua_checkdataset(L, di);
    compute_call(L, 1, di, 4);
    lua_remove(L, di);
  }
  const gs_hier *h0 = NULL;
  const gs_dataset *d0;
  int digits;
  gs_ties ties;
  gs_lua_index_result(L, res0, &h0, &d0, &digits, &ties);
  gs_h_node_spec root = node_at(h0, (size_t)gs_h_root(h0));
  /* scores[y]: each year's root scores (per year), or the pooled ones */
  const double **scores = scratch(L, ny * sizeof *scores);
  int pooled_i = 0;
  size_t *offset = scratch(L, (ny + 1) * sizeof *offset);
  offset[0] = 0;
  for (size_t y = 0; y < ny; y++) {
    ctx_t p = ctx_at(L, res0 + (int)y); /* period y */
    scores[y] = gs_h_result_get(p.r, root.code);
    offset[y + 1] = offset[y] + p.d->n;
  }
  if (global) {
    /* one CSV of all unit-years: key "KEY@year", the indicators after the
     * steps before normalisation */
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, "key,name");
    for (size_t i = 0; i < gs_h_count(h0); i++) {
      gs_h_node_spec s = node_at(h0, i);
      if (s.level != 1) continue;
      luaL_addchar(&b, ',');
      csv_field(&b, s.code);
    }
    luaL_addchar(&b, '\n');
    for (size_t y = 0; y < ny; y++) {
      ctx_t p = ctx_at(L, res0 + (int)y); /* period y */
      for (size_t u = 0; u < p.d->n; u++) {
        char cell[64];
        csv_field2(&b, p.d->key[u], ystr[y]);
        luaL_addchar(&b, ',');
        csv_field(&b, p.d->name[u]);
        for (size_t i = 0; i < gs_h_count(h0); i++) {
          gs_h_node_spec s = node_at(h0, i);
          if (s.level != 1) continue;
          const double *v = gs_h_result_pre(p.r, s.code);
          double x = v ? v[u] : NAN;
          if (isnan(x) || isinf(x)) snprintf(cell, sizeof cell, "NA");
          else snprintf(cell, sizeof cell, "%.17g", x);
          luaL_addchar(&b, ',');
          luaL_addstring(&b, cell);
        }
        luaL_addchar(&b, '\n');
      }
    }
    luaL_pushresult(&b);
    size_t len;
    const char *text = lua_tolstring(L, -1, &len);
    static const char *const na[] = {"NA"};
    static const char *const nopillars[] = {NULL};
    gs_load_opts lo;
    memset(&lo, 0, sizeof lo);
    lo.key_col = "key";
    lo.name_col = "name";
    lo.pillars = nopillars;
    lo.npillars = 0;
    lo.na = na;
    lo.nna = 1;
    char err[512];
    gs_dataset *pd = gs_load_csv_mem("panel", text, len, &lo, err, sizeof err);
    if (!pd) return luaL_error(L, "panel: pooling the years: %s", err);
    lua_pop(L, 1);
    gs_lua_push_dataset(L, pd);
    int pdi = lua_gettop(L);
    /* the options that act from normalisation on */
    lua_newtable(L);
    int po = lua_gettop(L);
    static const char *const keep[] = {"normalise", "agg", "ties", "digits", NULL};
    for (int i = 0; keep[i]; i++) {
      lua_getfield(L, 4, keep[i]);
      lua_setfield(L, po, keep[i]);
    }
    compute_call(L, 1, pdi, po);
    pooled_i = lua_gettop(L);
    const gs_hier *h;
    const gs_dataset *d;
    int dg;
    gs_ties tt;
    const gs_h_result *r = gs_lua_index_result(L, pooled_i, &h, &d, &dg, &tt);
    const double *all = gs_h_result_get(r, root.code);
    for (size_t y = 0; y < ny; y++) scores[y] = all + offset[y];
  }
  /* records, year by year; ranks within the year */
  lua_newtable(L);
  int out = lua_gettop(L);
  lua_Integer row = 0;
  key_rank *prev = NULL; /* the previous year's keys and ranks, sorted by key */
  size_t nprev = 0;
  for (size_t y = 0; y < ny; y++) {
    ctx_t p = ctx_at(L, res0 + (int)y); /* period y */
    double *rk = scratch(L, p.d->n * sizeof *rk);
    lua_insert(L, out); /* keep the ranks below the records */
    out++;
    /* this year's keys sorted, for the next year's look-ups (n log n) */
    key_rank *kr = scratch(L, p.d->n * sizeof *kr);
    lua_insert(L, out);
    out++;
    if (gs_rank(scores[y], p.d->n, p.digits, p.ties, rk) != 0) return luaL_error(L, "out of memory while ranking");
    const int *kept = gs_h_result_kept(p.r);
    for (size_t u = 0; u < p.d->n; u++) {
      if (!kept[u]) continue;
      lua_createtable(L, 0, 6);
      push_unit(L, p.d, u);
      lua_pushvalue(L, yi[y].ki);
      lua_setfield(L, -2, "year");
      gs_lua_setnum(L, "score", scores[y][u]);
      gs_lua_setnum(L, "rank", rk[u]);
      if (prev) {
        key_rank q = {p.d->key[u], 0}, *hit = bsearch(&q, prev, nprev, sizeof *prev, kr_cmp);
        if (hit && !isnan(hit->rank) && !isnan(rk[u])) gs_lua_setnum(L, "rank_change", hit->rank - rk[u]);
      }
      lua_rawseti(L, out, ++row);
    }
    for (size_t u = 0; u < p.d->n; u++) kr[u] = (key_rank){p.d->key[u], kept[u] ? rk[u] : NAN};
    qsort(kr, p.d->n, sizeof *kr, kr_cmp);
    prev = kr;
    nprev = p.d->n;
  }
  const char *cols[] = {d0->key_col, "country", "year", "score", "rank", "rank_change", NULL};
  return records(L, cols);
}

/* ------------------------------------------------------------ what-if */

/* Applies the edit at the stack top (a number, or one of {set=}, {add=},
 * {mul=}) to column c of row r of e. */
static void whatif_edit(lua_State *L, gs_dataset *e, size_t r, size_t c, const char *who) {
  double *cell = &e->col[c].num[r], v = *cell;
  int kinds = 0;
  if (lua_type(L, -1) == LUA_TNUMBER) {
    v = lua_tonumber(L, -1);
    kinds = 1;
  } else if (lua_istable(L, -1)) {
    static const char *const ops[] = {"set", "add", "mul"};
    for (int k = 0; k < 3; k++) {
      if (lua_getfield(L, -1, ops[k]) != LUA_TNIL) {
        if (lua_type(L, -1) != LUA_TNUMBER) kinds = 9;
        double x = lua_tonumber(L, -1);
        v = k == 0 ? x : k == 1 ? *cell + x : *cell * x;
        kinds++;
      }
      lua_pop(L, 1);
    }
  }
  if (kinds != 1)
    luaL_error(L, "whatif: edit of %s %s must be a number or one of {set=x}, {add=x}, {mul=x}", who, e->col[c].name);
  if (!isfinite(v)) luaL_error(L, "whatif: %s %s would not be a finite number", e->key[r], e->col[c].name);
  *cell = v;
}

/* ix:whatif(d, {UNIT = {column = edit, ...}, ["*"] = {...}} [, opts]):
 * ix:compute(copy, opts) where the copy of d has the edits applied (every
 * unit's "*" edits first, then each unit's own); any numeric column can be
 * edited (an indicator, a denominator), so the whole pipeline runs again
 * on the edited data. */
static int ix_whatif(lua_State *L) {
  luaL_checkudata(L, 1, "gci.index");
  const gs_dataset *d = gs_lua_checkdataset(L, 2);
  luaL_checktype(L, 3, LUA_TTABLE);
  if (lua_isnoneornil(L, 4)) {
    lua_settop(L, 3);
    lua_newtable(L);
  }
  lua_settop(L, 4);
  gs_dataset *e = gs_dataset_copy(d);
  if (!e) return luaL_error(L, "whatif: out of memory");
  gs_lua_push_dataset(L, e); /* 5: owns e from here on */
  for (int pass = 0; pass < 2; pass++) {
    lua_pushnil(L);
    while (lua_next(L, 3)) {
      if (lua_type(L, -2) != LUA_TSTRING || !lua_istable(L, -1))
        return luaL_error(L, "whatif: expected {UNIT = {column = value, ...}, ...}");
      const char *who = lua_tostring(L, -2);
      int all = strcmp(who, "*") == 0;
      long row = all ? -1 : gs_dataset_row(e, who);
      if (!all && row < 0) return luaL_error(L, "whatif: unknown unit '%s' (not in %s)", who, e->source);
      if (all == (pass == 0)) {
        int vt = lua_gettop(L);
        lua_pushnil(L);
        while (lua_next(L, vt)) {
          const char *col = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
          long c = gs_dataset_col(e, col);
          if (c < 0 || e->col[c].type != GS_COL_NUMBER)
            return luaL_error(L, "whatif: no numeric column '%s' in %s (editing %s)", col, e->source, who);
          for (size_t r = all ? 0 : (size_t)row; r < (all ? e->n : (size_t)row + 1); r++) whatif_edit(L, e, r, (size_t)c, who);
          lua_pop(L, 1);
        }
      }
      lua_pop(L, 1);
    }
  }
  compute_call(L, 1, 5, 4);
  return 1;
}

/* --------------------------------------------------- long panel CSV */

/* What gci.load_panel holds while it builds datasets: released if a Lua
 * error (a memory limit) interrupts it (lbox.h). */
typedef struct {
  gs_panel *p;
  gs_dataset **ds;
  size_t n;
} panel_box;

static void panel_box_release(lua_State *L, void *data) {
  (void)L;
  panel_box *b = data;
  for (size_t i = 0; b->ds && i < b->n; i++) gs_dataset_free(b->ds[i]);
  free(b->ds);
  gs_panel_free(b->p);
  b->ds = NULL;
  b->p = NULL;
  b->n = 0;
}

static const char *const lp_opts[] = {"year", "key", "name", "na", NULL};

/* gci.load_panel(path, {year = column, key =, name =, na = {...}}): a long
 * CSV with one row per unit and year, as a table {[year] = dataset} (a
 * year that reads as a number is a number key), for ix:panel.  Each year's
 * dataset is what gci.load would give for that year's rows; errors name the
 * file and its own line numbers. */
static int gci_load_panel(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 2);
  gs_lua_check_options(L, 2, lp_opts, "gci.load_panel");
  if (lua_getfield(L, 2, "year") != LUA_TSTRING)
    return luaL_error(L, "gci.load_panel: option 'year' must name the year column");
  const char *ycol = lua_tostring(L, -1); /* anchored by the options */
  lua_pop(L, 1);
  gs_load_opts o;
  memset(&o, 0, sizeof o);
  /* strings only, anchored by the options: a number made into a string
   * here would be held by a popped stack slot alone, and collected */
  o.key_col = gs_opt_string(L, 2, "key", NULL, "gci.load_panel");
  o.name_col = gs_opt_string(L, 2, "name", NULL, "gci.load_panel");
  if (lua_getfield(L, 2, "na") != LUA_TNIL) {
    o.na = gs_lua_na_list(L, "gci.load_panel", &o.nna);
  } else {
    lua_pushnil(L);
  }
  static const char *const nopillars[] = {NULL};
  o.pillars = nopillars; /* an index's data has no pillars */
  o.npillars = 0;
  panel_box *pb = gs_lua_newbox(L, sizeof *pb, panel_box_release);
  /* read the file (the sandbox's policy decides), then split it, in C with
   * no Lua call in between */
  char where[4096], err[1024];
  path = gs_datadir_resolve(path, where, sizeof where);
  gs_ctx *ctx = gs_lua_getctx(L);
  FILE *f;
  if (ctx && ctx->policy) {
    if (!(f = gs_policy_open_read(ctx->policy, path, err, sizeof err))) return luaL_error(L, "gci.load_panel: %s", err);
  } else if (!(f = fopen(path, "rb"))) {
    return luaL_error(L, "gci.load_panel: %s: cannot read", path);
  }
  size_t cap = 1 << 16, len = 0;
  char *text = malloc(cap);
  int toobig = 0;
  while (text) {
    if (len == cap) {
      if (cap >= GS_MAX_FILE_BYTES) { toobig = 1; break; }
      char *t = realloc(text, cap * 2);
      if (!t) { free(text); text = NULL; break; }
      text = t, cap *= 2;
    }
    size_t k = fread(text + len, 1, cap - len, f);
    if (k == 0) break;
    len += k;
  }
  fclose(f);
  if (!text) return luaL_error(L, "gci.load_panel: out of memory");
  if (toobig) {
    free(text);
    return luaL_error(L, "gci.load_panel: %s: more than %d MiB", path, (int)(GS_MAX_FILE_BYTES >> 20));
  }
  if (charge(L, len * 2 + 64) != 0) {
    free(text);
    return limit_error(L);
  }
  pb->p = gs_panel_split(text, len, ycol, path, err, sizeof err);
  free(text);
  if (!pb->p) {
    release(L, len * 2 + 64);
    return gs_lua_data_error(L, err);
  }
  size_t ny = pb->p->n, extra = ny * (len + 1);
  if (charge(L, extra) != 0) {
    release(L, len * 2 + 64);
    return limit_error(L);
  }
  pb->ds = calloc(ny ? ny : 1, sizeof *pb->ds);
  if (pb->ds) pb->n = ny;
  for (size_t y = 0; pb->ds && y < ny; y++) {
    const char *t = pb->p->text[y];
    pb->ds[y] = gs_load_csv_mem(path, t, strlen(t), &o, err, sizeof err);
    if (!pb->ds[y]) break;
  }
  release(L, len * 2 + 64 + extra);
  if (!pb->ds) return luaL_error(L, "gci.load_panel: out of memory");
  for (size_t y = 0; y < ny; y++)
    if (!pb->ds[y]) return gs_lua_data_error(L, err);
  /* the table {[year] = dataset}: each dataset leaves the box as it is pushed */
  lua_createtable(L, 0, (int)ny);
  int out = lua_gettop(L);
  for (size_t y = 0; y < ny; y++) {
    const char *ys = pb->p->year[y];
    if (lua_stringtonumber(L, ys) == 0) lua_pushstring(L, ys);
    gs_dataset *d = pb->ds[y];
    pb->ds[y] = NULL;
    gs_lua_push_dataset(L, d);
    lua_settable(L, out);
  }
  return 1;
}

/* ------------------------------------------------ AMPI over periods */

static const char *const ampi_opts[] = {"node", "polarity", "goalposts", "base", NULL};

/* gci.ampi({[period] = res, ...} [, {node = root, polarity = "positive",
 * goalposts = {code = value}, base = the first period}]): Compind ci_ampi
 * with `time`.  The results are index results of the same index (one per
 * period, e.g. ix:compute of each dataset of gci.load_panel); the values
 * are each period's indicators under node after denomination, imputation
 * and treatment, over its kept units.  Delta comes from all periods
 * together and the goalposts (default: the base period's means) are the
 * same for every period (gs_a_ampi_periods), so that a unit's AMPI
 * compares across periods.  Records KEY, country, period, score, rank
 * (within the period), change (the score minus the unit's score in the
 * period before; none in the first period or for a unit new in a period),
 * periods in order as ix:panel's years. */
static int gci_ampi(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  int t = opts_table(L, 2, ampi_opts, "ampi");
  int sign = opt_choice(L, t, "polarity", polarities, "ampi") == 1 ? -1 : 1;
  /* the periods, sorted as ix:panel sorts years */
  size_t np;
  year_item *yi = sorted_keys(L, 1, "ampi", "ampi: the results must be given as {[period] = index result, ...}",
                              "ampi: no result given", &np);
  int res0 = lua_gettop(L) + 1; /* the results: res0 + y */
  for (size_t y = 0; y < np; y++) {
    lua_pushvalue(L, yi[y].ki);
    lua_gettable(L, 1);
    if (!luaL_testudata(L, -1, "gci.index_result"))
      return luaL_error(L, "ampi: the value of period %s is not an index result (ix:compute's)",
                        luaL_tolstring(L, yi[y].ki, NULL));
  }
  const gs_hier *h0;
  const gs_dataset *d0;
  int digits;
  gs_ties ties;
  gs_lua_index_result(L, res0, &h0, &d0, &digits, &ties);
  long node = opt_node(L, t, h0, "ampi");
  size_t k;
  size_t *ind = indicators_under(L, h0, (size_t)node, &k);
  if (k < 2) return luaL_error(L, "ampi: node '%s' has fewer than 2 indicators", node_at(h0, (size_t)node).code);
  /* the base period */
  size_t base = 0;
  if (lua_getfield(L, t, "base") != LUA_TNIL) {
    int bt = lua_type(L, -1);
    for (base = 0; base < np; base++)
      if (bt == LUA_TNUMBER ? yi[base].isnum && yi[base].num == lua_tonumber(L, -1)
                            : bt == LUA_TSTRING && !yi[base].isnum && strcmp(yi[base].str, lua_tostring(L, -1)) == 0)
        break;
    if (base == np) return luaL_error(L, "ampi: option 'base' must be one of the periods given");
  }
  lua_pop(L, 1);
  /* rows: every period's kept units, stacked */
  size_t n = 0;
  for (size_t y = 0; y < np; y++) {
    ctx_t p = ctx_at(L, res0 + (int)y); /* period y */
    n += gs_h_result_n_kept(p.r);
  }
  size_t *per = scratch(L, (n ? n : 1) * sizeof *per), *unit = scratch(L, (n ? n : 1) * sizeof *unit);
  double *X = scratch(L, (n ? n : 1) * k * sizeof *X), *gp = scratch(L, k * sizeof *gp);
  double *out = scratch(L, (n ? n : 1) * sizeof *out);
  int *dir = scratch(L, k * sizeof *dir);
  for (size_t j = 0; j < k; j++) dir[j] = node_at(h0, ind[j]).direction;
  size_t row = 0;
  for (size_t y = 0; y < np; y++) {
    ctx_t p = ctx_at(L, res0 + (int)y); /* period y */
    const int *kept = gs_h_result_kept(p.r);
    size_t r0 = row;
    for (size_t u = 0; u < p.d->n; u++)
      if (kept[u]) { per[row] = y; unit[row] = u; row++; }
    for (size_t j = 0; j < k; j++) {
      const char *code = node_at(h0, ind[j]).code;
      const double *v = gs_h_result_pre(p.r, code);
      long hi = gs_h_find(p.h, code);
      if (!v || hi < 0 || node_at(p.h, (size_t)hi).direction != dir[j])
        return luaL_error(L, "ampi: the result of period %s is not of the same index (indicator '%s')",
                          luaL_tolstring(L, yi[y].ki, NULL), code);
      for (size_t i = r0; i < row; i++) X[i * k + j] = v[unit[i]];
    }
  }
  int has_gp = lua_getfield(L, t, "goalposts") != LUA_TNIL;
  int gpi = lua_gettop(L);
  if (has_gp) {
    if (!lua_istable(L, gpi)) return luaL_error(L, "ampi: option 'goalposts' must be a table {indicator = value}");
    numbers_by_node(L, gpi, h0, ind, k, gp, "ampi: goalposts", "indicator", "an indicator under the node");
  }
  lua_pop(L, 1);
  if (charge(L, k * sizeof(double) + n * k * sizeof(double) + 64) != 0) return limit_error(L);
  int st = gs_a_ampi_periods(X, n, k, per, np, base, dir, has_gp ? gp : NULL, sign, out);
  release(L, k * sizeof(double) + n * k * sizeof(double) + 64);
  if (st == GS_M_ENODATA)
    return luaL_error(L, "ampi: the base period %s has no value of an indicator (give goalposts)",
                      luaL_tolstring(L, yi[base].ki, NULL));
  if (st != GS_M_OK) return luaL_error(L, "ampi: %s", gs_m_strerror(st));
  /* records, period by period; ranks within the period; the change from
   * the period before, found by key (sorted: n log n) */
  lua_newtable(L);
  int outi = lua_gettop(L);
  lua_Integer rec = 0;
  key_rank *prev = NULL; /* the previous period's keys and scores */
  size_t nprev = 0;
  row = 0;
  for (size_t y = 0; y < np; y++) {
    const gs_hier *h;
    const gs_dataset *d;
    int dg;
    gs_ties tt;
    gs_lua_index_result(L, res0 + (int)y, &h, &d, &dg, &tt);
    double *full = scratch(L, (d->n ? d->n : 1) * sizeof *full);
    lua_insert(L, outi++);
    double *rk = scratch(L, (d->n ? d->n : 1) * sizeof *rk);
    lua_insert(L, outi++);
    key_rank *kr = scratch(L, (d->n ? d->n : 1) * sizeof *kr);
    lua_insert(L, outi++);
    for (size_t u = 0; u < d->n; u++) full[u] = NAN;
    size_t r0 = row;
    for (; row < n && per[row] == y; row++) full[unit[row]] = out[row];
    if (gs_rank(full, d->n, digits, ties, rk) != 0) return luaL_error(L, "out of memory while ranking");
    for (size_t i = r0; i < row; i++) {
      size_t u = unit[i];
      lua_createtable(L, 0, 6);
      push_unit(L, d, u);
      lua_pushvalue(L, yi[y].ki);
      lua_setfield(L, -2, "period");
      gs_lua_setnum(L, "score", out[i]);
      gs_lua_setnum(L, "rank", rk[u]);
      if (prev) {
        key_rank q = {d->key[u], 0}, *hit = bsearch(&q, prev, nprev, sizeof *prev, kr_cmp);
        if (hit && !isnan(hit->rank) && !isnan(out[i])) gs_lua_setnum(L, "change", out[i] - hit->rank);
      }
      lua_rawseti(L, outi, ++rec);
    }
    /* this period's scores by key ("rank" holds the score here) */
    for (size_t u = 0; u < d->n; u++) kr[u] = (key_rank){d->key[u], full[u]};
    qsort(kr, d->n, sizeof *kr, kr_cmp);
    prev = kr;
    nprev = d->n;
  }
  const char *cols[] = {d0->key_col, "country", "period", "score", "rank", "change", NULL};
  return records(L, cols);
}

/* ----------------------------------------------------------- register */

static const luaL_Reg methods_[] = {
    {"unit", ri_unit},     {"strengths", ri_strengths}, {"report", ri_report}, {"corr_flags", ri_corr_flags},
    {"cronbach", ri_cronbach}, {"pca", ri_pca},         {"mpi", ri_mpi},
    {"bod", ri_bod},       {"remove_elements", ri_remove}, {"opt_weights", ri_opt_weights},
    {NULL, NULL}};

static const luaL_Reg ix_methods_[] = {{"panel", ix_panel}, {"whatif", ix_whatif}, {NULL, NULL}};

void gs_lua_open_index(lua_State *L, int module) {
  module = lua_absindex(L, module);
  lua_pushcfunction(L, gci_load_panel);
  lua_setfield(L, module, "load_panel");
  lua_pushcfunction(L, gci_ampi);
  lua_setfield(L, module, "ampi");
  luaL_getmetatable(L, "gci.index_result");
  if (lua_getfield(L, -1, "__index") == LUA_TTABLE) luaL_setfuncs(L, methods_, 0);
  lua_pop(L, 2);
  luaL_getmetatable(L, "gci.index");
  if (lua_getfield(L, -1, "__index") == LUA_TTABLE) luaL_setfuncs(L, ix_methods_, 0);
  lua_pop(L, 2);
}
