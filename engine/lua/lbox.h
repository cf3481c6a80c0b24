/* lbox.h - boxes: C memory that a Lua value owns while Lua errors may come.
 *
 * A binding that calls the core gets malloc'd results (an explanation, a
 * unit report, a table) and then builds Lua values from them, and any Lua
 * call may raise an error (a memory limit) that would leak them.  So the
 * result goes first into a box: a userdata whose __gc releases what it
 * holds, at the end of the call or whenever the collector finds it after an
 * error.  Every box shares one metatable, protected like every metatable
 * gcisim makes (__metatable): a script that reaches a box can neither read
 * nor replace its __gc. */
#ifndef GS_LBOX_H
#define GS_LBOX_H
#include <lua.h>
#include <stddef.h>

/* What a box's __gc calls with the box's data: frees what it holds and
 * leaves it empty (a box may be released again: by hand, then by __gc). */
typedef void (*gs_box_release)(lua_State *L, void *data);

/* Pushes a new box with size bytes of zeroed data (suitably aligned) that
 * release empties; returns the data, owned by the box. */
void *gs_lua_newbox(lua_State *L, size_t size, gs_box_release release);

/* A box that holds one table (table.h), NULL until the caller stores
 * it: the table a binding builds in C and then turns into Lua values. */
struct gs_table;
struct gs_table **gs_lua_tablebox(lua_State *L);

/* Releases the box at stack index idx now (its data stays, emptied). */
void gs_lua_box_release(lua_State *L, int idx);

#endif
