/* fuzz_api.c - libFuzzer harness: the gci API called with hostile arguments.
 *
 * The input is not a script but a sequence of choices: the generator
 * tests/fuzz/api_gen.lua (read once, from the repository root) runs in the
 * sandbox with a global R(n) that returns the next input byte(s) as a
 * number in 1..n, and uses them to pick which gci function or method to
 * call and with what: wrong types, huge and non-finite numbers, option
 * tables with unknown and repeated keys, tables whose metamethods collect
 * garbage or call back into gci.  Limits as in fuzz_lua.c: 16 MiB, an
 * instruction budget and a 1 s timeout checked by the hook.  Nothing may
 * be written (no --allow-write); data/ may be read. */
#include <lauxlib.h>
#include <lua.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lgci.h"
#include "policy.h"
#include "sandbox.h"

static gs_policy *policy;
static char *gen;
static size_t genlen;

typedef struct {
  const uint8_t *p;
  size_t n;
} cursor;

/* R(n): the next choice in 1..n (one byte, two when n > 256). */
static int l_R(lua_State *L) {
  cursor *c = lua_touserdata(L, lua_upvalueindex(1));
  lua_Integer n = luaL_checkinteger(L, 1);
  if (n < 1) n = 1;
  uint32_t v = 0;
  int bytes = n > 256 ? 2 : 1;
  for (int i = 0; i < bytes; i++) {
    v = v << 8;
    if (c->n) { v |= *c->p++; c->n--; }
  }
  lua_pushinteger(L, (lua_Integer)(v % (uint32_t)n) + 1);
  return 1;
}

static int pmain(lua_State *L) {
  gs_ctx *ctx = lua_touserdata(L, 1);
  cursor *cur = lua_touserdata(L, 2);
  gs_lua_setctx(L, ctx);
  luaL_requiref(L, "gci", luaopen_gci, 1);
  lua_pop(L, 1);
  lua_pushlightuserdata(L, cur);
  lua_pushcclosure(L, l_R, 1);
  lua_setglobal(L, "R");
  if (luaL_loadbufferx(L, gen, genlen, "=api_gen.lua", "t") != LUA_OK) return lua_error(L);
  lua_call(L, 0, 1);
  return 1;
}

static void load_generator(void) {
  FILE *f = fopen("tests/fuzz/api_gen.lua", "rb");
  if (!f) { fprintf(stderr, "fuzz_api: run from the repository root\n"); abort(); }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  gen = malloc((size_t)n + 1);
  if (!gen || fread(gen, 1, (size_t)n, f) != (size_t)n) abort();
  genlen = (size_t)n;
  fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!policy) {
    char err[512];
    load_generator();
    policy = gs_policy_new();
    if (!policy || gs_policy_allow(policy, "data", 0, err, sizeof err) != 0) {
      fprintf(stderr, "fuzz_api: run from the repository root (%s)\n", err);
      abort();
    }
  }
  gs_limits lim = {.max_memory = (size_t)16 << 20, .timeout = 1.0, .max_instructions = 5000000,
                   .max_output = 1 << 20};
  gs_sandbox *sb = gs_sandbox_new(&lim);
  if (!sb) return 0;
  gs_ctx ctx;
  memset(&ctx, 0, sizeof ctx);
  ctx.policy = policy;
  ctx.sandbox = sb;
  ctx.quiet = 1;
  ctx.threads = 1;
  cursor cur = {data, size};
  lua_State *L = gs_sandbox_state(sb);
  lua_pushcfunction(L, pmain);
  lua_pushlightuserdata(L, &ctx);
  lua_pushlightuserdata(L, &cur);
  if (lua_pcall(L, 2, 1, 0) != LUA_OK && getenv("FUZZ_API_VERBOSE"))
    fprintf(stderr, "fuzz_api: %s\n", lua_tostring(L, -1));
  gs_sandbox_free(sb);
  return 0;
}
