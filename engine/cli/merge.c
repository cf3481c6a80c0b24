/* merge.c - `gcisim merge` (see merge.h and the shard format in core/ua_shard.h). */
#include "merge.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "run.h"
#include "table.h"
#include "ua.h"
#include "ua_shard.h"
#include "uatable.h"

typedef gs_ua_shard shard;
#define shard_clear gs_ua_shard_clear

/* Reads one shard file (parsing is in core/ua_shard.c); 0, or -1 with
 * "file:line:1: message" in err. */
static int shard_read(const char *path, shard *s, char *err, size_t errlen) {
  FILE *f = fopen(path, "r");
  if (!f) { snprintf(err, errlen, "%s:1:1: cannot open: %s", path, strerror(errno)); return -1; }
  int rc = gs_ua_shard_read(f, path, s, err, errlen);
  fclose(f);
  return rc;
}

/* Names what is wrong with the set of shards before merging: files of
 * different shard counts, a shard number given twice (with both files),
 * or the shard numbers missing ("--shard I/N" as the runs were given).
 * Returns 0, or -1 after printing the message. */
static int check_shard_set(char **files, const shard *sh, size_t nf) {
  uint32_t i0, n;
  gs_ua_result_shard(sh[0].r, &i0, &n);
  if (n == 0) n = 1;
  size_t *who = malloc(n * sizeof *who); /* file index + 1 of each shard, 0 = none */
  if (!who) { fputs("gcisim merge: out of memory\n", stderr); return -1; }
  for (uint32_t k = 0; k < n; k++) who[k] = 0;
  int bad = 0;
  for (size_t i = 0; i < nf && !bad; i++) {
    uint32_t si, sn;
    gs_ua_result_shard(sh[i].r, &si, &sn);
    if (sn == 0) sn = 1;
    if (sn != n) {
      fprintf(stderr, "gcisim merge: %s is shard %u/%u, but %s is one of %u shards\n", files[i], si, sn, files[0], n);
      bad = 1;
    } else if (si < n && who[si]) {
      fprintf(stderr, "gcisim merge: shard %u/%u given twice: %s and %s\n", si, n, files[who[si] - 1], files[i]);
      bad = 1;
    } else if (si < n) {
      who[si] = i + 1;
    }
  }
  if (!bad) {
    uint32_t missing = 0;
    for (uint32_t k = 0; k < n; k++) missing += !who[k];
    if (missing) {
      fprintf(stderr, "gcisim merge: %u of %u shards missing: ", missing, n);
      uint32_t shown = 0;
      for (uint32_t k = 0; k < n && shown < 20; k++)
        if (!who[k]) fprintf(stderr, "%s%u/%u", shown++ ? ", " : "", k, n);
      if (missing > shown) fprintf(stderr, " and %u more", missing - shown);
      fprintf(stderr, " (run them with --shard I/N as given)\n");
      bad = 1;
    }
  }
  free(who);
  return bad ? -1 : 0;
}

const char gs_merge_usage[] =
    "usage: gcisim merge SHARD... [--format F] [--out FILE]\n"
    "\n"
    "Combines the shard files of a sharded uncertainty analysis (each written by\n"
    "gcisim run SCRIPT.lua --shard I/N --out FILE) into the table one unsharded\n"
    "run with the same seed prints.  Refuses missing, repeated or foreign shards.\n"
    "\n"
    "options:\n"
    "  --format F          table (default), csv, json, md or tsv\n"
    "  --out FILE          write the result to FILE (atomically); the format\n"
    "                      follows the extension unless --format is given\n"
    "\n"
    "exit codes: 0 ok, 64 usage, 65 a shard is missing or does not belong,\n"
    "            73 output not written\n";

int gs_merge_main(int argc, char **argv) {
  if (argc >= 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
    fputs(gs_merge_usage, stdout);
    return GS_EX_OK;
  }
  gs_format fmt = GS_FMT_TABLE;
  int fmt_given = 0;
  const char *out = NULL;
  char **files = calloc((size_t)argc + 1, sizeof *files);
  size_t nf = 0;
  if (!files) return GS_EX_MEMORY;
  int rest = 0; /* after "--": every argument is a shard file */
  for (int i = 0; i < argc; i++) {
    if (rest) files[nf++] = argv[i];
    else if (strcmp(argv[i], "--") == 0) rest = 1;
    else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
      if (gs_parse_format_option(argv[++i], &fmt, &fmt_given) != GS_EX_OK) {
        free(files);
        return GS_EX_USAGE;
      }
    } else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
      out = argv[++i];
    } else if (strncmp(argv[i], "--", 2) == 0) {
      free(files);
      return gs_usage_error("merge: unknown option '%s'", argv[i]);
    } else {
      files[nf++] = argv[i];
    }
  }
  if (nf == 0) { free(files); return gs_usage_error("merge needs shard files%s", ""); }
  if (out && gs_out_format(out, &fmt, fmt_given) != GS_EX_OK) { free(files); return GS_EX_USAGE; }
  shard *sh = calloc(nf, sizeof *sh);
  const gs_ua_result **parts = calloc(nf, sizeof *parts);
  int rc = GS_EX_OK;
  char err[1200];
  gs_ua_result *merged = NULL;
  gs_table *table = NULL;
  if (!sh || !parts) { rc = GS_EX_MEMORY; goto done; }
  for (size_t i = 0; i < nf; i++) {
    if (shard_read(files[i], &sh[i], err, sizeof err) != 0) { fprintf(stderr, "%s\n", err); rc = GS_EX_DATA; goto done; }
    parts[i] = sh[i].r;
    int same = sh[i].n == sh[0].n && strcmp(sh[i].note, sh[0].note) == 0;
    for (size_t u = 0; same && u < sh[0].n; u++) same = strcmp(sh[i].key[u], sh[0].key[u]) == 0;
    if (!same) {
      fprintf(stderr, "%s:1:1: shard of another analysis than %s (units or settings differ)\n", files[i], files[0]);
      rc = GS_EX_DATA;
      goto done;
    }
  }
  if (check_shard_set(files, sh, nf) != 0) { rc = GS_EX_DATA; goto done; }
  if (gs_ua_merge(parts, nf, &merged, err, sizeof err) != 0) {
    fprintf(stderr, "gcisim merge: %s\n", err);
    rc = GS_EX_DATA;
    goto done;
  }
  /* printed through gs_table, without a Lua state (uatable.h: the same
   * table d:uncertainty prints) */
  table = gs_ua_table(merged, "iso3", sh[0].key, sh[0].name, sh[0].note);
  if (!table) { rc = GS_EX_MEMORY; goto done; }
  rc = gs_write_table(table, fmt, out);
done:
  gs_table_free(table);
  gs_ua_result_free(merged);
  for (size_t i = 0; sh && i < nf; i++) shard_clear(&sh[i]);
  free(sh);
  free(parts);
  free(files);
  return rc;
}
