/* dynlib.c - see dynlib.h. */
#include "dynlib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* One lock for every library: loading happens once per library and
 * process, so contention does not matter, and a lock per library would
 * only add state to each table. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char last_error[256];

static void set_error(gs_dynlib *lib, const char *what, const char *detail) {
  snprintf(lib->error, sizeof lib->error, "cannot load %s (Debian package %s): %s%s", lib->soname, lib->package,
           what, detail ? detail : "");
  snprintf(last_error, sizeof last_error, "%s", lib->error);
}

static int load_locked(gs_dynlib *lib) {
  /* RTLD_LOCAL: the library's symbols stay out of the global scope, so
   * they do not lengthen the lookups of every other object either. */
  void *h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char *e = dlerror();
    set_error(lib, "", e ? e : "not found");
    return -1;
  }
  for (size_t i = 0; lib->symbols[i]; i++) {
    dlerror();
    void *p = dlsym(h, lib->symbols[i]);
    if (!p) {
      set_error(lib, "no symbol ", lib->symbols[i]);
      for (size_t j = 0; j < i; j++) *lib->slots[j] = NULL;
      dlclose(h);
      return -1;
    }
    *lib->slots[i] = p;
  }
  /* The handle is never closed: the slots point into the library for the
   * rest of the process. */
  return 0;
}

int gs_dynlib_load(gs_dynlib *lib, char *err, size_t errlen) {
  pthread_mutex_lock(&lock);
  if (lib->state == 0) lib->state = load_locked(lib) == 0 ? 1 : -1;
  int ok = lib->state == 1;
  if (!ok && err && errlen) snprintf(err, errlen, "%s", lib->error);
  pthread_mutex_unlock(&lock);
  return ok ? 0 : -1;
}

const char *gs_dynlib_last_error(void) {
  pthread_mutex_lock(&lock);
  const char *e = last_error;
  pthread_mutex_unlock(&lock);
  return e;
}
