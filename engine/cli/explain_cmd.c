/* explain_cmd.c - `gcisim explain` (see explain_cmd.h).  No script runs
 * here, so there is no sandbox: the command reads the one file it is given.
 * The explanation is computed and printed in C (explaintable.h), with no Lua state. */
#include "explain_cmd.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csvload.h"
#include "datadir.h"
#include "argwalk.h"
#include "atomic.h"
#include "explain_index.h"
#include "explaintable.h"
#include "run.h"
#include "score.h"

static const char usage[] =
    "usage: gcisim explain DATA.csv ISO3 [options]\n"
    "\n"
    "Explains one country's score and rank: each pillar's weighted points and\n"
    "share of the score, the gap to each pillar's maximum, the countries just\n"
    "above and below, and the smallest gain of a single pillar that gives a\n"
    "better rank (on the data's grid, e.g. steps of 0.01, up to the maximum).\n"
    "ISO3 may be typed in any case when that is unambiguous (vnm for VNM).\n"
    "\n"
    "options:\n"
    "  --weights P=W,...   pillar weights, e.g. technical=2 (pillars not named keep 1)\n"
    "  --scale S           rescale so that every pillar at its maximum scores S\n"
    "  --ties T            dense (default), competition, ordinal or fractional\n"
    "  --digits N          round scores to N decimals before ranking (default: as\n"
    "                      many as the pillars are written with, at most 6;\n"
    "                      -1 compares exact scores)\n"
    "  --format F          table (default), csv, json, md or tsv\n"
    "  --out FILE          write to FILE atomically; the format follows the extension\n"
    "\n"
    "\n"
    "usage: gcisim explain --index META.csv DATA.csv UNIT [steps] [options]\n"
    "\n"
    "Reports one unit of an index (COINr's iMeta and iData): every node's score\n"
    "and rank (and rank in a group), and the unit's strengths and weaknesses:\n"
    "its best and worst indicator ranks (COINr get_str_weak).  The steps run in\n"
    "the order written, as COINr's build calls and ix:compute's `steps`:\n"
    "  --denominate        divide by the iMeta's Denominator columns\n"
    "  --impute M          mean, median, group_mean:COLUMN or group_median:COLUMN\n"
    "  --screen S          drop units with less than a share S of indicators with data\n"
    "  --treat N           winsorise up to N points, else log (skew 2, kurtosis 3.5)\n"
    "then normalisation and aggregation:\n"
    "  --normalise N[:P..] minmax:0:100 (default), zscore:M:S, rank, prank,\n"
    "                      goalposts:LO:HI:SCALE, dist2max, dist2targ, none\n"
    "  --agg A             every aggregate: arithmetic, geometric, harmonic, power:P,\n"
    "                      median, min or copeland (default: the iMeta's, arithmetic)\n"
    "options:\n"
    "  --key COL, --name COL  the unit code and name columns (default uCode and\n"
    "                      uName when the header has them, else iso3 and country)\n"
    "  --na TEXT           a missing-value marker (repeatable; default NA)\n"
    "  --group COL         also rank within the unit's group in COL\n"
    "  --top N, --bottom N how many strengths and weaknesses (default 5 and 5)\n"
    "  --strengths-data D  normalised (default) or raw: rank the data times the\n"
    "                      direction, as COINr's get_str_weak(dset = \"Raw\")\n"
    "  --ties T, --digits N  how scores rank (default competition on exact scores,\n"
    "                      as COINr's get_results)\n"
    "  --format F, --out FILE  as above\n"
    "\n"
    "exit codes: 0 ok, 64 usage (also an unknown country, unit or pillar), 65 data\n"
    "            error, 73 output not written\n";

typedef struct {
  const char *data, *iso3, *weights, *out;
  double scale;
  int digits;
  gs_ties ties;
  gs_format fmt;
  int fmt_given;
} ex_opts;

/* s without leading and trailing blanks (cut in place). */
static char *trim(char *s) {
  while (*s == ' ' || *s == '\t') s++;
  char *e = s + strlen(s);
  while (e > s && (e[-1] == ' ' || e[-1] == '\t')) *--e = '\0';
  return s;
}

/* Parses "name=w,name=w" (blanks around names and weights allowed) into w (d's pillars, the rest kept at 1).
 * Returns 0, or GS_EX_USAGE after printing what is wrong. */
static int parse_weights(const char *spec, const gs_dataset *d, double *w) {
  for (size_t p = 0; p < d->npillar; p++) w[p] = 1;
  char buf[1024];
  if (snprintf(buf, sizeof buf, "%s", spec) >= (int)sizeof buf) return gs_usage_error("--weights: too long%s", "");
  for (char *save = NULL, *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
    char *eq = strchr(item, '=');
    if (!eq) return gs_usage_error("--weights: '%s' is not pillar=weight", trim(item));
    *eq = '\0';
    /* "technical=2, legal=1" (a blank after the comma) is what people type */
    item = trim(item);
    char *val = trim(eq + 1);
    long c = gs_dataset_col(d, item);
    long p = c < 0 ? -1 : gs_dataset_pillar_of(d, (size_t)c);
    if (p < 0) return gs_usage_error("--weights: unknown pillar '%s'", item);
    char *end;
    errno = 0;
    double v = strtod(val, &end);
    if (errno || end == val || *end || !isfinite(v) || v < 0)
      return gs_usage_error("--weights: weight '%s' must be a finite number >= 0", val);
    w[p] = v;
  }
  return 0;
}

