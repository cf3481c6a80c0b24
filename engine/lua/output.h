/* output.h - printing what a script returns.
 *
 * A script's value prints as a table of records: a gci.result (through its
 * __rows metamethod), a list of records whose metatable names its columns
 * in __columns, or any list of records (columns: iso3 and country first,
 * then the other keys in alphabetical order).  Strings and numbers print
 * as they are.  A metatable's __footer (a string) prints under a table or
 * Markdown table; its __raw (a function returning a string) replaces the
 * whole output, whatever the format.  The formats are
 * format.h's; files are written through atomic.h. */
#ifndef GS_OUTPUT_H
#define GS_OUTPUT_H
#include <lua.h>
#include <stdio.h>

#include "atomic.h"
#include "format.h"

/* Writes the value at stack index idx to f in format fmt.  Runs inside a
 * protected call (it may call the __rows metamethod, which may raise).
 * Returns 0, or raises a Lua error. */
int gs_output_value(lua_State *L, int idx, gs_format fmt, FILE *f);

#endif
