/* chartdraw.c - display lists to PNG, PDF (cairo) and SVG (see chartdraw.h). */
#include "chartdraw.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <limits.h>
#include <pthread.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "atomic.h"

int gs_chart_format_for_path(const char *path) {
  const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
  if (!dot || (slash && dot < slash)) return -1;
  if (strcasecmp(dot, ".png") == 0) return GS_CHART_PNG;
  if (strcasecmp(dot, ".svg") == 0) return GS_CHART_SVG;
  if (strcasecmp(dot, ".pdf") == 0) return GS_CHART_PDF;
  return -1;
}

/* ---------- text ---------- */

/* Unhinted metrics: glyph advances then scale exactly with the size and
 * do not depend on the surface, so measuring on a 1x1 image surface gives
 * the widths drawn on PNG and PDF, and close to those in an SVG viewer. */
static void set_font(cairo_t *cr, double size, int bold) {
  cairo_select_font_face(cr, GS_CHART_FONT, CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  cairo_font_options_t *fo = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
  cairo_set_font_options(cr, fo);
  cairo_font_options_destroy(fo);
}

/* cairo and fontconfig keep font caches for the life of the process;
 * releasing them at exit lets leak checkers (make asan, make leakcheck)
 * see a clean heap.  Registered once, on first use of a font. */
static void release_fonts(void) {
  cairo_debug_reset_static_data();
  FcFini();
}
static void register_release(void) { atexit(release_fonts); }
static pthread_once_t release_once = PTHREAD_ONCE_INIT;

struct gs_measurer {
  cairo_surface_t *s;
  cairo_t *cr;
};

gs_measurer *gs_measurer_new(void) {
  pthread_once(&release_once, register_release);
  gs_measurer *m = calloc(1, sizeof *m);
  if (!m) return NULL;
  m->s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
  m->cr = cairo_create(m->s);
  if (cairo_status(m->cr) != CAIRO_STATUS_SUCCESS) {
    gs_measurer_free(m);
    return NULL;
  }
  return m;
}

void gs_measurer_free(gs_measurer *m) {
  if (!m) return;
  if (m->cr) cairo_destroy(m->cr);
  if (m->s) cairo_surface_destroy(m->s);
  free(m);
}

double gs_chart_measure(void *measurer, const char *text, double size, int bold) {
  gs_measurer *m = measurer;
  cairo_text_extents_t e;
  set_font(m->cr, size, bold);
  cairo_text_extents(m->cr, text, &e);
  return e.x_advance;
}

/* ---------- cairo ---------- */

static void set_colour(cairo_t *cr, long c) {
  cairo_set_source_rgb(cr, (double)((c >> 16) & 255) / 255, (double)((c >> 8) & 255) / 255,
                       (double)(c & 255) / 255);
}

static void draw_cairo(const gs_dl *dl, cairo_t *cr) {
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  for (size_t i = 0; i < dl->n; i++) {
    const gs_dl_item *it = &dl->item[i];
    switch (it->kind) {
    case GS_DL_LINE:
      if (it->stroke == GS_NOCOLOR) break;
      cairo_move_to(cr, it->x, it->y);
      cairo_line_to(cr, it->x2, it->y2);
      cairo_set_line_width(cr, it->size);
      set_colour(cr, it->stroke);
      cairo_stroke(cr);
      break;
    case GS_DL_RECT:
    case GS_DL_CIRCLE:
      if (it->kind == GS_DL_RECT) cairo_rectangle(cr, it->x, it->y, it->x2, it->y2);
      else cairo_arc(cr, it->x, it->y, it->x2, 0, 2 * M_PI);
      if (it->fill != GS_NOCOLOR) {
        set_colour(cr, it->fill);
        if (it->stroke != GS_NOCOLOR) cairo_fill_preserve(cr);
        else cairo_fill(cr);
      }
      if (it->stroke != GS_NOCOLOR) {
        set_colour(cr, it->stroke);
        cairo_set_line_width(cr, it->size);
        cairo_stroke(cr);
      }
      cairo_new_path(cr);
      break;
    case GS_DL_TEXT: {
      if (!it->text || it->fill == GS_NOCOLOR) break;
      set_font(cr, it->size, it->bold);
      cairo_text_extents_t e;
      cairo_text_extents(cr, it->text, &e);
      double x = it->x;
      if (it->anchor == GS_ANCHOR_MIDDLE) x -= e.x_advance / 2;
      else if (it->anchor == GS_ANCHOR_END) x -= e.x_advance;
      set_colour(cr, it->fill);
      cairo_move_to(cr, x, it->y);
      cairo_show_text(cr, it->text);
      cairo_new_path(cr);
      break;
    }
    }
  }
}

static cairo_status_t to_file(void *closure, const unsigned char *data, unsigned int len) {
  return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static int write_cairo(const gs_dl *dl, gs_chart_format fmt, FILE *f, char *err, size_t errlen) {
  pthread_once(&release_once, register_release);
  cairo_surface_t *s;
  if (fmt == GS_CHART_PNG)
    s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)lround(dl->width), (int)lround(dl->height));
  else {
    s = cairo_pdf_surface_create_for_stream(to_file, f, dl->width, dl->height);
    /* No creation date (an empty one leaves the entry out): the same chart
     * gives the same PDF, as it gives the same SVG and PNG. */
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, "");
  }
  cairo_t *cr = cairo_create(s);
  draw_cairo(dl, cr);
  cairo_status_t st = cairo_status(cr);
  cairo_destroy(cr);
  if (st == CAIRO_STATUS_SUCCESS && fmt == GS_CHART_PNG) st = cairo_surface_write_to_png_stream(s, to_file, f);
  cairo_surface_finish(s); /* the PDF is written here */
  if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(s);
  cairo_surface_destroy(s);
  if (st != CAIRO_STATUS_SUCCESS) {
    snprintf(err, errlen, "%s", cairo_status_to_string(st));
    return -1;
  }
  return 0;
}

