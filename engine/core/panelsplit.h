/* panelsplit.h - a long panel CSV (one row per unit and year) split into
 * one CSV text per year, so that each loads as an ordinary dataset
 * (csvload.h: keys unique within a year).
 *
 * Each year's text is the original text with the records of every other
 * year blanked out - their characters removed but their newlines kept - so
 * the loader, which skips blank lines, reports errors at the original
 * line numbers.  Parsing is libcsv's, like the loader's (CSV_STRICT).
 * Ownership: gs_panel_split allocates the result; gs_panel_free frees it
 * (accepts NULL). */
#ifndef GS_PANELSPLIT_H
#define GS_PANELSPLIT_H
#include <stddef.h>

typedef struct {
  size_t n;     /* distinct years, in order of first appearance */
  char **year;  /* n strings, the cells of the year column */
  char **text;  /* n NUL-terminated CSV texts, one per year */
} gs_panel;

/* Splits text[len] by the column named `col` of its header.  Returns a new
 * gs_panel, or NULL with "origin:line:column: message" in err: no such
 * column, an empty year cell, malformed CSV, out of memory. */
gs_panel *gs_panel_split(const char *text, size_t len, const char *col, const char *origin, char *err,
                         size_t errlen);
void gs_panel_free(gs_panel *p);

#endif