enum { EX_WEIGHTS, EX_SCALE, EX_FORMAT, EX_OUT };
static const gs_argopt ex_options[] = {
    {"--weights", 1, EX_WEIGHTS}, {"--scale", 1, EX_SCALE}, {"--format", 1, EX_FORMAT}, {"--out", 1, EX_OUT}, {NULL, 0, 0},
};

static int ex_option(void *ctx, int id, const char *a, const char *v) {
  ex_opts *o = ctx;
  (void)a;
  switch (id) {
  case EX_WEIGHTS: o->weights = v; break;
  case EX_SCALE:
    if (gs_parse_number(v, &o->scale) || !(o->scale > 0) || !isfinite(o->scale))
      return gs_usage_error("--scale needs a number > 0, got '%s'", v);
    break;
  case EX_FORMAT: return gs_parse_format_option(v, &o->fmt, &o->fmt_given);
  case EX_OUT: o->out = v; break;
  }
  return GS_EX_OK;
}

static int ex_rank_option(void *ctx, const char *a, const char *v) {
  ex_opts *o = ctx;
  return gs_parse_rank_option(a, v, &o->digits, &o->ties);
}

static int parse(int argc, char **argv, ex_opts *o) {
  o->digits = -2; /* not given: the data's precision, once loaded */
  o->ties = GS_TIES_DENSE;
  o->fmt = GS_FMT_TABLE;
  static const gs_argwalk walk = {"explain", GS_ARGS_DASH, ex_options, ex_option, 2,
                                  "explain: unexpected argument '%s'", ex_rank_option};
  const char *operand[2] = {NULL, NULL}; /* DATA ISO3 */
  int n, rc = gs_argwalk_run(&walk, argc, argv, o, operand, &n);
  if (rc != GS_EX_OK) return rc;
  o->data = operand[0];
  o->iso3 = operand[1];
  if (n < 2) return gs_usage_error("explain needs a dataset and a country code, e.g. gcisim explain data/gci2020.csv VNM%s", "");
  if (o->out && gs_out_format(o->out, &o->fmt, o->fmt_given) != GS_EX_OK) return GS_EX_USAGE;
  return GS_EX_OK;
}

int gs_explain_main(int argc, char **argv) {
  if (gs_args_have_help(argc, argv)) {
    fputs(usage, stdout);
    return GS_EX_OK;
  }
  /* an index's unit report (explain_index.c) */
  for (int i = 0; i < argc && strcmp(argv[i], "--") != 0; i++)
    if (strcmp(argv[i], "--index") == 0) return gs_explain_index_main(argc, argv);
  ex_opts o = {0};
  int rc = parse(argc, argv, &o);
  if (rc != GS_EX_OK) return rc;
  char err[1024], where[4096];
  /* DATA.csv falls back to the installed data directory, as gci.load's
   * paths do (datadir.h; gcisim(1), ENVIRONMENT) */
  const char *path = gs_datadir_resolve(o.data, where, sizeof where);
  /* A file that cannot be opened has no line or column to point at: say
   * so as gci.load does ("PATH: cannot read: why"); errors inside the
   * file keep file:line:column. */
  FILE *in = fopen(path, "rb");
  struct stat st;
  if (in && fstat(fileno(in), &st) == 0 && S_ISDIR(st.st_mode)) {
    fclose(in);
    in = NULL;
    errno = EISDIR;
  }
  if (!in) {
    fprintf(stderr, "gcisim: explain: %s: cannot read: %s\n", path, strerror(errno));
    return GS_EX_DATA;
  }
  gs_dataset *d = gs_load_csv_file(in, path, NULL, err, sizeof err);
  if (!d) {
    fprintf(stderr, "%s\n", err);
    return GS_EX_DATA;
  }
  double *w = NULL;
  gs_explain *e = NULL;
  gs_table *table = NULL;
  long u = gs_explain_find_unit(d, o.iso3, "country", o.data);
  if (u < 0) {
    rc = GS_EX_USAGE;
    goto done;
  }
  if (d->npillar == 0) {
    fprintf(stderr, "%s: no pillar columns to explain\n", o.data);
    rc = GS_EX_DATA;
    goto done;
  }
  w = malloc(d->npillar * sizeof *w);
  if (!w) { fprintf(stderr, "gcisim: out of memory\n"); rc = GS_EX_MEMORY; goto done; }
  for (size_t p = 0; p < d->npillar; p++) w[p] = 1;
  if (o.weights && (rc = parse_weights(o.weights, d, w)) != GS_EX_OK) goto done;
  /* Weights that cannot score (all zero) are a usage error too: check them
   * here, before anything is written. */
  double total = 0;
  for (size_t p = 0; p < d->npillar; p++) total += w[p];
  if (!(total > 0)) { rc = gs_usage_error("--weights: the weights must not all be zero%s", ""); goto done; }
  if (o.digits == -2) o.digits = gs_dataset_score_digits(d); /* ranks follow the data */
  gs_spec spec;
  gs_spec_init(&spec, w);
  spec.scale = o.scale;
  spec.digits = o.digits;
  spec.ties = o.ties;
  /* computed and printed in C, through gs_table (explaintable.h: the
   * same table r:explain gives a script): no Lua state */
  if (!(e = gs_explain_unit(d, (size_t)u, &spec, err, sizeof err))) {
    fprintf(stderr, "gcisim: explain: %s\n", err);
    rc = GS_EX_DATA;
    goto done;
  }
  if (!(table = gs_explain_table(d, (size_t)u, &spec, e))) { fprintf(stderr, "gcisim: out of memory\n"); rc = GS_EX_MEMORY; goto done; }
  rc = gs_write_table(table, o.fmt, o.out);
done:
  gs_table_free(table);
  gs_explain_free(e);
  free(w);
  gs_dataset_free(d);
  return rc;
}
