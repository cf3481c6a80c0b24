/* atomic.h - writing an output file all or nothing.
 *
 * gs_atomic_open creates a temporary file beside `path` (path.tmp.XXXXXX)
 * and returns it open for writing; gs_atomic_commit flushes, closes and
 * renames it over path (with sync, after fsync, so the new content survives
 * a power cut too; the rename alone already keeps a killed process from
 * leaving half a file); gs_atomic_abort closes and removes it.  tmp_path
 * receives the temporary's name (len >= PATH_MAX).  The file gets the mode
 * of the file it replaces, or 0666 less the umask for a new one, as a shell
 * redirection would.  The caller owns the FILE until commit or abort. */
#ifndef GS_ATOMIC_H
#define GS_ATOMIC_H
#include <stdio.h>

FILE *gs_atomic_open(const char *path, char *tmp_path, size_t len);
int gs_atomic_commit(FILE *f, const char *tmp_path, const char *path, int sync);
void gs_atomic_abort(FILE *f, const char *tmp_path);

/* Removes every temporary still open (up to 16 are tracked), for a process
 * about to die: async-signal-safe (unlink only), for a watchdog or a
 * SIGTERM handler, so no path.tmp.XXXXXX is left behind (issue 11, class 8). */
void gs_atomic_cleanup_signal(void);
#endif
