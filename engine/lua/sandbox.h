/* sandbox.h - a Lua state for untrusted scripts, with resource limits.
 *
 * A sandboxed state opens only base, string, table, math, utf8 and
 * coroutine, and then takes away what can reach outside or defeat the
 * limits (see sandbox.c for the allow-list and the reasons).  Limits:
 *   memory        a lua_Alloc that refuses to grow the heap past max_memory;
 *   instructions  a count hook adding to one budget shared by all threads;
 *   wall clock    checked by the same hook, with a hard watchdog behind it
 *                 for time spent inside C (a pathological pattern match);
 *   output        print counts what it writes and stops at max_output.
 * Once a limit is hit it stays hit: every later hook call raises again, so
 * pcall, coroutines and error handlers cannot swallow it.
 * The sandbox owns its lua_State; gs_sandbox_free closes it (NULL is fine). */
#ifndef GS_SANDBOX_H
#define GS_SANDBOX_H
#include <lua.h>
#include <stddef.h>

#include "budget.h"
#include <stdint.h>

typedef enum {
  GS_LIMIT_NONE, GS_LIMIT_TIME, GS_LIMIT_MEMORY, GS_LIMIT_INSTRUCTIONS,
  GS_LIMIT_INTERRUPT, /* gs_sandbox_interrupt (Ctrl-C in the REPL) */
  GS_LIMIT_OUTPUT     /* print wrote more than max_output bytes */
} gs_limit;

typedef struct {
  size_t max_memory;          /* bytes; 0 = unlimited */
  double timeout;             /* seconds; 0 = unlimited */
  uint64_t max_instructions;  /* 0 = unlimited */
  size_t max_output;          /* bytes print may write in all; 0 = unlimited */
  int trusted;                /* full standard library (no sandbox) */
} gs_limits;

typedef struct gs_sandbox gs_sandbox;

/* A new state with limits applied, or NULL when out of memory.
 * TEST ONLY: when the environment variable GCISIM_FAIL_ALLOC=N is set
 * (N >= 1), the Nth allocation request the state makes (counting from
 * lua_newstate; only requests that grow a block count) returns NULL, as
 * if memory ran out; with GCISIM_FAIL_ALLOC=N+ that one and every later
 * one fail (Lua retries a failed allocation after a full collection, so
 * a single failure is often absorbed);
 * tests sweep N to check that every allocation failure ends in a clean
 * error (tests/test_sandbox.py; GCISIM_ALLOC_SWEEP=full for every N).
 * Never set it in use. */
gs_sandbox *gs_sandbox_new(const gs_limits *lim);
void gs_sandbox_free(gs_sandbox *sb);
lua_State *gs_sandbox_state(gs_sandbox *sb);

/* Which limit ended the script, if any. */
gs_limit gs_sandbox_limit_hit(const gs_sandbox *sb);

/* A message naming the limit that was hit, e.g. "timeout: ... (--timeout)". */
const char *gs_sandbox_limit_message(const gs_sandbox *sb);

/* Seconds since the sandbox was made; and whether its deadline has passed
 * (long C computations poll this to stop early). */
double gs_sandbox_elapsed(const gs_sandbox *sb);
int gs_sandbox_expired(gs_sandbox *sb);

/* Memory accounting for C-side buffers that belong to the script (datasets,
 * results): charge before allocating, release when freeing.  Returns 0, or
 * -1 when the charge would pass the memory limit (the limit is then hit). */
int gs_sandbox_charge(lua_State *L, size_t bytes);
void gs_sandbox_release(lua_State *L, size_t bytes);
/* The memory cap in bytes (0: none). */
size_t gs_sandbox_max_memory(const gs_sandbox *sb);

/* The same accounting as a core budget (budget.h), for core calls that
 * allocate on the script's behalf (d:uncertainty's per-thread histograms):
 * fills *b; its charge and release must be called from the thread running
 * the script.  A refused charge hits the memory limit. */
void gs_sandbox_budget(gs_sandbox *sb, gs_budget *b);

/* Starts a new evaluation in the same state (the REPL, once per line):
 * the clock and the instruction budget restart from zero and a limit that
 * was hit is cleared.  Memory stays counted: the heap is the session's. */
void gs_sandbox_reset(gs_sandbox *sb);

/* Stops the running evaluation as soon as possible, as if a limit were
 * hit ("interrupted"): at the next Lua instruction, or when C code next
 * polls gs_sandbox_expired.  Async-signal-safe: meant for a SIGINT
 * handler (lua_sethook may be called from a signal, as lua.c does). */
void gs_sandbox_interrupt(gs_sandbox *sb);

/* Arms a watchdog that ends the process with exit code `code` after
 * `seconds` more than the timeout, first removing `cleanup_path` (may be
 * NULL): the last resort when a script is stuck where no hook runs. */
void gs_sandbox_watchdog(gs_sandbox *sb, int code, const char *cleanup_path);

/* Disarms the watchdog (the REPL, while it waits at the prompt). */
void gs_sandbox_watchdog_off(void);
#endif
