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

/* The names of a comparison's two sides, for its chart's headers and
 * title when the plot options give none: gci.compare records them for the
 * list at stack index `list` (weakly: the list is not kept alive), from
 * each result's dataset file name without directory and extension
 * ("gci2018", "gci2020"; "gci2020 (before)" and "gci2020 (after)" when the
 * two are the same file).  gs_lua_plot_sides_copy gives the list at `to`
 * the sides of the list at `from` (a comparison's movers()). */
void gs_lua_plot_sides_set(lua_State *L, int list, const char *before_source, const char *after_source);
void gs_lua_plot_sides_copy(lua_State *L, int from, int to);

/* Whether `type` names a chart type. */
int gs_plot_type_valid(const char *type);
#endif
