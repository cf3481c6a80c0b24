/* run.c - `gcisim run`: one script, its options, its output and exit code.
 *
 * Like lua.c, everything that touches Lua runs inside one protected call
 * (pmain), so no error can escape as a panic; unlike lua.c the state is a
 * sandbox (sandbox.h) unless --trusted is given.  Exit codes (run.h) say
 * what went wrong, so batch runs can tell failures apart. */
#include <errno.h>
#include <lauxlib.h>
#include <limits.h>
#include <lualib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run.h"
#include "argwalk.h"
#include "chartdraw.h"
#include "datadir.h"
#include "lgci.h"
#include "lopts.h"
#include "lplot.h"
#include "lprint.h"
#include "output.h"
#include "policy.h"
#include "sandbox.h"


const char gs_usage[] =
    "usage: gcisim run SCRIPT.lua [ARGS...] [options]\n"
    "\n"
    "Runs a Lua 5.4 script with the `gci` module (composite index scores, ranks,\n"
    "scenarios and uncertainty analysis) and prints what the script returns.\n"
    "SCRIPT.lua `-` reads the script from stdin (its messages say stdin:LINE:).\n"
    "\n"
    "options (anywhere after the script; `--` passes the rest to the script;\n"
    "--opt=value is the same as --opt value):\n"
    "  --format F          table (default), csv, json, md or tsv; with any but\n"
    "                      table, stdout holds the result alone: print() goes\n"
    "                      to stderr unless --out is given (warn() always does)\n"
    "  --out FILE          write the result to FILE (atomically: all or nothing);\n"
    "                      the format follows the extension (.csv, .json, .md,\n"
    "                      .tsv, .table, any case; another is an error) unless\n"
    "                      --format is given\n"
    "  --plot FILE         also draw what the script returns as a chart, to FILE\n"
    "                      (.png, .svg or .pdf): a comparison as a slope chart, an\n"
    "                      uncertainty result as rank intervals, a result as score\n"
    "                      bars of its top 20, records as bars in rank order.\n"
    "                      With --out, all or nothing: if the chart cannot be drawn\n"
    "                      or either file written, neither file is written, and\n"
    "                      without --out the result is not printed (exit 1 or 73)\n"
    "  --plot-type T       slope, intervals, bars or profile (default: by the value)\n"
    "  --plot-countries A,B  a pillar profile of these countries (iso3 codes, at\n"
    "                      most 8) from the dataset or result the script returns\n"
    "  --plot-title TEXT   a title over the chart (default: one from the data, e.g.\n"
    "                      the two editions a slope chart compares)\n"
    "  --plot-before TEXT, --plot-after TEXT  a slope chart's two sides (default:\n"
    "                      the compared datasets' file names, e.g. gci2018)\n"
    "  --plot-top N        how many countries the chart shows (slope: the top N\n"
    "                      ranks of either side, default 30; bars: 20; intervals: all)\n"
    "  --dataset FILE      the dataset gci.dataset() loads\n"
    "  --no-sync           skip fsync of --out (faster; a power cut may lose it)\n"
    "  --threads N         threads for uncertainty analysis (default: all cores)\n"
    "  --shard I/N         run shard I of N of an uncertainty analysis; needs\n"
    "                      --out, and the script must return d:uncertainty's\n"
    "                      result (checked when it ends, before writing)\n"
    "  --quiet             no progress bar\n"
    "  --traceback         print a stack traceback with script errors\n"
    "\n"
    "sandbox and limits (scripts are untrusted by default):\n"
    "  --allow-read DIR    gci.load may also read files under DIR (default: data/\n"
    "                      and the script's own directory)\n"
    "  --allow-write DIR   gci.write may write files under DIR (default: nowhere)\n"

    "  --max-memory SIZE   Lua memory cap, e.g. 64M or 1G (default 256M; 0 = none)\n"
    "  --timeout SECONDS   wall-clock limit (default 10; 0 = none)\n"
    "  --max-instructions N  Lua instruction budget (default: none)\n"
    "  --max-output SIZE   bytes print may write in all (default 64M; 0 = none)\n"
    "  --trusted           !! NO SANDBOX: the full Lua standard library, including\n"
    "                      io, os and package, and no file restrictions. Only for\n"
    "                      your own scripts. Limits still apply. !!\n"
    "\n"
    "data directory: a relative path given to gci.load or gci.index_meta that is\n"
    "  not found from the current directory is read from $GCISIM_DATADIR (default:\n"
    "  for gcisim installed as PREFIX/bin/gcisim, PREFIX/share/gcisim, where\n"
    "  `make install` puts data/ and scripts/); scripts may read it, not leave it.\n"
    "\n"
    "exit codes: 0 ok, 1 script error, 64 usage, 65 data error, 73 output not\n"
    "            written, 80 timeout, 81 memory limit, 82 instruction limit,\n"
    "            83 output limit\n";

