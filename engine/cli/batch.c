/* batch.c - `gcisim batch` (see batch.h): the command and its options.
 *
 * Structure: parse the options; build the job list (globs or manifest,
 * batch_manifest.c); hash every input file once and every job's inputs and
 * name the jobs (batch_job.c); prepare the output directory (remove
 * temporaries a killed run left behind; with --resume mark the jobs whose
 * result carries the matching inputs hash); run the jobs in a pool of
 * children (batch_pool.c); write the summaries and the report
 * (batch_summary.c).
 *
 * Ownership: the batch borrows its option strings from argv and owns its
 * jobs (batch_job.h); everything is freed by batch_free. */
#include "batch.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch_job.h"
#include "batch_manifest.h"
#include "batch_pool.h"
#include "batch_summary.h"
#include "format.h"
#include "run.h"

const char gs_batch_usage[] =
    "usage: gcisim batch -o DIR (-s GLOB... -d GLOB... [-- ARGS...] | -m MANIFEST) [options]\n"
    "\n"
    "Runs every script over every dataset (or the jobs a manifest lists), each\n"
    "job in its own process under the sandbox and limits, and writes one result\n"
    "file per job plus summary.csv and summary.json into DIR.  A job's dataset is\n"
    "what gci.dataset() loads (gci.dataset_path() is its path).\n"
    "\n"
    "jobs:\n"
    "  -s, --scripts GLOB    scripts (repeatable; each glob sorted)\n"
    "  -d, --datasets GLOB   datasets (repeatable); jobs = scripts x datasets\n"
    "  -- ARGS...            arguments given to every script (arg[1], ...)\n"
    "  -m, --manifest FILE   one job a line: SCRIPT DATASET [ARG...]; fields are\n"
    "                        separated by blanks, \"quoted\" with \\\" and \\\\ escapes;\n"
    "                        lines starting with # are comments; relative paths\n"
    "                        are relative to the manifest's directory\n"
    "options:\n"
    "  -o, --out-dir DIR     where results and summaries go (created if missing)\n"
    "  -j, --jobs N          jobs run in parallel (default: all cores)\n"
    "  --format F            csv (default), json, md, tsv or table\n"
    "  --resume              skip jobs whose result exists and whose inputs\n"
    "                        (script, dataset, arguments, format, version) are unchanged\n"
    "  --quiet               no progress line and no report on stderr\n"
    "  --threads N           threads per job for uncertainty analysis (default 1)\n"
    "  --timeout S, --max-memory SIZE, --max-instructions N, --max-output SIZE,\n"
    "  --allow-read DIR\n"
    "                        limits and sandbox for every job, as for gcisim run\n"
    "\n"
    "statuses: ok, script_error, data_error, timeout, memory, instructions,\n"
    "          output_error, output_limit, usage_error, crashed, interrupted\n"
    "exit codes: 0 all jobs ok, 1 some failed, 64 usage or setup error\n";

/* ---------- option checks (the same rules as gcisim run) ---------- */

static int check_num(const char *s) {
  double v;
  return gs_parse_number(s, &v);
}

static int check_size(const char *s) {
  size_t v;
  return gs_parse_size(s, &v);
}

/* The limits every job runs under: checked here, so that a bad value is a
 * batch usage error before anything runs, then recorded by run.c's own
 * reader (gs_run_sbopts_parse) into the options each job's gs_run gets. */
static const struct {
  const char *name;
  int size;          /* a size such as 64M, else a number */
  const char *needs; /* for the message */
} limit_opts[] = {
    {"--timeout", 0, "seconds"},
    {"--max-memory", 1, "a size such as 64M"},
    {"--max-output", 1, "a size such as 1M"},
    {"--max-instructions", 0, "a number"},
};

/* Index of a in limit_opts, or -1. */
static int limit_opt(const char *a) {
  for (size_t k = 0; k < sizeof limit_opts / sizeof *limit_opts; k++)
    if (strcmp(a, limit_opts[k].name) == 0) return (int)k;
  return -1;
}

