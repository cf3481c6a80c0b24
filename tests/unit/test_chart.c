/* test_chart.c - unit tests of chart layout (chart.h) and the SVG writer
 * (chartdraw.h): label spreading on hand-worked cases and against a
 * greedy reference, the slope chart's colours and label gaps, the interval
 * chart's scale, bar lengths, and XML escaping.  Layout runs with the
 * built-in fixed-width measure (no cairo), so the numbers are exact. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "chartdraw.h"
#include "harness.h"

static void test_spread_hand(void) {
  double out[5];
  /* apart already: nothing moves */
  const double a[] = {10, 30, 50};
  gs_chart_spread(a, out, 3, 10, 0, 100);
  for (int i = 0; i < 3; i++) T_NEAR(out[i], a[i], 1e-12);
  /* three at 50, gap 10: centred on 50 (least squares) -> 40 50 60 */
  const double b[] = {50, 50, 50};
  gs_chart_spread(b, out, 3, 10, 0, 100);
  T_NEAR(out[0], 40, 1e-12); T_NEAR(out[1], 50, 1e-12); T_NEAR(out[2], 60, 1e-12);
  /* at the lower bound: pushed down only -> 0 10 20 */
  const double c[] = {0, 0, 0};
  gs_chart_spread(c, out, 3, 10, 0, 100);
  T_NEAR(out[0], 0, 1e-12); T_NEAR(out[1], 10, 1e-12); T_NEAR(out[2], 20, 1e-12);
  /* at the upper bound -> 90 100 */
  const double d[] = {100, 100};
  gs_chart_spread(d, out, 2, 10, 0, 100);
  T_NEAR(out[0], 90, 1e-12); T_NEAR(out[1], 100, 1e-12);
  /* unsorted input, gap 5: sorted 10 (#1), 12 (#2), 30 (#0); the first two
   * collide and share the shift: 8.5 and 13.5; 30 stays */
  const double e[] = {30, 10, 12};
  gs_chart_spread(e, out, 3, 5, 0, 100);
  T_NEAR(out[0], 30, 1e-12); T_NEAR(out[1], 8.5, 1e-12); T_NEAR(out[2], 13.5, 1e-12);
  /* five labels cannot fit at gap 10 in [0, 20]: the gap shrinks to 5 */
  const double f[] = {10, 10, 10, 10, 10};
  gs_chart_spread(f, out, 5, 10, 0, 20);
  for (int i = 0; i < 5; i++) T_NEAR(out[i], 5.0 * i, 1e-12);
  /* ties keep input order */
  const double g[] = {7, 7};
  gs_chart_spread(g, out, 2, 4, 0, 100);
  T_OK(out[0] < out[1], "tie order: %g %g", out[0], out[1]);
  T_INT(gs_chart_spread(NULL, NULL, 0, 1, 0, 1), 0);
}

/* Random cases: the result is feasible, keeps the order and costs no more
 * than a simple feasible reference (push down, then shift back up). */
