/* run.h - the `gcisim run` command as a function, so that the command line
 * and the batch runner (which calls it in a child process per job) share
 * one implementation of options, sandbox, output and exit codes. */
#ifndef GS_RUN_H
#define GS_RUN_H

/* Exit codes: what went wrong, so batch runs can tell failures apart. */
enum { GS_EX_OK, GS_EX_SCRIPT, GS_EX_USAGE, GS_EX_DATA, GS_EX_TIMEOUT, GS_EX_MEMORY, GS_EX_INSTR, GS_EX_OUTPUT };

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
#endif
