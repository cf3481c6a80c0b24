/* batch_summary.h - what `gcisim batch` tells: the progress line on a
 * terminal's stderr, summary.csv and summary.json in the output directory
 * (one row a job, in job order, never completion order), and the closing
 * report on stderr.  The columns and statuses are documented in
 * scripts/batch/README.md.
 *
 * Ownership: nothing is kept; the batch is only read. */
#ifndef GS_BATCH_SUMMARY_H
#define GS_BATCH_SUMMARY_H
#include <stddef.h>

#include "batch_job.h"

/* The progress line: on when stderr is a terminal and not --quiet. */
typedef struct {
  int on;
  double start, last;
  size_t total, done, failed;
} batch_progress;

/* Redraws the progress line (at most every 0.1 s unless force). */
void batch_progress_show(batch_progress *p, int force);

/* Draws it a last time and ends its line. */
void batch_progress_end(batch_progress *p);

/* Writes b->outdir/name atomically: summary.json when json, else
 * summary.csv.  Returns 0, or -1 with errno set. */
int batch_write_summary(batch *b, const char *name, int json);

/* Unless b->quiet, prints each failed job and the counts to stderr. */
void batch_report(const batch *b, size_t ok, size_t resumed, size_t interrupted);
#endif