typedef struct {
  int help;                 /* --help: print the usage and run nothing */
  const char *script;
  int nargs;
  char **args;
  gs_format fmt;
  int fmt_given;
  const char *out;
  const char *plot, *plot_type; /* --plot FILE, --plot-type T */
  const char *plot_countries, *plot_title; /* --plot-countries A,B, --plot-title TEXT */
  const char *plot_before, *plot_after;    /* --plot-before/--plot-after TEXT: a slope chart's sides */
  long plot_top;                           /* --plot-top N, 0 = the chart's default */
  gs_plot_pending pend;                    /* the chart, rendered but not yet in place */
  int traceback;
  int no_sync;
  gs_run_sbopts sbo; /* sandbox, limits, --allow-read/--allow-write */
  gs_ctx ctx;
  int status;
  int plot_failed; /* the chart was not written (vs. a value that cannot be plotted) */
  gs_sandbox *sb;
} run_opts;

int gs_parse_size(const char *s, size_t *out) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || end == s || v < 0) return -1;
  double mul = 1;
  switch (*end) {
  case 'k': case 'K': mul = 1024.0; end++; break;
  case 'm': case 'M': mul = 1024.0 * 1024; end++; break;
  case 'g': case 'G': mul = 1024.0 * 1024 * 1024; end++; break;
  default: break;
  }
  if (*end == 'i' || *end == 'B') end++;
  if (*end == 'B') end++;
  if (*end) return -1;
  *out = (size_t)(v * mul);
  return 0;
}

int gs_parse_number(const char *s, double *out) {
  char *end;
  errno = 0;
  *out = strtod(s, &end);
  return errno || end == s || *end || *out < 0 ? -1 : 0;
}

int gs_parse_format_option(const char *v, gs_format *fmt, int *given) {
  int f = gs_format_parse(v);
  if (f < 0) return gs_usage_error("unknown format '%s' (" GS_FORMAT_NAMES ")", v);
  if (fmt) *fmt = (gs_format)f;
  if (given) *given = 1;
  return GS_EX_OK;
}

int gs_out_format(const char *out, gs_format *fmt, int fmt_given) {
  if (fmt_given) return GS_EX_OK;
  int f = gs_format_of_path(out);
  /* A file named results.xlsx or results.txt used to get the table
   * format silently: a typo, or a format gcisim does not write. */
  if (f == -2)
    return gs_usage_error("--out %s: unknown extension (." GS_FORMAT_EXTENSIONS "), or give --format", out);
  if (f >= 0) *fmt = (gs_format)f;
  return GS_EX_OK;
}

/* The command main dispatched to, so a usage error points to that
 * command's --help rather than to the command list. */
static const char *usage_command;

void gs_usage_set_command(const char *name) { usage_command = name; }

int gs_usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "gcisim: ");
  fprintf(stderr, fmt, arg);
  if (usage_command) fprintf(stderr, "\n(gcisim %s --help for usage)\n", usage_command);
  else fprintf(stderr, "\n(gcisim --help for usage)\n");
  return GS_EX_USAGE;
}

void gs_run_sbopts_init(gs_run_sbopts *s) {
  memset(s, 0, sizeof *s);
  s->lim.max_memory = (size_t)256 << 20;
  s->lim.timeout = 10;
  s->lim.max_output = (size_t)64 << 20;
}

