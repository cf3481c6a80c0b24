/* batch_manifest.c - globs and manifest files into jobs (see
 * batch_manifest.h). */
#include "batch_manifest.h"

#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "format.h"

/* Lexically normalised path: drops "." segments and folds "x/..". */
static char *normalize_path(const char *p) {
  size_t n = strlen(p);
  char *out = malloc(n + 2);
  if (!out) return NULL;
  int abs = p[0] == '/';
  size_t o = 0;
  size_t nseg = 0; /* foldable (non-"..") segments at the end of out */
  if (abs) out[o++] = '/';
  const char *s = p;
  while (*s) {
    while (*s == '/') s++;
    if (!*s) break;
    const char *e = strchr(s, '/');
    size_t len = e ? (size_t)(e - s) : strlen(s);
    if (len == 1 && s[0] == '.') {
      /* skip */
    } else if (len == 2 && s[0] == '.' && s[1] == '.') {
      if (nseg > 0) {
        while (o > (size_t)abs && out[o - 1] != '/') o--;
        if (o > (size_t)abs) o--; /* the separator */
        nseg--;
      } else if (!abs) {
        if (o > 0) out[o++] = '/';
        memcpy(out + o, "..", 2);
        o += 2;
      }
    } else {
      if (o > (size_t)abs) out[o++] = '/';
      memcpy(out + o, s, len);
      o += len;
      nseg++;
    }
    s += len;
  }
  if (o == 0) out[o++] = '.';
  out[o] = '\0';
  return out;
}

/* ---------- building the job list ---------- */

/* Expands patterns (each sorted by glob) into a list without duplicates. */
static int expand(const char *const *pats, int npats, char ***out, size_t *nout) {
  *out = NULL;
  *nout = 0;
  size_t cap = 0;
  for (int p = 0; p < npats; p++) {
    glob_t g;
    int r = glob(pats[p], 0, NULL, &g);
    if (r == GLOB_NOMATCH) return batch_err("no file matches '%s'", pats[p]);
    if (r != 0) { globfree(&g); return r == GLOB_NOSPACE ? batch_oom() : batch_err("cannot expand '%s'", pats[p]); }
    for (size_t i = 0; i < g.gl_pathc; i++) {
      int dup = 0;
      for (size_t k = 0; k < *nout && !dup; k++) dup = strcmp((*out)[k], g.gl_pathv[i]) == 0;
      if (dup) continue;
      if (*nout == cap) {
        cap = cap ? cap * 2 : 16;
        char **n = realloc(*out, cap * sizeof *n);
        if (!n) { globfree(&g); return batch_oom(); }
        *out = n;
      }
      if (!((*out)[*nout] = batch_strdup(g.gl_pathv[i]))) { globfree(&g); return batch_oom(); }
      (*nout)++;
    }
    globfree(&g);
  }
  return 0;
}

static void free_list(char **l, size_t n) {
  for (size_t i = 0; l && i < n; i++) free(l[i]);
  free(l);
}

int batch_jobs_from_globs(batch *b) {
  char **sc = NULL, **ds = NULL;
  size_t nsc = 0, nds = 0;
  int rc = expand(b->scripts, b->nscripts, &sc, &nsc);
  if (!rc) rc = expand(b->datasets, b->ndatasets, &ds, &nds);
  for (size_t i = 0; !rc && i < nsc; i++)
    for (size_t k = 0; !rc && k < nds; k++)
      if (batch_add_job(b, sc[i], ds[k], b->cargs, b->ncargs)) rc = batch_oom();
  free_list(sc, nsc);
  free_list(ds, nds);
  return rc;
}

typedef struct {
  const char *file;
  int line;
} mpos;

static int merr(mpos p, int col, const char *msg, const char *arg) {
  fprintf(stderr, "gcisim batch: %s:%d:%d: ", p.file, p.line, col);
  fprintf(stderr, msg, arg);
  fputc('\n', stderr);
  return GS_EX_USAGE;
}

/* Column (in characters, from 1) of byte offset off in line s. */
static int col_of(const char *s, size_t off) {
  int c = 1;
  for (size_t i = 0; i < off; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80) c++;
  return c;
}

static char *resolve(const char *dir, const char *p) {
  if (p[0] == '/' || !dir[0]) return normalize_path(p);
  char *j = batch_printf("%s/%s%s", dir, p, "");
  if (!j) return NULL;
  char *n = normalize_path(j);
  free(j);
  return n;
}

/* Parses one manifest line [s, s+len) into fields; returns 0, or a usage
 * error already reported. */
