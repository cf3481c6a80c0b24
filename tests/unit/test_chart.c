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
   * row 0, 2 at row 1, and 50 after a break of 0.6 rows, at row 2.6; so the
   * step 2 -> 50 is 1.6 times the step 1 -> 2, not 48 times. */
  gs_slope_item gap[] = {{"X", "X", 1, 1}, {"Y", "Y", 2, 50}};
  dl = gs_chart_slope(gap, 2, NULL, NULL, &o, err, sizeof err);
  const gs_dl_item *x = dl ? find(dl, GS_DL_LINE, "same", "X") : NULL, *yl = dl ? find(dl, GS_DL_LINE, "faller", "Y") : NULL;
  T_OK(x && yl, "two lines: %s", err);
  if (x && yl) T_OK(fabs((yl->y2 - yl->y) / (yl->y - x->y) - 1.6) < 1e-9, "ordinal scale with a 0.6-row break: %g",
                    (yl->y2 - yl->y) / (yl->y - x->y));
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
  gs_chart_opts o = {300, 200, NULL, 0, NULL, NULL};
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
  T_CONTAINS(buf, "width=\"300\" height=\"200\"");
  fclose(f);
  gs_dl_free(dl);
}

int main(void) {
  test_spread_hand();
  test_spread_random();
  test_slope();
  test_intervals_bars();
  test_profile();
  test_svg();
  return t_done();
}