static void test_spread_random(void) {
  unsigned s = 12345;
  for (int t = 0; t < 200; t++) {
    size_t n = 1 + (size_t)(t % 40);
    double want[40], out[40], ref[40];
    for (size_t i = 0; i < n; i++) {
      s = s * 1103515245u + 12345u;
      want[i] = (double)((s >> 8) % 1000) / 10.0; /* 0 .. 99.9 */
    }
    double gap = 2.0, lo = 0, hi = 100;
    gs_chart_spread(want, out, n, gap, lo, hi);
    size_t ord[40];
    for (size_t i = 0; i < n; i++) ord[i] = i;
    for (size_t i = 1; i < n; i++)
      for (size_t j = i; j > 0 && (want[ord[j - 1]] > want[ord[j]] ||
                                   (want[ord[j - 1]] == want[ord[j]] && ord[j - 1] > ord[j])); j--) {
        size_t x = ord[j]; ord[j] = ord[j - 1]; ord[j - 1] = x;
      }
    int ok = 1;
    for (size_t k = 0; k < n; k++) {
      if (out[ord[k]] < lo - 1e-9 || out[ord[k]] > hi + 1e-9) ok = 0;
      if (k && out[ord[k]] - out[ord[k - 1]] < gap - 1e-9) ok = 0;
    }
    T_OK(ok, "case %d: infeasible or out of order", t);
    for (size_t k = 0; k < n; k++) ref[k] = k && ref[k - 1] + gap > want[ord[k]] ? ref[k - 1] + gap : want[ord[k]];
    double over = ref[n - 1] > hi ? ref[n - 1] - hi : 0;
    for (size_t k = 0; k < n; k++) ref[k] -= over;
    for (size_t k = 1; k < n; k++) if (ref[k] < ref[k - 1] + gap) ref[k] = ref[k - 1] + gap;
    double c1 = 0, c2 = 0;
    for (size_t k = 0; k < n; k++) {
      c1 += pow(out[ord[k]] - want[ord[k]], 2);
      c2 += pow(ref[k] - want[ord[k]], 2);
    }
    T_OK(c1 <= c2 + 1e-9, "case %d: cost %g above the reference %g", t, c1, c2);
  }
}

static const gs_dl_item *find(const gs_dl *dl, gs_dl_kind kind, const char *cls, const char *key) {
  for (size_t i = 0; i < dl->n; i++) {
    const gs_dl_item *it = &dl->item[i];
    if (it->kind == kind && it->cls && strcmp(it->cls, cls) == 0 && it->key && strcmp(it->key, key) == 0) return it;
  }
  return NULL;
}

static size_t count(const gs_dl *dl, gs_dl_kind kind, const char *cls) {
  size_t c = 0;
  for (size_t i = 0; i < dl->n; i++)
    if (dl->item[i].kind == kind && dl->item[i].cls && strcmp(dl->item[i].cls, cls) == 0) c++;
  return c;
}

