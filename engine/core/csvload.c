/* csvload.c - strict CSV loading with libcsv (see csvload.h).
 *
 * The buffer is fed to libcsv one physical line at a time, so that every
 * field callback knows the line it ended on; a record's first line is that
 * line less the newlines inside its first field.  Cells are collected as
 * strings first and typed once all records are in, because whether a
 * column is numeric depends on its first non-empty cell. */
#include "csvload.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>

const char *const gs_gci_pillars[5] = {"legal", "technical", "organizational", "capacity",
                                       "cooperation"};

typedef struct {
  char **cell;  /* ncell strings */
  size_t ncell, cap;
  long line;    /* first line of the record */
} rec;

typedef struct {
  const char *file;
  char *err;
  size_t errlen;
  int failed;
  long line;     /* physical line being fed */
  rec *recs;
  size_t nrec, caprec;
  rec cur;       /* record being collected */
  long next_start; /* first line of the next record, for parse errors */
  int oom;
} loader;

static void fail(loader *ld, long line, long col, const char *fmt, ...) {
  if (ld->failed) return;
  ld->failed = 1;
  int k = snprintf(ld->err, ld->errlen, "%s:%ld:%ld: ", ld->file, line, col);
  if (k < 0 || (size_t)k >= ld->errlen) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(ld->err + k, ld->errlen - (size_t)k, fmt, ap);
  va_end(ap);
}

