/* batch_job.h - the job list of `gcisim batch`, shared by its files:
 * batch.c (the command and its options), batch_manifest.c (globs and
 * manifests into jobs), batch_pool.c (running the jobs in children) and
 * batch_summary.c (progress, summary files and the report).
 *
 * A batch holds the parsed options and the jobs.  Ownership: the option
 * strings (outdir, fmt, scripts, ..., cargs) are borrowed from the
 * command's argv for the whole run; the batch owns its jobs array and its
 * file digests, each job owns its strings; batch_free frees all of them
 * (not the batch itself, which the command keeps on its stack).  The
 * helpers below return malloc'd strings the caller frees, and print their
 * own errors ("gcisim batch: ..."), returning the exit code to pass on. */
#ifndef GS_BATCH_JOB_H
#define GS_BATCH_JOB_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "run.h"

/* A job's status: what its child's exit told (run.h's exit codes), or that
 * it is still pending, crashed or was interrupted. */
enum {
  ST_PENDING, ST_OK, ST_SCRIPT, ST_USAGE, ST_DATA, ST_TIMEOUT, ST_MEMORY,
  ST_INSTR, ST_OUTPUT, ST_CRASHED, ST_INTERRUPTED, ST_OUTLIMIT, ST_COUNT
};

/* The statuses' names in summary.csv/.json, indexed by status. */
extern const char *const batch_status_names[ST_COUNT];

/* A string set (open addressing) for job ids and owned file names; it
 * borrows its strings.  Free slot when done. */
typedef struct {
  const char **slot;
  size_t cap;
} batch_strset;

/* One job: a script over a dataset with its arguments. */

typedef struct {
  char *script, *dataset; /* owned */
  char **args;            /* owned, nargs strings */
  int nargs;
  char *id;               /* owned: file-name-safe, unique */
  char *result;           /* owned: DIR/ID.EXT */
  char *sidecar;          /* owned: DIR/ID.EXT.hash */
  uint64_t hash;
  int status;
  int resumed;            /* skipped: result of an earlier run kept */
  char msg[512];          /* first line of the job's stderr (sanitised) */
  double wall_ms;
  /* while running */
  pid_t pid;
  int fd;                 /* read end of its stderr pipe, or -1 */
  double t0;
  size_t msglen;
  int msg_done;
} batch_job;

typedef struct {
  char *path;
  uint64_t digest;
} file_digest;

typedef struct {
  /* options */
  const char *outdir;
  int njobs_parallel;
  const char *fmt;
  int resume, quiet;
  const char *threads;
  int nreads; /* --allow-read given (at most 16) */
  const char *scripts[64], *datasets[64];
  int nscripts, ndatasets;
  const char *manifest;
  gs_run_sbopts sbo; /* --timeout, --max-memory, ... parsed, for gs_run */
  char **cargs; /* borrowed from argv: -- ARGS */
  int ncargs;
  /* jobs */
  batch_job *jobs;
  size_t n, cap;
  file_digest *digests;
  size_t ndigests, capdigests;
} batch;

/* Frees what the batch owns (its jobs and digests); b may be NULL. */
void batch_free(batch *b);

/* Adds a job, copying its strings.  Returns 0, or -1 when out of memory. */
int batch_add_job(batch *b, const char *script, const char *dataset, char *const *args, int nargs);

/* Hashes each job's inputs (script and dataset contents, arguments,
 * format, version), names each job (SCRIPT.DATASET[.ARGS], unique in job
 * order) and its result and sidecar files in b->outdir.  Returns 0 or an
 * exit code after printing why. */
int batch_name_jobs(batch *b);

/* ---- small helpers ---- */

/* Monotonic clock, in seconds. */
double batch_now(void);
/* A malloc'd copy of s, or NULL. */
char *batch_strdup(const char *s);
/* snprintf into a malloc'd string (three %s arguments), or NULL. */
char *batch_printf(const char *fmt, const char *a, const char *b, const char *c);
/* Prints "out of memory"; returns GS_EX_USAGE. */
int batch_oom(void);
/* Prints "gcisim batch: " fmt (one %s argument) and a usage hint; returns
 * GS_EX_USAGE. */
int batch_err(const char *fmt, const char *a);
/* The file name part of path (a pointer into it). */
const char *batch_base_of(const char *path);
/* Makes room for n strings; returns 0 or -1. */
int batch_strset_init(batch_strset *s, size_t n);
/* Returns 1 if k is present; with add, inserts it (borrowing the string). */
int batch_strset_find(batch_strset *s, const char *k, int add);
#endif
