/* datadir.h - the installed data directory, and the fallback that lets a
 * script's relative data paths ("data/gci2020.csv") work from any working
 * directory once gcisim is installed.
 *
 * The directory is $GCISIM_DATADIR when set and not empty; else it is
 * found at run time from where the code lies, in the layout `make install`
 * uses: the binary PREFIX/bin/gcisim reads PREFIX/share/gcisim, the Lua
 * module PREFIX/lib/lua/5.4/gci.so reads PREFIX/share/gcisim too.  Nothing
 * is compiled in, so `make install PREFIX=...` installs the very binary
 * built in the tree, and never rebuilds it with other paths.  A binary not
 * in a directory named bin (the one built in the tree) has no data
 * directory.  It holds data/ and scripts/ as installed by `make install`.
 * Reading it is allowed to sandboxed scripts (run.c adds it to the read
 * policy); the policy's realpath checks still apply, so ".." cannot lead
 * out of it. */
#ifndef GS_DATADIR_H
#define GS_DATADIR_H
#include <stddef.h>

/* The data directory, relative to the directory of the installed binary
 * and of the installed module (the Makefile's BINDIR, LUA_CMODDIR and
 * PKGDATADIR defaults). */
#define GS_DATADIR_FROM_BIN "../share/gcisim"
#define GS_DATADIR_FROM_MODULE "../../../share/gcisim"

/* The data directory, or NULL when there is none (GCISIM_DATADIR empty or
 * unset, and gcisim not installed).  The string is borrowed from the
 * environment or a static buffer: do not free it. */
const char *gs_datadir(void);

/* Where to read `path` from: `path` itself when it is absolute, exists
 * relative to the working directory, or there is no data directory;
 * otherwise "DATADIR/path" (written into buf, len bytes) when that exists.
 * When neither exists, `path`, so error messages name what the script
 * asked for.  Returns path or buf. */
const char *gs_datadir_resolve(const char *path, char *buf, size_t len);
#endif
