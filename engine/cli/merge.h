/* merge.h - `gcisim merge`: combines the shard files of a sharded
 * uncertainty analysis (gcisim run ... --shard I/N --out FILE) into exactly
 * the table one unsharded run with the same seed prints. */
#ifndef GS_MERGE_H
#define GS_MERGE_H

/* Runs `gcisim merge SHARD... [--format F] [--out FILE]` with the
 * arguments after "merge"; returns the exit code (run.h's GS_EX_*). */
int gs_merge_main(int argc, char **argv);

/* `gcisim merge --help`. */
extern const char gs_merge_usage[];
#endif