static void test_slope(void) {
  /* A falls 1 -> 2, B rises 2 -> 1, C stays 3, D is only in `before`,
   * E is ranked 40 -> 41 (outside the top 30 on both sides). Five more
   * tie at rank 3 so that their labels collide. */
  gs_slope_item it[] = {{"A", "Aland", 1, 2}, {"B", "Bland", 2, 1}, {"C", "Cland", 3, 3},
                        {"D", "Dland", 4, NAN}, {"E", "Eland", 40, 41}, {"F", "F", 3, 3},
                        {"G", "G", 3, 3}, {"H", "H", 3, 3}, {"I", "I", 3, 3}, {"J", "J", 3, 3}};
  gs_chart_opts o = {600, 400, "t", 0, NULL, NULL};
  char err[256];
  gs_dl *dl = gs_chart_slope(it, 10, "2018", "2020", &o, err, sizeof err);
  T_OK(dl != NULL, "slope: %s", err);
  if (!dl) return;
  T_INT(count(dl, GS_DL_TEXT, "label-before"), 8); /* A B C F G H I J */
  T_INT(count(dl, GS_DL_TEXT, "label-after"), 8);
  const gs_dl_item *a = find(dl, GS_DL_LINE, "faller", "A"), *b = find(dl, GS_DL_LINE, "riser", "B"),
                   *c = find(dl, GS_DL_LINE, "same", "C");
  T_OK(a && b && c, "A falls, B rises, C stays");
  if (a && b && c) {
    T_OK(a->stroke != b->stroke && a->stroke != c->stroke && b->stroke != c->stroke, "three colours");
    T_OK(a->y < a->y2 && b->y > b->y2 && c->y == c->y2, "line directions");
  }
  T_OK(!find(dl, GS_DL_TEXT, "label-before", "D") && !find(dl, GS_DL_TEXT, "label-before", "E"), "D and E left out");
  /* label baselines on each side at least the font size apart */
  for (int side = 0; side < 2; side++) {
    double y[16];
    size_t m = 0;
    for (size_t i = 0; i < dl->n; i++)
      if (dl->item[i].kind == GS_DL_TEXT && dl->item[i].cls &&
          strcmp(dl->item[i].cls, side ? "label-after" : "label-before") == 0)
        y[m++] = dl->item[i].y;
    for (size_t i = 0; i < m; i++)
      for (size_t j = i + 1; j < m; j++) T_OK(fabs(y[i] - y[j]) >= 12 - 1e-9, "labels %zu and %zu overlap", i, j);
  }
  /* A and B are alone at their ranks on both sides: their labels sit level
   * with their points (baseline 0.35 font sizes below), no leader needed. */
  const gs_dl_item *la = find(dl, GS_DL_TEXT, "label-before", "A"), *rb = find(dl, GS_DL_TEXT, "label-after", "B");
  T_OK(a && b && la && rb && fabs(la->y - (a->y + 12 * 0.35)) < 1e-9 && fabs(rb->y - (b->y2 + 12 * 0.35)) < 1e-9,
       "untied labels level with their points");
  gs_dl_free(dl);

  /* The scale is ordinal: ranks 1, 2 and 50 occur, each alone.  Rows: 1 at
   * row 0, 2 at row 1, and 50 after a break of 1 row, at row 3; so the
   * step 2 -> 50 is 2 times the step 1 -> 2, not 48 times. */
  gs_slope_item gap[] = {{"X", "X", 1, 1}, {"Y", "Y", 2, 50}};
  dl = gs_chart_slope(gap, 2, NULL, NULL, &o, err, sizeof err);
  const gs_dl_item *x = dl ? find(dl, GS_DL_LINE, "same", "X") : NULL, *yl = dl ? find(dl, GS_DL_LINE, "faller", "Y") : NULL;
  T_OK(x && yl, "two lines: %s", err);
  if (x && yl) T_OK(fabs((yl->y2 - yl->y) / (yl->y - x->y) - 2) < 1e-9, "ordinal scale with a 1-row break: %g",
                    (yl->y2 - yl->y) / (yl->y - x->y));
  gs_dl_free(dl);
  /* Each skipped range of ranks is marked on both axes: two slashes and
   * "a ... b" with the ranks either side.  Ranks 1, 18, 33 and 55 occur
   * (Georgia fell from 18 to 55): breaks 1-18, 18-33 and 33-55, by hand. */
  gs_slope_item geo[] = {{"A", "A", 1, 1}, {"GEO", "Georgia", 18, 55}, {"B", "B", 33, 33}};
  gs_chart_opts og = {900, 0, NULL, 60, NULL, NULL};
  dl = gs_chart_slope(geo, 3, "GCI 2018", "GCI 2020", &og, err, sizeof err);
  const char *want_breaks[] = {"1 \xe2\x80\xa6 18", "18 \xe2\x80\xa6 33", "33 \xe2\x80\xa6 55"};
  size_t slashes = 0, texts[3] = {0, 0, 0}, other = 0;
  double yb[3] = {0, 0, 0};
  for (size_t i = 0; dl && i < dl->n; i++) {
    const gs_dl_item *t = &dl->item[i];
    if (t->cls && strcmp(t->cls, "break") == 0 && t->kind == GS_DL_LINE) slashes++;
    if (!t->cls || strcmp(t->cls, "break-rank") != 0) continue;
    int k = -1;
    for (int j = 0; j < 3; j++) if (strcmp(t->text, want_breaks[j]) == 0) k = j;
    if (k < 0) other++;
    else { texts[k]++; yb[k] = t->y; }
  }
  T_OK(dl && slashes == 12 && texts[0] == 2 && texts[1] == 2 && texts[2] == 2 && other == 0,
       "three breaks, each marked on both axes: %zu slashes, %zu/%zu/%zu texts, %zu others", slashes, texts[0],
       texts[1], texts[2], other);
  /* the 33 ... 55 mark lies between Georgia's 2020 point (55) and rank 33 */
  const gs_dl_item *g = dl ? find(dl, GS_DL_LINE, "faller", "GEO") : NULL, *bl = dl ? find(dl, GS_DL_LINE, "same", "B") : NULL;
  T_OK(g && bl && yb[2] > bl->y && yb[2] < g->y2, "the 33-55 break sits between rank 33 (%g) and 55 (%g): %g",
       bl ? bl->y : -1, g ? g->y2 : -1, yb[2]);
  gs_dl_free(dl);
  gs_slope_item none[] = {{"D", "Dland", 4, NAN}};
  T_OK(!gs_chart_slope(none, 1, NULL, NULL, &o, err, sizeof err), "nothing to plot");
  T_CONTAINS(err, "nothing to plot");
}

