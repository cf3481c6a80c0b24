/* datadir.c - the data directory fallback (see datadir.h). */
#define _GNU_SOURCE /* dladdr */
#include "datadir.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char installed[PATH_MAX];
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Whether the directory holding `file` is named `name`. */
static int parent_is(const char *file, const char *name) {
  const char *slash = strrchr(file, '/');
  if (!slash) return 0;
  size_t n = strlen(name);
  return (size_t)(slash - file) >= n + 1 && slash[-(long)n - 1] == '/' && strncmp(slash - n, name, n) == 0;
}

/* Finds the installed data directory from the file our code is in: the
 * module when gci.so was loaded by a Lua interpreter, else the program
 * (/proc/self/exe).  Only an installed layout counts: the binary in a
 * directory named bin, the module in one named 5.4 (lib/lua/5.4). */
static void find_installed(void) {
  char exe[PATH_MAX], self[PATH_MAX];
  ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
  exe[k > 0 ? k : 0] = '\0';
  Dl_info info;
  const char *rel = NULL, *file = NULL;
  if (dladdr((void *)find_installed, &info) && info.dli_fname && info.dli_fname[0] &&
      realpath(info.dli_fname, self) && strcmp(self, exe) != 0) {
    file = self; /* a shared object: gci.so */
    if (parent_is(self, "5.4")) rel = GS_DATADIR_FROM_MODULE;
  } else if (exe[0]) {
    file = exe;
    if (parent_is(exe, "bin")) rel = GS_DATADIR_FROM_BIN;
  }
  if (!rel) return;
  char dir[PATH_MAX], joined[PATH_MAX + 64];
  snprintf(dir, sizeof dir, "%s", file);
  *strrchr(dir, '/') = '\0';
  snprintf(joined, sizeof joined, "%s/%s", dir, rel);
  struct stat st;
  if (realpath(joined, installed) && stat(installed, &st) == 0 && S_ISDIR(st.st_mode)) return;
  installed[0] = '\0';
}

const char *gs_datadir(void) {
  const char *env = getenv("GCISIM_DATADIR");
  if (env && *env) return env;
  pthread_once(&once, find_installed);
  return installed[0] ? installed : NULL;
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
