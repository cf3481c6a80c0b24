/* main.c - the gcisim command line: dispatches to the commands, each of
 * which lives in its own module and answers its own --help.
 *
 *   gcisim run SCRIPT.lua [ARGS...] [options]   (run.c)
 *   gcisim batch -o DIR (-s GLOB -d GLOB | -m MANIFEST) [options]   (batch.c)
 *   gcisim merge SHARD... [--format F] [--out FILE]   (merge.c)
 *   gcisim check EXERCISE.lua [--hint] [--expect ID]   (check.c)
 *   gcisim explain DATA.csv ISO3 [options]   (explain_cmd.c)
 *   gcisim repl [DATA.csv] [options]   (repl.c)
 */
#include <lua.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "check.h"
#include "explain_cmd.h"
#include "merge.h"
#include "repl.h"
#include "run.h"
#include "version.h"

/* Short on purpose: `gcisim` alone should fit on one screen and point to
 * the per-command help and the manual, as git and apt do. */
static const char main_usage[] =
    "usage: gcisim COMMAND [ARGS...]\n"
    "\n"
    "commands:\n"
    "  run SCRIPT.lua [ARGS...]   run a Lua script with the gci module and print\n"
    "                             what it returns\n"
    "  batch -o DIR ...           run many scripts over many datasets, unattended\n"
    "  merge SHARD...             combine the shards of an uncertainty analysis\n"
    "  explain DATA.csv ISO3      why a country has its score and rank, and the\n"
    "                             smallest gain that moves it up\n"
    "  repl [DATA.csv]            an interactive Lua session with the gci module\n"
    "  check EXERCISE.lua         check a teaching exercise's answers\n"
    "\n"
    "gcisim COMMAND --help (or gcisim help COMMAND) for a command's options\n"
    "(--opt value or --opt=value),\n"
    "gcisim --version for the version, man gcisim for the manual.\n";

/* The answer keys are compiled into the binary only (check_keys.c, made by
 * engine/embed_keys.sh), so the engine library links without them. */
static int check_main(int argc, char **argv) { return gs_check_main(argc, argv, gs_check_keys); }

typedef struct {
  const char *name;
  int (*main)(int argc, char **argv);
  /* the command's options that take no value, so that --quiet=yes is an
   * error instead of --quiet and an argument "yes" (see split_values) */
  const char *const *flags;
} command;

static const char *const run_flags[] = {"--help", "--quiet", "--traceback", "--no-sync", "--trusted", NULL};
static const char *const batch_flags[] = {"--help", "--resume", "--quiet", NULL};
static const char *const help_flag[] = {"--help", NULL};
static const char *const repl_flags[] = {"--help", "--trusted", NULL};
static const char *const check_flags[] = {"--help", "--hint", "--trusted", NULL};

static const command commands[] = {
    {"run", gs_run_main, run_flags},
    {"batch", gs_batch_main, batch_flags},
    {"merge", gs_merge_main, help_flag},
    {"explain", gs_explain_main, help_flag},
    {"repl", gs_repl_main, repl_flags},
    {"check", check_main, check_flags},
    {NULL, NULL, NULL},
};

/* --opt=value, as getopt_long and most Unix tools accept it, becomes
 * --opt value for every command, so each command's parser sees one
 * spelling.  Only before a bare "--": what follows it belongs to the
 * script.  Returns a new argv (*out, NULL-terminated, its strings either
 * argv's or carved from *buf; the caller frees both) and its length, or
 * -1 after a usage error (a flag given a value). */
static int split_values(const command *c, int argc, char **argv, char ***out, char **buf) {
  size_t total = 0;
  for (int i = 0; i < argc; i++) total += strlen(argv[i]) + 1;
  char **nv = calloc((size_t)argc * 2 + 1, sizeof *nv);
  char *b = malloc(total ? total : 1);
  if (!nv || !b) {
    free(nv);
    free(b);
    fputs("gcisim: out of memory\n", stderr);
    return -1;
  }
  int n = 0, rest = 0;
  char *p = b;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    const char *eq = strchr(a, '=');
    if (strcmp(a, "--") == 0) rest = 1;
    if (rest || strncmp(a, "--", 2) != 0 || !eq || eq == a + 2) {
      nv[n++] = argv[i];
      continue;
    }
    size_t k = (size_t)(eq - a);
    memcpy(p, a, k);
    p[k] = '\0';
    for (const char *const *f = c->flags; *f; f++)
      if (strcmp(p, *f) == 0) {
        free(nv);
        free(b);
        gs_usage_error("%s takes no value", *f);
        return -1;
      }
    nv[n++] = p;
    nv[n++] = (char *)eq + 1;
    p += k + 1;
  }
  *out = nv;
  *buf = b;
  return n;
}

static const command *find(const char *name) {
  for (const command *c = commands; c->name; c++)
    if (strcmp(c->name, name) == 0) return c;
  return NULL;
}

int main(int argc, char **argv) {
  /* Large datasets allocate and free arrays of n doubles per operation.
   * glibc maps each one over 128 KiB afresh and returns it on free, so
   * every operation paid a page fault per 4 KiB again: at 10^6 units that
   * was three quarters of r:explain's time (0.58 s against 0.13 s).  Kept
   * in the heap up to 32 MiB and not trimmed below 1 GiB, freed arrays are
   * reused; peak memory is the same. */
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  if (argc >= 2 && strcmp(argv[1], "batch") == 0) gs_batch_bind_now(argv);
  if (argc < 2) {
    fputs(main_usage, stderr);
    return GS_EX_USAGE;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    fputs(main_usage, stdout);
    return GS_EX_OK;
  }
  if (strcmp(argv[1], "--version") == 0) {
    printf("gcisim %s (%s)\n", GCISIM_VERSION, LUA_RELEASE);
    return GS_EX_OK;
  }
  if (strcmp(argv[1], "help") == 0) {
    /* `gcisim help`, `gcisim help help` and `gcisim help --help` all mean
     * the command list. */
    if (argc < 3 || strcmp(argv[2], "help") == 0 || strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0) {
      fputs(main_usage, stdout);
      return GS_EX_OK;
    }
    const command *c = find(argv[2]);
    if (!c) return gs_usage_error("unknown command '%s'", argv[2]);
    char help[] = "--help";
    char *hargv[] = {help, NULL};
    return c->main(1, hargv);
  }
  const command *c = find(argv[1]);
  if (!c) return gs_usage_error("unknown command '%s'", argv[1]);
  gs_usage_set_command(c->name);
  char **nv, *buf;
  int n = split_values(c, argc - 2, argv + 2, &nv, &buf);
  if (n < 0) return GS_EX_USAGE;
  int rc = c->main(n, nv);
  free(nv);
  free(buf);
  return rc;
}
