/* chart.c - chart layout as display lists (see chart.h).
 *
 * Every chart is laid out the same way: measure the labels, derive the
 * margins from them, map the data to the plot area with a linear scale,
 * then append items in drawing order (background, grid, data, labels).
 * Nothing here knows about cairo or files. */
#include "chart.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Colours: a colour-blind-safe pair for movers (Okabe-Ito blue and
 * vermillion: red and green look alike to one man in twelve), grey for
 * the rest. */
#define C_BG 0xffffffL
#define C_TEXT 0x222222L
#define C_MUTED 0x666666L
#define C_GRID 0xdddddd
#define C_RISE 0x0072b2L
#define C_FALL 0xd55e00L
#define C_SAME 0x9a9a9aL
#define C_BAND 0x9ecae1L
#define C_MEDIAN 0x08519cL
#define C_NOMINAL 0xe6550dL
#define C_BAR 0x3182bdL
#define C_MAXBAR 0xe8e8e8L

/* No axis gets more ticks than this, whatever its range and step. */
#define MAX_TICKS 200

static const long palette[] = {0x1b9e77, 0xd95f02, 0x7570b3, 0xe7298a, 0x66a61e, 0xe6ab02, 0xa6761d, 0x666666};
#define NPALETTE (sizeof palette / sizeof palette[0])

/* ---------- display list ---------- */

static gs_dl *dl_new(double w, double h) {
  gs_dl *dl = calloc(1, sizeof *dl);
  if (!dl) return NULL;
  dl->width = w;
  dl->height = h;
  return dl;
}

void gs_dl_free(gs_dl *dl) {
  if (!dl) return;
  for (size_t i = 0; i < dl->n; i++) {
    free(dl->item[i].text);
    free(dl->item[i].key);
  }
  free(dl->item);
  free(dl);
}

static char *dupstr(gs_dl *dl, const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s) + 1;
  char *c = malloc(n);
  if (!c) { dl->failed = 1; return NULL; }
  return memcpy(c, s, n);
}

/* Appends an item (zeroed but for kind, key and class); on allocation
 * failure marks the list failed and returns a scratch item, so callers
 * need no checks in the middle of a layout. */
static gs_dl_item *dl_push(gs_dl *dl, gs_dl_kind kind, const char *key, const char *cls) {
  static _Thread_local gs_dl_item scratch;
  if (dl->n == dl->cap) {
    size_t cap = dl->cap ? dl->cap * 2 : 64;
    gs_dl_item *it = realloc(dl->item, cap * sizeof *it);
    if (!it) { dl->failed = 1; memset(&scratch, 0, sizeof scratch); return &scratch; }
    dl->item = it;
    dl->cap = cap;
  }
  gs_dl_item *it = &dl->item[dl->n++];
  memset(it, 0, sizeof *it);
  it->kind = kind;
  it->fill = it->stroke = GS_NOCOLOR;
  it->key = dupstr(dl, key);
  it->cls = cls;
  return it;
}

static void dl_line(gs_dl *dl, double x1, double y1, double x2, double y2, double width, long colour,
                    const char *key, const char *cls) {
  gs_dl_item *it = dl_push(dl, GS_DL_LINE, key, cls);
  it->x = x1; it->y = y1; it->x2 = x2; it->y2 = y2;
  it->size = width;
  it->stroke = colour;
}

static void dl_rect(gs_dl *dl, double x, double y, double w, double h, long fill, const char *key,
                    const char *cls) {
  gs_dl_item *it = dl_push(dl, GS_DL_RECT, key, cls);
  it->x = x; it->y = y; it->x2 = w; it->y2 = h;
  it->fill = fill;
}

static void dl_circle(gs_dl *dl, double x, double y, double r, long fill, long stroke, const char *key,
                      const char *cls) {
  gs_dl_item *it = dl_push(dl, GS_DL_CIRCLE, key, cls);
  it->x = x; it->y = y; it->x2 = r;
  it->fill = fill;
  it->stroke = stroke;
  it->size = 1;
}

static void dl_text(gs_dl *dl, double x, double y, double size, long colour, gs_anchor a, int bold,
                    const char *text, const char *key, const char *cls) {
  gs_dl_item *it = dl_push(dl, GS_DL_TEXT, key, cls);
  it->x = x; it->y = y;
  it->size = size;
  it->fill = colour;
  it->anchor = a;
  it->bold = bold;
  /* after a failure the item may be the scratch one: allocate nothing more */
  it->text = dl->failed ? NULL : dupstr(dl, text ? text : "");
}

/* ---------- helpers ---------- */

static double measure(const gs_chart_opts *o, const char *s, double size, int bold) {
  if (o->measure) return o->measure(o->measure_ctx, s, size, bold);
  size_t chars = 0; /* fallback: UTF-8 characters at 0.6 em */
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) chars += (*p & 0xc0) != 0x80;
  return (double)chars * size * (bold ? 0.65 : 0.6);
}

/* Ranks print as integers when whole (fractional ties print as 2.5). */
static void fmt_num(char *buf, size_t len, double v) {
  if (v == floor(v) && fabs(v) < 1e15) snprintf(buf, len, "%.0f", v);
  else snprintf(buf, len, "%g", v);
}