int gs_run_sbopts_parse(gs_run_sbopts *s, const char *a, const char *v) {
  if (strcmp(a, "--trusted") == 0) { s->lim.trusted = 1; return 1; }
  int known = strcmp(a, "--allow-read") == 0 || strcmp(a, "--allow-write") == 0 || strcmp(a, "--max-memory") == 0 ||
              strcmp(a, "--timeout") == 0 || strcmp(a, "--max-instructions") == 0 || strcmp(a, "--max-output") == 0;
  if (!known) return 0;
  if (!v) { gs_usage_error("%s needs a value", a); return -1; }
  if (strcmp(a, "--allow-read") == 0 || strcmp(a, "--allow-write") == 0) {
    int w = strcmp(a, "--allow-write") == 0;
    if ((w ? s->nwrites : s->nreads) == 32) { gs_usage_error("too many %s", a); return -1; }
    if (w) s->writes[s->nwrites++] = v;
    else s->reads[s->nreads++] = v;
  } else if (strcmp(a, "--max-memory") == 0) {
    if (gs_parse_size(v, &s->lim.max_memory)) { gs_usage_error("--max-memory needs a size such as 64M, got '%s'", v); return -1; }
  } else if (strcmp(a, "--max-output") == 0) {
    if (gs_parse_size(v, &s->lim.max_output)) { gs_usage_error("--max-output needs a size such as 1M, got '%s'", v); return -1; }
  } else if (strcmp(a, "--timeout") == 0) {
    if (gs_parse_number(v, &s->lim.timeout)) { gs_usage_error("--timeout needs seconds, got '%s'", v); return -1; }
  } else {
    double t;
    if (gs_parse_number(v, &t)) { gs_usage_error("--max-instructions needs a number, got '%s'", v); return -1; }
    s->lim.max_instructions = (uint64_t)t;
  }
  return 2;
}

/* Allows reading the directory that holds file. */
static void allow_dir_of(gs_policy *p, const char *file) {
  char dir[PATH_MAX], err[512];
  snprintf(dir, sizeof dir, "%s", file);
  char *slash = strrchr(dir, '/');
  if (slash) *slash = '\0';
  else snprintf(dir, sizeof dir, ".");
  gs_policy_allow(p, dir, 0, err, sizeof err);
}

gs_policy *gs_run_policy(const gs_run_sbopts *s, const char *const *files, int nfiles, int *rc) {
  gs_policy *p = gs_policy_new();
  if (!p) { fprintf(stderr, "gcisim: out of memory\n"); *rc = GS_EX_MEMORY; return NULL; }
  char err[1024];
  for (int w = 0; w < 2; w++)
    for (int i = 0; i < (w ? s->nwrites : s->nreads); i++)
      if (gs_policy_allow(p, w ? s->writes[i] : s->reads[i], w, err, sizeof err)) {
        *rc = gs_usage_error("%s", err);
        gs_policy_free(p);
        return NULL;
      }
  if (s->lim.trusted) { gs_policy_trust(p); return p; }
  /* The defaults may be missing: nothing to allow then, and no error. */
  if (access("data", F_OK) == 0) gs_policy_allow(p, "data", 0, err, sizeof err);
  /* The installed data directory, where relative data paths fall back to
   * (datadir.h): read-only, and only when it exists. */
  const char *dd = gs_datadir();
  if (dd && access(dd, F_OK) == 0) gs_policy_allow(p, dd, 0, err, sizeof err);
  for (int i = 0; i < nfiles; i++)
    if (files[i]) allow_dir_of(p, files[i]);
  return p;
}

int gs_run_exit_code(const gs_sandbox *sb, const gs_ctx *ctx, const char *msg) {
  gs_limit hit = sb ? gs_sandbox_limit_hit(sb) : GS_LIMIT_NONE;
  if (hit == GS_LIMIT_TIME) return GS_EX_TIMEOUT;
  if (hit == GS_LIMIT_MEMORY) return GS_EX_MEMORY;
  if (hit == GS_LIMIT_INSTRUCTIONS) return GS_EX_INSTR;
  if (hit == GS_LIMIT_OUTPUT) return GS_EX_OUTLIMIT;
  if (ctx->data_error[0] && msg && strstr(msg, ctx->data_error)) return GS_EX_DATA;
  return GS_EX_SCRIPT;
}

