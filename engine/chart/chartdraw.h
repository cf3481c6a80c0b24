/* chartdraw.h - renders a chart display list (chart.h) to a file: PNG and
 * PDF through cairo, SVG by a small writer of its own so that labels are
 * real <text> elements (cairo's SVG surface draws glyphs as paths).  The
 * format follows the file's extension.  Text is set in DejaVu Sans with
 * cairo's toy font API and unhinted metrics, so layout measurements
 * (gs_chart_measure) match what is drawn on every machine with the font.
 * Same display list, same bytes for SVG and PNG. */
#ifndef GS_CHARTDRAW_H
#define GS_CHARTDRAW_H
#include <stdio.h>

#include "chart.h"

#define GS_CHART_FONT "DejaVu Sans"
#define GS_CHART_EXTENSIONS ".png, .svg or .pdf"

typedef enum { GS_CHART_PNG, GS_CHART_SVG, GS_CHART_PDF } gs_chart_format;

/* The format of path's extension (case-insensitive), or -1. */
int gs_chart_format_for_path(const char *path);

/* A text measurer for gs_chart_opts (measure = gs_chart_measure,
 * measure_ctx = the measurer).  gs_measurer_free accepts NULL. */
typedef struct gs_measurer gs_measurer;
gs_measurer *gs_measurer_new(void);
void gs_measurer_free(gs_measurer *m);
double gs_chart_measure(void *measurer, const char *text, double size, int bold);

/* Writes dl as SVG to f.  Returns 0, or -1 on a write error. */
int gs_chart_svg(const gs_dl *dl, FILE *f);

/* Writes dl to path in the format of its extension, atomically: a
 * temporary file beside path renamed over it on success, removed on any
 * failure (path is then untouched).  sync: fsync before the rename.
 * Returns 0, or -1 with a message in err. */
int gs_chart_write(const gs_dl *dl, const char *path, int sync, char *err, size_t errlen);

/* The first half of gs_chart_write, for a caller that commits several
 * files together: renders dl into a new temporary file beside path (its
 * name in tmp, tmplen >= strlen(path) + 32) and returns it flushed and
 * open in *out, to be finished by gs_atomic_commit or gs_atomic_abort
 * (output.h); the caller owns it.  Returns 0, or -1 with a message in err
 * (then nothing is left behind and *out is NULL). */
int gs_chart_write_begin(const gs_dl *dl, const char *path, FILE **out, char *tmp, size_t tmplen, char *err,
                         size_t errlen);
#endif
