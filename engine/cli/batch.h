/* batch.h - `gcisim batch`: many scripts over many datasets, unattended
 * and reproducible.
 *
 * Jobs come from globs (--scripts GLOB x --datasets GLOB, every
 * combination, sorted) or from a manifest (one job a line: SCRIPT DATASET
 * [ARG...]; batch_manifest.h). Each job runs in its own forked child that
 * calls gs_run (run.h) with the job's dataset and DIR/ID.EXT as output
 * (batch_pool.h), so it runs under the sandbox and limits, and its crash,
 * timeout or memory blow-up fails that job only. The parent writes
 * DIR/summary.csv and DIR/summary.json (job order, never completion
 * order), keeps a hash of each job's inputs in the result's
 * user.gcisim.hash extended attribute (DIR/ID.EXT.hash where the file
 * system has none) for --resume, and on SIGINT/SIGTERM/SIGHUP stops, kills
 * its children, removes their temporaries and writes the summary of what
 * finished (batch_summary.h). The format and the conventions are
 * documented in scripts/batch/README.md and in the usage text
 * (gs_batch_usage). */
#ifndef GS_BATCH_H
#define GS_BATCH_H

extern const char gs_batch_usage[];

/* Runs `gcisim batch` with the arguments after "batch".  Returns 0 when
 * every job succeeded, 1 when some failed (or the summary could not be
 * written), 2 on a usage or setup error (nothing run).  When interrupted
 * by a signal it writes the summary and then ends by that same signal. */
int gs_batch_main(int argc, char **argv);

/* Called first thing by main for `gcisim batch` with main's own argv:
 * starts the program again (execv of /proc/self/exe, same argv) with
 * every shared library bound at load (LD_BIND_NOW), once, and in the
 * program started again removes that variable from the environment.
 * Returns when there is nothing to do or the exec failed (the batch then
 * runs as it is, only slower).  batch.c says why. */
void gs_batch_bind_now(char **argv);
#endif