/* Splits argv after "run" into gcisim's options and the script's args. */
enum {
  RO_HELP, RO_FORMAT, RO_OUT, RO_PLOT, RO_PLOT_TYPE, RO_PLOT_COUNTRIES, RO_PLOT_TITLE, RO_PLOT_BEFORE,
  RO_PLOT_AFTER, RO_PLOT_TOP, RO_DATASET, RO_THREADS, RO_SHARD, RO_QUIET, RO_TRACEBACK, RO_NO_SYNC
};
static const gs_argopt run_options[] = {
    {"--help", 0, RO_HELP},
    {"--format", 1, RO_FORMAT},
    {"--out", 1, RO_OUT},
    {"--plot", 1, RO_PLOT},
    {"--plot-type", 1, RO_PLOT_TYPE},
    {"--plot-countries", 1, RO_PLOT_COUNTRIES},
    {"--plot-title", 1, RO_PLOT_TITLE},
    {"--plot-before", 1, RO_PLOT_BEFORE},
    {"--plot-after", 1, RO_PLOT_AFTER},
    {"--plot-top", 1, RO_PLOT_TOP},
    {"--dataset", 1, RO_DATASET},
    {"--threads", 1, RO_THREADS},
    {"--shard", 1, RO_SHARD},
    {"--quiet", 0, RO_QUIET},
    {"--traceback", 0, RO_TRACEBACK},
    {"--no-sync", 0, RO_NO_SYNC},
    {NULL, 0, 0},
};

static int run_option(void *ctx, int id, const char *a, const char *v) {
  run_opts *o = ctx;
  (void)a;
  double t;
  switch (id) {
  case RO_HELP: o->help = 1; break;
  case RO_FORMAT: return gs_parse_format_option(v, &o->fmt, &o->fmt_given);
  case RO_OUT: o->out = v; break;
  case RO_PLOT:
    if (gs_chart_format_for_path(v) < 0) return gs_usage_error("--plot %s: unknown chart format (use " GS_CHART_EXTENSIONS ")", v);
    o->plot = v;
    break;
  case RO_PLOT_TYPE:
    if (!gs_plot_type_valid(v)) return gs_usage_error("unknown --plot-type '%s' (slope, intervals, profile or bars)", v);
    o->plot_type = v;
    break;
  case RO_PLOT_COUNTRIES:
    /* every comma-separated item a code: no empty one */
    if (!*v || v[0] == ',' || v[strlen(v) - 1] == ',' || strstr(v, ",,"))
      return gs_usage_error("--plot-countries needs country codes separated by commas, e.g. VNM,SWE; got '%s'", v);
    o->plot_countries = v;
    break;
  case RO_PLOT_TITLE: o->plot_title = v; break;
  case RO_PLOT_BEFORE: o->plot_before = v; break;
  case RO_PLOT_AFTER: o->plot_after = v; break;
  case RO_PLOT_TOP:
    if (gs_parse_number(v, &t) || t != (long)t || t < 1 || t > 10000)
      return gs_usage_error("--plot-top needs a whole number from 1 to 10000, got '%s'", v);
    o->plot_top = (long)t;
    break;
  case RO_DATASET: o->ctx.dataset = v; break;
  case RO_THREADS:
    if (gs_parse_number(v, &t) || t != (int)t || t > 1024) return gs_usage_error("--threads needs a whole number, got '%s'", v);
    o->ctx.threads = (int)t;
    break;
  case RO_SHARD: {
    unsigned si, sn;
    char c;
    if (sscanf(v, "%u/%u%c", &si, &sn, &c) != 2 || sn == 0 || si >= sn)
      return gs_usage_error("--shard needs I/N with 0 <= I < N, got '%s'", v);
    o->ctx.shard_index = si;
    o->ctx.shard_count = sn;
    break;
  }
  case RO_QUIET: o->ctx.quiet = 1; break;
  case RO_TRACEBACK: o->traceback = 1; break;
  case RO_NO_SYNC: o->no_sync = 1; break;
  }
  return GS_EX_OK;
}

static int run_sandbox_option(void *ctx, const char *a, const char *v) {
  return gs_run_sbopts_parse(&((run_opts *)ctx)->sbo, a, v);
}

