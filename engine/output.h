/* output.h - printing what a script returns, and writing files safely.
 *
 * A script's value prints as a table of records: a gci.result (through its
 * __rows metamethod), a list of records whose metatable names its columns
 * in __columns, or any list of records (columns: iso3 and country first,
 * then the other keys in alphabetical order).  Strings and numbers print
 * as they are.  A metatable's __footer (a string) prints under a table or
 * Markdown table; its __raw (a function returning a string) replaces the
 * whole output, whatever the format.  Formats:
 *   table  aligned columns for people (at most 4 decimals)
 *   csv    RFC 4180, full precision (shortest text that reads back exactly)
 *   json   an array of objects, full precision, missing values null
 *   md     a Markdown table */
#ifndef GS_OUTPUT_H
#define GS_OUTPUT_H
#include <lua.h>
#include <stdio.h>

typedef enum { GS_FMT_TABLE, GS_FMT_CSV, GS_FMT_JSON, GS_FMT_MD } gs_format;

/* Parses a format name; -1 if unknown. */
int gs_format_parse(const char *name);

/* The format a file name's extension names ("out.csv" -> csv), or def. */
gs_format gs_format_for_path(const char *path, gs_format def);

/* Writes the value at stack index idx to f in format fmt.  Runs inside a
 * protected call (it may call the __rows metamethod, which may raise).
 * Returns 0, or raises a Lua error. */
int gs_output_value(lua_State *L, int idx, gs_format fmt, FILE *f);

/* Formats a number as the shortest decimal text that reads back as the same
 * double (integers without a decimal point) into buf. */
void gs_format_number(double v, char *buf, size_t len);

/* Atomic output: gs_atomic_open creates a temporary file beside `path`
 * (path.tmp.XXXXXX) and returns it open for writing; gs_atomic_commit
 * flushes, closes and renames it over path (with sync, after fsync, so the
 * new content survives a power cut too; the rename alone already keeps a
 * killed process from leaving half a file); gs_atomic_abort closes and
 * removes it.  tmp_path receives the temporary's name (len >= PATH_MAX).
 * The file gets the mode of the file it replaces, or 0666 less the umask
 * for a new one, as a shell redirection would. */
FILE *gs_atomic_open(const char *path, char *tmp_path, size_t len);
int gs_atomic_commit(FILE *f, const char *tmp_path, const char *path, int sync);
void gs_atomic_abort(FILE *f, const char *tmp_path);
#endif
