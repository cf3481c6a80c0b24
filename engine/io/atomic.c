/* atomic.c - all-or-nothing output files (see atomic.h). */
#include "atomic.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The temporaries now open, for gs_atomic_cleanup_signal: a fixed table
 * in static memory, so that a signal handler can walk it.  A slot's name
 * is written before its flag is set, and the flag cleared before the slot
 * is reused; a handler sees only whole names. */
#define NTMP 16
static char tmp_name[NTMP][PATH_MAX];
static volatile sig_atomic_t tmp_used[NTMP];

static void tmp_register(const char *tmp) {
  if (strlen(tmp) >= PATH_MAX) return;
  for (int i = 0; i < NTMP; i++)
    if (!tmp_used[i]) {
      memcpy(tmp_name[i], tmp, strlen(tmp) + 1);
      tmp_used[i] = 1;
      return;
    }
}

static void tmp_unregister(const char *tmp) {
  for (int i = 0; i < NTMP; i++)
    if (tmp_used[i] && strcmp(tmp_name[i], tmp) == 0) { tmp_used[i] = 0; return; }
}

void gs_atomic_cleanup_signal(void) {
  for (int i = 0; i < NTMP; i++)
    if (tmp_used[i]) unlink(tmp_name[i]);
}

FILE *gs_atomic_open(const char *path, char *tmp_path, size_t len) {
  int k = snprintf(tmp_path, len, "%s.tmp.XXXXXX", path);
  if (k < 0 || (size_t)k >= len) { errno = ENAMETOOLONG; return NULL; }
  int fd = mkstemp(tmp_path);
  if (fd < 0) return NULL;
  tmp_register(tmp_path);
  /* mkstemp makes the file 0600; the result should get the mode a plain
   * `> path` would give it: the existing file's, or 0666 less the umask.
   * (umask can only be read by setting it; commands are single-threaded
   * when they write.) */
  struct stat st;
  mode_t mode;
  if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
    mode = st.st_mode & 07777;
  } else {
    mode_t mask = umask(022);
    umask(mask);
    mode = 0666 & ~mask;
  }
  if (fchmod(fd, mode) != 0) { close(fd); unlink(tmp_path); tmp_unregister(tmp_path); return NULL; }
  FILE *f = fdopen(fd, "w");
  if (!f) { close(fd); unlink(tmp_path); tmp_unregister(tmp_path); }
  return f;
}

int gs_atomic_commit(FILE *f, const char *tmp_path, const char *path, int sync) {
  int bad = fflush(f) != 0 || ferror(f) || (sync && fsync(fileno(f)) != 0);
  bad |= fclose(f) != 0;
  if (bad || rename(tmp_path, path) != 0) {
    int e = errno;
    unlink(tmp_path);
    tmp_unregister(tmp_path);
    errno = e ? e : EIO;
    return -1;
  }
  tmp_unregister(tmp_path);
  return 0;
}

void gs_atomic_abort(FILE *f, const char *tmp_path) {
  if (f) fclose(f);
  unlink(tmp_path);
  tmp_unregister(tmp_path);
}