/* Strict UTF-8: no overlongs, no surrogates, nothing above U+10FFFF. */
static int utf8_valid(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i];
    if (c < 0x80) { i++; continue; }
    size_t k;
    unsigned min;
    unsigned cp;
    if ((c & 0xE0) == 0xC0) { k = 1; cp = c & 0x1F; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { k = 2; cp = c & 0x0F; min = 0x800; }
    else if ((c & 0xF8) == 0xF0) { k = 3; cp = c & 0x07; min = 0x10000; }
    else return 0;
    if (n - i <= k) return 0;
    for (size_t j = 1; j <= k; j++) {
      if ((s[i + j] & 0xC0) != 0x80) return 0;
      cp = (cp << 6) | (s[i + j] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    i += k + 1;
  }
  return 1;
}

static void on_field(void *s, size_t len, void *data) {
  loader *ld = data;
  if (ld->failed) return;
  const char *f = s ? s : "";
  if (!s) len = 0;
  long col = (long)ld->cur.ncell + 1;
  if (ld->cur.ncell == 0) {
    long nl = 0;
    for (size_t i = 0; i < len; i++) nl += f[i] == '\n';
    ld->cur.line = ld->line - nl;
  }
  if (memchr(f, '\0', len)) { fail(ld, ld->cur.line, col, "NUL byte in a cell"); return; }
  if (len > GS_MAX_CELL_BYTES) {
    fail(ld, ld->cur.line, col, "cell of %zu bytes; the limit is %zu", len, GS_MAX_CELL_BYTES);
    return;
  }
  if (!utf8_valid((const unsigned char *)f, len)) {
    fail(ld, ld->cur.line, col, "invalid UTF-8 in a cell");
    return;
  }
  if (ld->cur.ncell == ld->cur.cap) {
    size_t nc = ld->cur.cap ? 2 * ld->cur.cap : 16;
    char **p = realloc(ld->cur.cell, nc * sizeof *p);
    if (!p) { ld->oom = 1; fail(ld, ld->cur.line, col, "out of memory"); return; }
    ld->cur.cell = p;
    ld->cur.cap = nc;
  }
  char *c = malloc(len + 1);
  if (!c) { ld->oom = 1; fail(ld, ld->cur.line, col, "out of memory"); return; }
  memcpy(c, f, len);
  c[len] = '\0';
  ld->cur.cell[ld->cur.ncell++] = c;
}

static void free_rec(rec *r) {
  for (size_t i = 0; i < r->ncell; i++) free(r->cell[i]);
  free(r->cell);
  memset(r, 0, sizeof *r);
}

static void on_row(int term, void *data) {
  (void)term;
  loader *ld = data;
  if (ld->failed) return;
  if (ld->cur.ncell == 0) return;
  if (ld->nrec == ld->caprec) {
    size_t nc = ld->caprec ? 2 * ld->caprec : 256;
    rec *p = realloc(ld->recs, nc * sizeof *p);
    if (!p) { ld->oom = 1; fail(ld, ld->cur.line, 1, "out of memory"); return; }
    ld->recs = p;
    ld->caprec = nc;
  }
  ld->recs[ld->nrec++] = ld->cur;
  ld->next_start = ld->line + 1;
  memset(&ld->cur, 0, sizeof ld->cur);
}

/* A decimal number as people write it: [+-]digits[.digits][e[+-]digits].
 * strtod alone would also take "nan", "inf", hex floats and leading
 * blanks, none of which belongs in published index data. */
static int number_syntax(const char *s) {
  const char *p = s;
  if (*p == '+' || *p == '-') p++;
  int digits = 0;
  while (*p >= '0' && *p <= '9') { p++; digits++; }
  if (*p == '.') {
    p++;
    while (*p >= '0' && *p <= '9') { p++; digits++; }
  }
  if (!digits) return 0;
  if (*p == 'e' || *p == 'E') {
    p++;
    if (*p == '+' || *p == '-') p++;
    if (!(*p >= '0' && *p <= '9')) return 0;
    while (*p >= '0' && *p <= '9') p++;
  }
  return *p == '\0';
}

/* The decimals a number is written with (number_syntax already holds):
 * the digits after the point less the exponent, so "0.919" has 3, "20"
 * and "20." 0, "20.0" 1 (trailing zeros are part of what was published),
 * "1.5e-3" 4 and "1.5e2" 0.  Clamped to 0..999 (the rank default is
 * capped far below; see GS_DIGITS_MAX). */
static int written_decimals(const char *s) {
  const char *p = s + (*s == '+' || *s == '-');
  while (*p >= '0' && *p <= '9') p++;
  long k = 0;
  if (*p == '.')
    for (p++; *p >= '0' && *p <= '9'; p++) k++;
  if (*p == 'e' || *p == 'E') {
    p++;
    int neg = *p == '-';
    p += *p == '+' || *p == '-';
    long e = 0;
    for (; *p >= '0' && *p <= '9'; p++)
      if (e < 100000) e = e * 10 + (*p - '0');
    k += neg ? e : -e;
  }
  return k < 0 ? 0 : k > 999 ? 999 : (int)k;
}

static int looks_nonfinite(const char *s) {
  const char *p = s + (*s == '+' || *s == '-');
  static const char *const words[] = {"nan", "inf", "infinity"};
  for (size_t i = 0; i < 3; i++) {
    size_t k = strlen(words[i]);
    size_t j = 0;
    while (j < k && p[j] && (p[j] | 0x20) == words[i][j]) j++;
    if (j == k && p[k] == '\0') return 1;
  }
  return 0;
}

/* Parses a numeric cell; returns 0 or fails the load. Empty gives NaN. */
static int parse_num(loader *ld, const char *cell, const char *colname, long line, long col,
                     int required, double *out) {
  if (*cell == '\0') {
    if (required) { fail(ld, line, col, "empty cell in required numeric column '%s'", colname); return -1; }
    *out = NAN;
    return 0;
  }
  if (looks_nonfinite(cell)) {
    fail(ld, line, col, "non-finite number '%s' in numeric column '%s'", cell, colname);
    return -1;
  }
  if (!number_syntax(cell)) {
    fail(ld, line, col, "'%.40s' is not a number (column '%s')", cell, colname);
    return -1;
  }
  errno = 0;
  double v = strtod(cell, NULL);
  if (!isfinite(v)) {
    fail(ld, line, col, "number '%.40s' out of range in column '%s'", cell, colname);
    return -1;
  }
  *out = v;
  return 0;
}

/* Whether a cell is one of the caller's missing-value markers (such as
 * R's "NA" in COINr data), which numeric columns read as empty. */
static int is_na(const gs_load_opts *o, const char *cell) {
  for (size_t i = 0; o && i < o->nna; i++)
    if (strcmp(cell, o->na[i]) == 0) return 1;
  return 0;
}

static char *dupstr(const char *s) {
  size_t n = strlen(s) + 1;
  char *p = malloc(n);
  if (p) memcpy(p, s, n);
  return p;
}

/* Turns the collected records into a dataset, checking everything that
 * depends on the whole table. */
static gs_dataset *build(loader *ld, const gs_load_opts *o) {
  const char *keyname = o && o->key_col ? o->key_col : "iso3";
  const char *namename = o && o->name_col ? o->name_col : "country";
  if (ld->nrec == 0) { fail(ld, 1, 1, "empty file: expected a header line"); return NULL; }
  rec *h = &ld->recs[0];
  size_t nf = h->ncell;
  long keyc = -1, namec = -1;
  for (size_t c = 0; c < nf; c++) {
    if (h->cell[c][0] == '\0') { fail(ld, h->line, (long)c + 1, "empty column name in header"); return NULL; }
    for (size_t e = 0; e < c; e++)
      if (strcmp(h->cell[e], h->cell[c]) == 0) {
        fail(ld, h->line, (long)c + 1, "duplicate column name '%s' (also column %zu)", h->cell[c], e + 1);
        return NULL;
      }
    if (strcmp(h->cell[c], keyname) == 0) keyc = (long)c;
    if (strcmp(h->cell[c], namename) == 0) namec = (long)c;
  }
  if (keyc < 0) { fail(ld, h->line, 1, "no '%s' column in the header", keyname); return NULL; }
  if (ld->nrec == 1) { fail(ld, h->line + 1, 1, "no data rows after the header"); return NULL; }
  for (size_t r = 1; r < ld->nrec; r++)
    if (ld->recs[r].ncell != nf) {
      rec *x = &ld->recs[r];
      fail(ld, x->line, (long)(x->ncell < nf ? x->ncell + 1 : nf + 1),
           "row has %zu fields; the header has %zu", x->ncell, nf);
      return NULL;
    }
  /* Pillars: named ones must exist; by default the GCI five present. */
  size_t np = 0;
  long *pcol = calloc(nf + 1, sizeof *pcol);
  if (!pcol) { fail(ld, 1, 1, "out of memory"); return NULL; }
  if (o && o->pillars) {
    for (size_t i = 0; i < o->npillars; i++) {
      long found = -1;
      for (size_t c = 0; c < nf; c++)
        if (strcmp(h->cell[c], o->pillars[i]) == 0) found = (long)c;
      if (found < 0) { fail(ld, h->line, 1, "no pillar column '%s' in the header", o->pillars[i]); free(pcol); return NULL; }
      if (found == keyc || found == namec) { fail(ld, h->line, found + 1, "column '%s' cannot be a pillar", o->pillars[i]); free(pcol); return NULL; }
      for (size_t j = 0; j < np; j++)
        if (pcol[j] == found) { fail(ld, h->line, found + 1, "pillar '%s' named twice", o->pillars[i]); free(pcol); return NULL; }
      pcol[np++] = found;
    }
  } else {
    for (size_t g = 0; g < 5; g++)
      for (size_t c = 0; c < nf; c++)
        if (strcmp(h->cell[c], gs_gci_pillars[g]) == 0) pcol[np++] = (long)c;
  }
  double lo = o && o->has_range ? o->pmin : 0.0, hi = o && o->has_range ? o->pmax : 20.0;

  size_t n = ld->nrec - 1;
  gs_dataset *d = calloc(1, sizeof *d);
  if (!d) { free(pcol); fail(ld, 1, 1, "out of memory"); return NULL; }
  d->n = n;
  int ok = (d->source = dupstr(ld->file)) && (d->key_col = dupstr(keyname)) &&
           (d->name_col = dupstr(namename)) && (d->key = calloc(n, sizeof *d->key)) &&
           (d->name = calloc(n, sizeof *d->name)) &&
           (d->col = calloc(nf, sizeof *d->col)) && (d->pillar = calloc(np + 1, sizeof *d->pillar)) &&
           (d->pmin = calloc(np + 1, sizeof *d->pmin)) && (d->pmax = calloc(np + 1, sizeof *d->pmax));
  if (!ok) { fail(ld, 1, 1, "out of memory"); goto bad; }
  /* The key and name columns leave the cell table; ownership moves. */
  for (size_t r = 0; r < n; r++) {
    rec *x = &ld->recs[r + 1];
    if (x->cell[keyc][0] == '\0') { fail(ld, x->line, keyc + 1, "empty %s", keyname); goto bad; }
    for (size_t e = 0; e < r; e++)
      if (strcmp(d->key[e], x->cell[keyc]) == 0) {
        fail(ld, x->line, keyc + 1, "duplicate %s '%s' (first at line %ld)", keyname, x->cell[keyc],
             ld->recs[e + 1].line);
        goto bad;
      }
    d->key[r] = x->cell[keyc];
    x->cell[keyc] = NULL;
    if (namec >= 0) {
      if (x->cell[namec][0] == '\0') { fail(ld, x->line, namec + 1, "empty %s", namename); goto bad; }
      d->name[r] = x->cell[namec];
      x->cell[namec] = NULL;
    } else if (!(d->name[r] = dupstr(d->key[r]))) {
      fail(ld, x->line, 1, "out of memory");
      goto bad;
    }
  }
  for (size_t c = 0; c < nf; c++) {
    if ((long)c == keyc || (long)c == namec) continue;
    gs_column *col = &d->col[d->ncol];
    if (!(col->name = dupstr(h->cell[c]))) { fail(ld, 1, 1, "out of memory"); goto bad; }
    d->ncol++;
    long pi = -1;
    for (size_t j = 0; j < np; j++)
      if (pcol[j] == (long)c) pi = (long)j;
    int numeric = pi >= 0 || strcmp(h->cell[c], "score") == 0 || strcmp(h->cell[c], "rank") == 0;
    if (!numeric)
      for (size_t r = 0; r < n; r++) {
        const char *v = ld->recs[r + 1].cell[c];
        if (*v && !is_na(o, v)) { numeric = number_syntax(v); break; }
      }
    if (numeric) {
      col->type = GS_COL_NUMBER;
      if (!(col->num = malloc(n * sizeof *col->num))) { fail(ld, 1, 1, "out of memory"); goto bad; }
      for (size_t r = 0; r < n; r++) {
        rec *x = &ld->recs[r + 1];
        const char *cell = is_na(o, x->cell[c]) ? "" : x->cell[c];
        if (parse_num(ld, cell, h->cell[c], x->line, (long)c + 1, pi >= 0, &col->num[r])) goto bad;
        if (*cell) {
          int k = written_decimals(cell);
          if (k > col->decimals) col->decimals = k;
        }
        if (pi >= 0 && (col->num[r] < lo || col->num[r] > hi)) {
          fail(ld, x->line, (long)c + 1, "pillar '%s' value %s outside its range %g..%g", h->cell[c],
               x->cell[c], lo, hi);
          goto bad;
        }
      }
      if (pi >= 0) {
        d->pillar[pi] = d->ncol - 1;
        d->pmin[pi] = lo;
        d->pmax[pi] = hi;
      }
    } else {
      col->type = GS_COL_TEXT;
      if (!(col->text = calloc(n, sizeof *col->text))) { fail(ld, 1, 1, "out of memory"); goto bad; }
      for (size_t r = 0; r < n; r++) {
        col->text[r] = ld->recs[r + 1].cell[c];
        ld->recs[r + 1].cell[c] = NULL;
      }
    }
  }
  d->npillar = np;
  free(pcol);
  return d;
bad:
  free(pcol);
  d->npillar = 0;
  gs_dataset_free(d);
  return NULL;
}

gs_dataset *gs_load_csv_mem(const char *name, const char *buf, size_t len, const gs_load_opts *opts,
                            char *err, size_t errlen) {
  loader ld = {.file = name, .err = err, .errlen = errlen, .line = 1, .next_start = 1};
  if (errlen) err[0] = '\0';
  if (len > GS_MAX_FILE_BYTES) {
    fail(&ld, 1, 1, "file of %zu bytes; the limit for a dataset is %zu", len, GS_MAX_FILE_BYTES);
    return NULL;
  }
  if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) { buf += 3; len -= 3; }
  struct csv_parser p;
  if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
    fail(&ld, 1, 1, "out of memory");
    return NULL;
  }
  size_t pos = 0;
  while (pos < len && !ld.failed) {
    const char *nl = memchr(buf + pos, '\n', len - pos);
    size_t chunk = nl ? (size_t)(nl - (buf + pos)) + 1 : len - pos;
    if (csv_parse(&p, buf + pos, chunk, on_field, on_row, &ld) != chunk) {
      fail(&ld, ld.next_start, (long)ld.cur.ncell + 1, "malformed CSV: %s", csv_strerror(csv_error(&p)));
      break;
    }
    pos += chunk;
    if (nl) ld.line++;
  }
  if (!ld.failed && csv_fini(&p, on_field, on_row, &ld) != 0)
    fail(&ld, ld.next_start, (long)ld.cur.ncell + 1, "malformed CSV: %s (unterminated quoted field?)",
         csv_strerror(csv_error(&p)));
  csv_free(&p);
  gs_dataset *d = ld.failed ? NULL : build(&ld, opts);
  free_rec(&ld.cur);
  for (size_t r = 0; r < ld.nrec; r++) free_rec(&ld.recs[r]);
  free(ld.recs);
  return d;
}