/* text cut to at most maxw wide at size, ending in an ellipsis when cut,
 * into buf (at least 8 bytes); returns buf.  Cut at UTF-8 character
 * boundaries, measured as drawn, so nothing runs past the room given. */
static const char *fit_text(const gs_chart_opts *o, const char *text, double size, int bold, double maxw, char *buf,
                            size_t len) {
  snprintf(buf, len, "%s", text);
  if (measure(o, buf, size, bold) <= maxw) return buf;
  size_t n = strlen(buf);
  while (n > 0) {
    do n--; while (n > 0 && ((unsigned char)buf[n] & 0xc0) == 0x80);
    if (n + 4 > len) continue;
    memcpy(buf + n, "\xe2\x80\xa6", 4); /* U+2026 and the terminator */
    if (measure(o, buf, size, bold) <= maxw) return buf;
  }
  snprintf(buf, len, "%s", measure(o, "\xe2\x80\xa6", size, bold) <= maxw ? "\xe2\x80\xa6" : "");
  return buf;
}

double gs_chart_nice_step(double span, int ticks) {
  if (!(span > 0) || ticks < 1) return 1;
  double raw = span / ticks, mag = pow(10, floor(log10(raw))), f = raw / mag;
  double m = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
  return m * mag;
}

/* Starts a chart: background and title; returns the y below the title. */
static gs_dl *chart_begin(gs_chart_opts *o, double auto_height, double *top, char *err, size_t errlen) {
  if (o->height == 0) o->height = auto_height < 200 ? 200 : auto_height > 20000 ? 20000 : round(auto_height);
  if (!(o->width >= 50 && o->height >= 50 && o->width <= 20000 && o->height <= 20000)) {
    snprintf(err, errlen, "width and height must be from 50 to 20000");
    return NULL;
  }
  gs_dl *dl = dl_new(o->width, o->height);
  if (!dl) { snprintf(err, errlen, "out of memory"); return NULL; }
  dl_rect(dl, 0, 0, o->width, o->height, C_BG, NULL, "background");
  *top = 16;
  if (o->title && *o->title) {
    /* a long title shrinks to fit the width (down to 10), then is cut */
    double room = o->width - 32, w = measure(o, o->title, 18, 1), size = 18;
    if (w > room) size = 18 * room / w < 10 ? 10 : floor(18 * room / w * 10) / 10;
    char buf[1024];
    dl_text(dl, o->width / 2, 30, size, C_TEXT, GS_ANCHOR_MIDDLE, 1, fit_text(o, o->title, size, 1, room, buf, sizeof buf),
            NULL, "title");
    *top = 48;
  }
  return dl;
}

