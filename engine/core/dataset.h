/* dataset.h - the in-memory columnar dataset: one row per unit (country),
 * keyed by a unique code (iso3), with a display name, numeric columns and
 * text columns, some numeric columns marked as pillars with a range.
 *
 * A gs_dataset owns everything it points to; gs_dataset_free releases it
 * all.  Fields are public for reading; change them only through the
 * functions here, which keep the invariants (unique keys, pillar values
 * finite and within range). */
#ifndef GS_DATASET_H
#define GS_DATASET_H
#include <stddef.h>

typedef enum { GS_COL_NUMBER, GS_COL_TEXT } gs_coltype;

typedef struct {
  char *name;
  gs_coltype type;
  double *num;  /* GS_COL_NUMBER: n values, NaN where the cell was empty */
  char **text;  /* GS_COL_TEXT: n strings, "" where the cell was empty */
  int decimals; /* GS_COL_NUMBER: the most decimals written in a cell of the
                   file ("0.919" 3, "20" 0, "1.5e-3" 4): the precision the
                   values were published with; kept by copies and edits */
} gs_column;

typedef struct {
  char *source;      /* where it came from (a path), for messages */
  size_t n;          /* rows */
  char **key;        /* n unique unit codes (iso3) */
  char **name;       /* n display names */
  char *key_col;     /* header of the key column ("iso3") */
  char *name_col;    /* header of the name column ("country") */
  size_t ncol;       /* other columns, in file order */
  gs_column *col;
  size_t npillar;    /* pillar columns, in the order scores use them */
  size_t *pillar;    /* npillar indices into col */
  double *pmin, *pmax; /* npillar ranges, inclusive */
  /* Hash index of the keys (gs_dataset_index): kslot[h] holds row + 1, 0 for
   * an empty slot, in an open-addressed table of kmask + 1 slots (a power
   * of two at least twice n).  NULL when not built: lookups then scan. */
  size_t *kslot;
  size_t kmask;
  /* Cache of gs_dataset_grid: 0 not computed yet, else the digits + 1
   * (a dataset's values do not change once it is built: edits make
   * copies, which start without it; gs_dataset_drop_pillar clears it). */
  int grid_digits, grid_exact;
} gs_dataset;

void gs_dataset_free(gs_dataset *d);

/* The bytes d holds on the heap: structure, arrays and every string, with
 * a malloc overhead of 16 bytes a block (what a copy costs, what a script
 * is charged for it against --max-memory). */
size_t gs_dataset_bytes(const gs_dataset *d);

/* A deep copy, or NULL when out of memory. */
gs_dataset *gs_dataset_copy(const gs_dataset *d);

/* Builds (or rebuilds) the hash index of d's keys, which every dataset the
 * loader or gs_dataset_copy returns has.  Returns 0; 1 when two rows have
 * the same key (*dup_first < *dup_second get their rows, the index is not
 * built); -1 when out of memory.  Expected O(n). */
int gs_dataset_index(gs_dataset *d, size_t *dup_first, size_t *dup_second);

/* Row of `key`, or -1: expected O(1) through the index, a scan without it. */
long gs_dataset_row(const gs_dataset *d, const char *key);

/* Row of the one key equal to `key` ignoring ASCII case, or -1 when no
 * key or more than one matches (for hints and forgiving command lines). */
long gs_dataset_row_nocase(const gs_dataset *d, const char *key);

/* Column index of `name` among d->col, or -1. */
long gs_dataset_col(const gs_dataset *d, const char *name);

/* The columns as the row-major matrix an index is computed from (hier.h's
 * gs_h_data): names[c] is column c's name when it is numeric, else NULL;
 * X[u * d->ncol + c] its value in row u (NaN for a column that is not
 * numeric).  names (d->ncol entries) and X (d->n * d->ncol) are the
 * caller's. */
void gs_dataset_numeric_matrix(const gs_dataset *d, const char **names, double *X);

/* Position of column index `col` among the pillars, or -1. */
long gs_dataset_pillar_of(const gs_dataset *d, size_t col);

/* The value of pillar p (0..npillar-1) for row r. */
static inline double gs_dataset_pv(const gs_dataset *d, size_t r, size_t p) {
  return d->col[d->pillar[p]].num[r];
}

/* Ranks follow the data: by default scores are rounded, before ties are
 * detected, to the precision the values were published with, at most
 * GS_DIGITS_MAX decimals (values written with more, such as GCI 2024's
 * 15-digit series, are ranked at 6; 1e-6 of a 0-100 score is far below
 * any published precision and far above double rounding noise). */
#define GS_DIGITS_MAX 6

/* The default rank digits of numeric column c: its decimals, capped. */
int gs_dataset_col_digits(const gs_dataset *d, size_t c);

/* The default rank digits of scores computed from d: the most decimals of
 * its pillars (of its numeric columns when it has no pillars), capped. */
int gs_dataset_score_digits(const gs_dataset *d);

/* The number of decimals (0..6) needed to write every pillar value and
 * pillar maximum of d exactly (up to 1e-9): the grid explain's gains move
 * on; *exact is 0 when some value needs more than 6 (data published
 * unrounded, as the GCI 2024 file).  Computed once per dataset (O(n k)),
 * then cached in it. */
int gs_dataset_grid(const gs_dataset *d, int *exact);

/* Removes pillar p from the pillar list (its column stays as data). */
void gs_dataset_drop_pillar(gs_dataset *d, size_t p);

#endif
