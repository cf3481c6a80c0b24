/* run.h - the `gcisim run` command as a function, so that the command line
 * and the batch runner (which calls it in a child process per job) share
 * one implementation of options, sandbox, output and exit codes; and the
 * sandbox setup (options, file policy, exit code of a failed run) that
 * `gcisim repl` and `gcisim check` use as well. */
#ifndef GS_RUN_H
#define GS_RUN_H
#include <stddef.h>

#include "lgci.h"
#include "output.h"
#include "policy.h"
#include "sandbox.h"
#include "table.h"
#include "ties.h"

/* Exit codes: what went wrong, so batch runs and shell scripts can tell
 * failures apart.  sysexits(3) values where one fits (usage, data, output),
 * 1 for an error in the script (as the stock `lua` exits), and gcisim's own
 * codes above the sysexits range for the three limits. */
enum {
  GS_EX_OK = 0,
  GS_EX_SCRIPT = 1,   /* the script raised an error or did not compile */
  GS_EX_USAGE = 64,   /* EX_USAGE: bad command line */
  GS_EX_DATA = 65,    /* EX_DATAERR: a dataset or metadata file is wrong */
  GS_EX_OUTPUT = 73,  /* EX_CANTCREAT: the output could not be written */
  GS_EX_TIMEOUT = 80, /* --timeout passed */
  GS_EX_MEMORY = 81,  /* --max-memory passed */
  GS_EX_INSTR = 82,   /* --max-instructions passed */
  GS_EX_OUTLIMIT = 83 /* --max-output passed */
};

/* `gcisim run --help`. */
extern const char gs_usage[];

/* Runs `gcisim run` with the arguments after "run"; returns the exit code.
 * Messages go to stderr, the result to stdout or --out. */
int gs_run_main(int argc, char **argv);

/* Option values, shared with the batch runner so both accept the same
 * text: a size such as 64M, 1G, 512k or 1048576 (bytes) into *out; a
 * number >= 0 (seconds, counts) into *out.  Return 0, or -1 if invalid. */
int gs_parse_size(const char *s, size_t *out);
int gs_parse_number(const char *s, double *out);

/* Prints "gcisim: " fmt (with one %s argument) and a usage hint to stderr;
 * returns GS_EX_USAGE. */
int gs_usage_error(const char *fmt, const char *arg);

/* --format F for the commands that print a table (run, explain, merge):
 * sets *fmt and *given (either may be NULL) and returns GS_EX_OK, or
 * prints the usage error and returns GS_EX_USAGE. */
int gs_parse_format_option(const char *v, gs_format *fmt, int *given);

/* The format of --out FILE: *fmt unchanged when --format was given
 * (fmt_given) or FILE has no extension, else the extension's format.
 * Returns GS_EX_OK, or prints a usage error for an extension that names no
 * format and returns GS_EX_USAGE. */
int gs_out_format(const char *out, gs_format *fmt, int fmt_given);

/* --ties RULE and --digits N for the commands that rank outside a script
 * (explain, explain --index), with the values of the Lua options `ties`
 * and `digits` (-1 to GS_OPT_DIGITS_MAX).  a is the argument, v the one
 * after it (or NULL).  Returns 2 when a is one of them and v is valid
 * (*ties or *digits set), 0 when a is neither, -1 after printing a usage
 * error. */
int gs_parse_rank_option(const char *a, const char *v, int *digits, gs_ties *ties);

/* Writes the table t in fmt to the file out, atomically (a temporary
 * beside it, renamed once complete: never a half-written file), or to
 * stdout when out is NULL; for the commands that print a table without a
 * Lua state (explain, merge).  Returns GS_EX_OK, or GS_EX_OUTPUT after
 * printing "gcisim: cannot write ...". */
int gs_write_table(const gs_table *t, gs_format fmt, const char *out);

/* Names the command running (main.c sets it before dispatching; name is a
 * static string), for gs_usage_error's pointer to `gcisim NAME --help`. */
void gs_usage_set_command(const char *name);

/* ---- shared by the commands that run Lua in a sandbox: run, repl, check ---- */

/* The sandbox and limit options of `gcisim run`, which `gcisim repl`
 * takes too.  The directory strings are borrowed from argv. */
typedef struct {
  gs_limits lim;
  const char *reads[32], *writes[32]; /* --allow-read / --allow-write DIR */
  int nreads, nwrites;
} gs_run_sbopts;

/* The defaults: 256M of memory, 10 s, no instruction limit, sandboxed. */
void gs_run_sbopts_init(gs_run_sbopts *s);

/* If a is one of --allow-read DIR, --allow-write DIR, --max-memory SIZE,
 * --timeout SECONDS, --max-instructions N or --trusted (v: the argument
 * after it, or NULL), records it and returns how many arguments it took
 * (1 or 2); returns 0 when a is none of them, or -1 after printing a
 * usage error. */
int gs_run_sbopts_parse(gs_run_sbopts *s, const char *a, const char *v);

/* The file policy of a sandboxed command: everything when --trusted; else
 * --allow-read and --allow-write, data/ in the working directory and the
 * installed data directory (datadir.h) when they exist, and the directory
 * of each of files[0..nfiles-1] (NULL entries are skipped).  Returns the
 * policy (the caller frees it), or NULL after printing why, with *rc set
 * to GS_EX_USAGE (a directory that does not exist) or GS_EX_MEMORY. */
gs_policy *gs_run_policy(const gs_run_sbopts *s, const char *const *files, int nfiles, int *rc);

/* The exit code of a failed sandboxed run: the limit hit, if any, else
 * GS_EX_DATA when msg carries the data error gci recorded in ctx, else
 * GS_EX_SCRIPT.  msg may be NULL. */
int gs_run_exit_code(const gs_sandbox *sb, const gs_ctx *ctx, const char *msg);

/* One run described as data, for the batch runner: what `gcisim run
 * SCRIPT ARGS... --dataset D --out F --format X ...` does, without an argv
 * (so no job field can be taken for an option).  Every string is borrowed
 * for the call. */
typedef struct {
  const char *script;
  char *const *args; /* the script's arg[1..nargs] */
  int nargs;
  const char *dataset; /* may be NULL */
  const char *out;     /* may be NULL: stdout */
  gs_format fmt;
  int threads, quiet, no_sync;
  gs_run_sbopts sbo;
} gs_run_opts;

/* Runs it; returns the exit code, as gs_run_main. */
int gs_run(const gs_run_opts *o);
#endif