static int parse_run(int argc, char **argv, run_opts *o) {
  o->fmt = GS_FMT_TABLE;
  gs_run_sbopts_init(&o->sbo);
  o->args = calloc((size_t)argc + 1, sizeof *o->args);
  if (!o->args) return gs_usage_error("out of memory%s", "");
  /* only "--..." is an option: "-" is the script from stdin */
  static const gs_argwalk walk = {NULL, GS_ARGS_DASHDASH, run_options, run_option, -1, NULL, run_sandbox_option};
  int n, rc = gs_argwalk_run(&walk, argc, argv, o, (const char **)o->args, &n);
  if (rc != GS_EX_OK) return rc;
  /* the first operand is the script, the others its arguments (arg[1], ...) */
  if (n > 0) {
    o->script = o->args[0];
    o->nargs = n - 1;
    memmove(o->args, o->args + 1, (size_t)o->nargs * sizeof *o->args);
    o->args[o->nargs] = NULL;
  }
  if (!o->script && !o->help) return gs_usage_error("run needs a script%s", "");
  if (!o->plot) {
    const char *need = o->plot_type ? "--plot-type" : o->plot_countries ? "--plot-countries"
                     : o->plot_title ? "--plot-title" : o->plot_top ? "--plot-top"
                     : o->plot_before ? "--plot-before" : o->plot_after ? "--plot-after" : NULL;
    if (need) return gs_usage_error("%s needs --plot FILE", need);
  }
  if (o->plot_countries && o->plot_type && strcmp(o->plot_type, "profile") != 0)
    return gs_usage_error("--plot-countries draws a pillar profile, not --plot-type %s", o->plot_type);
  if (o->plot_countries && o->plot_top)
    return gs_usage_error("--plot-top does not apply to a profile (--plot-countries)%s", "");
  /* A shard holds a part of an analysis: its chart would be wrong, and
   * it used to fail only after the run, leaving no shard file either. */
  if (o->plot && o->ctx.shard_count)
    return gs_usage_error("--plot cannot be used with --shard: plot the merged result (gcisim merge) instead%s", "");
  /* A shard is a file for gcisim merge: on stdout it was lost, and the
   * mistake showed only at merge, after every shard had run. */
  if (o->ctx.shard_count && !o->out && !o->help)
    return gs_usage_error("--shard needs --out FILE: a shard is a file for gcisim merge%s", "");
  /* (a shard file is written as it is, whatever its name) */
  if (o->out && !o->ctx.shard_count && gs_out_format(o->out, &o->fmt, o->fmt_given) != GS_EX_OK) return GS_EX_USAGE;
  return GS_EX_OK;
}

static int msghandler(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) return 1;
    msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  int *tb = lua_touserdata(L, lua_upvalueindex(1));
  if (*tb) luaL_traceback(L, L, msg, 1);
  return 1;
}

/* Draws the script's value (index 2) for --plot into a temporary (o->pend),
 * as the host: no policy.  The --plot-* options become gci.plot options,
 * so they are checked as a script's are. */
static int plot_result(lua_State *L) {
  run_opts *o = lua_touserdata(L, 1);
  int opts = 0;
  if (o->plot_countries || o->plot_title || o->plot_top || o->plot_before || o->plot_after) {
    lua_createtable(L, 0, 5);
    opts = lua_gettop(L);
    if (o->plot_title) { lua_pushstring(L, o->plot_title); lua_setfield(L, opts, "title"); }
    if (o->plot_before) { lua_pushstring(L, o->plot_before); lua_setfield(L, opts, "before"); }
    if (o->plot_after) { lua_pushstring(L, o->plot_after); lua_setfield(L, opts, "after"); }
    if (o->plot_top) { lua_pushinteger(L, o->plot_top); lua_setfield(L, opts, "top"); }
    if (o->plot_countries) {
      lua_newtable(L);
      lua_Integer k = 0;
      for (const char *p = o->plot_countries; *p;) {
        size_t len = strcspn(p, ",");
        const char *a = p, *b = p + len;
        while (a < b && *a == ' ') a++;
        while (b > a && b[-1] == ' ') b--;
        lua_pushlstring(L, a, (size_t)(b - a));
        lua_rawseti(L, -2, ++k);
        p += len + (p[len] == ',');
      }
      lua_setfield(L, opts, "countries");
    }
  }
  gs_lua_plot(L, 2, o->plot, o->plot_type, opts, !o->no_sync, "--plot", &o->plot_failed, &o->pend);
  return 0;
}

/* Whether path can be written: its directory exists and is writable and
 * it is not a directory itself.  Checked before the script runs, so that a
 * typo costs no computation; 0, or -1 with a message printed. */
static int check_writable(const char *opt, const char *path) {
  char dir[PATH_MAX];
  struct stat st;
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  if (slash == dir) dir[1] = '\0';
  else if (slash) *slash = '\0';
  else snprintf(dir, sizeof dir, ".");
  const char *why = NULL;
  if (stat(dir, &st) != 0) why = strerror(errno);
  else if (!S_ISDIR(st.st_mode)) why = "not a directory";
  else if (access(dir, W_OK | X_OK) != 0) why = strerror(errno);
  else if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) why = "is a directory";
  if (!why) return 0;
  fprintf(stderr, "gcisim: %s: cannot write %s: %s (nothing was run)\n", opt, path, why);
  return -1;
}

