/* lprint.c - print() and warn() on a chosen stream (see lprint.h). */
#include "lprint.h"

#include <lauxlib.h>
#include <string.h>

/* lbaselib.c's luaB_print, writing to the stream in upvalue 1. */
static int print_to(lua_State *L) {
  FILE *f = lua_touserdata(L, lua_upvalueindex(1));
  int n = lua_gettop(L);
  for (int i = 1; i <= n; i++) {
    size_t len;
    const char *s = luaL_tolstring(L, i, &len);
    if (i > 1) fputc('\t', f);
    fwrite(s, 1, len, f);
    lua_pop(L, 1);
  }
  fputc('\n', f);
  fflush(f);
  return 0;
}

void gs_lua_print_to(lua_State *L, FILE *f) {
  lua_pushlightuserdata(L, f);
  lua_pushcclosure(L, print_to, 1);
  lua_setglobal(L, "print");
}

/* lauxlib.c's warning functions, with warnings on from the start and the
 * same three states: off, on, and on in the middle of a message whose
 * pieces come in several calls.  The state is which function is
 * installed; each gets the lua_State as its data, to switch to another. */
static void warn_on(void *ud, const char *msg, int tocont);
static void warn_off(void *ud, const char *msg, int tocont);
static void warn_cont(void *ud, const char *msg, int tocont);

/* A control message ("@on", "@off"): 1 if msg was one. */
static int control(lua_State *L, const char *msg, int tocont) {
  if (tocont || *msg != '@') return 0;
  if (strcmp(msg, "@off") == 0) lua_setwarnf(L, warn_off, L);
  else if (strcmp(msg, "@on") == 0) lua_setwarnf(L, warn_on, L);
  return 1; /* any other control message is ignored, as in lauxlib */
}

static void warn_off(void *ud, const char *msg, int tocont) { control(ud, msg, tocont); }

static void warn_cont(void *ud, const char *msg, int tocont) {
  fputs(msg, stderr);
  if (tocont) return;
  fputc('\n', stderr);
  fflush(stderr);
  lua_setwarnf(ud, warn_on, ud);
}

static void warn_on(void *ud, const char *msg, int tocont) {
  if (control(ud, msg, tocont)) return;
  fputs("Lua warning: ", stderr);
  if (tocont) lua_setwarnf(ud, warn_cont, ud);
  warn_cont(ud, msg, tocont);
}

void gs_lua_warn_to_stderr(lua_State *L) { lua_setwarnf(L, warn_on, L); }
