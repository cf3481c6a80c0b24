/* lexplain.c - explanations as printable Lua tables (see lexplain.h). */
#include "lexplain.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lgci.h"
#include "lrecords.h"
#include "output.h"

#define BOX_MT "gci.explain_box"

typedef struct { gs_explain *e; } ex_box;

static int box_gc(lua_State *L) {
  ex_box *b = luaL_checkudata(L, 1, BOX_MT);
  gs_explain_free(b->e);
  b->e = NULL;
  return 0;
}

static void set_num(lua_State *L, const char *field, double v) {
  gs_lua_pushnum(L, v);
  lua_setfield(L, -2, field);
}

/* A number for people: at most 4 decimals, trailing zeros trimmed (as the
 * table format prints cells). */
static const char *human(double v, char *buf, size_t len) {
  snprintf(buf, len, "%.4f", v);
  char *e = buf + strlen(buf) - 1;
  while (*e == '0') *e-- = '\0';
  if (*e == '.') *e = '\0';
  if (strcmp(buf, "-0") == 0) snprintf(buf, len, "0");
  return buf;
}

/* A number in full (the shortest text that reads back as the same
 * double): a gain is what the user adds, and 4 decimals could round it
 * below what gives the rank. */
static const char *exact(double v, char *buf, size_t len) {
  gs_format_number(v, buf, len);
  return buf;
}

/* Pushes a list of neighbour records for rows idx[0..m-1]. */
static void push_neighbours(lua_State *L, const gs_dataset *d, const gs_explain *e, const size_t *idx, size_t m) {
  lua_createtable(L, (int)m, 0);
  for (size_t j = 0; j < m; j++) {
    size_t i = idx[j];
    lua_createtable(L, 0, 5);
    lua_pushstring(L, d->key[i]);
    lua_setfield(L, -2, "iso3");
    lua_pushstring(L, d->name[i]);
    lua_setfield(L, -2, "country");
    set_num(L, "score", e->scores[i]);
    set_num(L, "rank", e->ranks[i]);
    set_num(L, "difference", e->scores[i] - e->score);
    lua_rawseti(L, -2, (lua_Integer)j + 1);
  }
}

/* Adds "label: ISO (Name) rank R, score S (+D)[; ...]" to the buffer. */
static void add_neighbours(luaL_Buffer *b, const gs_dataset *d, const gs_explain *e, const char *label,
                           const size_t *idx, size_t m, const char *none) {
  char s1[64], s2[64], s3[64], line[600];
  luaL_addchar(b, '\n');
  luaL_addstring(b, label);
  if (m == 0) { luaL_addstring(b, none); return; }
  for (size_t j = 0; j < m; j++) {
    size_t i = idx[j];
    double diff = e->scores[i] - e->score;
    snprintf(line, sizeof line, "%s%s (%s) rank %s, score %s (%s%s)", j ? "; " : "", d->key[i], d->name[i],
             human(e->ranks[i], s1, sizeof s1), human(e->scores[i], s2, sizeof s2), diff >= 0 ? "+" : "",
             human(diff, s3, sizeof s3));
    luaL_addstring(b, line);
  }
}

