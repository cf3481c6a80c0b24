/* run.h - the `gcisim run` command as a function, so that the command line
 * and the batch runner (which calls it in a child process per job) share
 * one implementation of options, sandbox, output and exit codes. */
#ifndef GS_RUN_H
#define GS_RUN_H

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
  GS_EX_INSTR = 82    /* --max-instructions passed */
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

/* Names the command running (main.c sets it before dispatching; name is a
 * static string), for gs_usage_error's pointer to `gcisim NAME --help`. */
void gs_usage_set_command(const char *name);
#endif
