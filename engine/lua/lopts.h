/* lopts.h - the one reader of option tables for every `gci` function and
 * method, in the manner of lauxlib (luaL_checkoption, luaL_argerror).
 *
 * A call's options are first taken as a SNAPSHOT: gs_opts_check copies
 * the table the script passed, with raw access (no __index, __pairs or
 * __len runs), into a fresh table only C can reach, and puts the copy in
 * the argument's stack slot.  Plain nested tables (weights, lists) are
 * copied too; a table with a metatable (a result, a records list) is kept
 * as it is.  So:
 *   - no script code runs while options are read: the metatable of an
 *     option table (and of a plain nested table) is ignored, never
 *     consulted (no __index default, no __pairs);
 *   - every string read from the snapshot stays valid until the C
 *     function returns (the snapshot is anchored by its stack slot and no
 *     script can change it), whatever script code runs later (a formula,
 *     a collection, a finalizer);
 *   - an unknown key is an error naming the known ones.
 * The typed readers then read from the snapshot.  Each option name has
 * ONE type and ONE range wherever it appears (gs_opt_number looks the
 * range up in a single table, lopts.c's `ranges`, documented in README). */
#ifndef GS_LOPTS_H
#define GS_LOPTS_H
#include <lua.h>

#include "spec.h"
#include "ties.h"

/* Digits of rounding before ranking: -1 (exact) or 0..GS_OPT_DIGITS_MAX. */
#define GS_OPT_DIGITS_MAX GS_SPEC_DIGITS_MAX

/* Takes the options argument at stack index arg (nil/none: no options)
 * as a snapshot (see above), replacing it in place; arg must be a
 * positive index.  Raises "fn: unknown option 'k' (known: a, b)" for a
 * key not in known (NULL-terminated), "fn: options must be a table" for
 * anything else.  Returns 1 when options were given, 0 when not (the slot
 * then holds an empty table). */
int gs_opts_check(lua_State *L, int arg, const char *const *known, const char *fn);

/* Replaces the value at stack index idx by a private deep copy (raw
 * access, plain tables only, cycles kept, depth at most 64): what C
 * walks afterwards (an index tree, a list of names) can be neither
 * changed nor collected by script code.  Any value, not only tables. */
void gs_opts_snapshot(lua_State *L, int idx);

/* The readers: t is a snapshot's index; a missing (nil) key gives def.
 * Errors say "fn: option 'key' must be ...". */

/* A string (numbers are not converted); valid while t stays on the stack. */
const char *gs_opt_string(lua_State *L, int t, const char *key, const char *def, const char *fn);

/* true or false (nothing else: not 0, not "yes"). */
int gs_opt_bool(lua_State *L, int t, const char *key, int def, const char *fn);

/* A string from the NULL-terminated list; returns its index (def: the
 * index when missing). */
int gs_opt_enum(lua_State *L, int t, const char *key, int def, const char *const *list, const char *fn);

/* A finite number in the option's documented range (lopts.c `ranges`;
 * an option not listed there must be finite only).  Whole-number options
 * (digits, seed, n, threads, ...) must be integers. */
double gs_opt_number(lua_State *L, int t, const char *key, double def, const char *fn);

/* As gs_opt_number, but within [lo, hi] given by the caller (a rank
 * between 1 and the number of countries): the common checks still apply. */
double gs_opt_number_in(lua_State *L, int t, const char *key, double def, double lo, double hi, int whole,
                        const char *fn);

/* `digits` (-1 or 0..GS_OPT_DIGITS_MAX) and `ties` (dense, competition,
 * ordinal, fractional), the same everywhere. */
int gs_opt_digits(lua_State *L, int t, int def, const char *fn);
gs_ties gs_opt_ties(lua_State *L, int t, gs_ties def, const char *fn);

/* The aggregation, named `agg` everywhere; the older `method` is read as
 * a deprecated spelling (both given: an error).  Pushes nothing; returns
 * the string or def. */
const char *gs_opt_agg(lua_State *L, int t, const char *def, const char *fn);

/* The options of a scoring spec (spec.h) into *s, whose values are the
 * defaults (weights excepted: each call reads its own): `agg` (or its old
 * spelling `method`; read only when with_agg is set: d:uncertainty's agg
 * is a list it reads itself), `scale`, `offset`, `ties` and `digits`, each
 * as its reader above.  Returns 1 when digits were given, 0 when they are
 * the default. */
int gs_opt_spec(lua_State *L, int t, gs_spec *s, int with_agg, const char *fn);

/* The NULL-terminated list of known options, joined with ", ", pushed. */
void gs_opts_push_known(lua_State *L, const char *const *known);

/* The one check of a single weight: finite and >= 0 (0 leaves a pillar
 * out); raises "fn: weight of 'name' must be a finite number >= 0". */
double gs_opt_check_weight(lua_State *L, int idx, const char *name, const char *fn);

#endif
