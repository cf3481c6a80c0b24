/* lexplain.c - explanations as printable Lua tables (see lexplain.h). */
#include "lexplain.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lbox.h"
#include "lgci.h"
#include "lrecords.h"
#include "explaintable.h"
#include "output.h"

/* The explanation, boxed while the Lua values are built from it (lbox.h). */
static void explain_release(lua_State *L, void *data) {
  (void)L;
  gs_explain **e = data;
  gs_explain_free(*e);
  *e = NULL;
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
    gs_lua_setnum(L, "score", e->scores[i]);
    gs_lua_setnum(L, "rank", e->ranks[i]);
    gs_lua_setnum(L, "difference", e->scores[i] - e->score);
    lua_rawseti(L, -2, (lua_Integer)j + 1);
  }
}

void gs_lua_push_explain(lua_State *L, const gs_dataset *d, size_t u, const gs_spec *spec, const double *score,
                         const double *rank, const gs_keyrow *sorted, size_t m) {
  gs_explain **eb = gs_lua_newbox(L, sizeof *eb, explain_release);
  gs_table **tb = gs_lua_tablebox(L);
  char err[512];
  if (!(*eb = gs_explain_unit_ranked(d, u, spec, score, rank, sorted, m, err, sizeof err)))
    luaL_error(L, "explain: %s", err);
  const gs_explain *e = *eb;
  /* the rows and the footer: the table `gcisim explain` prints (explaintable.h) */
  if (!(*tb = gs_explain_table(d, u, spec, e))) luaL_error(L, "explain: out of memory");
  gs_records_push_table(L, *tb, "gci.explain", NULL);
  gs_lua_box_release(L, -2); /* the records hold their own copy */
  double step = pow(10.0, -e->step_digits);

  lua_pushstring(L, d->key[u]);
  lua_setfield(L, -2, "iso3");
  lua_pushstring(L, d->name[u]);
  lua_setfield(L, -2, "country");
  gs_lua_setnum(L, "score", e->score);
  gs_lua_setnum(L, "rank", e->rank);
  lua_pushstring(L, gs_ties_name(spec->ties));
  lua_setfield(L, -2, "ties");
  lua_pushinteger(L, spec->digits);
  lua_setfield(L, -2, "digits");
  lua_pushnumber(L, step);
  lua_setfield(L, -2, "step");
  gs_lua_setnum(L, "factor", e->factor);
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
    gs_lua_setnum(L, "gain", e->gain[p]);
    gs_lua_setnum(L, "value", e->new_value[p]);
    gs_lua_setnum(L, "score", e->new_score[p]);
    gs_lua_setnum(L, "rank", e->new_rank[p]);
    lua_setfield(L, -2, "best");
  }

  lua_copy(L, -1, -3); /* the boxes go: the explanation is copied out */
  lua_pop(L, 2);
}
