/* datadir.h - the installed data directory, and the fallback that lets a
 * script's relative data paths ("data/gci2020.csv") work from any working
 * directory once gcisim is installed.
 *
 * The directory is $GCISIM_DATADIR when set and not empty, else GS_DATADIR
 * as compiled in (the Makefile passes $(PREFIX)/share/gcisim).  It holds
 * data/ and scripts/ as installed by `make install`.  Reading it is allowed
 * to sandboxed scripts (run.c adds it to the read policy); the policy's
 * realpath checks still apply, so ".." cannot lead out of it. */
#ifndef GS_DATADIR_H
#define GS_DATADIR_H
#include <stddef.h>

/* The compiled-in default; the Makefile passes -DGS_DATADIR=... */
#ifndef GS_DATADIR
#define GS_DATADIR "/usr/local/share/gcisim"
#endif

/* The data directory, or NULL when there is none (an empty
 * GCISIM_DATADIR and no compiled-in default).  The string is borrowed from
 * the environment or the program: do not free it. */
const char *gs_datadir(void);

/* Where to read `path` from: `path` itself when it is absolute, exists
 * relative to the working directory, or there is no data directory;
 * otherwise "DATADIR/path" (written into buf, len bytes) when that exists.
 * When neither exists, `path`, so error messages name what the script
 * asked for.  Returns path or buf. */
const char *gs_datadir_resolve(const char *path, char *buf, size_t len);
#endif