static gs_dl *chart_end(gs_dl *dl, char *err, size_t errlen) {
  if (dl && dl->failed) {
    gs_dl_free(dl);
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  return dl;
}

/* A legend entry: a swatch drawn by the caller's kind, then its text;
 * returns the x after it. */
static double legend_entry(gs_dl *dl, const gs_chart_opts *o, double x, double y, long colour, int swatch,
                           const char *text) {
  if (swatch == 0) dl_line(dl, x, y - 4, x + 18, y - 4, 3, colour, NULL, "legend");
  else if (swatch == 1) dl_rect(dl, x, y - 9, 18, 10, colour, NULL, "legend");
  else if (swatch == 2) dl_circle(dl, x + 9, y - 4, 4, colour, GS_NOCOLOR, NULL, "legend");
  else dl_line(dl, x + 9, y - 10, x + 9, y + 2, 2, colour, NULL, "legend");
  dl_text(dl, x + 24, y, 12, C_TEXT, GS_ANCHOR_START, 0, text, NULL, "legend");
  return x + 24 + measure(o, text, 12, 0) + 18;
}

/* ---------- label placement ---------- */

typedef struct { double want; size_t i; } spread_item;
static int spread_cmp(const void *a, const void *b) {
  const spread_item *x = a, *y = b;
  if (x->want != y->want) return x->want < y->want ? -1 : 1;
  return (x->i > y->i) - (x->i < y->i);
}

int gs_chart_spread(const double *want, double *out, size_t n, double gap, double lo, double hi) {
  if (n == 0) return 0;
  spread_item *s = malloc(n * sizeof *s);
  double *val = malloc(n * sizeof *val), *wt = malloc(n * sizeof *wt);
  size_t *len = malloc(n * sizeof *len);
  if (!s || !val || !wt || !len) { free(s); free(val); free(wt); free(len); return -1; }
  for (size_t i = 0; i < n; i++) s[i] = (spread_item){want[i], i};
  qsort(s, n, sizeof *s, spread_cmp);
  if (n > 1 && (hi - lo) < gap * (double)(n - 1)) gap = (hi - lo) / (double)(n - 1);
  if (gap < 0) gap = 0;
  /* Positions p[k] with p[k+1] - p[k] >= gap are q[k] + k*gap with q
   * nondecreasing: the least-squares q is the isotonic regression of
   * want[k] - k*gap, found by pooling adjacent violators into blocks that
   * sit at their mean. */
  size_t nb = 0;
  for (size_t k = 0; k < n; k++) {
    val[nb] = s[k].want - (double)k * gap;
    wt[nb] = 1;
    len[nb] = 1;
    nb++;
    while (nb > 1 && val[nb - 2] > val[nb - 1]) {
      double w = wt[nb - 2] + wt[nb - 1];
      val[nb - 2] = (val[nb - 2] * wt[nb - 2] + val[nb - 1] * wt[nb - 1]) / w;
      wt[nb - 2] = w;
      len[nb - 2] += len[nb - 1];
      nb--;
    }
  }
  /* Bounds: q[0] >= lo and q[n-1] <= hi - (n-1)*gap; clamping the
   * isotonic solution to a box keeps it optimal. */
  double qlo = lo, qhi = hi - (double)(n - 1) * gap;
  size_t k = 0;
  for (size_t b = 0; b < nb; b++) {
    double q = val[b];
    if (q < qlo) q = qlo;
    if (q > qhi) q = qhi;
    for (size_t j = 0; j < len[b]; j++, k++) out[s[k].i] = q + (double)k * gap;
  }
  free(s); free(val); free(wt); free(len);
  return 0;
}

/* ---------- slope chart ---------- */

/* The slope chart's vertical scale is ordinal, not linear in the rank: a
 * linear scale spent most of the height on the few countries that came
 * from far down (GCI 2018 ranks 70 and 77 beside a 2020 top 30 ending at
 * 33), squeezed the rest together and sent their labels far from their
 * points.  Instead each rank that occurs gets a block of rows, as many as
 * the countries sharing it on the busier side, so tied labels fit in their
 * block and every other label sits level with its point.  A skipped range
 * of ranks (33 -> 41) costs a little extra space (SLOPE_BREAK rows), where
 * each axis gets a break mark (//) with the ranks on either side of it
 * written beside ("33 ... 41"): without them a line from 18 to 55 read as a fall to "a
 * bit below 33".  The ranks keep their order, so a line still climbs or
 * falls. */
#define SLOPE_BREAK 1.0
typedef struct {
  double rank;  /* a rank occurring on either side */
  double count; /* rows in its block */
  double start; /* row where its block starts */
} slope_slot;

static int dbl_cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Fills slot with the distinct ranks of the m selected items (ascending)
 * and their blocks; r is scratch room for 2m doubles.  Sets *nr to the
 * number of ranks; returns the total height in rows (at least 1). */
static double slope_slots(const gs_slope_item *it, const size_t *sel, size_t m, double *r, slope_slot *slot,
                          size_t *nr) {
  for (size_t k = 0; k < m; k++) {
    r[2 * k] = it[sel[k]].before;
    r[2 * k + 1] = it[sel[k]].after;
  }
  qsort(r, 2 * m, sizeof *r, dbl_cmp);
  size_t n = 0;
  double rows = 0;
  for (size_t k = 0; k < 2 * m; k++) {
    if (n > 0 && r[k] == slot[n - 1].rank) continue;
    double cb = 0, ca = 0;
    for (size_t j = 0; j < m; j++) {
      cb += it[sel[j]].before == r[k];
      ca += it[sel[j]].after == r[k];
    }
    if (n > 0 && r[k] - slot[n - 1].rank > 1) rows += SLOPE_BREAK; /* a break in the ranks */
    slot[n].rank = r[k];
    slot[n].count = cb > ca ? cb : ca;
    slot[n].start = rows;
    rows += slot[n].count;
    n++;
  }
  *nr = n;
  return rows < 1 ? 1 : rows;
}

/* The y of a rank (one of the slots' ranks): the middle of its block. */
static double slope_y(const slope_slot *slot, size_t nr, double rows, double rank, double y0, double y1) {
  if (rows <= 1) return (y0 + y1) / 2;
  size_t lo = 0, hi = nr;
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (slot[mid].rank <= rank) lo = mid; else hi = mid;
  }
  return y0 + (slot[lo].start + (slot[lo].count - 1) / 2) * (y1 - y0) / (rows - 1);
}

/* A slope label, "name  rank" (before) or "rank  name" (after), with the
 * name cut so that the label measures at most room; into buf, returned. */
static const char *slope_label(const gs_chart_opts *o, const char *label, double rank, int after, double room,
                               char *name, size_t namelen, char *buf, size_t len) {
  char num[32], pad[40];
  fmt_num(num, sizeof num, rank);
  snprintf(pad, sizeof pad, "  %s", num);
  fit_text(o, label, 12, 0, room - measure(o, pad, 12, 0), name, namelen);
  if (after) snprintf(buf, len, "%s  %s", num, name);
  else snprintf(buf, len, "%s  %s", name, num);
  return buf;
}

typedef struct { double rank; size_t i; int after; } foot_item;
static int foot_cmp(const void *a, const void *b) {
  const foot_item *x = a, *y = b;
  if (x->rank != y->rank) return x->rank < y->rank ? -1 : 1;
  return (x->i > y->i) - (x->i < y->i);
}

static char slope_nomem;
#define SLOPE_NOMEM (&slope_nomem)

/* The footnote naming the countries in the top `top` of one side that
 * have no rank on the other: "Not shown, ranked on one side only: Canada
 * (GCI 2020: 8), ...", best rank first, as many as fit the width and then
 * "and N more".  NULL when there are none; SLOPE_NOMEM when out of memory;
 * else malloc'd (the caller frees it). */
