/* dynlib.h - loading an analysis library (LAPACKE, GLPK, GSL) on first use.
 *
 * Why not link them: every process gcisim starts, and every job `gcisim
 * batch` forks, paid for the 15 shared objects these three bring (their
 * dependencies: BLAS, LAPACK, gfortran, quadmath, SuiteSparse, gmp, ...),
 * although few scripts run an analysis: a fork copies their mappings, and
 * each symbol a child resolves lazily (liblua's calls into itself and into
 * libc) searched a scope of 42 objects instead of 27, touching pages of
 * each: 200 one-line batch jobs took 1.06 s of CPU against 0.90 s before
 * the analyses came, 0.94 s with this module.  So the core module
 * that uses a library opens it the first time an analysis needs it, with
 * dlopen, and calls it through a table of function pointers it fills from
 * the library's symbols; the library still comes from its Debian package
 * (the build links nothing, but compiles against the package's headers).
 *
 * A library that cannot be loaded is an error of the call that needed it,
 * naming the library and the Debian package that provides it; loading is
 * tried once per process (a failure is remembered). */
#ifndef GS_DYNLIB_H
#define GS_DYNLIB_H
#include <stddef.h>

typedef struct gs_dynlib {
  const char *soname;             /* e.g. "liblapacke.so.3" (the build's SONAME) */
  const char *package;            /* the Debian package that provides it */
  const char *const *symbols;     /* names to look up, NULL-terminated */
  void **const *slots;            /* where each symbol's address goes, same order */
  /* the state, private to dynlib.c: 0 not tried, 1 loaded, -1 failed */
  int state;
  char error[256];
} gs_dynlib;

/* A gs_dynlib for a static table: GS_DYNLIB("libgsl.so.27", "libgsl27",
 * names, slots). */
#define GS_DYNLIB(soname, package, symbols, slots) {(soname), (package), (symbols), (slots), 0, {0}}

/* A module's table of a library, from one list of its symbols written as
 * an X-macro LIST(X, t) that calls X(t, symbol) for each symbol:
 *   GS_DYNLIB_TABLE(t, LIST, soname, package);
 * defines (static, in the module) the struct t, whose members are named as
 * the symbols, and the gs_dynlib t_lib that fills it.  A call is then
 * t.symbol(...) and a variable *t.symbol.  Each member is a pointer of its
 * symbol's own type (__typeof__, which GCC and clang take in C17), so a
 * call is checked against the library header's prototype; the slots store
 * dlsym's address through a void ** as POSIX's dlsym page does. */
#define GS_DYNLIB_MEMBER(t, sym) __typeof__(sym) *sym;
#define GS_DYNLIB_NAME(t, sym) #sym,
#define GS_DYNLIB_SLOT(t, sym) (void **)&t.sym,
#define GS_DYNLIB_TABLE(t, LIST, soname, package)                   \
  static struct {                                                   \
    LIST(GS_DYNLIB_MEMBER, t)                                       \
  } t;                                                              \
  static const char *const t##_names[] = {LIST(GS_DYNLIB_NAME, t) NULL}; \
  static void **const t##_slots[] = {LIST(GS_DYNLIB_SLOT, t)};      \
  static gs_dynlib t##_lib = GS_DYNLIB(soname, package, t##_names, t##_slots)

/* The library each analysis opens: the SONAME the build found and the
 * Debian package that provides it (the Makefile passes both), else those
 * of Debian 12. */
#ifndef GS_SONAME_LAPACKE
#define GS_SONAME_LAPACKE "liblapacke.so.3"
#endif
#ifndef GS_PACKAGE_LAPACKE
#define GS_PACKAGE_LAPACKE "liblapacke"
#endif
#ifndef GS_SONAME_GLPK
#define GS_SONAME_GLPK "libglpk.so.40"
#endif
#ifndef GS_PACKAGE_GLPK
#define GS_PACKAGE_GLPK "libglpk40"
#endif
#ifndef GS_SONAME_GSL
#define GS_SONAME_GSL "libgsl.so.27"
#endif
#ifndef GS_PACKAGE_GSL
#define GS_PACKAGE_GSL "libgsl27"
#endif

/* Opens lib (once; later calls return at once) and stores the address of
 * each of its symbols in its slot.  Returns 0, or -1 with a message in
 * err (errlen bytes; may be NULL) that names the library and the package,
 * e.g. "cannot load liblapacke.so.3 (Debian package liblapacke3): ...".
 * Thread-safe. */
int gs_dynlib_load(gs_dynlib *lib, char *err, size_t errlen);

/* The message of the last library that failed to load ("" if none): for
 * callers whose errors are status codes (gs_m_strerror). */
const char *gs_dynlib_last_error(void);

#endif
