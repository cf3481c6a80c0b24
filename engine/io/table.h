/* table.h - gs_table: what every gcisim command prints, and its rendering
 * as an aligned table, CSV, JSON or Markdown (format.h).
 *
 * A gs_table is named columns, rows of typed cells (missing, number,
 * integer, text, boolean) and an optional footer: a note on how the table
 * was computed.  It owns copies of every string given to it.  A BARE
 * table is a plain list of values (one column, no header).
 *
 * Rendering:
 *   table  header, columns aligned (numbers right, at most 4 decimals),
 *          then each footer line as a "# " comment; a bare list one value
 *          per line;
 *   md     a Markdown table, the footer as paragraphs under it;
 *   csv    RFC 4180 data only (header, rows; a bare list one value per
 *          line, no header): the footer is not part of the CSV stream, so
 *          that every CSV reader gets exactly the rows;
 *   tsv    as csv, tab-separated, with tab, newline, carriage return and
 *          backslash in a field written as \t, \n, \r and \\;
 *   json   an array of objects (a bare list: an array of values); with a
 *          footer, an object {"rows": [...], "metadata": {"footer": "..."}}.
 * Numbers are written in full precision in csv and json (format.h). */
#ifndef GS_TABLE_H
#define GS_TABLE_H
#include <stddef.h>
#include <stdio.h>

#include "format.h"

typedef struct gs_table gs_table;

/* A new table with ncols columns named names[0..ncols-1] (copied), bare
 * when `bare` (then ncols must be 1 and the name is not printed).
 * NULL when out of memory. */
gs_table *gs_table_new(size_t ncols, const char *const *names, int bare);
void gs_table_free(gs_table *t); /* accepts NULL */

/* Appends a row of missing cells; 0, or -1 when out of memory. */
int gs_table_add_row(gs_table *t);

/* Set a cell of row `row` (< rows) and column `col` (< columns); strings
 * are copied.  A NaN or infinite number is a missing cell.  0, or -1 when
 * out of memory. */
void gs_table_set_number(gs_table *t, size_t row, size_t col, double v);
void gs_table_set_integer(gs_table *t, size_t row, size_t col, long long v);
void gs_table_set_bool(gs_table *t, size_t row, size_t col, int v);
int gs_table_set_text(gs_table *t, size_t row, size_t col, const char *s, size_t len);

/* The footer (copied; NULL removes it).  0, or -1 when out of memory. */
int gs_table_set_footer(gs_table *t, const char *s);

/* The footer, or NULL; owned by t. */
const char *gs_table_footer(const gs_table *t);

size_t gs_table_rows(const gs_table *t);
size_t gs_table_columns(const gs_table *t);

/* Bytes allocated so far (for memory accounting). */
size_t gs_table_bytes(const gs_table *t);

/* Reading a cell back: its kind, and its value through the pointer that
 * kind uses (a text stays owned by t). */
typedef enum { GS_CELL_NONE, GS_CELL_NUMBER, GS_CELL_INTEGER, GS_CELL_BOOL, GS_CELL_TEXT } gs_cell_kind;
gs_cell_kind gs_table_cell(const gs_table *t, size_t row, size_t col, double *num, long long *i, int *b,
                           const char **text);

/* Column j's name, owned by t. */
const char *gs_table_column(const gs_table *t, size_t j);

/* Writes t in format fmt; 0, or -1 when a write failed. */
int gs_table_write(const gs_table *t, gs_format fmt, FILE *f);

#endif
