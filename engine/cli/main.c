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
    "gcisim COMMAND --help (or gcisim help COMMAND) for a command's options,\n"
    "gcisim --version for the version, man gcisim for the manual.\n";

/* The answer keys are compiled into the binary only (check_keys.c, made by
 * engine/embed_keys.sh), so the engine library links without them. */
static int check_main(int argc, char **argv) { return gs_check_main(argc, argv, gs_check_keys); }

typedef struct {
  const char *name;
  int (*main)(int argc, char **argv);
} command;

static const command commands[] = {
    {"run", gs_run_main},
    {"batch", gs_batch_main},
    {"merge", gs_merge_main},
    {"explain", gs_explain_main},
    {"repl", gs_repl_main},
    {"check", check_main},
    {NULL, NULL},
};

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
  return c->main(argc - 2, argv + 2);
}
