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
  char **cell;  /* ncell strings, in the loader's arena */
  size_t ncell, cap;
  long line;    /* first line of the record */
} rec;

/* Cells and the records' cell lists live in blocks of an arena, freed
 * together once the dataset is built: a malloc per cell made half the load
 * time at 10^6 rows. */
typedef struct block {
  struct block *next;
  size_t used, cap;
  max_align_t data[];
} block;

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
  block *arena;  /* newest block first */
} loader;

/* n bytes from the arena, aligned for pointers; NULL when out of memory. */
static void *arena_alloc(loader *ld, size_t n) {
  n = (n + sizeof(void *) - 1) / sizeof(void *) * sizeof(void *);
  block *b = ld->arena;
  if (!b || b->cap - b->used < n) {
    size_t cap = n > ((size_t)1 << 20) ? n : (size_t)1 << 20;
    if (!(b = malloc(sizeof *b + cap))) return NULL;
    b->next = ld->arena;
    b->used = 0;
    b->cap = cap;
    ld->arena = b;
  }
  void *p = (char *)b->data + b->used;
  b->used += n;
  return p;
}

static void arena_free(loader *ld) {
  while (ld->arena) {
    block *next = ld->arena->next;
    free(ld->arena);
    ld->arena = next;
  }
}

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
  char *c = arena_alloc(ld, len + 1);
  if (!c) { ld->oom = 1; fail(ld, ld->cur.line, col, "out of memory"); return; }
  memcpy(c, f, len);
  c[len] = '\0';
  ld->cur.cell[ld->cur.ncell++] = c;
}

/* The record being collected keeps its cell list in ld->cur.cell (reused
 * from record to record); stored records point into the arena. */
static void free_rec(rec *r) {
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
  char **cells = arena_alloc(ld, ld->cur.ncell * sizeof *cells);
  if (!cells) { ld->oom = 1; fail(ld, ld->cur.line, 1, "out of memory"); return; }
  memcpy(cells, ld->cur.cell, ld->cur.ncell * sizeof *cells);
  ld->recs[ld->nrec++] = (rec){cells, ld->cur.ncell, ld->cur.ncell, ld->cur.line};
  ld->next_start = ld->line + 1;
  ld->cur.ncell = 0; /* its cell list is reused */
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
  /* The key and name columns are copied out of the arena. */
  for (size_t r = 0; r < n; r++) {
    rec *x = &ld->recs[r + 1];
    if (x->cell[keyc][0] == '\0') { fail(ld, x->line, keyc + 1, "empty %s", keyname); goto bad; }
    if (!(d->key[r] = dupstr(x->cell[keyc]))) { fail(ld, x->line, 1, "out of memory"); goto bad; }
    if (namec >= 0) {
      if (x->cell[namec][0] == '\0') { fail(ld, x->line, namec + 1, "empty %s", namename); goto bad; }
      if (!(d->name[r] = dupstr(x->cell[namec]))) { fail(ld, x->line, 1, "out of memory"); goto bad; }
    } else if (!(d->name[r] = dupstr(d->key[r]))) {
      fail(ld, x->line, 1, "out of memory");
      goto bad;
    }
  }
  /* Duplicate keys through the hash index the dataset keeps anyway
   * (expected O(n); a pairwise check was O(n^2), minutes at 10^5 rows). */
  size_t first = 0, second = 0;
  int dup = gs_dataset_index(d, &first, &second);
  if (dup < 0) { fail(ld, 1, 1, "out of memory"); goto bad; }
  if (dup > 0) {
    fail(ld, ld->recs[second + 1].line, keyc + 1, "duplicate %s '%s' (first at line %ld)", keyname,
         d->key[second], ld->recs[first + 1].line);
    goto bad;
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
        if (!(col->text[r] = dupstr(ld->recs[r + 1].cell[c]))) { fail(ld, 1, 1, "out of memory"); goto bad; }
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

/* The limit on a file's size, from the options (0: the default). */
static size_t max_bytes(const gs_load_opts *o) {
  return o && o->max_bytes ? o->max_bytes : GS_MAX_FILE_BYTES;
}

/* Feeds len bytes to libcsv one physical line at a time (see the top of
 * the file); a line may span two calls.  Returns 0, or -1 once failed. */
static int feed(loader *ld, struct csv_parser *p, const char *buf, size_t len) {
  size_t pos = 0;
  while (pos < len && !ld->failed) {
    const char *nl = memchr(buf + pos, '\n', len - pos);
    size_t chunk = nl ? (size_t)(nl - (buf + pos)) + 1 : len - pos;
    if (csv_parse(p, buf + pos, chunk, on_field, on_row, ld) != chunk) {
      fail(ld, ld->next_start, (long)ld->cur.ncell + 1, "malformed CSV: %s", csv_strerror(csv_error(p)));
      break;
    }
    pos += chunk;
    if (nl) ld->line++;
  }
  return ld->failed ? -1 : 0;
}

static gs_dataset *finish(loader *ld, struct csv_parser *p, const gs_load_opts *opts) {
  if (!ld->failed && csv_fini(p, on_field, on_row, ld) != 0)
    fail(ld, ld->next_start, (long)ld->cur.ncell + 1, "malformed CSV: %s (unterminated quoted field?)",
         csv_strerror(csv_error(p)));
  csv_free(p);
  gs_dataset *d = ld->failed ? NULL : build(ld, opts);
  free_rec(&ld->cur);
  free(ld->recs);
  arena_free(ld);
  return d;
}

gs_dataset *gs_load_csv_mem(const char *name, const char *buf, size_t len, const gs_load_opts *opts,
                            char *err, size_t errlen) {
  loader ld = {.file = name, .err = err, .errlen = errlen, .line = 1, .next_start = 1};
  if (errlen) err[0] = '\0';
  if (len > max_bytes(opts)) {
    fail(&ld, 1, 1, "file of %zu bytes; the limit for a dataset is %zu", len, max_bytes(opts));
    return NULL;
  }
  if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) { buf += 3; len -= 3; }
  struct csv_parser p;
  if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
    fail(&ld, 1, 1, "out of memory");
    return NULL;
  }
  feed(&ld, &p, buf, len);
  return finish(&ld, &p, opts);
}