static void test_intervals_bars(void) {
  gs_interval_item it[] = {{"A", "A", 1, 1, 1, 2}, {"B", "B", 2, 3, 1, 5}, {"C", "C", 3, 3, 2, 11}};
  gs_chart_opts o = {800, 0, NULL, 0, NULL, NULL};
  char err[256];
  gs_dl *dl = gs_chart_intervals(it, 3, &o, err, sizeof err);
  T_OK(dl != NULL, "intervals: %s", err);
  if (dl) {
    /* one linear scale: x = x0 + (rank - 1) * k for both band ends */
    const gs_dl_item *a = find(dl, GS_DL_RECT, "band", "A"), *b = find(dl, GS_DL_RECT, "band", "B"),
                     *c = find(dl, GS_DL_RECT, "band", "C");
    T_OK(a && b && c, "three bands");
    if (a && b && c) {
      double k = a->x2 / (2 - 1); /* A spans ranks 1..2 */
      T_NEAR(b->x, a->x, 1e-9);                  /* both start at rank 1 */
      T_NEAR(b->x2, k * (5 - 1), 1e-9);
      T_NEAR(c->x, a->x + k * (2 - 1), 1e-9);
      T_NEAR(c->x + c->x2, a->x + k * (11 - 1), 1e-9);
    }
    T_OK(dl->height >= 200, "automatic height %g", dl->height);
    gs_dl_free(dl);
  }
  o.top = 2;
  dl = gs_chart_intervals(it, 3, &o, err, sizeof err);
  T_INT(dl ? count(dl, GS_DL_RECT, "band") : 0, 2);
  gs_dl_free(dl);

  gs_bar_item bars[] = {{"A", "A", 80, 1}, {"B", "B", 40, 2}, {"C", "C", 20, 3}};
  gs_chart_opts ob = {800, 300, NULL, 2, NULL, NULL};
  dl = gs_chart_bars(bars, 3, &ob, err, sizeof err);
  T_OK(dl != NULL, "bars: %s", err);
  if (dl) {
    T_INT(count(dl, GS_DL_RECT, "bar"), 2);
    const gs_dl_item *a = find(dl, GS_DL_RECT, "bar", "A"), *b = find(dl, GS_DL_RECT, "bar", "B");
    if (a && b) T_NEAR(a->x2 / b->x2, 2.0, 1e-9); /* scale from 0: lengths in proportion */
    gs_dl_free(dl);
  }
}

