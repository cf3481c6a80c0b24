/* panelsplit.c - see panelsplit.h.  The text is fed to libcsv one
 * physical line at a time; a record ends at the end of the line during
 * which libcsv reports it, so records are byte ranges [start, end). */
#include "panelsplit.h"

#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  size_t start, end;
  long line; /* the line it ends on */
  char *year;
} rec;

typedef struct {
  rec *r;
  size_t n, cap;
  long ycol;   /* year column index; -1 until the header is read */
  const char *col;
  size_t field;
  char *cell;  /* the current record's year cell */
  int header_done, oom;
} splitter;

static void on_field(void *f, size_t len, void *ud) {
  splitter *s = ud;
  if (!s->header_done) {
    if (s->ycol < 0 && strlen(s->col) == len && memcmp(f, s->col, len) == 0) s->ycol = (long)s->field;
  } else if ((long)s->field == s->ycol && !s->cell) {
    s->cell = malloc(len + 1);
    if (!s->cell) s->oom = 1;
    else memcpy(s->cell, f, len), s->cell[len] = '\0';
  }
  s->field++;
}

static void on_row(int c, void *ud) {
  (void)c;
  splitter *s = ud;
  if (s->n == s->cap) {
    size_t cap = s->cap ? 2 * s->cap : 64;
    rec *r = realloc(s->r, cap * sizeof *r);
    if (!r) { s->oom = 1; free(s->cell); s->cell = NULL; s->field = 0; return; }
    s->r = r, s->cap = cap;
  }
  s->r[s->n++] = (rec){0, 0, 0, s->header_done ? s->cell : NULL};
  if (!s->header_done) free(s->cell);
  s->cell = NULL;
  s->header_done = 1;
  s->field = 0;
}

void gs_panel_free(gs_panel *p) {
  if (!p) return;
  for (size_t i = 0; i < p->n; i++) free(p->year[i]), free(p->text[i]);
  free(p->year);
  free(p->text);
  free(p);
}

gs_panel *gs_panel_split(const char *text, size_t len, const char *col, const char *origin, char *err,
                         size_t errlen) {
  splitter s = {NULL, 0, 0, -1, col, 0, NULL, 0, 0};
  struct csv_parser p;
  gs_panel *out = NULL;
  size_t *yidx = NULL; /* each record's year index */
  if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
    snprintf(err, errlen, "%s: out of memory", origin);
    return NULL;
  }
  size_t pos = 0, done = 0;
  long line = 0;
  while (pos < len) {
    const char *nl = memchr(text + pos, '\n', len - pos);
    size_t chunk = nl ? (size_t)(nl - (text + pos)) + 1 : len - pos;
    line++;
    if (csv_parse(&p, text + pos, chunk, on_field, on_row, &s) != chunk) {
      snprintf(err, errlen, "%s:%ld:1: %s", origin, line, csv_strerror(csv_error(&p)));
      goto fail;
    }
    pos += chunk;
    for (; done < s.n; done++) s.r[done].end = pos, s.r[done].line = line;
  }
  if (csv_fini(&p, on_field, on_row, &s) != 0) {
    snprintf(err, errlen, "%s:%ld:1: %s", origin, line, csv_strerror(csv_error(&p)));
    goto fail;
  }
  for (; done < s.n; done++) s.r[done].end = len, s.r[done].line = line;
  if (s.oom) {
    snprintf(err, errlen, "%s: out of memory", origin);
    goto fail;
  }
  if (s.n == 0) {
    snprintf(err, errlen, "%s:1:1: empty file: expected a header line", origin);
    goto fail;
  }
  if (s.ycol < 0) {
    snprintf(err, errlen, "%s:%ld:1: no '%s' column in the header", origin, s.r[0].line, col);
    goto fail;
  }
  for (size_t i = 0; i < s.n; i++) s.r[i].start = i ? s.r[i - 1].end : 0;
  yidx = malloc(s.n * sizeof *yidx);
  out = calloc(1, sizeof *out);
  if (!yidx || !out) goto oom;
  out->year = calloc(s.n, sizeof *out->year);
  out->text = calloc(s.n, sizeof *out->text);
  if (!out->year || !out->text) goto oom;
  /* each data record's year, distinct years in order of appearance */
  for (size_t i = 1; i < s.n; i++) {
    if (!s.r[i].year || !s.r[i].year[0]) {
      snprintf(err, errlen, "%s:%ld:%ld: empty year (column '%s')", origin, s.r[i].line, s.ycol + 1, col);
      goto fail;
    }
    size_t y = 0;
    while (y < out->n && strcmp(out->year[y], s.r[i].year) != 0) y++;
    if (y == out->n) {
      out->year[y] = malloc(strlen(s.r[i].year) + 1);
      if (!out->year[y]) goto oom;
      strcpy(out->year[y], s.r[i].year);
      out->n++;
    }
    yidx[i] = y;
  }
  /* each year's text: the header, its own records, the others' newlines */
  for (size_t y = 0; y < out->n; y++) {
    char *t = malloc(len + 1);
    if (!t) goto oom;
    out->text[y] = t;
    memcpy(t, text, s.r[0].end);
    size_t w = s.r[0].end;
    for (size_t j = 1; j < s.n; j++)
      for (size_t b = s.r[j].start; b < s.r[j].end; b++)
        if (yidx[j] == y || text[b] == '\n') t[w++] = text[b];
    t[w] = '\0';
  }
  goto done;
oom:
  snprintf(err, errlen, "%s: out of memory", origin);
fail:
  gs_panel_free(out);
  out = NULL;
done:
  csv_free(&p);
  for (size_t i = 0; i < s.n; i++) free(s.r[i].year);
  free(s.r);
  free(s.cell);
  free(yidx);
  return out;
}