gs_dataset *gs_load_csv(const char *path, const gs_load_opts *opts, char *err, size_t errlen) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, errlen, "%s:1:1: cannot open: %s", path, strerror(errno));
    return NULL;
  }
  return gs_load_csv_file(f, path, opts, err, errlen);
}

/* The file is streamed through libcsv in blocks: only the cells are held,
 * never the file itself as well. */
gs_dataset *gs_load_csv_file(FILE *f, const char *path, const gs_load_opts *opts, char *err, size_t errlen) {
  size_t limit = max_bytes(opts);
  if (errlen) err[0] = '\0';
  /* Fail fast on an oversized regular file, before reading any of it
   * (issue 4: "must fail fast, not be loaded"); a pipe is counted as it
   * streams. */
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && (uintmax_t)st.st_size > limit) {
    fclose(f);
    snprintf(err, errlen, "%s:1:1: file of %ju bytes; the limit for a dataset is %zu", path,
             (uintmax_t)st.st_size, limit);
    return NULL;
  }
  loader ld = {.file = path, .err = err, .errlen = errlen, .line = 1, .next_start = 1};
  struct csv_parser p;
  if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
    fclose(f);
    snprintf(err, errlen, "%s:1:1: out of memory", path);
    return NULL;
  }
  enum { BLOCK = 1 << 16 };
  char *buf = malloc(BLOCK);
  if (!buf) fail(&ld, 1, 1, "out of memory");
  size_t total = 0, have = 0;
  int first = 1;
  while (!ld.failed) {
    size_t got = fread(buf + have, 1, BLOCK - have, f);
    have += got;
    total += got;
    if (total > limit) {
      /* a pipe or a file that grew: measured as it streams */
      fail(&ld, 1, 1, "file of more than %zu bytes; the limit for a dataset is %zu", limit, limit);
      break;
    }
    if (first) {
      /* the BOM check needs the first three bytes together */
      if (got > 0 && have < 3) continue;
      first = 0;
      size_t skip = have >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
      feed(&ld, &p, buf + skip, have - skip);
    } else {
      feed(&ld, &p, buf, have);
    }
    have = 0;
    if (got == 0) break;
  }
  int rerr = ferror(f);
  fclose(f);
  free(buf);
  if (rerr && !ld.failed) fail(&ld, 1, 1, "read error");
  return finish(&ld, &p, opts);
}
