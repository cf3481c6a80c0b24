/* keysort.h - sorting (key, row) pairs into rank order: descending by key,
 * then ascending by row, the order gs_rank and rank queries need.  An LSD
 * radix sort on the keys' bits, O(n) (a comparison sort below 512 pairs);
 * -0.0 and 0.0 are one key, as they compare equal. */
#ifndef GS_KEYSORT_H
#define GS_KEYSORT_H
#include <stddef.h>

typedef struct {
  double key; /* not NaN */
  size_t idx;
} gs_keyrow;

/* Sorts it[0..n-1], whose rows ascend on entry (they are kept in that
 * order among equal keys).  Returns 0, or -1 when out of memory (it is
 * then unchanged). */
int gs_keysort(gs_keyrow *it, size_t n);
#endif
