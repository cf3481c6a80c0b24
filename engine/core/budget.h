/* budget.h - a memory budget the core charges before it allocates on a
 * caller's behalf.
 *
 * The core knows nothing of Lua or of the sandbox; a caller that meters
 * memory (the sandbox's --max-memory, lua/sandbox.h) hands the core a
 * budget: charge(ud, bytes) before a large allocation, nonzero refusing it,
 * and release(ud, bytes) when that memory is freed.  Both are called from
 * the thread that called into the core, never from its worker threads.
 * A NULL budget, or NULL functions, mean unmetered. */
#ifndef GS_BUDGET_H
#define GS_BUDGET_H
#include <stddef.h>

typedef struct {
  int (*charge)(void *ud, size_t bytes);
  void (*release)(void *ud, size_t bytes);
  void *ud;
} gs_budget;

static inline int gs_budget_charge(const gs_budget *b, size_t bytes) {
  return b && b->charge ? b->charge(b->ud, bytes) : 0;
}

static inline void gs_budget_release(const gs_budget *b, size_t bytes) {
  if (b && b->release) b->release(b->ud, bytes);
}
#endif
