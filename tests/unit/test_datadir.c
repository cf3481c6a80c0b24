/* test_datadir.c - the data directory fallback (engine/datadir.h): which
 * relative paths fall back, which do not, and GCISIM_DATADIR. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "datadir.h"
#include "harness.h"

static void touch(const char *path) {
  FILE *f = fopen(path, "w");
  if (f) fclose(f);
}

int main(void) {
  char top[] = "/tmp/gcisim-datadir-XXXXXX";
  if (!mkdtemp(top)) { perror("mkdtemp"); return 1; }
  char dd[256], cwd[256], p[512];
  snprintf(dd, sizeof dd, "%s/dd", top);
  snprintf(cwd, sizeof cwd, "%s/cwd", top);
  mkdir(dd, 0700);
  mkdir(cwd, 0700);
  snprintf(p, sizeof p, "%s/data", dd);
  mkdir(p, 0700);
  snprintf(p, sizeof p, "%s/data/x.csv", dd);
  touch(p);
  snprintf(p, sizeof p, "%s/here.csv", dd);
  touch(p);
  snprintf(p, sizeof p, "%s/here.csv", cwd);
  touch(p);
  snprintf(p, sizeof p, "%s/plain", cwd);
  touch(p);
  if (chdir(cwd) != 0) { perror("chdir"); return 1; }

  setenv("GCISIM_DATADIR", dd, 1);
  T_STR(gs_datadir(), dd);
  char buf[512], want[512];
  /* Missing here, present in the data directory: the data directory's. */
  snprintf(want, sizeof want, "%s/data/x.csv", dd);
  T_STR(gs_datadir_resolve("data/x.csv", buf, sizeof buf), want);
  /* Present here: the working directory comes first. */
  const char *here = "here.csv";
  T_OK(gs_datadir_resolve(here, buf, sizeof buf) == here, "an existing relative path is kept");
  /* Absolute paths never fall back. */
  const char *abs = "/nonexistent/data/x.csv";
  T_OK(gs_datadir_resolve(abs, buf, sizeof buf) == abs, "an absolute path is kept");
  /* Missing in both: the path as given, for the error message. */
  const char *none = "data/none.csv";
  T_OK(gs_datadir_resolve(none, buf, sizeof buf) == none, "a path missing in both is kept");
  /* There but not reachable (ENOTDIR, not ENOENT): no fallback to another file. */
  const char *notdir = "plain/data/x.csv";
  snprintf(p, sizeof p, "%s/plain/data/x.csv", dd);
  T_OK(gs_datadir_resolve(notdir, buf, sizeof buf) == notdir, "a path failing with ENOTDIR does not fall back");
  /* A buffer too small for DATADIR/path: no truncated path is used. */
  const char *x = "data/x.csv";
  T_OK(gs_datadir_resolve(x, buf, 8) == x, "too small a buffer keeps the path");
  /* An empty path stays empty. */
  T_STR(gs_datadir_resolve("", buf, sizeof buf), "");

  /* Empty GCISIM_DATADIR: the installed directory next to the program,
   * and this test program (build/test_datadir) is not installed: none. */
  setenv("GCISIM_DATADIR", "", 1);
  T_OK(gs_datadir() == NULL, "empty GCISIM_DATADIR, not installed: no data directory, got %s",
       gs_datadir() ? gs_datadir() : "(null)");

  snprintf(p, sizeof p, "rm -rf '%s'", top);
  if (system(p) != 0) fprintf(stderr, "could not remove %s\n", top);
  return t_done();
}
