/* lanalysis.c - the analysis methods of gci datasets: d:uncertainty,
 * d:sensitivity and d:target.  The numeric work is in core (ua*.c,
 * target.c; shard files in ua_shard.c); this file reads options, reports
 * progress and turns results into printable records. */
#include "lanalysis.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dataset.h"
#include "lbox.h"
#include "lgci.h"
#include "lopts.h"
#include "lrecords.h"
#include "output.h"
#include "score.h"
#include "target.h"
#include "sandbox.h"
#include "ua.h"
#include "ua_shard.h"
#include "uatable.h"



/* ---------- options ---------- */

/* Numbers through lopts.h: one type and one documented range per option
 * name wherever it appears. */
static double num_opt(lua_State *L, int t, const char *field, double def, const char *fn) {
  return gs_opt_number(L, t, field, def, fn);
}

static double int_opt(lua_State *L, int t, const char *field, double def, double lo, double hi, const char *fn) {
  return gs_opt_number_in(L, t, field, def, lo, hi, 1, fn);
}

/* Weights for d's pillars: a pillar the table does not name keeps weight
 * 1, the rule of d:score and `gcisim explain --weights` (README). */
static void weights_opt(lua_State *L, int t, const gs_dataset *d, double *w, const char *fn) {
  for (size_t p = 0; p < d->npillar; p++) w[p] = 1;
  if (lua_getfield(L, t, "weights") == LUA_TNIL) { lua_pop(L, 1); return; }
  if (!lua_istable(L, -1)) luaL_error(L, "%s: weights must be a table {pillar = weight, ...}", fn);
  int wt = lua_gettop(L);
  lua_pushnil(L);
  while (lua_next(L, wt)) {
    const char *name = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
    long c = lua_type(L, -2) == LUA_TSTRING ? gs_dataset_col(d, name) : -1;
    long p = c < 0 ? -1 : gs_dataset_pillar_of(d, (size_t)c);
    if (p < 0) luaL_error(L, "%s: unknown pillar '%s' in weights", fn, name);
    w[p] = gs_opt_check_weight(L, -1, name, fn);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

/* `agg`: one aggregation ("geometric") or a list of them, drawn with equal
 * probability; `methods` is its deprecated spelling. */
static unsigned methods_opt(lua_State *L, int t, const char *fn, unsigned *first) {
  unsigned m = 0;
  *first = 0;
  lua_getfield(L, t, "agg");
  lua_getfield(L, t, "methods");
  if (!lua_isnil(L, -1) && !lua_isnil(L, -2))
    luaL_error(L, "%s: give 'agg' only ('methods' is its old, deprecated name)", fn);
  if (lua_isnil(L, -1)) lua_pop(L, 1);
  else lua_remove(L, -2);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    *first = GS_UA_ARITHMETIC;
    return GS_UA_ARITHMETIC | GS_UA_GEOMETRIC;
  }
  if (lua_type(L, -1) == LUA_TSTRING) { /* one aggregation: a list of one */
    lua_createtable(L, 1, 0);
    lua_insert(L, -2);
    lua_rawseti(L, -2, 1);
  }
  if (!lua_istable(L, -1) || lua_rawlen(L, -1) == 0)
    luaL_error(L, "%s: agg must be \"arithmetic\", \"geometric\" or a list such as {\"arithmetic\", \"geometric\"}", fn);
  size_t n = lua_rawlen(L, -1);
  for (size_t i = 1; i <= n; i++) {
    const char *s = lua_rawgeti(L, -1, (lua_Integer)i) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    int a = s ? gs_agg_parse(s) : -1;
    if (a < 0 || a >= GS_AGG_SCORES) luaL_error(L, "%s: unknown agg '%s' (arithmetic or geometric)", fn, s ? s : "?");
    unsigned bit = GS_AGG_BIT(a);
    if (m & bit) luaL_error(L, "%s: agg '%s' listed twice", fn, s);
    if (!*first) *first = bit;
    m |= bit;
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return m;
}

/* Reads the options shared by uncertainty and sensitivity into cfg; the
 * data arrays live in userdata pushed on the stack. */
static void ua_opts(lua_State *L, const gs_dataset *d, int t, gs_ua_config *cfg, const char *fn, unsigned *first) {
  gs_ua_config_init(cfg);
  size_t n = d->n, k = d->npillar;
  if (k == 0) luaL_error(L, "%s: %s has no pillars", fn, d->source);
  double *x = lua_newuserdatauv(L, (n * k + 2 * k) * sizeof *x, 0);
  double *mx = x + n * k, *w = mx + k;
  for (size_t i = 0; i < n; i++)
    for (size_t p = 0; p < k; p++) x[i * k + p] = gs_dataset_pv(d, i, p);
  for (size_t p = 0; p < k; p++) mx[p] = d->pmax[p];
  weights_opt(L, t, d, w, fn);
  cfg->n = n;
  cfg->k = k;
  cfg->x = x;
  cfg->max = mx;
  cfg->spec.w = w;
  cfg->perturb = num_opt(L, t, "perturb", 0.25, fn);
  cfg->seed = (uint64_t)int_opt(L, t, "seed", 1, 0, 9007199254740991.0, fn);
  cfg->methods = methods_opt(L, t, fn, first);
  cfg->spec.digits = gs_dataset_score_digits(d); /* ranks follow the data */
  gs_opt_spec(L, t, &cfg->spec, 0, fn); /* digits, ties, offset (agg is the list above) */
  gs_ctx *ctx = gs_lua_getctx(L);
  cfg->threads = (int)int_opt(L, t, "threads", ctx ? ctx->threads : 0, 0, 1024, fn);
}

/* ---------- progress ---------- */

typedef struct {
  double start;
  int shown;
  int enabled;
} progress;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* A bar on stderr, only when it is a terminal and the run has already
 * taken a second: short runs stay silent. */
static void progress_cb(void *ud, uint64_t done, uint64_t total) {
  progress *p = ud;
  double t = now() - p->start;
  if (!p->enabled || (!p->shown && t < 1.0)) return;
  int width = 30, fill = total ? (int)((double)done / (double)total * width) : width;
  fprintf(stderr, "\r[%.*s%*s] %3d%%  %llu/%llu draws  %.1f s", fill, "##############################",
          width - fill, "", total ? (int)(100.0 * (double)done / (double)total) : 100,
          (unsigned long long)done, (unsigned long long)total, t);
  p->shown = 1;
  if (done == total) fputc('\n', stderr);
  fflush(stderr);
}

/* ---------- uncertainty ---------- */


void gs_lua_push_ua_records(lua_State *L, const gs_ua_result *r, const char *key_col, char *const *keys,
                            char *const *names, const char *note) {
  size_t n = gs_ua_result_n(r);
  /* nominal rank order, ties by input order: as gcisim merge (uatable.h) */
  size_t *ord = lua_newuserdatauv(L, (n ? n : 1) * sizeof *ord, 0);
  if (gs_ua_table_order(r, ord) != 0) luaL_error(L, "uncertainty: out of memory");
  lua_createtable(L, (int)n, 2);
  for (size_t q = 0; q < n; q++) {
    const gs_ua_unit_stats *s = gs_ua_result_unit(r, ord[q]);
    lua_createtable(L, 0, 8);
    lua_pushstring(L, keys[ord[q]]);
    lua_setfield(L, -2, key_col);
    lua_pushstring(L, names[ord[q]]);
    lua_setfield(L, -2, "country");
    gs_lua_setnum(L, "nominal", s->nominal);
    gs_lua_setnum(L, "median", s->median);
    gs_lua_setnum(L, "mean", s->mean);
    gs_lua_setnum(L, "p05", s->p05);
    gs_lua_setnum(L, "p95", s->p95);
    gs_lua_setnum(L, "within3", s->within3);
    lua_rawseti(L, -2, (lua_Integer)q + 1);
  }
  lua_pushnumber(L, gs_ua_result_mean_abs_shift(r));
  lua_setfield(L, -2, "mean_abs_shift");
  lua_pushinteger(L, (lua_Integer)gs_ua_result_draws(r));
  lua_setfield(L, -2, "draws");
  const char *cols[] = {key_col, "country", "nominal", "median", "mean", "p05", "p95", "within3", NULL};
  char footer[1400];
  gs_ua_table_footer(r, note, footer, sizeof footer);
  gs_records_setmeta(L, -1, "gci.uncertainty", cols, footer, NULL);
  lua_remove(L, -2);
}

static void ua_note(const gs_ua_config *c, char *buf, size_t len) {
  int both = c->methods == (GS_UA_ARITHMETIC | GS_UA_GEOMETRIC);
  char geo[200] = "";
  if (c->methods & GS_UA_GEOMETRIC)
    snprintf(geo, sizeof geo, "; geometric mean of pillar + %g, minus %g (so zeros do not zero a score)",
             c->spec.offset, c->spec.offset);
  snprintf(buf, len, "weights +-%g%% (uniform, renormalised), %s%s, %s ranks at %d digits, seed %llu%s",
           c->perturb * 100, both ? "arithmetic or geometric mean (1/2 each)" :
           (c->methods & GS_UA_GEOMETRIC ? "geometric mean" : "arithmetic mean"), "",
           gs_ties_name(c->spec.ties), c->spec.digits, (unsigned long long)c->seed, geo);
}

typedef struct { gs_ua_result *r; size_t charged; } ua_box;
static void ua_box_release(lua_State *L, void *data) {
  ua_box *b = data;
  if (b->charged) gs_sandbox_release(L, b->charged);
  b->charged = 0;
  gs_ua_result_free(b->r);
  b->r = NULL;
}

static ua_box *push_ua_box(lua_State *L) {
  return gs_lua_newbox(L, sizeof(ua_box), ua_box_release);
}

/* The text of a shard file (see the top of this file). */
static int shard_raw(lua_State *L) {
  lua_getfield(L, 1, "text");
  return 1;
}

static void push_shard(lua_State *L, const gs_dataset *d, const gs_ua_result *r, const char *note) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) luaL_error(L, "uncertainty: out of memory");
  int bad = gs_ua_shard_write(f, r, d->n, d->key, d->name, note) != 0;
  bad |= fclose(f) != 0;
  if (bad) { free(buf); luaL_error(L, "uncertainty: cannot write the shard"); }
  lua_createtable(L, 0, 1);
  lua_pushlstring(L, buf, len);
  free(buf);
  lua_setfield(L, -2, "text");
  lua_createtable(L, 0, 2);
  lua_pushcfunction(L, shard_raw);
  lua_setfield(L, -2, "__raw");
  lua_pushliteral(L, "gci.shard");
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
}