static int parse_opts(int argc, char **argv, batch *b) {
  b->fmt = "csv";
  b->threads = "1";
  gs_run_sbopts_init(&b->sbo);
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  b->njobs_parallel = ncpu > 0 ? (int)ncpu : 1;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    int lim = limit_opt(a);
#define IS(s1, s2) (strcmp(a, s1) == 0 || strcmp(a, s2) == 0)
#define NEEDV() do { if (!v) return batch_err("%s needs a value", a); i++; } while (0)
    if (strcmp(a, "--") == 0) {
      b->cargs = argv + i + 1;
      b->ncargs = argc - i - 1;
      break;
    } else if (IS("-o", "--out-dir")) { NEEDV(); b->outdir = v; }
    else if (IS("-j", "--jobs")) {
      NEEDV();
      char *end;
      long n = strtol(v, &end, 10);
      if (end == v || *end || n < 1 || n > 1024) return batch_err("-j needs a number of jobs from 1 to 1024, got '%s'", v);
      b->njobs_parallel = (int)n;
    } else if (IS("-s", "--scripts")) {
      NEEDV();
      if (b->nscripts == 64) return batch_err("too many %s", a);
      b->scripts[b->nscripts++] = v;
    } else if (IS("-d", "--datasets")) {
      NEEDV();
      if (b->ndatasets == 64) return batch_err("too many %s", a);
      b->datasets[b->ndatasets++] = v;
    } else if (IS("-m", "--manifest")) { NEEDV(); b->manifest = v; }
    else if (IS("--format", "--format")) {
      NEEDV();
      if (gs_format_parse(v) < 0) return batch_err("unknown format '%s' (" GS_FORMAT_NAMES ")", v);
      b->fmt = v;
    } else if (IS("--resume", "--resume")) b->resume = 1;
    else if (IS("--quiet", "--quiet")) b->quiet = 1;
    else if (IS("--threads", "--threads")) {
      NEEDV();
      if (check_num(v)) return batch_err("--threads needs a whole number, got '%s'", v);
      b->threads = v;
    } else if (lim >= 0) {
      NEEDV();
      if (limit_opts[lim].size ? check_size(v) : check_num(v)) {
        char msg[96];
        snprintf(msg, sizeof msg, "%s needs %s, got '%%s'", a, limit_opts[lim].needs);
        return batch_err(msg, v);
      }
      gs_run_sbopts_parse(&b->sbo, a, v);
    } else if (IS("--allow-read", "--allow-read")) {
      NEEDV();
      struct stat st;
      if (stat(v, &st) != 0 || !S_ISDIR(st.st_mode)) return batch_err("--allow-read: '%s' is not a directory", v);
      if (b->nreads == 16) return batch_err("too many %s", a);
      b->nreads++;
      gs_run_sbopts_parse(&b->sbo, a, v);
    } else {
      return batch_err("unknown option or argument '%s'", a);
    }
#undef IS
#undef NEEDV
  }
  if (!b->outdir) return batch_err("batch needs an output directory (-o DIR)%s", "");
  if (b->manifest && (b->nscripts || b->ndatasets))
    return batch_err("give either a manifest or scripts and datasets, not both%s", "");
  if (b->manifest && b->ncargs) return batch_err("with a manifest, give each job's arguments in the manifest%s", "");
  if (!b->manifest && (!b->nscripts || !b->ndatasets))
    return batch_err("batch needs scripts and datasets (-s GLOB -d GLOB) or a manifest (-m FILE)%s", "");
  return 0;
}

/* ---------- the output directory ---------- */

/* ---------- the output directory ---------- */

static int mkdir_p(const char *dir) {
  char p[PATH_MAX];
  if (snprintf(p, sizeof p, "%s", dir) >= (int)sizeof p) { errno = ENAMETOOLONG; return -1; }
  for (char *s = p + 1; *s; s++) {
    if (*s != '/') continue;
    *s = '\0';
    if (mkdir(p, 0777) != 0 && errno != EEXIST) return -1;
    *s = '/';
  }
  if (mkdir(p, 0777) != 0 && errno != EEXIST) return -1;
  struct stat st;
  if (stat(p, &st) != 0) return -1;
  if (!S_ISDIR(st.st_mode)) { errno = ENOTDIR; return -1; }
  return 0;
}