static char *slope_footnote(const gs_slope_item *it, size_t n, size_t top, const char *bl, const char *al,
                            const gs_chart_opts *o) {
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (isfinite(it[i].before) != isfinite(it[i].after) &&
        (isfinite(it[i].before) ? it[i].before : it[i].after) <= (double)top)
      m++;
  if (m == 0) return NULL;
  foot_item *f = malloc(m * sizeof *f);
  size_t cap = 4096;
  char *text = malloc(cap), *cand = malloc(cap);
  if (!f || !text || !cand) { free(f); free(text); free(cand); return SLOPE_NOMEM; }
  m = 0;
  for (size_t i = 0; i < n; i++)
    if (isfinite(it[i].before) != isfinite(it[i].after) &&
        (isfinite(it[i].before) ? it[i].before : it[i].after) <= (double)top)
      f[m++] = (foot_item){isfinite(it[i].before) ? it[i].before : it[i].after, i, !isfinite(it[i].before)};
  qsort(f, m, sizeof *f, foot_cmp);
  const char *head = "Not shown, ranked on one side only: ";
  double room = o->width - 32;
  /* the longest list of names that fits, with what is left as "and N more" */
  size_t len = (size_t)snprintf(text, cap, "%s", head);
  size_t shown = 0;
  for (size_t k = 0; k < m; k++) {
    char num[32];
    fmt_num(num, sizeof num, f[k].rank);
    size_t cl = (size_t)snprintf(cand, cap, "%.*s%s%s (%s: %s)", (int)len, text, k ? ", " : "",
                                 it[f[k].i].label, f[k].after ? al : bl, num);
    if (cl >= cap) break;
    char tail[64] = "";
    if (k + 1 < m) snprintf(tail, sizeof tail, ", and %zu more", m - k - 1);
    size_t tl = strlen(tail);
    if (cl + tl >= cap) break;
    memcpy(cand + cl, tail, tl + 1);
    if (measure(o, cand, 11, 0) > room) break;
    cand[cl] = '\0';
    memcpy(text, cand, cl + 1);
    len = cl;
    shown = k + 1;
  }
  if (shown < m) snprintf(text + len, cap - len, "%s%zu more", shown ? ", and " : "", m - shown);
  char *out = malloc(cap);
  if (out) fit_text(o, text, 11, 0, room, out, cap);
  free(f); free(text); free(cand);
  return out ? out : SLOPE_NOMEM;
}

