/* table.c - gs_table and its rendering (see table.h). */
#include "table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef enum { CELL_NONE, CELL_NUM, CELL_INT, CELL_BOOL, CELL_TEXT } cell_kind;

typedef struct {
  cell_kind kind;
  union {
    double num;
    long long i;
    int b;
    char *s;
  } v;
} cell;

struct gs_table {
  size_t ncols, nrows, cap;
  char **names;
  cell *cells; /* nrows * ncols */
  char *footer;
  int bare;
  size_t bytes;
};

static char *dup_n(const char *s, size_t n) {
  char *d = malloc(n + 1);
  if (!d) return NULL;
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

gs_table *gs_table_new(size_t ncols, const char *const *names, int bare) {
  gs_table *t = calloc(1, sizeof *t);
  if (!t) return NULL;
  t->ncols = ncols;
  t->bare = bare;
  t->names = calloc(ncols ? ncols : 1, sizeof *t->names);
  t->bytes = sizeof *t + (ncols ? ncols : 1) * sizeof *t->names;
  if (!t->names) { free(t); return NULL; }
  for (size_t j = 0; j < ncols; j++) {
    if (!(t->names[j] = dup_n(names[j], strlen(names[j])))) { gs_table_free(t); return NULL; }
    t->bytes += strlen(names[j]) + 1;
  }
  return t;
}

void gs_table_free(gs_table *t) {
  if (!t) return;
  for (size_t j = 0; j < t->ncols; j++) free(t->names[j]);
  free(t->names);
  for (size_t k = 0; k < t->nrows * t->ncols; k++)
    if (t->cells[k].kind == CELL_TEXT) free(t->cells[k].v.s);
  free(t->cells);
  free(t->footer);
  free(t);
}

int gs_table_add_row(gs_table *t) {
  if (t->nrows == t->cap) {
    size_t cap = t->cap ? 2 * t->cap : 16;
    size_t per = t->ncols ? t->ncols : 1;
    if (cap > (size_t)-1 / (per * sizeof(cell))) return -1;
    cell *c = realloc(t->cells, cap * per * sizeof *c);
    if (!c) return -1;
    t->bytes += (cap - t->cap) * per * sizeof *c;
    t->cells = c;
    t->cap = cap;
  }
  for (size_t j = 0; j < t->ncols; j++) t->cells[t->nrows * t->ncols + j].kind = CELL_NONE;
  t->nrows++;
  return 0;
}

static cell *at(gs_table *t, size_t row, size_t col) {
  cell *c = &t->cells[row * t->ncols + col];
  if (c->kind == CELL_TEXT) free(c->v.s);
  c->kind = CELL_NONE;
  return c;
}

void gs_table_set_number(gs_table *t, size_t row, size_t col, double v) {
  cell *c = at(t, row, col);
  if (isfinite(v)) { c->kind = CELL_NUM; c->v.num = v; }
}

void gs_table_set_integer(gs_table *t, size_t row, size_t col, long long v) {
  cell *c = at(t, row, col);
  c->kind = CELL_INT;
  c->v.i = v;
}

void gs_table_set_bool(gs_table *t, size_t row, size_t col, int v) {
  cell *c = at(t, row, col);
  c->kind = CELL_BOOL;
  c->v.b = v != 0;
}

int gs_table_set_text(gs_table *t, size_t row, size_t col, const char *s, size_t len) {
  cell *c = at(t, row, col);
  if (!(c->v.s = dup_n(s, len))) return -1;
  c->kind = CELL_TEXT;
  t->bytes += len + 1;
  return 0;
}

int gs_table_set_footer(gs_table *t, const char *s) {
  free(t->footer);
  t->footer = NULL;
  if (!s) return 0;
  if (!(t->footer = dup_n(s, strlen(s)))) return -1;
  t->bytes += strlen(s) + 1;
  return 0;
}

const char *gs_table_footer(const gs_table *t) { return t->footer; }
size_t gs_table_rows(const gs_table *t) { return t->nrows; }
size_t gs_table_columns(const gs_table *t) { return t->ncols; }
size_t gs_table_bytes(const gs_table *t) { return t->bytes; }

gs_cell_kind gs_table_cell(const gs_table *t, size_t row, size_t col, double *num, long long *i, int *b,
                           const char **text) {
  const cell *c = &t->cells[row * t->ncols + col];
  switch (c->kind) {
  case CELL_NUM: *num = c->v.num; return GS_CELL_NUMBER;
  case CELL_INT: *i = c->v.i; return GS_CELL_INTEGER;
  case CELL_BOOL: *b = c->v.b; return GS_CELL_BOOL;
  case CELL_TEXT: *text = c->v.s; return GS_CELL_TEXT;
  default: return GS_CELL_NONE;
  }
}

const char *gs_table_column(const gs_table *t, size_t j) { return t->names[j]; }

/* ---------- rendering ---------- */

/* The text of a cell (NULL: missing); is_num: 1 number, 2 boolean. */
static const char *cell_text(const cell *c, gs_format fmt, char *buf, size_t len, int *is_num) {
  *is_num = 0;
  switch (c->kind) {
  case CELL_NONE: return NULL;
  case CELL_INT: *is_num = 1; snprintf(buf, len, "%lld", c->v.i); return buf;
  case CELL_BOOL: *is_num = 2; snprintf(buf, len, "%s", c->v.b ? "true" : "false"); return buf;
  case CELL_TEXT: return c->v.s;
  case CELL_NUM: {
    double v = c->v.num;
    *is_num = 1;
    if ((fmt == GS_FMT_TABLE || fmt == GS_FMT_MD) && v != floor(v)) {
      /* for people: at most 4 decimals, trailing zeros trimmed */
      snprintf(buf, len, "%.4f", v);
      char *e = buf + strlen(buf) - 1;
      while (*e == '0') *e-- = '\0';
      if (*e == '.') *e = '\0';
      if (strcmp(buf, "-0") == 0) snprintf(buf, len, "0");
    } else {
      gs_format_number(v, buf, len);
    }
    return buf;
  }
  }
  return NULL;
}

static size_t utf8_width(const char *s) {
  size_t w = 0;
  for (; *s; s++) w += ((unsigned char)*s & 0xC0) != 0x80;
  return w;
}

/* A TSV field: tab, newline, carriage return and backslash escaped, so
 * that every line is one record (format.h). */
static void tsv_field(FILE *f, const char *s) {
  for (; s && *s; s++) {
    switch (*s) {
    case '\t': fputs("\\t", f); break;
    case '\n': fputs("\\n", f); break;
    case '\r': fputs("\\r", f); break;
    case '\\': fputs("\\\\", f); break;
    default: fputc(*s, f);
    }
  }
}

static void json_value(FILE *f, const char *s, int isnum) {
  if (!s) fputs("null", f);
  else if (isnum) fputs(s, f);
  else gs_json_string(f, s);
}

static void md_field(FILE *f, const char *s) {
  for (; s && *s; s++) {
    if (*s == '|') fputc('\\', f);
    fputc(*s == '\n' ? ' ' : *s, f);
  }
}

/* One cell of the table format: `before` spaces of separator, `left` of
 * right-alignment, the text, `right` of left-alignment.  Spaces are held
 * back in *spaces until some text follows, so that no line ends in blanks. */
static void pad_cell(FILE *f, size_t *spaces, size_t before, size_t left, const char *text, size_t right) {
  *spaces += before + left;
  if (*text) {
    fprintf(f, "%*s%s", (int)*spaces, "", text);
    *spaces = 0;
  }
  *spaces += right;
}

static void write_footer(const gs_table *t, gs_format fmt, FILE *f) {
  if (!t->footer || (fmt != GS_FMT_TABLE && fmt != GS_FMT_MD)) return;
  const char *s = t->footer;
  for (;;) { /* "# " before every line, so that it stays a comment */
    const char *nl = strchr(s, '\n');
    fprintf(f, fmt == GS_FMT_MD ? "\n%.*s\n" : "# %.*s\n", (int)(nl ? (size_t)(nl - s) : strlen(s)), s);
    if (!nl) break;
    s = nl + 1;
  }
}

static void write_bare(const gs_table *t, gs_format fmt, FILE *f) {
  char buf[64];
  int isnum;
  if (fmt == GS_FMT_JSON) fputc('[', f);
  for (size_t i = 0; i < t->nrows; i++) {
    /* a value on its own is shown in full, as in csv */
    const char *s = cell_text(&t->cells[i * t->ncols], GS_FMT_CSV, buf, sizeof buf, &isnum);
    if (fmt == GS_FMT_JSON) {
      fputs(i ? ", " : "", f);
      json_value(f, s, isnum);
    } else if (fmt == GS_FMT_CSV) {
      gs_csv_field(f, s);
      fputc('\n', f);
    } else if (fmt == GS_FMT_TSV) {
      tsv_field(f, s);
      fputc('\n', f);
    } else if (fmt == GS_FMT_MD) {
      md_field(f, s);
      fputc('\n', f);
    } else {
      fprintf(f, "%s\n", s ? s : "");
    }
  }
  if (fmt == GS_FMT_JSON) fputs(t->footer ? "]" : "]\n", f);
}

int gs_table_write(const gs_table *t, gs_format fmt, FILE *f) {
  if (t->bare) {
    if (fmt == GS_FMT_JSON && t->footer) fputs("{\"rows\": ", f);
    write_bare(t, fmt, f);
  } else {
    size_t nc = t->ncols, nr = t->nrows;
    char buf[64];
    int isnum;
    size_t *w = calloc(2 * (nc ? nc : 1), sizeof *w);
    if (!w) return -1;
    size_t *numeric = w + nc;
    for (size_t j = 0; j < nc; j++) {
      w[j] = utf8_width(t->names[j]);
      numeric[j] = 1;
    }
    if (fmt == GS_FMT_TABLE || fmt == GS_FMT_MD)
      for (size_t i = 0; i < nr; i++)
        for (size_t j = 0; j < nc; j++) {
          const char *s = cell_text(&t->cells[i * nc + j], fmt, buf, sizeof buf, &isnum);
          if (!s) continue;
          size_t k = utf8_width(s);
          if (k > w[j]) w[j] = k;
          if (isnum != 1) numeric[j] = 0;
        }
    size_t spaces = 0;
    if (fmt == GS_FMT_JSON) {
      fputs(t->footer ? "{\"rows\": [" : "[", f);
    } else {
      if (fmt == GS_FMT_MD) fputs("|", f);
      for (size_t j = 0; j < nc; j++) {
        const char *h = t->names[j];
        if (fmt == GS_FMT_CSV) { if (j) fputc(',', f); gs_csv_field(f, h); }
        else if (fmt == GS_FMT_TSV) { if (j) fputc('\t', f); tsv_field(f, h); }
        else if (fmt == GS_FMT_MD) { fputc(' ', f); md_field(f, h); fputs(" |", f); }
        else {
          size_t pad = w[j] - utf8_width(h);
          pad_cell(f, &spaces, j ? 2 : 0, numeric[j] ? pad : 0, h, numeric[j] ? 0 : pad);
        }
      }
      fputc('\n', f);
      if (fmt == GS_FMT_MD) {
        fputs("|", f);
        for (size_t j = 0; j < nc; j++) fputs(numeric[j] ? " ---: |" : " --- |", f);
        fputc('\n', f);
      }
    }
    for (size_t i = 0; i < nr; i++) {
      spaces = 0;
      if (fmt == GS_FMT_JSON) fputs(i ? ",\n  {" : "\n  {", f);
      if (fmt == GS_FMT_MD) fputs("|", f);
      for (size_t j = 0; j < nc; j++) {
        const char *s = cell_text(&t->cells[i * nc + j], fmt, buf, sizeof buf, &isnum);
        switch (fmt) {
        case GS_FMT_CSV:
          if (j) fputc(',', f);
          gs_csv_field(f, s);
          break;
        case GS_FMT_TSV:
          if (j) fputc('\t', f);
          tsv_field(f, s);
          break;
        case GS_FMT_JSON:
          if (j) fputs(", ", f);
          gs_json_string(f, t->names[j]);
          fputs(": ", f);
          json_value(f, s, isnum);
          break;
        case GS_FMT_MD:
          fputc(' ', f);
          md_field(f, s);
          fputs(" |", f);
          break;
        default: {
          const char *v = s ? s : "";
          size_t pad = w[j] - utf8_width(v);
          pad_cell(f, &spaces, j ? 2 : 0, numeric[j] ? pad : 0, v, numeric[j] ? 0 : pad);
        }
        }
      }
      if (fmt == GS_FMT_JSON) fputs("}", f);
      else fputc('\n', f);
    }
    if (fmt == GS_FMT_JSON) fputs(nr ? "\n]" : "]", f);
    if (fmt == GS_FMT_JSON && !t->footer) fputc('\n', f);
    free(w);
  }
  if (fmt == GS_FMT_JSON && t->footer) {
    fputs(", \"metadata\": {\"footer\": ", f);
    gs_json_string(f, t->footer);
    fputs("}}\n", f);
  }
  write_footer(t, fmt, f);
  return ferror(f) ? -1 : 0;
}
