/* batch_manifest.h - the jobs of `gcisim batch`: from globs (every script
 * times every dataset, each glob sorted, duplicates dropped) or from a
 * manifest file (one job a line: SCRIPT DATASET [ARG...], blank-separated,
 * "quoted" fields with \" and \\ escapes, # comments, paths relative to
 * the manifest's directory).  A bad manifest line is reported as
 * `gcisim batch: FILE:LINE:COLUMN: what is wrong` (column in characters).
 *
 * Both add the jobs to b (batch_add_job copies every string: the batch
 * owns them, nothing is borrowed from the manifest's text) and return 0 or
 * GS_EX_USAGE after printing why. */
#ifndef GS_BATCH_MANIFEST_H
#define GS_BATCH_MANIFEST_H
#include "batch_job.h"

/* Jobs from b->scripts x b->datasets, each with the arguments b->cargs. */
int batch_jobs_from_globs(batch *b);

/* Jobs from the manifest file b->manifest. */
int batch_jobs_from_manifest(batch *b);
#endif
