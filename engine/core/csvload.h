/* csvload.h - strict CSV loading into a gs_dataset, with libcsv.
 *
 * The loader either returns a complete dataset or NULL with a message of
 * the form "file:line:column: what is wrong" (line of the record, column =
 * 1-based field number); it never returns a half-loaded dataset.  It
 * accepts a UTF-8 BOM and CRLF line ends, and rejects malformed quoting,
 * ragged rows, invalid UTF-8, NUL bytes, oversized cells or files, empty
 * keys, duplicate keys, and non-numeric or non-finite values in numeric
 * columns.  A column is numeric when it is a pillar, is named "score" or
 * "rank", or its first non-empty cell is a number; numeric cells elsewhere
 * may be empty (missing, NaN), pillar cells may not; opts->na names other
 * markers of a missing value (such as "NA").  Each numeric column records
 * the most decimals written in its cells (gs_column.decimals), the
 * precision ranks follow by default. */
#ifndef GS_CSVLOAD_H
#define GS_CSVLOAD_H
#include <stddef.h>
#include <stdio.h>

#include "dataset.h"

/* The default limit on a file's size (gs_load_opts.max_bytes raises it):
 * 64 MiB holds about a million units of five 2-decimal pillars. */
#define GS_MAX_FILE_BYTES ((size_t)64 << 20)
#define GS_MAX_CELL_BYTES ((size_t)64 << 10)

typedef struct {
  const char *key_col;          /* default "iso3" */
  const char *name_col;         /* default "country"; absent column: names = keys */
  const char *const *pillars;   /* NULL: those of the five GCI pillars present */
  size_t npillars;
  double pmin, pmax;            /* pillar range; used when has_range, else 0..20 */
  int has_range;
  const char *const *na;        /* cells that mean "missing" in numeric columns, */
  size_t nna;                   /* e.g. {"NA"} for R's data; none by default */
  size_t max_bytes;             /* largest file accepted; 0: GS_MAX_FILE_BYTES */
} gs_load_opts;

/* The five GCI pillar names, in the GCI's order. */
extern const char *const gs_gci_pillars[5];

/* Loads `path`.  opts may be NULL (defaults).  Returns a dataset the caller
 * owns (gs_dataset_free), or NULL with the message in err. */
gs_dataset *gs_load_csv(const char *path, const gs_load_opts *opts, char *err, size_t errlen);

/* The same from a file already open for reading, which it closes; `path`
 * names it in messages. */
gs_dataset *gs_load_csv_file(FILE *f, const char *path, const gs_load_opts *opts, char *err, size_t errlen);

/* The same over a buffer in memory; `name` stands for the file in messages. */
gs_dataset *gs_load_csv_mem(const char *name, const char *buf, size_t len,
                            const gs_load_opts *opts, char *err, size_t errlen);
#endif