static int manifest_line(batch *b, mpos pos, const char *dir, const char *s, size_t len) {
  /* whole line checks: UTF-8 and control characters */
  for (size_t i = 0; i < len;) {
    unsigned char c = (unsigned char)s[i];
    if (c == 0) return merr(pos, col_of(s, i), "NUL byte%s", "");
    if ((c < 0x20 && c != '\t') || c == 0x7f) return merr(pos, col_of(s, i), "control character%s", "");
    size_t k = gs_utf8_len((const unsigned char *)s + i, len - i);
    if (!k) return merr(pos, col_of(s, i), "invalid UTF-8%s", "");
    i += k;
  }
  size_t i = 0;
  while (i < len && (s[i] == ' ' || s[i] == '\t')) i++;
  if (i == len || s[i] == '#') return 0;
  char *fields[1024];
  int fcol[1024];
  int nf = 0, rc = 0;
  char *buf = malloc(len + 1);
  if (!buf) return batch_oom();
  while (i < len && !rc) {
    while (i < len && (s[i] == ' ' || s[i] == '\t')) i++;
    if (i == len) break;
    if (nf == 1024) { rc = merr(pos, col_of(s, i), "too many fields%s", ""); break; }
    size_t o = 0;
    int start = col_of(s, i);
    if (s[i] == '"') {
      i++;
      int closed = 0;
      while (i < len && !rc) {
        if (s[i] == '"') { closed = 1; i++; break; }
        if (s[i] == '\\') {
          if (i + 1 < len && (s[i + 1] == '"' || s[i + 1] == '\\')) { buf[o++] = s[i + 1]; i += 2; continue; }
          rc = merr(pos, col_of(s, i), "unknown escape (only \\\" and \\\\ are escapes)%s", "");
          break;
        }
        buf[o++] = s[i++];
      }
      if (rc) break;
      if (!closed) { rc = merr(pos, start, "unterminated quote%s", ""); break; }
      if (i < len && s[i] != ' ' && s[i] != '\t') { rc = merr(pos, col_of(s, i), "expected a blank after the closing quote%s", ""); break; }
    } else {
      while (i < len && s[i] != ' ' && s[i] != '\t') {
        if (s[i] == '"') { rc = merr(pos, col_of(s, i), "quote inside an unquoted field (quote the whole field)%s", ""); break; }
        buf[o++] = s[i++];
      }
      if (rc) break;
    }
    buf[o] = '\0';
    if (!(fields[nf] = batch_strdup(buf))) { rc = batch_oom(); break; }
    fcol[nf++] = start;
  }
  free(buf);
  if (!rc && nf < 2) rc = merr(pos, col_of(s, len), "expected a dataset after the script (SCRIPT DATASET [ARG...])%s", "");
  char *paths[2] = {NULL, NULL};
  for (int f = 0; f < 2 && !rc; f++) {
    if (!fields[f][0]) { rc = merr(pos, fcol[f], "empty %s path", f ? "dataset" : "script"); break; }
    if (!(paths[f] = resolve(dir, fields[f]))) { rc = batch_oom(); break; }
    struct stat st;
    if (stat(paths[f], &st) != 0) {
      fprintf(stderr, "gcisim batch: %s:%d:%d: cannot read %s '%s': %s\n", pos.file, pos.line, fcol[f],
              f ? "dataset" : "script", paths[f], strerror(errno));
      rc = GS_EX_USAGE;
    } else if (!S_ISREG(st.st_mode)) {
      fprintf(stderr, "gcisim batch: %s:%d:%d: %s '%s' is not a regular file\n", pos.file, pos.line, fcol[f],
              f ? "dataset" : "script", paths[f]);
      rc = GS_EX_USAGE;
    }
  }
  if (!rc && batch_add_job(b, paths[0], paths[1], fields + 2, nf - 2)) rc = batch_oom();
  free(paths[0]);
  free(paths[1]);
  for (int f = 0; f < nf; f++) free(fields[f]);
  return rc;
}

int batch_jobs_from_manifest(batch *b) {
  FILE *f = fopen(b->manifest, "rb");
  if (!f) {
    fprintf(stderr, "gcisim batch: cannot read the manifest '%s': %s\n", b->manifest, strerror(errno));
    return GS_EX_USAGE;
  }
  char *text = NULL;
  size_t len = 0, cap = 0;
  for (;;) {
    if (len + 65536 > cap) {
      cap = cap ? cap * 2 : 65536 * 2;
      char *n = realloc(text, cap);
      if (!n) { free(text); fclose(f); return batch_oom(); }
      text = n;
    }
    size_t r = fread(text + len, 1, cap - len, f);
    len += r;
    if (r == 0) break;
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) { free(text); return batch_err("cannot read the manifest '%s'", b->manifest); }
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s", b->manifest);
  char *slash = strrchr(dir, '/');
  if (slash) slash == dir ? (void)(dir[1] = '\0') : (void)(*slash = '\0');
  else dir[0] = '\0';
  mpos pos = {b->manifest, 0};
  int rc = 0;
  size_t p = 0;
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) p = 3; /* a BOM */
  while (p < len && !rc) {
    pos.line++;
    size_t e = p;
    while (e < len && text[e] != '\n') e++;
    size_t l = e - p;
    if (l > 0 && text[p + l - 1] == '\r') l--;
    rc = manifest_line(b, pos, dir, text + p, l);
    p = e + 1;
  }
  free(text);
  if (!rc && b->n == 0) rc = batch_err("the manifest '%s' lists no jobs (one a line: SCRIPT DATASET [ARG...])", b->manifest);
  return rc;
}
