/* lgci.h - the `gci` Lua module: datasets, scores, ranks, scenarios and
 * comparisons for scripts (the Lua API documented in README.md).
 *
 * The host (main.c, the batch runner, the fuzzers) creates a gs_ctx, hands
 * it to gs_lua_setctx before opening the module, and keeps it alive as
 * long as the state; the module borrows it.
 *
 * Built as gci.so, the module is loaded by a stock interpreter
 * (`lua5.4 -e 'local gci = require "gci"'`) that sets no ctx: luaopen_gci
 * then makes a default one owned by the state, with an unrestricted policy
 * and no sandbox.  The sandbox is gcisim's, not the module's: a stock
 * interpreter already gives its scripts io and os. */
#ifndef GS_LGCI_H
#define GS_LGCI_H
#include <lua.h>

#include "dataset.h"
#include "policy.h"
#include "sandbox.h"

typedef struct {
  gs_policy *policy;      /* borrowed: what gci.load may read, gci.write may write */
  gs_sandbox *sandbox;    /* borrowed, may be NULL: memory charges and deadlines */
  const char *dataset;    /* borrowed, may be NULL: the job's dataset (gci.dataset()) */
  int threads;            /* 0 = all cores */
  int quiet;              /* no progress bars */
  unsigned shard_index, shard_count; /* --shard I/N (count 0 = no sharding) */
  char data_error[1024];  /* the last data error raised, to tell it from a script error */
} gs_ctx;

/* Stores ctx in the state's registry for the module to find. */
void gs_lua_setctx(lua_State *L, gs_ctx *ctx);
gs_ctx *gs_lua_getctx(lua_State *L);

/* The one symbol gci.so exports (it is built with -fvisibility=hidden). */
#if defined(__GNUC__)
#define GS_EXPORT __attribute__((visibility("default")))
#else
#define GS_EXPORT
#endif

/* Opens the module (as with luaL_requiref: leaves the module table).
 * Without a ctx set, first makes the default one described above. */
GS_EXPORT int luaopen_gci(lua_State *L);

/* Adds the hierarchy functions (lhier.c) and the analysis functions
 * (lanalysis.c) to the module table at stack index `module`. */
void gs_lua_open_hier(lua_State *L, int module);

/* The dataset boxed by the "gci.dataset" userdata at stack index i,
 * borrowed for as long as that userdata lives; raises a Lua error for
 * anything else.  The one place that knows the box's layout. */
const gs_dataset *gs_lua_checkdataset(lua_State *L, int i);
/* Pushes a new gci.dataset holding d, which it takes over (freed with the
 * userdata, also when charging its memory raises an error; only if the
 * userdata itself cannot be allocated is d lost). */
void gs_lua_push_dataset(lua_State *L, gs_dataset *d);

/* The row of `key` in d, or a Lua error "fn: unknown country 'key' (not
 * in SOURCE; did you mean 'KEY'?)" with the hint when the key differs only
 * in case or names a country (fn may be NULL: no prefix). */
long gs_lua_checkrow(lua_State *L, const gs_dataset *d, const char *key, const char *fn);

/* Pushes v as gcisim prints numbers: nil for NaN, an integer when it is
 * whole, a float otherwise. */
void gs_lua_pushnum(lua_State *L, double v);
/* t.k = v on the table at the top of the stack: v as gs_lua_pushnum
 * pushes it (NaN leaves the field nil); a NULL string leaves it unset. */
void gs_lua_setnum(lua_State *L, const char *k, double v);
void gs_lua_setstr(lua_State *L, const char *k, const char *v);

/* Rejects any key of the options table at stack index t that is not in
 * known (NULL-terminated): a Lua error "what: unknown option 'k' (known:
 * a, b, ...)".  Every gci function taking an options table uses it, so
 * the message lists the right spellings everywhere. */
void gs_lua_check_options(lua_State *L, int t, const char *const *known, const char *what);

/* Raises a data error: the message is "file:line:column: what" without a
 * script position, and is remembered in ctx->data_error. */
int gs_lua_data_error(lua_State *L, const char *msg);

/* The option `na` of gci.load and gci.load_panel (the markers of a missing
 * cell), at the stack top: a list of strings, checked (errors name fn), as
 * an array of its strings in a new userdata pushed above it.  The strings
 * stay anchored by the list as long as it is not changed: the option
 * tables are snapshots no script can reach.  *n: its length. */
const char **gs_lua_na_list(lua_State *L, const char *fn, size_t *n);
#endif