/* Every job is a forked child that runs a script, and the shared
 * libraries it calls (liblua into itself and into libc, libcsv) bind their
 * symbols lazily: each child looked up again each symbol its job called,
 * through every loaded object's hash tables, writing the library's GOT, so
 * each job took a few dozen page faults (hash-table pages a fork does not
 * map, GOT pages it copies on write) that the parent had already paid or
 * never needed.  The executable's own -z now (Makefile) does not reach the
 * libraries, a lookup in the parent does not fill what the children use,
 * and glibc has no call to bind an already loaded library now; the loader
 * does so for every library when LD_BIND_NOW is set at start.  So a batch
 * starts itself again once with it (a few milliseconds), and its children
 * inherit a fully bound, read-only symbol table: 200 one-line jobs took
 * 0.94 s of CPU before, 0.84-0.86 s after (min of several runs, 2 cores),
 * with about 25 fewer page faults a job.
 * GCISIM_BATCH_BOUND marks the second start, so that it never loops and
 * removes both variables before any job runs: a job started by a trusted
 * script sees the environment the batch was given.  Under valgrind (its
 * preload in LD_PRELOAD) the exec would leave valgrind behind, so it is
 * not done there. */
void gs_batch_bind_now(char **argv) {
  if (getenv("GCISIM_BATCH_BOUND")) {
    unsetenv("GCISIM_BATCH_BOUND");
    unsetenv("LD_BIND_NOW");
    return;
  }
  const char *pre = getenv("LD_PRELOAD");
  if (getenv("LD_BIND_NOW") || (pre && strstr(pre, "vgpreload"))) return;
  if (setenv("LD_BIND_NOW", "1", 1) != 0 || setenv("GCISIM_BATCH_BOUND", "1", 1) != 0) return;
  fflush(NULL);
  execv("/proc/self/exe", argv);
  unsetenv("GCISIM_BATCH_BOUND");
  unsetenv("LD_BIND_NOW");
}

int gs_batch_main(int argc, char **argv) {
  if (argc >= 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
    fputs(gs_batch_usage, stdout);
    return 0;
  }
  batch b;
  memset(&b, 0, sizeof b);
  int rc = parse_opts(argc, argv, &b);
  if (!rc) rc = b.manifest ? batch_jobs_from_manifest(&b) : batch_jobs_from_globs(&b);
  if (!rc && mkdir_p(b.outdir) != 0) rc = batch_err("cannot create the output directory: %s", strerror(errno));
  if (!rc) rc = batch_name_jobs(&b);
  if (!rc) rc = batch_clean_temporaries(&b);
  if (rc) { batch_free(&b); return rc; }

  batch_progress pg = {isatty(2) && !b.quiet, batch_now(), 0, b.n, 0, 0};
  size_t resumed = 0;
  for (size_t i = 0; i < b.n; i++) {
    batch_job *j = &b.jobs[i];
    j->status = ST_PENDING;
    if (b.resume && batch_result_current(j)) {
      j->status = ST_OK;
      j->resumed = 1;
      resumed++;
      pg.done++;
    }
  }
  if ((rc = batch_pool_begin())) { batch_free(&b); return rc; }
  rc = batch_pool_run(&b, &pg);
  batch_progress_end(&pg);
  for (size_t i = 0; i < b.n; i++)
    if (b.jobs[i].status == ST_PENDING) {
      b.jobs[i].status = ST_INTERRUPTED;
      snprintf(b.jobs[i].msg, sizeof b.jobs[i].msg, "not run (batch stopped)");
    }
  int sum_bad = batch_write_summary(&b, "summary.csv", 0) != 0;
  if (!sum_bad) sum_bad = batch_write_summary(&b, "summary.json", 1) != 0;
  if (sum_bad) fprintf(stderr, "gcisim batch: cannot write the summary in %s: %s\n", b.outdir, strerror(errno));
  size_t ok = 0, interrupted = 0;
  for (size_t i = 0; i < b.n; i++) {
    ok += b.jobs[i].status == ST_OK;
    interrupted += b.jobs[i].status == ST_INTERRUPTED;
  }
  batch_report(&b, ok, resumed, interrupted);
  int sig = batch_pool_stop_signal(), quiet = b.quiet, all_ok = ok == b.n && !sum_bad;
  batch_pool_end();
  batch_free(&b);
  if (sig) {
    if (!quiet) fprintf(stderr, "gcisim batch: stopped by signal %d; finished jobs are kept (rerun with --resume)\n", sig);
    fflush(NULL);
    raise(sig); /* end as the signal asked, so the shell sees it */
    return 128 + sig;
  }
  if (rc) return rc;
  return all_ok ? 0 : 1;
}