/* ---------- SVG ---------- */

/* Coordinates with at most two decimals, trailing zeros dropped: short,
 * and the same text on every machine (C locale). */
static void put_num(FILE *f, double v) {
  char b[48];
  snprintf(b, sizeof b, "%.2f", fabs(v) < 0.005 ? 0.0 : v);
  char *e = b + strlen(b) - 1;
  while (*e == '0') *e-- = '\0';
  if (*e == '.') *e = '\0';
  fputs(b, f);
}

/* XML text: markup characters escaped, control characters and bytes that
 * are not UTF-8 replaced by U+FFFD, so the file always parses. */
static void put_xml(FILE *f, const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    unsigned c = *p;
    int len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
    int ok = len > 0 && !(len == 2 && c < 0xc2);
    for (int k = 1; ok && k < len; k++) ok = (p[k] & 0xc0) == 0x80;
    if (!ok) { fputs("\xef\xbf\xbd", f); p++; continue; }
    if (len > 1) { fwrite(p, 1, (size_t)len, f); p += len; continue; }
    switch (c) {
    case '&': fputs("&amp;", f); break;
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '"': fputs("&quot;", f); break;
    case '\'': fputs("&apos;", f); break;
    default:
      if (c < 0x20 && c != '\t' && c != '\n') fputs("\xef\xbf\xbd", f);
      else fputc((int)c, f);
    }
    p++;
  }
}

static void put_paint(FILE *f, const char *attr, long c) {
  if (c == GS_NOCOLOR) fprintf(f, " %s=\"none\"", attr);
  else fprintf(f, " %s=\"#%06lx\"", attr, (unsigned long)c & 0xffffffUL);
}

static void put_meta(FILE *f, const gs_dl_item *it) {
  if (it->cls) fprintf(f, " class=\"%s\"", it->cls);
  if (it->key) {
    fputs(" data-key=\"", f);
    put_xml(f, it->key);
    fputc('"', f);
  }
}

