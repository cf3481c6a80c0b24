#!/bin/sh
# tools/install.sh - `make install` and `make uninstall` (see Makefile).
#
#   sh tools/install.sh install|uninstall
#
# Paths come from the environment the Makefile sets: DESTDIR, BINDIR,
# MANDIR, PKGDATADIR, DOCDIR, LUA_CMODDIR, INSTALL, BIN, LUA_MODULE.  install
# writes a manifest, PKGDATADIR/install-manifest.txt, listing every file it
# put ("f PATH") and every directory it had to create ("d PATH"), without
# DESTDIR; uninstall removes exactly those files, then those directories
# when they are empty, so it leaves behind neither files of ours nor
# anything that was there before.  Installing again over an install keeps
# the earlier manifest's entries.  The manifest is written as files go in,
# so a failed install can be uninstalled too.
set -eu
: "${DESTDIR:=}" "${INSTALL:=install}"
manifest="$PKGDATADIR/install-manifest.txt"

# Records the directories of $1 that do not exist yet, outermost first,
# then creates them.
mkdirs() {
  dir=$1 created=""
  # Stop at the root too: with a DESTDIR that does not exist yet, no
  # ancestor exists, and dirname / is / again.
  while [ "$dir" != / ] && [ "$dir" != . ] && [ ! -d "$DESTDIR$dir" ]; do
    created="d $dir
$created"
    dir=$(dirname "$dir")
  done
  [ -n "$created" ] && printf '%s' "$created" >> "$list"
  $INSTALL -d "$DESTDIR$1"
}

# put MODE SRC DEST: installs one file and records it.
put() {
  mkdirs "$(dirname "$3")"
  $INSTALL -m "$1" "$2" "$DESTDIR$3"
  echo "f $3" >> "$list"
}

# tree SRCDIR DESTDIR: every file under SRCDIR, keeping the layout.
tree() {
  find "$1" -type f | LC_ALL=C sort | while IFS= read -r f; do
    put 644 "$f" "$2/${f#"$1"/}"
  done
}

case "${1:-}" in
install)
  # The manifest is written as files go in, so that even an install that
  # fails half-way can be uninstalled.  Its own directory comes first.
  first=$(mktemp)
  trap 'rm -f "$first"' EXIT
  list=$first
  mkdirs "$PKGDATADIR"
  cat "$first" >> "$DESTDIR$manifest"
  echo "f $manifest" >> "$DESTDIR$manifest"
  list=$DESTDIR$manifest
  chmod 644 "$list"
  put 755 "$BIN" "$BINDIR/gcisim"
  put 644 doc/gcisim.1 "$MANDIR/man1/gcisim.1"
  tree scripts "$PKGDATADIR/scripts"
  tree data "$PKGDATADIR/data"
  put 644 README.md "$DOCDIR/README.md"
  put 644 CHANGELOG.md "$DOCDIR/CHANGELOG.md"
  tree docs "$DOCDIR/docs"
  put 644 "$LUA_MODULE" "$LUA_CMODDIR/gci.so"
  # Installing again appends: keep each line once, in first-seen order, so
  # that directories stay outermost first.
  awk '!seen[$0]++' "$list" > "$list.new" && mv "$list.new" "$list"
  chmod 644 "$list"
  echo "installed gcisim under $DESTDIR$BINDIR, $DESTDIR$PKGDATADIR, $DESTDIR$MANDIR/man1, $DESTDIR$DOCDIR, $DESTDIR$LUA_CMODDIR"
  # The binary finds its data directory from its own place (datadir.h):
  # BINDIR/../share/gcisim.  Another PKGDATADIR needs GCISIM_DATADIR.
  if [ "$(dirname "$BINDIR")/share/gcisim" != "$PKGDATADIR" ]; then
    echo "note: PKGDATADIR is not BINDIR/../share/gcisim: set GCISIM_DATADIR=$PKGDATADIR for the installed gcisim to find its data"
  fi
  ;;
uninstall)
  if [ ! -f "$DESTDIR$manifest" ]; then
    echo "nothing to uninstall: no $DESTDIR$manifest"
    exit 0
  fi
  m=$(mktemp)
  trap 'rm -f "$m"' EXIT
  cp "$DESTDIR$manifest" "$m"
  sed -n 's/^f //p' "$m" | while IFS= read -r f; do rm -f "$DESTDIR$f"; done
  # Innermost directories first; one that is not empty (a file someone
  # else put there) stays.
  sed -n 's/^d //p' "$m" | awk '{ l[NR] = $0 } END { for (i = NR; i > 0; i--) print l[i] }' |
    while IFS= read -r d; do rmdir "$DESTDIR$d" 2>/dev/null || true; done
  echo "uninstalled gcisim from $DESTDIR$BINDIR, $DESTDIR$PKGDATADIR, $DESTDIR$MANDIR/man1, $DESTDIR$DOCDIR, $DESTDIR$LUA_CMODDIR"
  ;;
*)
  echo "usage: sh tools/install.sh install|uninstall" >&2
  exit 64
  ;;
esac
