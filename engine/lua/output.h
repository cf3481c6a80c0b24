/* output.h - printing what a script returns.
 *
 * A Lua value becomes a gs_table (table.h), rendered in one of format.h's
 * formats; files are written through atomic.h.  What prints how:
 *   nil                   nothing;
 *   a number, string or boolean: itself, on one line;
 *   a records object      (lrecords.h, or any table whose metatable has
 *                         __columns): its columns in that order, and its
 *                         __footer under it;
 *   a gci.result          through its __rows metamethod (its records);
 *   a list of plain tables: records, with the keys of the first one as
 *                         columns (iso3 and country first, then by name),
 *                         then the keys only later ones have, in the
 *                         order they first appear;
 *   a list of values      one per line (a one-column CSV without header,
 *                         a JSON array);
 *   a map (no list part)  key,value records sorted by key;
 *   __raw (a function returning a string) replaces the whole output.
 * Anything else is an error, never blank lines or [{},{},{}]: a list
 * mixing values and tables, records without fields, a cell that is a
 * function or a table without __tostring.  Cells are read with raw access,
 * and every metafield is type-checked before it is used (__columns a list
 * of strings, __footer a string, __rows and __raw functions). */
#ifndef GS_OUTPUT_H
#define GS_OUTPUT_H
#include <lua.h>
#include <stdio.h>

#include "atomic.h"
#include "format.h"

/* Writes the value at stack index idx to f in format fmt.  Runs inside a
 * protected call (it may call __rows, __raw or __tostring, which may
 * raise).  Returns 0, or raises a Lua error. */
int gs_output_value(lua_State *L, int idx, gs_format fmt, FILE *f);

#endif
