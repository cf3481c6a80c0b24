/* lplot.h - charts from Lua values: gci.plot(x, path [, opts]) for scripts
 * (within the sandbox's write policy) and gs_lua_plot for the host's
 * `gcisim run --plot FILE` (not subject to the policy).  What x is decides
 * the chart: a comparison -> slope, an uncertainty result -> intervals, a
 * result or its records -> score bars, a dataset or result with
 * opts.countries -> pillar profile; opts.type chooses explicitly. */
#ifndef GS_LPLOT_H
#define GS_LPLOT_H
#include <limits.h>
#include <lua.h>
#include <stdio.h>

/* A chart rendered into its temporary file but not yet in place (see
 * gs_chart_write_begin): the caller commits or aborts it (output.h). */
typedef struct {
  FILE *f; /* NULL until a chart is rendered */
  char tmp[PATH_MAX + 32];
} gs_plot_pending;

/* Adds gci.plot to the module table at stack index `module`. */
void gs_lua_open_plot(lua_State *L, int module);

/* Plots the value at stack index `value` to `path` (format by extension).
 * type: "slope", "intervals", "profile", "bars" or NULL (chosen from the
 * value); opts: stack index of an options table, or 0.  who prefixes error
 * messages ("gci.plot").  sync: fsync before the rename.  No policy check:
 * the caller decides whether path may be written.  Raises a Lua error on
 * bad input or a failed write (then *write_failed, if not NULL, is set to 1
 * for the latter); path is untouched on any error.  With pending (may be
 * NULL) the chart is rendered into a temporary and left there, open in
 * pending->f, for the caller to commit with other output (sync unused). */
void gs_lua_plot(lua_State *L, int value, const char *path, const char *type, int opts, int sync,
                 const char *who, int *write_failed, gs_plot_pending *pending);

/* Whether `type` names a chart type. */
int gs_plot_type_valid(const char *type);
#endif