gs_dl *gs_chart_slope(const gs_slope_item *it, size_t n, const char *before_label, const char *after_label,
                      const gs_chart_opts *oin, char *err, size_t errlen) {
  gs_chart_opts oc = *oin, *o = &oc; /* the height may be chosen here */
  size_t top = o->top ? o->top : 30;
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (isfinite(it[i].before) && isfinite(it[i].after) && (it[i].before <= (double)top || it[i].after <= (double)top))
      m++;
  if (m == 0) { snprintf(err, errlen, "nothing to plot: no country has a rank on both sides"); return NULL; }
  size_t *sel = malloc(m * sizeof *sel);
  double *want = malloc(2 * m * sizeof *want), *pos = malloc(2 * m * sizeof *pos);
  slope_slot *slot = malloc(2 * m * sizeof *slot);
  double *scratch = malloc(2 * m * sizeof *scratch);
  if (!sel || !want || !pos || !slot || !scratch) {
    free(sel); free(want); free(pos); free(slot); free(scratch);
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  m = 0;
  for (size_t i = 0; i < n; i++)
    if (isfinite(it[i].before) && isfinite(it[i].after) && (it[i].before <= (double)top || it[i].after <= (double)top))
      sel[m++] = i;
  size_t nr;
  double nslots = slope_slots(it, sel, m, scratch, slot, &nr);
  free(scratch);
  const char *bl = before_label ? before_label : "before", *al = after_label ? after_label : "after";
  /* A country ranked (in the top) on one side only has no line: named in a
   * footnote rather than dropped silently. */
  char *foot = slope_footnote(it, n, top, bl, al, o);
  if (foot == SLOPE_NOMEM) {
    free(sel); free(want); free(pos); free(slot);
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  double top_y;
  gs_dl *dl = chart_begin(o, 184 + nslots * 15.5 + (foot ? 20 : 0), &top_y, err, errlen);
  if (!dl) { free(sel); free(want); free(pos); free(slot); free(foot); return NULL; }

  const double fs = 12, gap = fs * 1.25;
  char buf[512], name[512];
  /* Each side's labels get at most this much room, so that the lines keep
   * 60 units between them: longer names are cut with an ellipsis. */
  double room = (o->width - 32 - 48 - 60) / 2;
  if (room < 24) room = 24;
  double lw = measure(o, bl, 14, 1), rw = measure(o, al, 14, 1);
  double aw = measure(o, "rank (1 = best)", 11, 0); /* the axes' title, under the headers */
  if (aw > lw) lw = aw;
  if (aw > rw) rw = aw;
  if (lw > room) lw = room;
  if (rw > room) rw = room;
  for (size_t k = 0; k < m; k++) {
    const gs_slope_item *s = &it[sel[k]];
    double w = measure(o, slope_label(o, s->label, s->before, 0, room, name, sizeof name, buf, sizeof buf), fs, 0);
    if (w > lw) lw = w;
    w = measure(o, slope_label(o, s->label, s->after, 1, room, name, sizeof name, buf, sizeof buf), fs, 0);
    if (w > rw) rw = w;
  }
  double xl = 16 + lw + 24, xr = o->width - 16 - rw - 24;
  if (xr - xl < 1) { xl = o->width * 0.4; xr = o->width * 0.6; } /* narrower than 50 + room: keep the lines */
  double y0 = top_y + 78, y1 = o->height - 20 - (foot ? 20 : 0);
  if (y1 <= y0) y1 = y0 + 1;
  /* the legend on a row of its own, centred; the two sides' names under it */
  double lx = o->width / 2 - (measure(o, "rose", 12, 0) + measure(o, "fell", 12, 0) +
                              measure(o, "unchanged", 12, 0) + 3 * 42 - 18) / 2;
  lx = legend_entry(dl, o, lx, top_y + 14, C_RISE, 0, "rose");
  lx = legend_entry(dl, o, lx, top_y + 14, C_FALL, 0, "fell");
  legend_entry(dl, o, lx, top_y + 14, C_SAME, 0, "unchanged");
  dl_text(dl, xl, top_y + 40, 14, C_TEXT, GS_ANCHOR_END, 1, fit_text(o, bl, 14, 1, room, buf, sizeof buf), NULL,
          "header");
  dl_text(dl, xr, top_y + 40, 14, C_TEXT, GS_ANCHOR_START, 1, fit_text(o, al, 14, 1, room, buf, sizeof buf), NULL,
          "header");
  /* what the axes measure, under each side's name */
  dl_text(dl, xl, top_y + 56, 11, C_MUTED, GS_ANCHOR_END, 0, fit_text(o, "rank (1 = best)", 11, 0, room, buf, sizeof buf),
          NULL, "axis-title");
  dl_text(dl, xr, top_y + 56, 11, C_MUTED, GS_ANCHOR_START, 0, fit_text(o, "rank (1 = best)", 11, 0, room, buf, sizeof buf),
          NULL, "axis-title");
  if (foot) dl_text(dl, 16, o->height - 14, 11, C_MUTED, GS_ANCHOR_START, 0, foot, NULL, "footnote");
  free(foot);
  dl_line(dl, xl, y0, xl, y1, 1, C_GRID, NULL, "axis");
  dl_line(dl, xr, y0, xr, y1, 1, C_GRID, NULL, "axis");

#define YR(r) slope_y(slot, nr, nslots, (r), y0, y1)
  /* lines: unchanged first, so movers are drawn on top */
  for (int pass = 0; pass < 2; pass++)
    for (size_t k = 0; k < m; k++) {
      const gs_slope_item *s = &it[sel[k]];
      double ch = s->before - s->after;
      if ((ch == 0) != (pass == 0)) continue;
      long c = ch > 0 ? C_RISE : ch < 0 ? C_FALL : C_SAME;
      const char *cls = ch > 0 ? "riser" : ch < 0 ? "faller" : "same";
      dl_line(dl, xl, YR(s->before), xr, YR(s->after), ch == 0 ? 1 : 2, c, s->key, cls);
      dl_circle(dl, xl, YR(s->before), 3, c, GS_NOCOLOR, s->key, cls);
      dl_circle(dl, xr, YR(s->after), 3, c, GS_NOCOLOR, s->key, cls);
    }
  /* over the lines, each break in the ranks: a gap in both axes crossed by two slashes,
   * the rank before it above and the rank after it below, inside the axes */
  for (size_t k = 1; k < nr && nslots > 1; k++) {
    if (slot[k].rank - slot[k - 1].rank <= 1) continue;
    /* between the last row of the block above and the first row below */
    double row = (y1 - y0) / (nslots - 1);
    double last = y0 + (slot[k - 1].start + slot[k - 1].count - 1) * row, first = y0 + slot[k].start * row;
    double yc = (last + first) / 2;
    char na[32], nb[32], text[80];
    fmt_num(na, sizeof na, slot[k - 1].rank);
    fmt_num(nb, sizeof nb, slot[k].rank);
    snprintf(text, sizeof text, "%s \xe2\x80\xa6 %s", na, nb); /* "33 ... 41" */
    double tw = measure(o, text, 9, 0);
    for (int side = 0; side < 2; side++) {
      double x = side ? xr : xl;
      dl_rect(dl, x - 7, yc - 4.5, 14, 9, C_BG, NULL, "break");
      dl_line(dl, x - 6, yc - 0.5, x + 6, yc - 4.5, 1.25, C_MUTED, NULL, "break");
      dl_line(dl, x - 6, yc + 4.5, x + 6, yc + 0.5, 1.25, C_MUTED, NULL, "break");
      /* inside the axes, on a white ground so that crossing lines do not
       * hide it */
      double tx = side ? x - 10 - tw : x + 10;
      dl_rect(dl, tx - 2, yc - 5.5, tw + 4, 11, C_BG, NULL, "break");
      dl_text(dl, tx, yc + 3.2, 9, C_MUTED, GS_ANCHOR_START, 0, text, NULL, "break-rank");
    }
  }
  /* labels: spread apart on each side, with a leader from the point */
  for (size_t k = 0; k < m; k++) {
    want[k] = YR(it[sel[k]].before);
    want[m + k] = YR(it[sel[k]].after);
  }
  if (gs_chart_spread(want, pos, m, gap, y0, y1) || gs_chart_spread(want + m, pos + m, m, gap, y0, y1)) dl->failed = 1;
  else
    for (size_t k = 0; k < m; k++) {
      const gs_slope_item *s = &it[sel[k]];
      double ch = s->before - s->after;
      long c = ch > 0 ? C_RISE : ch < 0 ? C_FALL : C_MUTED;
      dl_line(dl, xl - 4, want[k], xl - 16, pos[k], 0.75, C_SAME, s->key, "leader");
      slope_label(o, s->label, s->before, 0, room, name, sizeof name, buf, sizeof buf);
      dl_text(dl, xl - 20, pos[k] + fs * 0.35, fs, c == C_MUTED ? C_TEXT : c, GS_ANCHOR_END, 0, buf, s->key,
              "label-before");
      dl_line(dl, xr + 4, want[m + k], xr + 16, pos[m + k], 0.75, C_SAME, s->key, "leader");
      slope_label(o, s->label, s->after, 1, room, name, sizeof name, buf, sizeof buf);
      dl_text(dl, xr + 20, pos[m + k] + fs * 0.35, fs, c == C_MUTED ? C_TEXT : c, GS_ANCHOR_START, 0, buf,
              s->key, "label-after");
    }
#undef YR
  free(sel); free(want); free(pos); free(slot);
  return chart_end(dl, err, errlen);
}

/* ---------- axes ---------- */

/* A horizontal value axis under (and grid lines across) the plot area
 * [x0, x1] x [y0, y1] for values lo..hi. */
static void x_axis(gs_dl *dl, double x0, double x1, double y0, double y1, double lo, double hi, double step,
                   const char *title) {
  char num[32];
  double first = ceil(lo / step - 1e-9) * step;
  if (first - lo > step * 0.4) { /* label where the axis starts (rank 1) when no tick falls there */
    fmt_num(num, sizeof num, lo);
    dl_text(dl, x0, y1 + 16, 11, C_MUTED, GS_ANCHOR_MIDDLE, 0, num, NULL, "tick");
  }
  /* By index, and at most MAX_TICKS: an accumulated v += step can stall
   * (a step below v's precision) or never end (an infinite step). */
  for (int t = 0; t <= MAX_TICKS; t++) {
    double v = first + t * step;
    if (!(v <= hi + step * 1e-9)) break;
    double x = x0 + (v - lo) / (hi - lo) * (x1 - x0);
    dl_line(dl, x, y0, x, y1, 1, C_GRID, NULL, "grid");
    fmt_num(num, sizeof num, fabs(v) < step * 1e-9 ? 0 : v);
    dl_text(dl, x, y1 + 16, 11, C_MUTED, GS_ANCHOR_MIDDLE, 0, num, NULL, "tick");
  }
  if (title) dl_text(dl, (x0 + x1) / 2, y1 + 34, 12, C_MUTED, GS_ANCHOR_MIDDLE, 0, title, NULL, "axis-title");
}

/* ---------- rank intervals ---------- */

gs_dl *gs_chart_intervals(const gs_interval_item *it, size_t n, const gs_chart_opts *oin, char *err, size_t errlen) {
  gs_chart_opts oc = *oin, *o = &oc; /* the height may be chosen here */
  size_t rows = o->top && o->top < n ? o->top : n;
  if (rows == 0) { snprintf(err, errlen, "nothing to plot: the uncertainty result is empty"); return NULL; }
  double maxr = 1;
  for (size_t i = 0; i < rows; i++) {
    const gs_interval_item *s = &it[i];
    if (!isfinite(s->nominal) || !isfinite(s->median) || !isfinite(s->p05) || !isfinite(s->p95)) {
      snprintf(err, errlen, "%s: ranks must be numbers", s->key);
      return NULL;
    }
    double v[] = {s->nominal, s->median, s->p05, s->p95};
    for (int j = 0; j < 4; j++) if (v[j] > maxr) maxr = v[j];
  }
  double top_y;
  gs_dl *dl = chart_begin(o, 130 + (double)rows * 18, &top_y, err, errlen);
  if (!dl) return NULL;
  /* names get at most 40% of the width; longer ones are cut */
  double lw = 0, room = o->width * 0.4;
  char name[512];
  for (size_t i = 0; i < rows; i++) {
    double w = measure(o, it[i].label, 12, 0);
    if (w > lw) lw = w;
  }
  if (lw > room) lw = room;
  double x0 = 16 + lw + 12, x1 = o->width - 24;
  if (x1 - x0 < 60) x0 = x1 - 60;
  double y0 = top_y + 28, y1 = o->height - 44;
  if (y1 <= y0) y1 = y0 + 1;
  /* the legend over the plot area, moved left as far as needed to fit */
  double legw = measure(o, "5-95% of ranks", 12, 0) + measure(o, "median", 12, 0) + measure(o, "nominal", 12, 0) + 3 * 42 - 18;
  double lx = x0 + legw > o->width - 16 ? o->width - 16 - legw : x0;
  if (lx < 16) lx = 16;
  lx = legend_entry(dl, o, lx, top_y + 12, C_BAND, 1, "5-95% of ranks");
  lx = legend_entry(dl, o, lx, top_y + 12, C_MEDIAN, 2, "median");
  legend_entry(dl, o, lx, top_y + 12, C_NOMINAL, 3, "nominal");
  double lo = 1, hi = maxr > 1 ? maxr : 2;
  x_axis(dl, x0, x1, y0, y1, lo, hi, gs_chart_nice_step(hi - lo, 8) < 1 ? 1 : gs_chart_nice_step(hi - lo, 8),
         "rank (1 = best)");
  double rh = (y1 - y0) / (double)rows, fs = rh * 0.8 < 12 ? rh * 0.8 : 12;
#define XR(r) (x0 + ((r) - lo) / (hi - lo) * (x1 - x0))
  for (size_t i = 0; i < rows; i++) {
    const gs_interval_item *s = &it[i];
    double yc = y0 + rh * ((double)i + 0.5), bh = rh * 0.4;
    dl_rect(dl, XR(s->p05), yc - bh / 2, XR(s->p95) - XR(s->p05), bh, C_BAND, s->key, "band");
    dl_line(dl, XR(s->nominal), yc - rh * 0.35, XR(s->nominal), yc + rh * 0.35, 2, C_NOMINAL, s->key, "nominal");
    dl_circle(dl, XR(s->median), yc, rh * 0.2 < 4 ? rh * 0.2 : 4, C_MEDIAN, GS_NOCOLOR, s->key, "median");
    dl_text(dl, x0 - 8, yc + fs * 0.35, fs, C_TEXT, GS_ANCHOR_END, 0, fit_text(o, s->label, fs, 0, lw, name, sizeof name),
            s->key, "label");
  }
#undef XR
  return chart_end(dl, err, errlen);
}

/* ---------- score bars ---------- */

gs_dl *gs_chart_bars(const gs_bar_item *it, size_t n, const gs_chart_opts *oin, char *err, size_t errlen) {
  gs_chart_opts oc = *oin, *o = &oc; /* the height may be chosen here */
  size_t rows = o->top ? o->top : 20;
  if (rows > n) rows = n;
  if (rows == 0) { snprintf(err, errlen, "nothing to plot: the result is empty"); return NULL; }
  double lo = 0, hi = 0;
  for (size_t i = 0; i < rows; i++) {
    if (!isfinite(it[i].score)) continue;
    if (it[i].score < lo) lo = it[i].score;
    if (it[i].score > hi) hi = it[i].score;
  }
  if (hi == lo) hi = lo + 1;
  double step = gs_chart_nice_step(hi - lo, 5);
  lo = floor(lo / step) * step;
  hi = ceil(hi / step) * step;
  double top_y;
  gs_dl *dl = chart_begin(o, 110 + (double)rows * 22, &top_y, err, errlen);
  if (!dl) return NULL;
  char num[32], name[512];
  /* room on the right for the widest value label, and at most 35% of the
   * width for the names (longer ones are cut) */
  double rkw = 0, lw = 0, vw = measure(o, "n/a", 11, 0), room = o->width * 0.35;
  for (size_t i = 0; i < rows; i++) {
    fmt_num(num, sizeof num, it[i].rank);
    double w = measure(o, num, 12, 0);
    if (w > rkw) rkw = w;
    w = measure(o, it[i].label, 12, 0);
    if (w > lw) lw = w;
    snprintf(num, sizeof num, "%.2f", it[i].score);
    w = measure(o, num, 11, 0) + 4;
    if (isfinite(it[i].score) && w > vw) vw = w;
  }
  if (lw > room) lw = room;
  double xrank = 16 + rkw, xname = xrank + 8, x0 = xname + lw + 12, x1 = o->width - 16 - vw;
  if (x1 - x0 < 60) x0 = x1 - 60;
  double y0 = top_y + 8, y1 = o->height - 44;
  if (y1 <= y0) y1 = y0 + 1;
  x_axis(dl, x0, x1, y0, y1, lo, hi, step, "score");
  double rh = (y1 - y0) / (double)rows, fs = rh * 0.8 < 12 ? rh * 0.8 : 12;
#define XS(v) (x0 + ((v) - lo) / (hi - lo) * (x1 - x0))
  for (size_t i = 0; i < rows; i++) {
    const gs_bar_item *s = &it[i];
    double yc = y0 + rh * ((double)i + 0.5), bh = rh * 0.7;
    fmt_num(num, sizeof num, s->rank);
    dl_text(dl, xrank, yc + fs * 0.35, fs, C_MUTED, GS_ANCHOR_END, 0, isfinite(s->rank) ? num : "", s->key, "rank");
    dl_text(dl, xname, yc + fs * 0.35, fs, C_TEXT, GS_ANCHOR_START, 0, fit_text(o, s->label, fs, 0, lw, name, sizeof name),
            s->key, "label");
    if (!isfinite(s->score)) {
      dl_text(dl, XS(0) + 4, yc + fs * 0.35, fs * 0.9, C_MUTED, GS_ANCHOR_START, 0, "n/a", s->key, "value");
      continue;
    }
    double a = XS(s->score < 0 ? s->score : 0), b = XS(s->score > 0 ? s->score : 0);
    dl_rect(dl, a, yc - bh / 2, b - a, bh, C_BAR, s->key, "bar");
    snprintf(num, sizeof num, "%.2f", s->score);
    dl_text(dl, b + 4, yc + fs * 0.35, fs * 0.9, C_TEXT, GS_ANCHOR_START, 0, num, s->key, "value");
  }
#undef XS
  return chart_end(dl, err, errlen);
}

/* ---------- pillar profile ---------- */

gs_dl *gs_chart_profile(const gs_profile_item *it, size_t n, char *const *pillar, const double *pmin,
                        const double *pmax, size_t npillar, const gs_chart_opts *oin, char *err, size_t errlen) {
  gs_chart_opts oc = *oin, *o = &oc; /* the height may be chosen here */
  if (n == 0 || npillar == 0) { snprintf(err, errlen, "nothing to plot: no country or no pillar"); return NULL; }
  if (n > NPALETTE) { snprintf(err, errlen, "a profile shows at most %d countries", (int)NPALETTE); return NULL; }
  int same = 1;
  for (size_t p = 0; p < npillar; p++) {
    /* a range wider than a double holds (min -1e308, max 1e308) would
     * make the axis step infinite */
    if (!(pmax[p] > pmin[p]) || !isfinite(pmax[p] - pmin[p])) {
      snprintf(err, errlen, "pillar '%s' has an empty or unbounded range", pillar[p]);
      return NULL;
    }
    if (pmin[p] != pmin[0] || pmax[p] != pmax[0]) same = 0;
  }
  double top_y;
  gs_dl *dl = chart_begin(o, 480, &top_y, err, errlen);
  if (!dl) return NULL;
  char buf[512];
  /* legend: one swatch per country, wrapping to more rows if needed */
  double lx = 60, ly = top_y + 12;
  for (size_t i = 0; i < n; i++) {
    char full[512];
    snprintf(full, sizeof full, "%s (%s)", it[i].label, it[i].key);
    fit_text(o, full, 12, 0, o->width - 60 - 16 - 24, buf, sizeof buf);
    double w = 24 + measure(o, buf, 12, 0) + 18;
    if (lx + w > o->width - 16 && lx > 60) { lx = 60; ly += 20; }
    lx = legend_entry(dl, o, lx, ly, palette[i], 1, buf);
  }
  double x0 = 60, x1 = o->width - 20, y0 = ly + 40, y1 = o->height - 40;
  if (y1 <= y0) y1 = y0 + 1;
  /* value axis: pillar units when all pillars share a range, else percent */
  double span = same ? pmax[0] - pmin[0] : 100, base = same ? pmin[0] : 0;
  dl_text(dl, 16, y0 - 14, 11, C_MUTED, GS_ANCHOR_START, 0, same ? "pillar value" : "% of the pillar's range",
          NULL, "axis-title");
  double step = gs_chart_nice_step(span, 5);
  char num[32];
  for (int t = 0; t <= MAX_TICKS; t++) { /* by index, as in x_axis */
    double v = t * step;
    if (!(v <= span + step * 1e-9)) break;
    double y = y1 - v / span * (y1 - y0);
    dl_line(dl, x0, y, x1, y, 1, C_GRID, NULL, "grid");
    fmt_num(num, sizeof num, base + v);
    if (!same) snprintf(buf, sizeof buf, "%s%%", num);
    dl_text(dl, x0 - 6, y + 4, 11, C_MUTED, GS_ANCHOR_END, 0, same ? num : buf, NULL, "tick");
  }
  double gw = (x1 - x0) / (double)npillar, bw = gw * 0.75 / (double)n;
  for (size_t p = 0; p < npillar; p++) {
    double gx = x0 + gw * (double)p + gw * 0.125;
    for (size_t i = 0; i < n; i++) {
      double bx = gx + bw * (double)i, v = it[i].value[p];
      dl_rect(dl, bx + 1, y0, bw - 2, y1 - y0, C_MAXBAR, it[i].key, "max");
      if (!isfinite(v)) {
        dl_text(dl, bx + bw / 2, y1 - 4, 10, C_MUTED, GS_ANCHOR_MIDDLE, 0, "n/a", it[i].key, "value");
        continue;
      }
      double f = (v - pmin[p]) / (pmax[p] - pmin[p]), h = f * (y1 - y0);
      dl_rect(dl, bx + 1, y1 - h, bw - 2, h, palette[i], it[i].key, "bar");
      /* the value over its bar, smaller in narrow bars; none in bars too
       * narrow for a legible label (they would overlap their neighbours) */
      snprintf(num, sizeof num, "%.2f", v);
      double fs = bw * 0.9 / (measure(o, num, 10, 0) / 10);
      if (fs > 10) fs = 10;
      if (fs < 8) continue;
      dl_text(dl, bx + bw / 2, y1 - h - 3, fs, C_TEXT, GS_ANCHOR_MIDDLE, 0, num, it[i].key, "value");
    }
    snprintf(buf, sizeof buf, "%s (max %g)", pillar[p], pmax[p]);
    double fs = gw * 0.95 / (measure(o, buf, 12, 0) / 12);
    if (fs > 12) fs = 12;
    dl_text(dl, x0 + gw * ((double)p + 0.5), y1 + 18, fs, C_TEXT, GS_ANCHOR_MIDDLE, 0, buf, NULL, "pillar");
  }
  dl_line(dl, x0, y1, x1, y1, 1, C_MUTED, NULL, "axis");
  return chart_end(dl, err, errlen);
}
