/* lprint.h - where a script's print() and warn() write.
 *
 * Lua's base print writes to the C stdout, and a state made with
 * lua_newstate (as the sandbox's is, for its allocator) has no warning
 * function at all, so warn() wrote nothing.  gcisim run keeps stdout for
 * the script's value when it is machine-readable (--format csv, json, md,
 * tsv): a print() there would corrupt the CSV a pipeline reads, so print
 * goes to stderr instead; and warn() always goes to stderr. */
#ifndef GS_LPRINT_H
#define GS_LPRINT_H
#include <lua.h>
#include <stdio.h>

/* Replaces the global print with one that writes, as Lua's print does
 * (tostring of each argument, tab-separated, a newline), to f; f must
 * outlive the state (stdout or stderr). */
void gs_lua_print_to(lua_State *L, FILE *f);

/* Installs a warning function writing "Lua warning: MESSAGE" to stderr,
 * with Lua's control messages: "@off" silences warnings, "@on" turns them
 * back on.  Warnings start on: gcisim is the host a script's warn() talks
 * to, and a warning nobody sees is no warning. */
void gs_lua_warn_to_stderr(lua_State *L);

#endif