static void test_profile(void) {
  double v1[] = {10, 20}, v2[] = {5, 0};
  char *pill[] = {"legal", "technical"};
  double pmin[] = {0, 0}, pmax[] = {20, 40};
  gs_profile_item it[] = {{"A", "A", v1}, {"B", "B", v2}};
  gs_chart_opts o = {600, 400, NULL, 0, NULL, NULL};
  char err[256];
  gs_dl *dl = gs_chart_profile(it, 2, pill, pmin, pmax, 2, &o, err, sizeof err);
  T_OK(dl != NULL, "profile: %s", err);
  if (dl) {
    /* A: legal 10/20 and technical 20/40 are both half the maximum bar */
    size_t seen = 0;
    double h[2] = {0, 0}, full = 0;
    for (size_t i = 0; i < dl->n; i++) {
      const gs_dl_item *x = &dl->item[i];
      if (x->kind != GS_DL_RECT || !x->key || strcmp(x->key, "A")) continue;
      if (strcmp(x->cls, "max") == 0) full = x->y2;
      if (strcmp(x->cls, "bar") == 0 && seen < 2) h[seen++] = x->y2;
    }
    T_INT(seen, 2);
    T_NEAR(h[0], full / 2, 1e-9);
    T_NEAR(h[1], full / 2, 1e-9);
    gs_dl_free(dl);
  }
  pmax[1] = 0;
  T_OK(!gs_chart_profile(it, 2, pill, pmin, pmax, 2, &o, err, sizeof err), "empty range refused");
  T_CONTAINS(err, "technical");
  /* -1e308..1e308: finite ends, but the span overflows to infinity; the
   * tick loop once ran forever on it (v += inf stays inf <= inf) */
  double hmin[] = {-1e308, -1e308}, hmax[] = {1e308, 1e308};
  err[0] = '\0';
  dl = gs_chart_profile(it, 2, pill, hmin, hmax, 2, &o, err, sizeof err);
  T_OK(!dl, "a range wider than a double refused");
  T_CONTAINS(err, "legal");
  gs_dl_free(dl);
  /* a huge finite range still draws, with a bounded number of ticks */
  double bmin[] = {0, 0}, bmax[] = {1e300, 1e300};
  dl = gs_chart_profile(it, 2, pill, bmin, bmax, 2, &o, err, sizeof err);
  T_OK(dl != NULL, "profile over 0..1e300: %s", err);
  size_t ticks = 0;
  for (size_t i = 0; dl && i < dl->n; i++) ticks += dl->item[i].cls && strcmp(dl->item[i].cls, "tick") == 0;
  T_OK(ticks >= 2 && ticks <= 11, "0..1e300: %zu ticks (a nice step of about a fifth)", ticks);
  gs_dl_free(dl);
}

static void test_svg(void) {
  T_INT(gs_chart_format_for_path("a/b.SVG"), GS_CHART_SVG);
  T_INT(gs_chart_format_for_path("x.png"), GS_CHART_PNG);
  T_INT(gs_chart_format_for_path("x.pdf"), GS_CHART_PDF);
  T_INT(gs_chart_format_for_path("x.jpg"), -1);
  T_INT(gs_chart_format_for_path("dir.svg/x"), -1);
  T_NEAR(gs_chart_nice_step(100, 5), 20, 0);
  T_NEAR(gs_chart_nice_step(29, 8), 5, 0);
  gs_bar_item bars[] = {{"A&B", "A & <B> \"q\" C\xc3\xb4te \xff", 1, 1}};
  gs_chart_opts o = {600, 200, NULL, 0, NULL, NULL};
  char err[256];
  gs_dl *dl = gs_chart_bars(bars, 1, &o, err, sizeof err);
  FILE *f = tmpfile();
  T_OK(dl && f, "bars and a temporary file");
  if (!dl || !f) { gs_dl_free(dl); if (f) fclose(f); return; }
  T_INT(gs_chart_svg(dl, f), 0);
  char buf[65536];
  rewind(f);
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  T_CONTAINS(buf, ">A &amp; &lt;B&gt; &quot;q&quot; C\xc3\xb4te \xef\xbf\xbd</text>");
  T_CONTAINS(buf, "data-key=\"A&amp;B\"");
  T_CONTAINS(buf, "width=\"600\" height=\"200\"");
  fclose(f);
  gs_dl_free(dl);
}

