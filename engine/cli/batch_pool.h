/* batch_pool.h - running the jobs of `gcisim batch`: up to -j forked
 * children at a time, each calling gs_run (run.h) with the job as a
 * gs_run_opts (no argv is built from a job's fields), so every job runs
 * under the sandbox and limits and its crash, timeout or memory blow-up
 * fails that job only.  Each child's stdout goes to /dev/null and the first
 * line of its stderr becomes the job's message; its exit code becomes the
 * job's status.  A finished job's inputs hash is kept in its result's
 * user.gcisim.hash extended attribute (the .hash sidecar file where the
 * file system has none), for --resume.
 *
 * SIGINT, SIGTERM and SIGHUP stop the pool: it kills its children, removes
 * their temporaries and marks their jobs interrupted.  Between
 * batch_pool_begin and batch_pool_end these handlers (and SIGCHLD's, and
 * SIGPIPE ignored) are installed process-wide.
 *
 * Ownership: the pool keeps no pointer after a call returns; it writes the
 * jobs' status, msg and wall_ms fields in place. */
#ifndef GS_BATCH_POOL_H
#define GS_BATCH_POOL_H
#include "batch_job.h"
#include "batch_summary.h"

/* Removes NAME.tmp.XXXXXX files that a killed run left in b->outdir, for
 * the files this batch owns (results, sidecars, summaries); other files are
 * not touched.  Returns 0 or an exit code after printing why. */
int batch_clean_temporaries(batch *b);

/* 1 when j's result exists and carries j's inputs hash (the job is done). */
int batch_result_current(const batch_job *j);

/* Installs the signal handlers and the self-pipe they wake the pool
 * through.  Returns 0, or an exit code after printing why. */
int batch_pool_begin(void);

/* Runs the pending jobs of b (status ST_PENDING), keeping pg's counts.
 * Returns when all have ended or after a stop signal; 0, or an exit code
 * after printing why. */
int batch_pool_run(batch *b, batch_progress *pg);

/* The signal that stopped the pool, or 0. */
int batch_pool_stop_signal(void);

/* Restores the default signal handlers and closes the self-pipe. */
void batch_pool_end(void);
#endif