/* Whether the script's value (index 1) is a shard of an uncertainty
 * analysis (lanalysis.c writes it as __raw text): pushes a boolean. */
static int is_shard(lua_State *L) {
  lua_pushboolean(L, luaL_getmetafield(L, 1, "__raw") != LUA_TNIL);
  return 1;
}

static int write_result(lua_State *L) {
  run_opts *o = lua_touserdata(L, 1);
  FILE *f = lua_touserdata(L, 2);
  return gs_output_value(L, 3, o->fmt, f);
}

/* Everything Lua happens here, inside lua_pcall. */
static int pmain(lua_State *L) {
  run_opts *o = lua_touserdata(L, 1);
  gs_lua_setctx(L, &o->ctx);
  luaL_requiref(L, "gci", luaopen_gci, 1);
  lua_pop(L, 1);
  /* stdout holds exactly the value in a machine-readable format: a
   * print() would be read as a CSV row (lprint.h).  With --out the value
   * is in the file and print keeps stdout (batch jobs discard it there;
   * their stderr is their error message). */
  if (o->fmt != GS_FMT_TABLE && !o->out) gs_lua_print_to(L, stderr);
  gs_lua_warn_to_stderr(L);
  /* arg, as the lua command sets it: arg[0] the script, arg[1..] its args */
  lua_createtable(L, o->nargs, 1);
  lua_pushstring(L, o->script);
  lua_rawseti(L, -2, 0);
  for (int i = 0; i < o->nargs; i++) {
    lua_pushstring(L, o->args[i]);
    lua_rawseti(L, -2, i + 1);
  }
  lua_setglobal(L, "arg");
  lua_pushlightuserdata(L, &o->traceback);
  lua_pushcclosure(L, msghandler, 1);
  int mh = lua_gettop(L);
  /* Text only: precompiled chunks are refused even from the command line. */
  /* `gcisim run -`: the script from stdin, named "stdin" in messages (as
   * lua.c names it: luaL_loadfilex with no file name). */
  int st = luaL_loadfilex(L, strcmp(o->script, "-") == 0 ? NULL : o->script, "t");
  if (st == LUA_OK) {
    for (int i = 0; i < o->nargs; i++) lua_pushstring(L, o->args[i]);
    st = lua_pcall(L, o->nargs, 1, mh);
  }
  if (st != LUA_OK) {
    o->status = st;
    return 1; /* the error message */
  }
  o->status = LUA_OK;
  return 1; /* the script's value */
}

static int classify(run_opts *o, const char *msg) { return gs_run_exit_code(o->sb, &o->ctx, msg); }

static void report_error(run_opts *o, const char *msg) {
  gs_limit hit = gs_sandbox_limit_hit(o->sb);
  if (hit != GS_LIMIT_NONE && (!msg || !strstr(msg, gs_sandbox_limit_message(o->sb))))
    fprintf(stderr, "%s: %s\n", strcmp(o->script, "-") == 0 ? "stdin" : o->script, gs_sandbox_limit_message(o->sb));
  else
    fprintf(stderr, "%s\n", msg ? msg : "(no message)");
  /* An exercise of scripts/teaching/ run by mistake: `exercise` is
   * gcisim check's, kept out of run's globals; say where it belongs. */
  if (msg && strstr(msg, "(global 'exercise')"))
    fprintf(stderr, "(%s looks like an exercise: check it with gcisim check %s)\n", o->script, o->script);
}

static char tmp_out[PATH_MAX + 32];

/* SIGTERM, SIGHUP, SIGINT: remove the temporaries (--out's, --plot's, a
 * gci.plot or gci.write in progress), then die of the signal as before. */
static void on_fatal_signal(int sig) {
  gs_atomic_cleanup_signal();
  signal(sig, SIG_DFL);
  raise(sig);
}

/* Removes the rendered chart's temporary, if any. */
static void drop_chart(run_opts *o) {
  if (o->pend.f) gs_atomic_abort(o->pend.f, o->pend.tmp);
  o->pend.f = NULL;
}

static void nothing_written(const run_opts *o) {
  if (o->out) fprintf(stderr, "gcisim: nothing was written: neither %s nor %s\n", o->plot, o->out);
  else fprintf(stderr, "gcisim: nothing was written: no chart, and the result was not printed\n");
}

