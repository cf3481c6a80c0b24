/* lrecords.h - the records protocol: how every tabular object of the gci
 * module (a result's rows, comparisons, records, uncertainty, sensitivity,
 * target, explain, index results, levels) reaches scripts.
 *
 * A records object is a Lua list of records (plain tables), so #x, x[i]
 * and ipairs(x) work as on any list; gs_records_setmeta gives it a
 * metatable of its own that
 *   - names its columns (__columns, a fresh list of strings) and the
 *     footer printed under it (__footer, a string, optional);
 *   - prints it: __tostring renders the aligned table (output.h), so
 *     print(x) shows the same table gcisim prints when x is returned, in
 *     `gcisim run`, the repl and a stock interpreter with require "gci";
 *   - gives it methods through __index: x:rows() (an iterator over the
 *     records, as r:rows() for a result) and the kind's own methods;
 *   - is protected: __metatable holds the kind's name, so getmetatable(x)
 *     returns that string and setmetatable(x, ...) fails; a script can
 *     neither read the metatable, nor add __gc or __columns to it, nor
 *     change the metatable of other objects (none is shared).
 * The printer (output.c) trusts no metafield: each is type-checked. */
#ifndef GS_LRECORDS_H
#define GS_LRECORDS_H
#include <lauxlib.h>
#include <lua.h>

/* Gives the list at stack index t its records metatable: kind (e.g.
 * "gci.comparison"), the column names cols (NULL-terminated), footer
 * (NULL: none), and extra methods (NULL: only rows). */
void gs_records_setmeta(lua_State *L, int t, const char *kind, const char *const *cols, const char *footer,
                        const luaL_Reg *methods);

/* As gs_records_setmeta, with the column names in the list at stack
 * index cols (checked: strings only; copied). */
void gs_records_setmeta_list(lua_State *L, int t, const char *kind, int cols, const char *footer,
                             const luaL_Reg *methods);

/* Turns the plain metatable the list at t already has (its __columns and
 * __footer, built by hand) into its records metatable as above. */
void gs_records_adopt(lua_State *L, int t, const char *kind, const luaL_Reg *methods);

/* Pushes the gs_table t (borrowed) as a records object: one record per
 * row (a missing cell is nil; whole numbers are integers), its columns
 * and footer in the metatable. */
struct gs_table;
void gs_records_push_table(lua_State *L, const struct gs_table *t, const char *kind, const luaL_Reg *methods);

/* x:rows(): an iterator over x[1], x[2], ... (a Lua C function). */
int gs_records_rows(lua_State *L);

/* __tostring of every tabular object (a Lua C function): the aligned table
 * gcisim prints when x is returned, footer included, without the last
 * newline.  Objects that are not records lists (a result, an index
 * result) use it too, through their __rows metafield (output.h). */
int gs_records_tostring(lua_State *L);

#endif