/* The sandbox's deadline or Ctrl-C (gs_sandbox_interrupt), for the C
 * loops: without it a long analysis ran to its end whatever the user
 * pressed, or until the watchdog ended the whole process. */
static int sandbox_cancel(void *sb) { return gs_sandbox_expired(sb); }

/* d:uncertainty{weights=, perturb=, n=, seed=, methods=, digits=, ties=, offset=, threads=} */
static int ds_uncertainty(lua_State *L) {
  const gs_dataset *d = gs_lua_checkdataset(L, 1);
  if (lua_isnoneornil(L, 2)) { lua_settop(L, 1); lua_newtable(L); }
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 2);
  static const char *const known[] = {"weights", "perturb", "n", "seed", "agg", "digits", "ties",
                                      "offset", "threads", "methods", NULL};
  gs_lua_check_options(L, 2, known, "uncertainty");
  gs_ua_config cfg;
  unsigned first;
  ua_opts(L, d, 2, &cfg, "uncertainty", &first); /* pushes the data userdata (3) */
  cfg.n_draws = (uint64_t)int_opt(L, 2, "n", 10000, 1, 1e12, "uncertainty");
  gs_ctx *ctx = gs_lua_getctx(L);
  progress pr = {now(), 0, ctx && !ctx->quiet && isatty(2)};
  cfg.progress = progress_cb;
  cfg.progress_ud = &pr;
  gs_budget budget;
  if (ctx && ctx->sandbox) {
    cfg.cancel = sandbox_cancel;
    cfg.cancel_ud = ctx->sandbox;
    /* the histograms count against --max-memory (issue 11, class 7) */
    gs_sandbox_budget(ctx->sandbox, &budget);
    cfg.budget = &budget;
  }
  if (ctx && ctx->shard_count > 0) {
    cfg.shard_index = ctx->shard_index;
    cfg.shard_count = ctx->shard_count;
  }
  (void)first;
  ua_box *b = push_ua_box(L);
  char err[512];
  if (gs_ua_run(&cfg, &b->r, err, sizeof err) != 0) {
    /* cancelled: the limit's own message, as the hook would raise it */
    if (ctx && ctx->sandbox && gs_sandbox_limit_hit(ctx->sandbox) != GS_LIMIT_NONE)
      return luaL_error(L, "%s", gs_sandbox_limit_message(ctx->sandbox));
    return luaL_error(L, "uncertainty: %s", err);
  }
  if (ctx && ctx->sandbox) { /* the result, while it lives */
    /* what it holds: n*(2n+1) counts, a shard's ranks, or O(n) statistics */
    size_t bytes = gs_ua_result_bytes(b->r);
    if (gs_sandbox_charge(L, bytes) != 0) return luaL_error(L, "%s", gs_sandbox_limit_message(ctx->sandbox));
    b->charged = bytes;
  }
  char note[600];
  ua_note(&cfg, note, sizeof note);
  if (ctx && ctx->shard_count > 0) {
    push_shard(L, d, b->r, note);
    return 1;
  }
  gs_lua_push_ua_records(L, b->r, d->key_col, d->key, d->name, note);
  return 1;
}