/* A text item's extent with the fixed-width measure the layout falls back
 * on (chart.h: 0.6 em a UTF-8 character, 0.65 bold), worked out here. */
static void extent(const gs_dl_item *t, double *l, double *r) {
  size_t chars = 0;
  for (const unsigned char *p = (const unsigned char *)t->text; p && *p; p++) chars += (*p & 0xc0) != 0x80;
  double w = (double)chars * t->size * (t->bold ? 0.65 : 0.6);
  *l = t->anchor == GS_ANCHOR_START ? t->x : t->anchor == GS_ANCHOR_MIDDLE ? t->x - w / 2 : t->x - w;
  *r = *l + w;
}

/* Every text of dl lies within [0, width]. */
static void all_inside(const gs_dl *dl, const char *what) {
  size_t ntext = 0;
  for (size_t i = 0; i < dl->n; i++) {
    const gs_dl_item *t = &dl->item[i];
    if (t->kind != GS_DL_TEXT) continue;
    ntext++;
    double l, r;
    extent(t, &l, &r);
    T_OK(l >= -1e-9 && r <= dl->width + 1e-9, "%s: %s text '%s' spans %.1f..%.1f, outside 0..%g", what,
         t->cls ? t->cls : "?", t->text, l, r, dl->width);
  }
  T_OK(ntext > 0, "%s: a chart with texts to check", what);
}

static const gs_dl_item *text_of(const gs_dl *dl, const char *cls) {
  for (size_t i = 0; i < dl->n; i++)
    if (dl->item[i].kind == GS_DL_TEXT && dl->item[i].cls && strcmp(dl->item[i].cls, cls) == 0) return &dl->item[i];
  return NULL;
}

/* Long names, a long title and wide values stay inside the image (UX
 * finding 14: cut at both edges, headers over the legend). */
static void test_clipping(void) {
  char err[256], longname[200], title[300];
  memset(longname, 'N', 120); longname[120] = '\0';
  memset(title, 'T', 200); title[200] = '\0';
  gs_chart_opts o = {400, 0, title, 0, NULL, NULL};
  gs_slope_item one[] = {{"AAA", longname, 1, 1}};
  gs_dl *dl = gs_chart_slope(one, 1, "a header that is rather long 2014", "another long header 2020", &o, err, sizeof err);
  T_OK(dl != NULL, "slope of one country: %s", err);
  if (dl) {
    all_inside(dl, "slope, one long name");
    /* the headers sit on a row below the legend's */
    size_t nheader = 0;
    for (size_t i = 0; i < dl->n; i++)
      if (dl->item[i].cls && strcmp(dl->item[i].cls, "header") == 0 && dl->item[i].kind == GS_DL_TEXT) {
        nheader++;
        const gs_dl_item *lg = text_of(dl, "legend");
        T_OK(lg && dl->item[i].y - lg->y >= 12, "header baseline %g at least a line below the legend's %g",
             dl->item[i].y, lg ? lg->y : -1);
      }
    T_INT(nheader, 2); /* "... 2014" and "... 2020" */
    const gs_dl_item *t = text_of(dl, "title");
    T_OK(t && strstr(t->text, "\xe2\x80\xa6"), "a title too long even at 10 is cut with an ellipsis");
    gs_dl_free(dl);
  }
  /* a title that fits at a smaller size shrinks, whole: 40 bold characters
   * are 40 * 0.65 * 18 = 468 wide at 18, the room is 400 - 32 = 368 */
  memset(title, 'T', 40); title[40] = '\0';
  gs_slope_item two[] = {{"A", "A", 1, 2}, {"B", "B", 2, 1}};
  dl = gs_chart_slope(two, 2, NULL, NULL, &o, err, sizeof err);
  const gs_dl_item *t = dl ? text_of(dl, "title") : NULL;
  T_OK(t && strcmp(t->text, title) == 0 && t->size < 18 && t->size >= 10 && 40 * 0.65 * t->size <= 368 + 1e-9,
       "a 40-character title shrinks to fit: size %g", t ? t->size : -1);
  if (dl) all_inside(dl, "slope, shrunk title");
  gs_dl_free(dl);

  o.title = NULL;
  gs_bar_item bars[] = {{"A", longname, 5000000, 1}, {"B", "B", 4000000, 2}, {"C", "C", -2500000, 3}};
  dl = gs_chart_bars(bars, 3, &o, err, sizeof err);
  T_OK(dl != NULL, "bars: %s", err);
  if (dl) { all_inside(dl, "bars of 5,000,000"); gs_dl_free(dl); }
  gs_interval_item iv[] = {{"A", longname, 1, 1, 1, 2}, {"B", "B", 2, 2, 1, 3}};
  dl = gs_chart_intervals(iv, 2, &o, err, sizeof err);
  T_OK(dl != NULL, "intervals: %s", err);
  if (dl) { all_inside(dl, "intervals, long name"); gs_dl_free(dl); }
  double v[] = {10, 20};
  char *pill[] = {"legal", "technical"};
  double pmin[] = {0, 0}, pmax[] = {20, 20};
  gs_profile_item pr[] = {{"AAA", longname, v}, {"BBB", "B", v}};
  dl = gs_chart_profile(pr, 2, pill, pmin, pmax, 2, &o, err, sizeof err);
  T_OK(dl != NULL, "profile: %s", err);
  if (dl) { all_inside(dl, "profile, long legend"); gs_dl_free(dl); }
}

