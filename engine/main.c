/* main.c - the gcisim command line: dispatches to the commands.
 *
 *   gcisim run SCRIPT.lua [ARGS...] [options]   (run.c)
 *   gcisim batch -o DIR (-s GLOB -d GLOB | -m MANIFEST) [options]   (batch.c)
 *   gcisim merge SHARD... [--format F] [--out FILE]   (merge.c)
 *   gcisim explain DATA.csv ISO3 [options]   (explain_cmd.c)
 *   gcisim repl [DATA.csv] [options]   (repl.c)
 */
#include <lua.h>
#include <stdio.h>
#include <string.h>

#include "batch.h"
#include "explain_cmd.h"
#include "merge.h"
#include "repl.h"
#include "run.h"
#include "version.h"

int main(int argc, char **argv) {
  if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    fputs(gs_usage, argc < 2 ? stderr : stdout);
    return argc < 2 ? GS_EX_USAGE : GS_EX_OK;
  }
  if (strcmp(argv[1], "--version") == 0) {
    printf("gcisim %s (%s)\n", GCISIM_VERSION, LUA_RELEASE);
    return GS_EX_OK;
  }
  if (strcmp(argv[1], "run") == 0) return gs_run_main(argc - 2, argv + 2);
  if (strcmp(argv[1], "batch") == 0) return gs_batch_main(argc - 2, argv + 2);
  if (strcmp(argv[1], "merge") == 0) return gs_merge_main(argc - 2, argv + 2);
  if (strcmp(argv[1], "explain") == 0) return gs_explain_main(argc - 2, argv + 2);
  if (strcmp(argv[1], "repl") == 0) return gs_repl_main(argc - 2, argv + 2);
  return gs_usage_error("unknown command '%s'", argv[1]);
}
