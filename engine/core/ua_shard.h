/* ua_shard.h - the shard files of a sharded uncertainty analysis, writer
 * and reader side by side: what `gcisim run --shard I/N` writes and
 * `gcisim merge` reads.  A shard file wraps the mergeable partial of ua.h
 * (gs_ua_partial_write) with what printing the merged table needs:
 *   gcisim-shard 1
 *   units N
 *   KEY<TAB>NAME          (N lines)
 *   note TEXT
 *   <partial>
 * so that a merge prints exactly what one unsharded run prints. */
#ifndef GS_UA_SHARD_H
#define GS_UA_SHARD_H
#include <stdio.h>

#include "ua.h"

/* A shard file read back.  Every pointer is owned by the struct and freed
 * by gs_ua_shard_clear. */
typedef struct {
  size_t n;              /* units */
  char **key, **name;    /* n each */
  char note[4096];       /* the analysis' settings, as printed */
  gs_ua_result *r;       /* the partial */
} gs_ua_shard;

/* Writes a shard file for result r of n units with keys and names
 * (borrowed) and a one-line note to f.  Returns 0, or -1 on a write error
 * or when r keeps no histograms. */
int gs_ua_shard_write(FILE *f, const gs_ua_result *r, size_t n, char *const *key, char *const *name,
                      const char *note);

/* Reads a shard file from f; path names it in messages.  Returns 0 with
 * *s filled, or -1 with "path:line:1: message" in err and *s cleared. */
int gs_ua_shard_read(FILE *f, const char *path, gs_ua_shard *s, char *err, size_t errlen);

/* Frees what s owns and zeroes it; NULL is a no-op. */
void gs_ua_shard_clear(gs_ua_shard *s);

#endif
