/* policy.c - directory allow-lists (see policy.h). */
#include "policy.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gs_policy {
  char **dir[2];
  size_t n[2];
  int trusted;
};

gs_policy *gs_policy_new(void) { return calloc(1, sizeof(gs_policy)); }

void gs_policy_free(gs_policy *p) {
  if (!p) return;
  for (int w = 0; w < 2; w++) {
    for (size_t i = 0; i < p->n[w]; i++) free(p->dir[w][i]);
    free(p->dir[w]);
  }
  free(p);
}

void gs_policy_trust(gs_policy *p) { p->trusted = 1; }

int gs_policy_allow(gs_policy *p, const char *dir, int write, char *err, size_t errlen) {
  char *real = realpath(dir, NULL);
  if (!real) {
    snprintf(err, errlen, "cannot allow '%s': %s", dir, strerror(errno));
    return -1;
  }
  /* Once each: the defaults often overlap (data/ and the directory of
   * data/gci2020.csv), and refusals list the directories. */
  for (size_t i = 0; i < p->n[write]; i++)
    if (strcmp(p->dir[write][i], real) == 0) { free(real); return 0; }
  char **nd = realloc(p->dir[write], (p->n[write] + 1) * sizeof *nd);
  if (!nd) { free(real); snprintf(err, errlen, "out of memory"); return -1; }
  p->dir[write] = nd;
  nd[p->n[write]++] = real;
  return 0;
}

static int under(const char *path, const char *dir) {
  size_t k = strlen(dir);
  if (strncmp(path, dir, k) != 0) return 0;
  return path[k] == '/' || (k == 1 && dir[0] == '/');
}

static void list_dirs(const gs_policy *p, int write, char *buf, size_t len) {
  size_t at = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < p->n[write] && at < len; i++) {
    int k = snprintf(buf + at, len - at, "%s%s", i ? ", " : "", p->dir[write][i]);
    if (k < 0) break;
    at += (size_t)k;
  }
  if (p->n[write] == 0) snprintf(buf, len, "none");
}

int gs_policy_check(const gs_policy *p, const char *path, int write, char *err, size_t errlen) {
  if (p->trusted) return 0;
  char *real = NULL;
  if (!write) {
    real = realpath(path, NULL);
    if (!real) {
      snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
      return -1;
    }
  } else {
    /* The file may not exist yet: canonicalise its directory. */
    const char *slash = strrchr(path, '/');
    char dirbuf[PATH_MAX];
    const char *base = slash ? slash + 1 : path;
    if (slash) {
      size_t k = (size_t)(slash - path);
      if (k >= sizeof dirbuf) { snprintf(err, errlen, "%s: path too long", path); return -1; }
      memcpy(dirbuf, path, k);
      dirbuf[k ? k : 1] = '\0';
      if (!k) dirbuf[0] = '/';
    } else {
      strcpy(dirbuf, ".");
    }
    if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
      snprintf(err, errlen, "%s: not a file name", path);
      return -1;
    }
    char *rd = realpath(dirbuf, NULL);
    if (!rd) { snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno)); return -1; }
    size_t n = strlen(rd) + strlen(base) + 2;
    real = malloc(n);
    if (real) snprintf(real, n, "%s/%s", rd, base);
    free(rd);
    if (!real) { snprintf(err, errlen, "out of memory"); return -1; }
  }
  for (size_t i = 0; i < p->n[write]; i++)
    if (under(real, p->dir[write][i])) { free(real); return 0; }
  char dirs[1024];
  list_dirs(p, write, dirs, sizeof dirs);
  snprintf(err, errlen, "%s: %s refused: outside the directories allowed (%s; see --allow-%s)", path,
           write ? "writing" : "reading", dirs, write ? "write" : "read");
  free(real);
  return -1;
}

FILE *gs_policy_open_read(const gs_policy *p, const char *path, char *err, size_t errlen) {
  if (p && gs_policy_check(p, path, 0, err, errlen) != 0) return NULL;
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
    return NULL;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    snprintf(err, errlen, "%s: cannot read: not a regular file", path);
    return NULL;
  }
  if (p && !p->trusted) {
    char link[64], real[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t k = readlink(link, real, sizeof real - 1);
    int ok = 0;
    if (k > 0) {
      real[k] = '\0';
      for (size_t i = 0; i < p->n[0] && !ok; i++) ok = under(real, p->dir[0][i]);
    }
    if (!ok) {
      close(fd);
      snprintf(err, errlen, "%s: reading refused: the file opened is outside the directories allowed", path);
      return NULL;
    }
  }
  int fl = fcntl(fd, F_GETFL);
  if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  FILE *f = fdopen(fd, "rb");
  if (!f) {
    close(fd);
    snprintf(err, errlen, "%s: cannot read: out of memory", path);
  }
  return f;
}

char *gs_policy_read_file(const gs_policy *p, const char *path, size_t max, size_t *len, char *err,
                          size_t errlen) {
  FILE *f = gs_policy_open_read(p, path, err, errlen);
  if (!f) return NULL;
  struct stat st;
  if (fstat(fileno(f), &st) != 0 || (uintmax_t)st.st_size > (uintmax_t)max) {
    snprintf(err, errlen, "%s: file of %jd bytes; the limit is %zu", path, (intmax_t)st.st_size, max);
    fclose(f);
    return NULL;
  }
  size_t cap = (size_t)st.st_size + 1, n = 0;
  char *buf = malloc(cap);
  while (buf) {
    size_t k = fread(buf + n, 1, cap - 1 - n, f);
    n += k;
    if (k == 0 || n < cap - 1) break;
    if (cap - 1 >= max) break; /* grown while read: read no further */
    char *nb = realloc(buf, cap * 2 > max + 1 ? max + 1 : cap * 2);
    if (!nb) { free(buf); buf = NULL; break; }
    cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
    buf = nb;
  }
  int bad = ferror(f);
  fclose(f);
  if (!buf || bad) {
    free(buf);
    snprintf(err, errlen, "%s: cannot read: %s", path, bad ? "read error" : "out of memory");
    return NULL;
  }
  buf[n] = '\0';
  *len = n;
  return buf;
}
