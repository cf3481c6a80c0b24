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

/* ---------- lazy records ----------
 * A records object of n rows whose records a C source makes only when
 * they are read: x[i] (and ipairs, x:rows(), pairs) makes record i, a
 * plain table, once, and keeps it in the list, so that it behaves as the
 * list of plain records it stands for (a record changed or removed stays
 * changed or removed).  #x is the list's length as if every record were
 * there.  Printing (output.h) takes the records never made straight from
 * the source, so that printing 10^6 rows makes no table per row.
 * C code that reads a records list with raw access first calls
 * gs_records_materialise.
 *
 * The source is a userdata: a header, then the kind's own data (`data`,
 * suitably aligned).  Its class reads one cell at a time; a cell's column
 * is its index in the object's column list. */
#include "table.h"

typedef struct {
  /* Raises a Lua error when something the cells read is gone (the source
   * is at stack index src); called before every batch of reads, so that
   * it can also refresh pointers it keeps in data.  May be NULL. */
  void (*check)(lua_State *L, int src, void *data);
  /* Cell (row, col), row < n, col < the number of columns: as
   * gs_table_cell; a GS_CELL_NUMBER that is NaN is missing, a whole one
   * becomes an integer as gs_lua_pushnum does; text stays owned by the
   * source's data. */
  gs_cell_kind (*cell)(const void *data, size_t row, size_t col, double *num, long long *i, int *b,
                       const char **text);
} gs_lazy_class;

/* Pushes a new source of n rows of class cls (static) with `size` bytes
 * of zeroed data for the kind and `anchors` user values the kind may set
 * (lua_setiuservalue(L, src, 1 + k) for k = 1..anchors: what its data
 * points into).  Returns the data. */
void *gs_records_lazy_new(lua_State *L, const gs_lazy_class *cls, size_t n, size_t size, int anchors);

/* Makes the source at stack index src hold its first n rows only (n no
 * more than it was made with), before its records object is pushed. */
void gs_records_lazy_setn(lua_State *L, int src, size_t n);

/* Pushes the records object of the source at stack index src: kind,
 * columns cols (NULL-terminated), footer and methods as
 * gs_records_setmeta. */
void gs_records_lazy_push(lua_State *L, int src, const char *kind, const char *const *cols, const char *footer,
                          const luaL_Reg *methods);

/* The length of the records list at t as # gives it (lazy or not). */
size_t gs_records_len(lua_State *L, int t);

/* Makes every record of a lazy records object at t (nothing for any other
 * value), so that raw access sees all of them. */
void gs_records_materialise(lua_State *L, int t);

/* For the printer: when t is a lazy records object, pushes its source
 * (anchoring it), checks it, and returns its class with *data, *n (its
 * rows) and *ncols; else pushes nothing and returns NULL.  Record i
 * (0-based) comes from the source when gs_records_lazy_unmade says so. */
const gs_lazy_class *gs_records_lazy_source(lua_State *L, int t, const void **data, size_t *n, size_t *ncols);
int gs_records_lazy_unmade(lua_State *L, int t, int src, size_t i);

/* __tostring of every tabular object (a Lua C function): the aligned table
 * gcisim prints when x is returned, footer included, without the last
 * newline.  Objects that are not records lists (a result, an index
 * result) use it too, through their __rows metafield (output.h). */
int gs_records_tostring(lua_State *L);

#endif