/* ---------- sensitivity ---------- */

/* d:sensitivity{..., n = base sample size, boot = resamples} */
static int ds_sensitivity(lua_State *L) {
  const gs_dataset *d = gs_lua_checkdataset(L, 1);
  if (lua_isnoneornil(L, 2)) { lua_settop(L, 1); lua_newtable(L); }
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 2);
  static const char *const known[] = {"weights", "perturb", "n", "seed", "agg", "digits", "ties",
                                      "offset", "threads", "boot", "methods", NULL};
  gs_lua_check_options(L, 2, known, "sensitivity");
  gs_ua_config cfg;
  unsigned first;
  ua_opts(L, d, 2, &cfg, "sensitivity", &first);
  gs_sa_options so = {0};
  so.n_base = (uint64_t)int_opt(L, 2, "n", 2000, 2, 1e9, "sensitivity");
  so.seed = cfg.seed;
  so.n_boot = (unsigned)int_opt(L, 2, "boot", 500, 0, 100000, "sensitivity");
  so.boot_seed = cfg.seed + 1;
  so.threads = cfg.threads;
  gs_ctx *ctx = gs_lua_getctx(L);
  gs_budget budget;
  if (ctx && ctx->sandbox) {
    so.cancel = sandbox_cancel;
    so.cancel_ud = ctx->sandbox;
    gs_sandbox_budget(ctx->sandbox, &budget); /* issue 11, class 7 */
    so.budget = &budget;
  }
  gs_sa_result *sr = NULL;
  char err[512];
  if (gs_sa_run(&cfg, &so, &sr, err, sizeof err) != 0) {
    if (ctx && ctx->sandbox && gs_sandbox_limit_hit(ctx->sandbox) != GS_LIMIT_NONE)
      return luaL_error(L, "%s", gs_sandbox_limit_message(ctx->sandbox));
    return luaL_error(L, "sensitivity: %s", err);
  }
  lua_createtable(L, (int)sr->d, 1);
  for (size_t i = 0; i < sr->d; i++) {
    lua_createtable(L, 0, 8);
    if (i < d->npillar) {
      lua_pushfstring(L, "weight of %s", d->col[d->pillar[i]].name);
    } else {
      lua_pushliteral(L, "aggregation method");
    }
    lua_setfield(L, -2, "input");
    gs_lua_setnum(L, "S", sr->S[i]);
    gs_lua_setnum(L, "S_p05", sr->S_lo[i]);
    gs_lua_setnum(L, "S_p95", sr->S_hi[i]);
    gs_lua_setnum(L, "ST", sr->ST[i]);
    gs_lua_setnum(L, "ST_p05", sr->ST_lo[i]);
    gs_lua_setnum(L, "ST_p95", sr->ST_hi[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  char note[800], base[600];
  ua_note(&cfg, base, sizeof base);
  snprintf(note, sizeof note,
           "Sobol indices of the mean absolute rank shift: first order S (Saltelli 2010), total effect ST "
           "(Jansen), 5-95%% bootstrap intervals over %u resamples; %llu model runs (N = %llu); %s",
           so.n_boot, (unsigned long long)sr->n_eval, (unsigned long long)so.n_base, base);
  gs_sa_result_free(sr);
  static const char *const cols[] = {"input", "S", "S_p05", "S_p95", "ST", "ST_p05", "ST_p95", NULL};
  gs_records_setmeta(L, -1, "gci.sensitivity", cols, note, NULL);
  return 1;
}

/* ---------- targets ---------- */

typedef struct { gs_target_result *r; } tg_box;
static void tg_box_release(lua_State *L, void *data) {
  (void)L;
  tg_box *b = data;
  gs_target_result_free(b->r);
  b->r = NULL;
}

/* d:target(iso3, {rank = R} | {tier = T, thresholds = {...}} | {score = S},
 *          weights=, method=, scale=, offset=, digits=, ties=) */
static int ds_target(lua_State *L) {
  const gs_dataset *d = gs_lua_checkdataset(L, 1);
  const char *key = luaL_checkstring(L, 2);
  luaL_checktype(L, 3, LUA_TTABLE);
  lua_settop(L, 3);
  static const char *const known[] = {"rank", "tier", "thresholds", "score", "weights", "agg", "scale",
                                      "offset", "digits", "ties", "step_digits", "method", NULL};
  gs_lua_check_options(L, 3, known, "target");
  long u = gs_lua_checkrow(L, d, key, "target"); /* with a hint for a near miss */
  if (d->npillar == 0) return luaL_error(L, "target: %s has no pillars", d->source);
  double *w = lua_newuserdatauv(L, d->npillar * sizeof *w, 0);
  weights_opt(L, 3, d, w, "target");
  gs_target_spec s = {.step_digits = 2};
  gs_spec_init(&s.spec, w);
  s.spec.digits = gs_dataset_score_digits(d); /* ranks follow the data */
  gs_opt_spec(L, 3, &s.spec, 1, "target");
  s.step_digits = (int)int_opt(L, 3, "step_digits", 2, 0, 6, "target");
  int goals = 0;
  char goal[160];
  lua_getfield(L, 3, "rank");
  if (!lua_isnil(L, -1)) {
    goals++;
    s.rank = int_opt(L, 3, "rank", 1, 1, (double)d->n, "target");
    snprintf(goal, sizeof goal, "rank %g (%s ties)", s.rank, gs_ties_name(s.spec.ties));
  }
  lua_pop(L, 1);
  lua_getfield(L, 3, "score");
  if (!lua_isnil(L, -1)) {
    goals++;
    s.min_score = num_opt(L, 3, "score", 0, "target");
    snprintf(goal, sizeof goal, "score %g", s.min_score);
  }
  lua_pop(L, 1);
  lua_getfield(L, 3, "tier");
  if (!lua_isnil(L, -1)) {
    goals++;
    double th[32];
    size_t nt = 4;
    const double def[] = {95, 85, 55, 20};
    memcpy(th, def, sizeof def);
    if (lua_getfield(L, 3, "thresholds") != LUA_TNIL) {
      if (!lua_istable(L, -1)) return luaL_error(L, "target: thresholds must be a list, highest first");
      nt = lua_rawlen(L, -1);
      if (nt == 0 || nt > 32) return luaL_error(L, "target: give 1 to 32 thresholds");
      for (size_t i = 0; i < nt; i++) {
        lua_rawgeti(L, -1, (lua_Integer)i + 1);
        if (lua_type(L, -1) != LUA_TNUMBER || !isfinite(lua_tonumber(L, -1)))
          return luaL_error(L, "target: threshold %d is not a finite number", (int)i + 1);
        th[i] = lua_tonumber(L, -1);
        lua_pop(L, 1);
        if (i && !(th[i] < th[i - 1])) return luaL_error(L, "target: thresholds must decrease");
      }
    }
    lua_pop(L, 1);
    double tier = int_opt(L, 3, "tier", 1, 1, (double)nt + 1, "target");
    s.min_score = tier > (double)nt ? -INFINITY : th[(size_t)tier - 1];
    snprintf(goal, sizeof goal, "tier %g (score >= %g)", tier, s.min_score);
  }
  lua_pop(L, 1);
  if (goals != 1) return luaL_error(L, "target: give exactly one of rank, tier or score");
  tg_box *b = gs_lua_newbox(L, sizeof *b, tg_box_release);
  char err[256];
  b->r = gs_target(d, (size_t)u, &s, err, sizeof err);
  if (!b->r) return luaL_error(L, "target: %s", err);
  gs_target_result *r = b->r;
  lua_createtable(L, (int)d->npillar + 1, 4);
  for (size_t p = 0; p < d->npillar; p++) {
    lua_createtable(L, 0, 5);
    lua_pushstring(L, d->col[d->pillar[p]].name);
    lua_setfield(L, -2, "pillar");
    gs_lua_setnum(L, "current", gs_dataset_pv(d, (size_t)u, p));
    if (isnan(r->alone[p])) lua_pushliteral(L, "cannot");
    else lua_pushnumber(L, r->alone[p]);
    lua_setfield(L, -2, "alone");
    if (r->spread_ok) {
      gs_lua_setnum(L, "spread", r->spread[p]);
      gs_lua_setnum(L, "increase", r->spread[p] - gs_dataset_pv(d, (size_t)u, p));
    }
    lua_rawseti(L, -2, (lua_Integer)p + 1);
  }
  lua_createtable(L, 0, 5);
  lua_pushliteral(L, "(score)");
  lua_setfield(L, -2, "pillar");
  gs_lua_setnum(L, "current", r->score);
  if (r->spread_ok) {
    gs_lua_setnum(L, "spread", r->spread_score);
    gs_lua_setnum(L, "increase", r->spread_total);
  } else {
    lua_pushliteral(L, "cannot");
    lua_setfield(L, -2, "spread");
  }
  lua_rawseti(L, -2, (lua_Integer)d->npillar + 1);
  gs_lua_setnum(L, "rank", r->rank);
  lua_pushboolean(L, r->reached);
  lua_setfield(L, -2, "reached");
  static const char *const cols[] = {"pillar", "current", "alone", "spread", "increase", NULL};
  char footer[512];
  if (r->reached)
    snprintf(footer, sizeof footer, "%s (%s) already reaches %s: rank %g, score %.4f", key, d->name[u], goal,
             r->rank, r->score);
  else
    snprintf(footer, sizeof footer,
             "%s (%s), rank %g with score %.4f, target %s; alone: the smallest value of that pillar alone that "
             "reaches it; spread: the smallest total increase over pillars (%s)",
             key, d->name[u], r->rank, r->score, goal, r->spread_ok ? "found" : "cannot: not even every pillar at its maximum");
  gs_records_setmeta(L, -1, "gci.target", cols, footer, NULL);
  return 1;
}

void gs_lua_open_analysis(lua_State *L) {
  luaL_getmetatable(L, "gci.dataset");
  lua_getfield(L, -1, "__index");
  static const luaL_Reg m[] = {{"uncertainty", ds_uncertainty}, {"sensitivity", ds_sensitivity},
                               {"target", ds_target}, {NULL, NULL}};
  luaL_setfuncs(L, m, 0);
  lua_pop(L, 2);
}