void gs_lua_push_explain(lua_State *L, const gs_dataset *d, size_t u, const gs_explain_spec *spec) {
  ex_box *box = lua_newuserdatauv(L, sizeof *box, 0);
  box->e = NULL;
  if (luaL_newmetatable(L, BOX_MT)) {
    lua_pushcfunction(L, box_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  char err[512];
  if (!(box->e = gs_explain_unit(d, u, spec, err, sizeof err))) luaL_error(L, "explain: %s", err);
  const gs_explain *e = box->e;
  size_t k = e->k;
  double W = 0, smax = 0;
  for (size_t p = 0; p < k; p++) {
    W += spec->w[p];
    smax += e->factor * spec->w[p] * d->pmax[p];
  }
  if (spec->scale > 0) smax = spec->scale;
  double step = pow(10.0, -e->step_digits);
  lua_createtable(L, (int)k + 1, 14);
  for (size_t p = 0; p < k; p++) {
    double x = gs_dataset_pv(d, u, p);
    lua_createtable(L, 0, 12);
    lua_pushstring(L, d->col[d->pillar[p]].name);
    lua_setfield(L, -2, "pillar");
    set_num(L, "value", x);
    set_num(L, "max", d->pmax[p]);
    set_num(L, "weight", spec->w[p]);
    set_num(L, "points", e->points[p]);
    set_num(L, "share_pct", 100 * e->share[p]);
    /* the gap on the data's grid (20 - 16.31 is 3.6900000000000013 in
     * binary), and its points from that; unrounded when the data is off
     * the grid (rounding 0.25948303850156 to 10^-6 would misstate it) */
    double gap = e->grid_exact ? gs_round(e->gap[p], e->step_digits) : e->gap[p];
    set_num(L, "gap", gap);
    set_num(L, "gap_points", e->factor * spec->w[p] * gap);
    /* possible is its own boolean column, so that gain stays a number
     * column (empty, JSON null, nil when there is none) */
    lua_pushboolean(L, !isnan(e->gain[p]));
    lua_setfield(L, -2, "possible");
    if (!isnan(e->gain[p])) {
      set_num(L, "gain", e->gain[p]);
      set_num(L, "new_value", e->new_value[p]);
      set_num(L, "new_rank", e->new_rank[p]);
    }
    lua_rawseti(L, -2, (lua_Integer)p + 1);
  }
  lua_createtable(L, 0, 8);
  lua_pushliteral(L, "(score)");
  lua_setfield(L, -2, "pillar");
  set_num(L, "value", e->score);
  set_num(L, "max", smax);
  set_num(L, "weight", W);
  set_num(L, "points", e->score);
  set_num(L, "share_pct", e->score != 0 ? 100 : NAN);
  set_num(L, "gap", smax - e->score);
  set_num(L, "gap_points", smax - e->score);
  lua_rawseti(L, -2, (lua_Integer)k + 1);

  lua_pushstring(L, d->key[u]);
  lua_setfield(L, -2, "iso3");
  lua_pushstring(L, d->name[u]);
  lua_setfield(L, -2, "country");
  set_num(L, "score", e->score);
  set_num(L, "rank", e->rank);
  lua_pushstring(L, gs_ties_name(spec->ties));
  lua_setfield(L, -2, "ties");
  lua_pushinteger(L, spec->digits);
  lua_setfield(L, -2, "digits");
  lua_pushnumber(L, step);
  lua_setfield(L, -2, "step");
  set_num(L, "factor", e->factor);
  push_neighbours(L, d, e, e->above, e->nabove);
  lua_setfield(L, -2, "above");
  push_neighbours(L, d, e, e->below, e->nbelow);
  lua_setfield(L, -2, "below");
  push_neighbours(L, d, e, e->tied, e->ntied);
  lua_setfield(L, -2, "tied");
  if (e->best >= 0) {
    size_t p = (size_t)e->best;
    lua_createtable(L, 0, 5);
    lua_pushstring(L, d->col[d->pillar[p]].name);
    lua_setfield(L, -2, "pillar");
    set_num(L, "gain", e->gain[p]);
    set_num(L, "value", e->new_value[p]);
    set_num(L, "score", e->new_score[p]);
    set_num(L, "rank", e->new_rank[p]);
    lua_setfield(L, -2, "best");
  }

  /* the metatable: columns and the footer for people */
  lua_createtable(L, 0, 2);
  static const char *const cols[] = {"pillar", "value", "max", "weight", "points", "share_pct", "gap",
                                     "gap_points", "possible", "gain", "new_value", "new_rank", NULL};
  lua_createtable(L, 12, 0);
  for (int i = 0; cols[i]; i++) {
    lua_pushstring(L, cols[i]);
    lua_rawseti(L, -2, i + 1);
  }
  lua_setfield(L, -2, "__columns");
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  char s1[64], s2[64], s3[64], s4[64], s5[64], line[800];
  char how[160];
  if (spec->scale > 0)
    snprintf(how, sizeof how, "points = weight x value x %s/%s (the scale)", human(spec->scale, s1, sizeof s1),
             human(spec->scale / e->factor, s2, sizeof s2));
  else
    snprintf(how, sizeof how, "points = weight x value");
  char digits[48];
  if (spec->digits < 0) snprintf(digits, sizeof digits, "exact scores");
  else snprintf(digits, sizeof digits, "scores rounded to %d decimals", spec->digits);
  snprintf(line, sizeof line, "%s (%s): score %s = the sum of the points (%s); rank %s (%s ties, %s)", d->key[u],
           d->name[u], human(e->score, s1, sizeof s1), how, human(e->rank, s2, sizeof s2),
           gs_ties_name(spec->ties), digits);
  luaL_addstring(&b, line);
  /* "ranked first" would be wrong for a fractional rank 2 shared by three:
   * with no one above but others at the same rank, say "tied" */
  int shared = 0;
  for (size_t j = 0; j < e->ntied; j++) shared |= e->ranks[e->tied[j]] == e->rank;
  add_neighbours(&b, d, e, "just above: ", e->above, e->nabove, shared ? "none (tied for first)" : "none (ranked first)");
  add_neighbours(&b, d, e, "just below: ", e->below, e->nbelow, shared ? "none (tied for last)" : "none (ranked last)");
  if (e->ntied) {
    add_neighbours(&b, d, e, "tied with: ", e->tied, e->ntied, "");
    if (spec->ties == GS_TIES_ORDINAL) luaL_addstring(&b, " (ordinal ties: equal scores ranked in file order)");
  }
  luaL_addchar(&b, '\n');
  if (e->first) {
    luaL_addstring(&b, "no better rank exists: possible is false, gain, new_value and new_rank are left empty");
  } else {
    char stepbuf[32];
    snprintf(stepbuf, sizeof stepbuf, "%.*f", e->step_digits, step);
    if (e->best < 0) {
      snprintf(line, sizeof line, "no single pillar, even at its maximum, gives a better rank");
    } else {
      size_t p = (size_t)e->best;
      snprintf(line, sizeof line, "smallest single-pillar gain to a better rank: %s +%s (%s -> %s), score %s, rank %s",
               d->col[d->pillar[p]].name, exact(e->gain[p], s1, sizeof s1), human(gs_dataset_pv(d, u, p), s2, sizeof s2),
               human(e->new_value[p], s3, sizeof s3),
               human(e->new_score[p], s4, sizeof s4), human(e->new_rank[p], s5, sizeof s5));
    }
    luaL_addstring(&b, line);
    for (size_t p = 0, more = 0; e->best >= 0 && p < k; p++)
      if ((long)p != e->best && e->gain[p] == e->gain[e->best]) {
        luaL_addstring(&b, more++ ? ", " : "; as small: ");
        luaL_addstring(&b, d->col[d->pillar[p]].name);
      }
    /* Say which grid the gains are on: with unrounded data (more than 6
     * decimals) new_value is off it, and the gain is what to add. */
    snprintf(line, sizeof line,
             "\ngain: the smallest increase of that pillar alone, in steps of %s%s or up to its maximum, that "
             "gives a better rank; new_value = value + gain (possible = false: even the maximum is not enough)",
             stepbuf, e->grid_exact ? " (the data's grid)" : " (the data has more decimals: new_value is off that grid)");
    luaL_addstring(&b, line);
  }
  luaL_pushresult(&b);
  lua_setfield(L, -2, "__footer");
  lua_setmetatable(L, -2);
  gs_records_adopt(L, -1, "gci.explain", NULL); /* protected (lrecords.h) */
  lua_remove(L, -2); /* the box: the explanation is copied out */
}
