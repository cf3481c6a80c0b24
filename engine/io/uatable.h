/* uatable.h - an uncertainty result (ua.h) as a gs_table (table.h): the
 * one definition of what d:uncertainty returns and `gcisim merge` prints,
 * so that a merged run prints exactly what one unsharded run prints,
 * without a Lua state.
 *
 * Columns: key_col (the dataset's key column), country, nominal, median,
 * mean, p05, p95, within3; rows in nominal rank order, ties in input
 * order; the footer is the note, then the mean absolute rank shift and the
 * number of draws. */
#ifndef GS_UATABLE_H
#define GS_UATABLE_H
#include <stddef.h>

#include "table.h"
#include "ua.h"

/* Fills ord[0..n-1] with the units in nominal rank order (ties in input
 * order); n log n.  0, or -1 when out of memory. */
int gs_ua_table_order(const gs_ua_result *r, size_t *ord);

/* The footer text into buf. */
void gs_ua_table_footer(const gs_ua_result *r, const char *note, char *buf, size_t len);

/* The whole table; keys and names (n each) are copied.  NULL when out of
 * memory.  The caller frees it with gs_table_free. */
gs_table *gs_ua_table(const gs_ua_result *r, const char *key_col, char *const *keys, char *const *names,
                      const char *note);

#endif