/* Runs a parsed command: everything after the command line. */
static int run_parsed(run_opts *o);

int gs_run_main(int argc, char **argv) {
  run_opts o;
  memset(&o, 0, sizeof o);
  int rc = parse_run(argc, argv, &o);
  if (rc == GS_EX_OK && (o.help || (argc >= 1 && strcmp(argv[0], "-h") == 0))) {
    fputs(gs_usage, stdout);
    free(o.args);
    return GS_EX_OK;
  }
  if (rc != GS_EX_OK) { free(o.args); return rc; }
  return run_parsed(&o);
}

/* The batch runner's entry: no argv is built from the job's fields, so no
 * field of a manifest can ever be read as an option (issue 11, class 1). */
int gs_run(const gs_run_opts *ro) {
  run_opts o;
  memset(&o, 0, sizeof o);
  o.script = ro->script;
  o.args = calloc((size_t)ro->nargs + 1, sizeof *o.args);
  if (!o.args) { fprintf(stderr, "gcisim: out of memory\n"); return GS_EX_MEMORY; }
  for (int i = 0; i < ro->nargs; i++) o.args[i] = ro->args[i];
  o.nargs = ro->nargs;
  o.fmt = ro->fmt;
  o.fmt_given = 1;
  o.out = ro->out;
  o.no_sync = ro->no_sync;
  o.sbo = ro->sbo;
  o.ctx.dataset = ro->dataset;
  o.ctx.threads = ro->threads;
  o.ctx.quiet = ro->quiet;
  return run_parsed(&o);
}

static int run_parsed(run_opts *op) {
  run_opts o = *op; /* the body below was written for a local */
  int rc = GS_EX_OK;
  if ((o.plot && check_writable("--plot", o.plot)) || (o.out && check_writable("--out", o.out))) {
    free(o.args);
    return GS_EX_OUTPUT;
  }
  /* readable: the script's own directory and, whatever its directory,
   * the job's dataset */
  /* (a script read from stdin has no directory of its own) */
  const char *files[] = {strcmp(o.script, "-") == 0 ? NULL : o.script, o.ctx.dataset};
  gs_policy *pol = gs_run_policy(&o.sbo, files, 2, &rc);
  if (!pol) { free(o.args); return rc; }
  o.ctx.policy = pol;
  o.sb = gs_sandbox_new(&o.sbo.lim);
  if (!o.sb) { fprintf(stderr, "gcisim: cannot create a Lua state (out of memory)\n"); rc = GS_EX_MEMORY; goto done; }
  o.ctx.sandbox = o.sb;
  gs_sandbox_watchdog(o.sb, GS_EX_TIMEOUT, tmp_out);
  {
    static const int sigs[] = {SIGTERM, SIGHUP, SIGINT};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) sigaction(sigs[i], &sa, NULL);
  }
  lua_State *L = gs_sandbox_state(o.sb);
  lua_pushcfunction(L, pmain);
  lua_pushlightuserdata(L, &o);
  int st = lua_pcall(L, 1, 1, 0);
  if (st != LUA_OK || o.status != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    rc = classify(&o, msg);
    report_error(&o, msg);
    goto done;
  }
  /* --shard on a script that ran no uncertainty analysis (or did not
   * return it) would write a result that gcisim merge refuses: whether it
   * does is known only now, at the end of the run, before anything is
   * written. */
  if (o.ctx.shard_count) {
    lua_pushcfunction(L, is_shard);
    lua_pushvalue(L, -2);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK || !lua_toboolean(L, -1)) {
      fprintf(stderr, "gcisim: --shard %u/%u: %s returned no uncertainty analysis (d:uncertainty), so there is "
                      "no shard to write; nothing was written\n", o.ctx.shard_index, o.ctx.shard_count,
              strcmp(o.script, "-") == 0 ? "stdin" : o.script);
      rc = GS_EX_USAGE;
      goto done;
    }
    lua_pop(L, 1);
  }
  /* All or nothing: the chart and the table are rendered into temporary
   * files first, and put in place only when both are complete.  A value
   * that cannot be charted writes nothing either, and says so: printing
   * the table alone would pass for success in a pipeline. */
  if (o.plot) {
    lua_pushcfunction(L, plot_result);
    lua_pushlightuserdata(L, &o);
    lua_pushvalue(L, -3);
    if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
      const char *msg = lua_tostring(L, -1);
      rc = o.plot_failed ? GS_EX_OUTPUT : classify(&o, msg);
      if (gs_sandbox_limit_hit(o.sb) != GS_LIMIT_NONE) report_error(&o, msg);
      else fprintf(stderr, "gcisim: %s\n", msg ? msg : "(no message)");
      nothing_written(&o);
      goto done;
    }
  }
  FILE *f = stdout;
  if (o.out) {
    f = gs_atomic_open(o.out, tmp_out, sizeof tmp_out);
    if (!f) {
      fprintf(stderr, "gcisim: cannot write %s: %s\n", o.out, strerror(errno));
      rc = GS_EX_OUTPUT;
      drop_chart(&o);
      goto done;
    }
  }
  lua_pushcfunction(L, write_result);
  lua_pushlightuserdata(L, &o);
  lua_pushlightuserdata(L, f);
  lua_pushvalue(L, -4);
  st = lua_pcall(L, 3, 0, 0);
  if (st != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    rc = classify(&o, msg);
    report_error(&o, msg);
    if (o.out) gs_atomic_abort(f, tmp_out);
    tmp_out[0] = '\0';
    drop_chart(&o);
    goto done;
  }
  /* Both complete: the table first (its flush is where a full disk shows),
   * then the chart, already flushed, so only its rename is left to fail. */
  if (o.out) {
    if (gs_atomic_commit(f, tmp_out, o.out, !o.no_sync) != 0) {
      fprintf(stderr, "gcisim: cannot write %s: %s\n", o.out, strerror(errno));
      rc = GS_EX_OUTPUT;
      if (o.plot) fprintf(stderr, "gcisim: %s not written either\n", o.plot);
      drop_chart(&o);
    }
    tmp_out[0] = '\0';
  } else if (fflush(stdout) != 0) {
    rc = GS_EX_OUTPUT;
    drop_chart(&o);
  }
  if (o.pend.f) {
    if (gs_atomic_commit(o.pend.f, o.pend.tmp, o.plot, !o.no_sync) != 0) {
      fprintf(stderr, "gcisim: cannot write %s: %s\n", o.plot, strerror(errno));
      rc = GS_EX_OUTPUT;
    }
    o.pend.f = NULL;
  }
