/* chart.h - chart layout: the four chart types of gcisim (slope, rank
 * intervals, pillar profile, score bars) laid out as a display list of
 * lines, rectangles, circles and text, independent of any output format.
 * chartdraw.h renders a display list to PNG, PDF (cairo) or SVG.
 *
 * Layout needs text widths; it gets them from a measuring function so that
 * it stays pure (tests pass a fixed-width one, gcisim passes cairo's).
 * Coordinates are in output units (pixels for PNG/SVG, points for PDF),
 * y downwards; a text item's y is its baseline.
 * A gs_dl owns its items and their strings; gs_dl_free accepts NULL.
 * Inputs (the gs_*_item arrays and their strings) are borrowed. */
#ifndef GS_CHART_H
#define GS_CHART_H
#include <stddef.h>

#define GS_NOCOLOR (-1L) /* no fill / no stroke */

typedef enum { GS_DL_LINE, GS_DL_RECT, GS_DL_CIRCLE, GS_DL_TEXT } gs_dl_kind;
typedef enum { GS_ANCHOR_START, GS_ANCHOR_MIDDLE, GS_ANCHOR_END } gs_anchor;

typedef struct {
  gs_dl_kind kind;
  double x, y;       /* line start, rect corner, circle centre, text baseline point */
  double x2, y2;     /* line end; rect width and height in x2, y2; circle radius in x2 */
  double size;       /* text size, or stroke width */
  long fill, stroke; /* 0xRRGGBB or GS_NOCOLOR; text uses fill */
  gs_anchor anchor;  /* text only */
  int bold;          /* text only */
  char *text;        /* text only, UTF-8, owned */
  char *key;         /* owned, may be NULL: the country (iso3) it draws */
  const char *cls;   /* static, may be NULL: its role ("riser", "band", ...) */
} gs_dl_item;

typedef struct {
  double width, height;
  size_t n, cap;
  gs_dl_item *item;
  int failed; /* an allocation failed: the list is incomplete */
} gs_dl;

/* Text width of `text` at `size` (bold or not) in output units. */
typedef double (*gs_measure_fn)(void *ctx, const char *text, double size, int bold);

typedef struct {
  double width, height; /* 50 to 20000; height 0: chosen from the rows */
  const char *title;    /* may be NULL */
  size_t top;           /* how many countries at most (0 = the chart's default) */
  gs_measure_fn measure;
  void *measure_ctx;
} gs_chart_opts;

/* One country of a comparison: ranks before and after (NaN when missing). */
typedef struct { const char *key, *label; double before, after; } gs_slope_item;
/* One country of an uncertainty result: ranks. */
typedef struct { const char *key, *label; double nominal, median, p05, p95; } gs_interval_item;
/* One country of a result. */
typedef struct { const char *key, *label; double score, rank; } gs_bar_item;
/* One country of a profile: npillar values (borrowed). */
typedef struct { const char *key, *label; const double *value; } gs_profile_item;

/* Each returns a new display list, or NULL (message in err) when the input
 * has nothing to draw or memory runs out.
 * Slope: the countries in the first `top` ranks (default 30) of either side,
 * both ranks known, on an ordinal scale shared by both sides (each rank
 * that occurs gets as many rows as the countries tied at it, a skipped
 * range of ranks a 0.6-row break); risers green, fallers red, unchanged
 * grey; labels spread apart by gs_chart_spread with leader lines. */
gs_dl *gs_chart_slope(const gs_slope_item *it, size_t n, const char *before_label, const char *after_label,
                      const gs_chart_opts *o, char *err, size_t errlen);
/* Intervals: the first `top` items (all by default) as given, one row each:
 * the 5-95% band, the median (dot) and the nominal rank (tick). */
gs_dl *gs_chart_intervals(const gs_interval_item *it, size_t n, const gs_chart_opts *o, char *err, size_t errlen);
/* Bars: the first `top` items (default 20) as given, bar length = score. */
gs_dl *gs_chart_bars(const gs_bar_item *it, size_t n, const gs_chart_opts *o, char *err, size_t errlen);
/* Profile: per pillar, one bar per country against the pillar's range
 * [pmin, pmax] (drawn as a grey bar). */
gs_dl *gs_chart_profile(const gs_profile_item *it, size_t n, char *const *pillar, const double *pmin,
                        const double *pmax, size_t npillar, const gs_chart_opts *o, char *err, size_t errlen);

void gs_dl_free(gs_dl *dl);

/* Label placement: moves n positions apart so that neighbours are at least
 * `gap` apart, keeping their order (by want, ties by index) and staying in
 * [lo, hi], with the least total squared displacement (isotonic regression
 * by pool-adjacent-violators on want[i] - i*gap).  When n labels cannot fit
 * at that gap, the gap shrinks to (hi - lo) / (n - 1).  out[i] is the place
 * of want[i].  Returns 0, or -1 when out of memory. */
int gs_chart_spread(const double *want, double *out, size_t n, double gap, double lo, double hi);

/* "Nice" axis step for a range of length span with about `ticks` ticks
 * (1, 2, 2.5 or 5 times a power of ten). */
double gs_chart_nice_step(double span, int ticks);
#endif
