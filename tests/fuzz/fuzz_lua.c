/* fuzz_lua.c - libFuzzer harness: arbitrary script text in the sandbox.
 *
 * Mimics run.c's pmain with small limits (16 MiB, an instruction budget,
 * a 1 s timeout checked by the hook; no SIGALRM watchdog, which would end
 * the fuzzer): gs_sandbox_new, gs_lua_setctx, the gci module, the text
 * loaded with mode "t" and run under lua_pcall.  Nothing is printed.
 * gci.load may read data/ (the harness runs from the repository root). */
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

static int pmain(lua_State *L) {
  gs_ctx *ctx = lua_touserdata(L, 1);
  size_t len;
  const char *src = lua_tolstring(L, 2, &len);
  gs_lua_setctx(L, ctx);
  luaL_requiref(L, "gci", luaopen_gci, 1);
  lua_pop(L, 1);
  if (luaL_loadbufferx(L, src, len, "=fuzz", "t") != LUA_OK) return 1;
  lua_call(L, 0, 1); /* errors propagate to the outer pcall */
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!policy) {
    char err[512];
    policy = gs_policy_new();
    if (!policy || gs_policy_allow(policy, "data", 0, err, sizeof err) != 0) {
      fprintf(stderr, "fuzz_lua: run from the repository root (%s)\n", err);
      abort();
    }
  }
  gs_limits lim = {.max_memory = (size_t)16 << 20, .timeout = 1.0, .max_instructions = 2000000};
  gs_sandbox *sb = gs_sandbox_new(&lim);
  if (!sb) return 0;
  gs_ctx ctx;
  memset(&ctx, 0, sizeof ctx);
  ctx.policy = policy;
  ctx.sandbox = sb;
  ctx.quiet = 1;
  ctx.threads = 1;
  lua_State *L = gs_sandbox_state(sb);
  lua_pushcfunction(L, pmain);
  lua_pushlightuserdata(L, &ctx);
  lua_pushlstring(L, (const char *)data, size);
  (void)lua_pcall(L, 2, 1, 0);
  gs_sandbox_free(sb);
  return 0;
}
