/* datadir.c - the data directory fallback (see datadir.h). */
#include "datadir.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

const char *gs_datadir(void) {
  const char *env = getenv("GCISIM_DATADIR");
  if (env && *env) return env;
  return *GS_DATADIR ? GS_DATADIR : NULL;
}

const char *gs_datadir_resolve(const char *path, char *buf, size_t len) {
  if (!path[0] || path[0] == '/') return path;
  /* Only a path that is missing falls back: one that exists but cannot be
   * read must report its own error, not silently read another file. */
  if (access(path, F_OK) == 0 || errno != ENOENT) return path;
  const char *dir = gs_datadir();
  if (!dir) return path;
  int k = snprintf(buf, len, "%s/%s", dir, path);
  if (k < 0 || (size_t)k >= len) return path;
  return access(buf, F_OK) == 0 ? buf : path;
}