done:
  gs_sandbox_free(o.sb);
  gs_policy_free(pol);
  free(o.args);
  return rc;
}


int gs_write_table(const gs_table *t, gs_format fmt, const char *out) {
  char tmp[PATH_MAX + 32];
  FILE *f = out ? gs_atomic_open(out, tmp, sizeof tmp) : stdout;
  if (!f) {
    fprintf(stderr, "gcisim: cannot write %s: %s\n", out, strerror(errno));
    return GS_EX_OUTPUT;
  }
  if (gs_table_write(t, fmt, f) != 0 || (!out && fflush(f) != 0)) {
    fprintf(stderr, "gcisim: cannot write %s\n", out ? out : "the output");
    if (out) gs_atomic_abort(f, tmp);
    return GS_EX_OUTPUT;
  }
  if (out && gs_atomic_commit(f, tmp, out, 1) != 0) {
    fprintf(stderr, "gcisim: cannot write %s: %s\n", out, strerror(errno));
    return GS_EX_OUTPUT;
  }
  return GS_EX_OK;
}

int gs_parse_rank_option(const char *a, const char *v, int *digits, gs_ties *ties) {
  int is_ties = strcmp(a, "--ties") == 0;
  if (!is_ties && strcmp(a, "--digits") != 0) return 0;
  if (!v) return gs_usage_error("%s needs a value", a), -1;
  if (is_ties) {
    int t = gs_ties_parse(v);
    if (t < 0) return gs_usage_error("unknown tie rule '%s' (dense, competition, ordinal or fractional)", v), -1;
    *ties = (gs_ties)t;
    return 2;
  }
  char *end;
  long n = strtol(v, &end, 10);
  if (end == v || *end || n < -1 || n > GS_OPT_DIGITS_MAX) {
    char msg[80];
    snprintf(msg, sizeof msg, "--digits needs a whole number from -1 to %d, got '%%s'", GS_OPT_DIGITS_MAX);
    return gs_usage_error(msg, v), -1;
  }
  *digits = (int)n;
  return 2;
}