/* Countries ranked on one side only are named under the slope chart. */
static void test_footnote(void) {
  char err[256];
  /* D is ranked 4 before only, K 8 after only, Z 40 before only (outside
   * the top 30): the footnote names D then K, by rank */
  gs_slope_item it[] = {{"A", "Aland", 1, 1}, {"K", "Kland", NAN, 8}, {"D", "Dland", 4, NAN}, {"Z", "Zland", 40, NAN}};
  gs_chart_opts o = {900, 0, NULL, 0, NULL, NULL};
  gs_dl *dl = gs_chart_slope(it, 4, "2014", "2020", &o, err, sizeof err);
  const gs_dl_item *f = dl ? text_of(dl, "footnote") : NULL;
  T_OK(f != NULL, "a footnote: %s", err);
  if (f) T_STR(f->text, "Not shown, ranked on one side only: Dland (2014: 4), Kland (2020: 8)");
  if (dl) all_inside(dl, "slope with a footnote");
  gs_dl_free(dl);
  /* none when every country has both ranks */
  dl = gs_chart_slope(it, 1, "2014", "2020", &o, err, sizeof err);
  T_OK(dl && !text_of(dl, "footnote"), "no footnote without one-sided countries");
  gs_dl_free(dl);
  /* too many to name: at 500 wide the room is 468, 70 characters at 11
   * (6.6 each).  The head is 36 characters, "L0 (b: 1)" 9, ", " 2 and
   * ", and 8 more" 12: two names make 36 + 9 + 2 + 9 + 12 = 68, three 79. */
  gs_slope_item many[11];
  char names[10][4];
  many[0] = (gs_slope_item){"A", "A", 1, 1};
  for (int i = 0; i < 10; i++) {
    snprintf(names[i], sizeof names[i], "L%d", i);
    many[i + 1] = (gs_slope_item){names[i], names[i], i + 1, NAN};
  }
  o.width = 500;
  dl = gs_chart_slope(many, 11, "b", "a", &o, err, sizeof err);
  f = dl ? text_of(dl, "footnote") : NULL;
  T_OK(f != NULL, "a footnote of ten: %s", err);
  if (f) T_STR(f->text, "Not shown, ranked on one side only: L0 (b: 1), L1 (b: 2), and 8 more");
  gs_dl_free(dl);
}

