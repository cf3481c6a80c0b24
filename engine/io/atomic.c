/* atomic.c - all-or-nothing output files (see atomic.h). */
#include "atomic.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

FILE *gs_atomic_open(const char *path, char *tmp_path, size_t len) {
  int k = snprintf(tmp_path, len, "%s.tmp.XXXXXX", path);
  if (k < 0 || (size_t)k >= len) { errno = ENAMETOOLONG; return NULL; }
  int fd = mkstemp(tmp_path);
  if (fd < 0) return NULL;
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
  if (fchmod(fd, mode) != 0) { close(fd); unlink(tmp_path); return NULL; }
  FILE *f = fdopen(fd, "w");
  if (!f) { close(fd); unlink(tmp_path); }
  return f;
}

int gs_atomic_commit(FILE *f, const char *tmp_path, const char *path, int sync) {
  int bad = fflush(f) != 0 || ferror(f) || (sync && fsync(fileno(f)) != 0);
  bad |= fclose(f) != 0;
  if (bad || rename(tmp_path, path) != 0) {
    int e = errno;
    unlink(tmp_path);
    errno = e ? e : EIO;
    return -1;
  }
  return 0;
}

void gs_atomic_abort(FILE *f, const char *tmp_path) {
  if (f) fclose(f);
  unlink(tmp_path);
}
