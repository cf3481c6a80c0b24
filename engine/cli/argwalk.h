/* argwalk.h - one walk over a command's arguments, for the commands that
 * take options and operands in any order (run, check, repl, explain,
 * explain --index).
 *
 * The rules every one of them follows, written once:
 *   - "--" ends the options: every argument after it is an operand, even
 *     one that starts with "-" (a second "--" too);
 *   - options and operands mix in any order;
 *   - an option the command's table says takes a value takes the next
 *     argument, whatever it is; when there is none: "--opt needs a value";
 *   - an option the command does not know is a usage error in the
 *     command's words: "WHO: unknown option '--x'".
 * What an argument that starts with "-" is depends on the command:
 * `gcisim run` reads only "--..." as an option, so that "-" (the script
 * from stdin) and "-x" are operands; the others read "-x" as an option and
 * "-" alone as an operand.
 *
 * The walker keeps no state and no pointer: each option goes to the
 * command's callback, and the operands into the command's array, as
 * pointers into argv, which the command may keep as long as argv lives. */
#ifndef GS_ARGWALK_H
#define GS_ARGWALK_H

/* An option of the command's table (a list ending with a NULL name). */
typedef struct {
  const char *name; /* "--format" */
  int value;        /* 1: takes the next argument as its value */
  int id;           /* given to the callback (several names may share one) */
} gs_argopt;

typedef enum {
  GS_ARGS_DASH,    /* an option starts with "-" and is not "-" alone */
  GS_ARGS_DASHDASH /* an option starts with "--" */
} gs_argstyle;

/* A callback returns GS_EX_OK to go on, GS_ARGWALK_STOP to end the walk
 * at once with GS_EX_OK (e.g. --help printed), or the exit code of a usage
 * error it reported (gs_usage_error). */
#define GS_ARGWALK_STOP (-1)

typedef struct {
  const char *who;       /* "explain" in "explain: unknown option"; NULL: no prefix */
  gs_argstyle style;
  const gs_argopt *opts; /* the command's options */
  /* opts' option id named name, with its value (NULL for a flag). */
  int (*option)(void *ctx, int id, const char *name, const char *value);
  /* How many operands the command takes (-1: any number), and the usage
   * error for one more (a format with one %s, the operand). */
  int max_operands;
  const char *extra_operand;
  /* Options read by a shared reader rather than the table (the sandbox
   * options, --digits/--ties), tried after the table: given the option and
   * the next argument (NULL if none), returns how many arguments it took
   * (1 or 2), 0 when a is not its own, -1 after a usage error it reported.
   * NULL: none. */
  int (*more)(void *ctx, const char *a, const char *v);
} gs_argwalk;

/* Walks argv[0..argc-1] (the arguments after the command's name), ctx
 * going to the callbacks; the operands go in order to operands[], which
 * has room for max_operands (argc when any number), their count to
 * *noperands.  Returns GS_EX_OK, or the usage error's exit code (reported
 * on stderr). */
int gs_argwalk_run(const gs_argwalk *w, int argc, char **argv, void *ctx, const char **operands, int *noperands);

/* Whether --help or -h is among the arguments, anywhere: the commands
 * that print their usage whatever else the line holds. */
int gs_args_have_help(int argc, char **argv);

#endif