gs_dataset *gs_load_csv(const char *path, const gs_load_opts *opts, char *err, size_t errlen) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, errlen, "%s:1:1: cannot open: %s", path, strerror(errno));
    return NULL;
  }
  return gs_load_csv_file(f, path, opts, err, errlen);
}

gs_dataset *gs_load_csv_file(FILE *f, const char *path, const gs_load_opts *opts, char *err, size_t errlen) {
  /* Fail fast on an oversized regular file: without this, the read loop
   * below read the whole file (up to 128 MiB) before the size check in
   * gs_load_csv_mem refused it (issue 4: "must fail fast, not be loaded"). */
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && (uintmax_t)st.st_size > GS_MAX_FILE_BYTES) {
    fclose(f);
    snprintf(err, errlen, "%s:1:1: file of %ju bytes; the limit for a dataset is %zu", path,
             (uintmax_t)st.st_size, GS_MAX_FILE_BYTES);
    return NULL;
  }
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (!buf) { fclose(f); snprintf(err, errlen, "%s:1:1: out of memory", path); return NULL; }
    size_t got = fread(buf + len, 1, cap - len, f);
    len += got;
    if (got == 0) break;
    if (len > GS_MAX_FILE_BYTES) break;
    if (len == cap) {
      char *nb = realloc(buf, cap * 2);
      if (!nb) free(buf);
      buf = nb;
      cap *= 2;
    }
  }
  int rerr = ferror(f);
  fclose(f);
  if (rerr) {
    free(buf);
    snprintf(err, errlen, "%s:1:1: read error", path);
    return NULL;
  }
  gs_dataset *d = gs_load_csv_mem(path, buf, len, opts, err, errlen);
  free(buf);
  return d;
}