/* Risers and fallers in the Okabe-Ito blue and vermillion (a pair told
 * apart with any colour vision), unchanged in grey. */
static void test_colours(void) {
  char err[256];
  gs_slope_item it[] = {{"A", "A", 1, 2}, {"B", "B", 2, 1}, {"C", "C", 3, 3}};
  gs_chart_opts o = {600, 400, NULL, 0, NULL, NULL};
  gs_dl *dl = gs_chart_slope(it, 3, NULL, NULL, &o, err, sizeof err);
  const gs_dl_item *a = dl ? find(dl, GS_DL_LINE, "faller", "A") : NULL, *b = dl ? find(dl, GS_DL_LINE, "riser", "B") : NULL,
                   *c = dl ? find(dl, GS_DL_LINE, "same", "C") : NULL;
  T_OK(a && b && c, "three lines: %s", err);
  if (a && b && c) {
    T_INT(b->stroke, 0x0072b2);
    T_INT(a->stroke, 0xd55e00);
    T_OK(((c->stroke >> 16) & 255) == (c->stroke & 255) && ((c->stroke >> 8) & 255) == (c->stroke & 255),
         "unchanged is a grey: %06lx", c->stroke);
  }
  gs_dl_free(dl);
}

/* Profile value labels: none in bars narrower than a legible label, and
 * never overlapping one another. */
static void test_profile_values(void) {
  char err[256];
  double v[8][5];
  gs_profile_item it[8];
  char *pill[] = {"legal", "technical", "organizational", "capacity", "cooperation"};
  double pmin[] = {0, 0, 0, 0, 0}, pmax[] = {20, 20, 20, 20, 20};
  static const char *const keys[] = {"A", "B", "C", "D", "E", "F", "G", "H"};
  for (int i = 0; i < 8; i++) {
    for (int p = 0; p < 5; p++) v[i][p] = 10 + i;
    it[i] = (gs_profile_item){keys[i], keys[i], v[i]};
  }
  /* 8 countries in 900: pillar groups (900 - 80) / 5 = 164 wide, bars
   * 164 * 0.75 / 8 = 15.4; "17.00" at 8 is 5 * 0.6 * 8 = 24 wide: no room */
  gs_chart_opts o = {900, 500, NULL, 0, NULL, NULL};
  gs_dl *dl = gs_chart_profile(it, 8, pill, pmin, pmax, 5, &o, err, sizeof err);
  T_OK(dl != NULL, "profile of 8: %s", err);
  T_INT(dl ? (long)count(dl, GS_DL_TEXT, "value") : -1L, 0);
  gs_dl_free(dl);
  /* 2 countries: bars 61.5 wide, every value labelled, none overlapping */
  dl = gs_chart_profile(it, 2, pill, pmin, pmax, 5, &o, err, sizeof err);
  T_INT(dl ? (long)count(dl, GS_DL_TEXT, "value") : -1L, 10);
  for (size_t i = 0; dl && i < dl->n; i++)
    for (size_t j = i + 1; j < dl->n; j++) {
      const gs_dl_item *x = &dl->item[i], *y = &dl->item[j];
      if (x->kind != GS_DL_TEXT || y->kind != GS_DL_TEXT || !x->cls || !y->cls || strcmp(x->cls, "value") ||
          strcmp(y->cls, "value"))
        continue;
      double xl, xr, yl, yr;
      extent(x, &xl, &xr);
      extent(y, &yl, &yr);
      T_OK(xr <= yl + 1e-9 || yr <= xl + 1e-9, "value labels %s and %s overlap", x->text, y->text);
    }
  gs_dl_free(dl);
}

int main(void) {
  test_spread_hand();
  test_spread_random();
  test_slope();
  test_intervals_bars();
  test_profile();
  test_svg();
  test_clipping();
  test_footnote();
  test_colours();
  test_profile_values();
  return t_done();
}