int gs_chart_svg(const gs_dl *dl, FILE *f) {
  fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"", f);
  put_num(f, dl->width);
  fputs("\" height=\"", f);
  put_num(f, dl->height);
  fputs("\" viewBox=\"0 0 ", f);
  put_num(f, dl->width);
  fputc(' ', f);
  put_num(f, dl->height);
  fputs("\" font-family=\"" GS_CHART_FONT ", Verdana, sans-serif\">\n", f);
  for (size_t i = 0; i < dl->n; i++) {
    const gs_dl_item *it = &dl->item[i];
    switch (it->kind) {
    case GS_DL_LINE:
      fputs("<line x1=\"", f); put_num(f, it->x);
      fputs("\" y1=\"", f); put_num(f, it->y);
      fputs("\" x2=\"", f); put_num(f, it->x2);
      fputs("\" y2=\"", f); put_num(f, it->y2);
      fputc('"', f);
      put_paint(f, "stroke", it->stroke);
      fputs(" stroke-width=\"", f); put_num(f, it->size);
      fputs("\" stroke-linecap=\"round\"", f);
      break;
    case GS_DL_RECT:
      fputs("<rect x=\"", f); put_num(f, it->x);
      fputs("\" y=\"", f); put_num(f, it->y);
      fputs("\" width=\"", f); put_num(f, it->x2);
      fputs("\" height=\"", f); put_num(f, it->y2);
      fputc('"', f);
      put_paint(f, "fill", it->fill);
      if (it->stroke != GS_NOCOLOR) put_paint(f, "stroke", it->stroke);
      break;
    case GS_DL_CIRCLE:
      fputs("<circle cx=\"", f); put_num(f, it->x);
      fputs("\" cy=\"", f); put_num(f, it->y);
      fputs("\" r=\"", f); put_num(f, it->x2);
      fputc('"', f);
      put_paint(f, "fill", it->fill);
      if (it->stroke != GS_NOCOLOR) put_paint(f, "stroke", it->stroke);
      break;
    case GS_DL_TEXT:
      fputs("<text x=\"", f); put_num(f, it->x);
      fputs("\" y=\"", f); put_num(f, it->y);
      fputs("\" font-size=\"", f); put_num(f, it->size);
      fputc('"', f);
      if (it->anchor != GS_ANCHOR_START)
        fprintf(f, " text-anchor=\"%s\"", it->anchor == GS_ANCHOR_MIDDLE ? "middle" : "end");
      if (it->bold) fputs(" font-weight=\"bold\"", f);
      put_paint(f, "fill", it->fill);
      put_meta(f, it);
      fputc('>', f);
      put_xml(f, it->text ? it->text : "");
      fputs("</text>\n", f);
      continue;
    }
    put_meta(f, it);
    fputs("/>\n", f);
  }
  fputs("</svg>\n", f);
  return ferror(f) ? -1 : 0;
}

/* ---------- files ---------- */

int gs_chart_write_begin(const gs_dl *dl, const char *path, FILE **out, char *tmp, size_t tmplen, char *err,
                         size_t errlen) {
  *out = NULL;
  int fmt = gs_chart_format_for_path(path);
  if (fmt < 0) {
    snprintf(err, errlen, "%s: unknown chart format (use " GS_CHART_EXTENSIONS ")", path);
    return -1;
  }
  FILE *f = gs_atomic_open(path, tmp, tmplen);
  if (!f) {
    snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
    return -1;
  }
  char why[256] = "";
  int bad = fmt == GS_CHART_SVG ? gs_chart_svg(dl, f) : write_cairo(dl, (gs_chart_format)fmt, f, why, sizeof why);
  if (!bad && fflush(f) != 0) bad = 1; /* a full disk shows here, before anything is renamed */
  if (bad) {
    int e = errno;
    gs_atomic_abort(f, tmp);
    snprintf(err, errlen, "cannot write %s: %s", path, why[0] ? why : e ? strerror(e) : "write error");
    return -1;
  }
  *out = f;
  return 0;
}

int gs_chart_write(const gs_dl *dl, const char *path, int sync, char *err, size_t errlen) {
  size_t tl = strlen(path) + 32;
  char *tmp = malloc(tl);
  if (!tmp) { snprintf(err, errlen, "out of memory"); return -1; }
  FILE *f;
  if (gs_chart_write_begin(dl, path, &f, tmp, tl, err, errlen) != 0) { free(tmp); return -1; }
  if (gs_atomic_commit(f, tmp, path, sync) != 0) {
    snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
    free(tmp);
    return -1;
  }
  free(tmp);
  return 0;
}
