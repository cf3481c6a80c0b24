/* explain_index.c - `gcisim explain --index META.csv DATA.csv UNIT`: the
 * unit report of an index result (explain_index.h).
 *
 * The pipeline is given by options that run in the order written, one per
 * COINr build call (--denominate, --impute, --screen, --treat), then
 * --normalise and --agg, as ix:compute's `steps`; so that the report needs
 * no script: the whole command runs in C (hier.h computes, unitreport.h
 * reports, unittable.h prints), with no Lua state.  A pipeline these
 * options cannot say (a normalisation function, aggregations per node) is
 * a script's: res:unit and res:strengths give the same from Lua. */
#include "explain_index.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argwalk.h"
#include "atomic.h"
#include "csvload.h"
#include "datadir.h"
#include "hier.h"
#include "method.h"
#include "policy.h"
#include "run.h"
#include "ties.h"
#include "unitreport.h"
#include "unittable.h"

#define MAX_STEPS 64
#define MAX_NA 16

typedef struct {
  const char *meta, *data, *unit, *out, *key, *name, *group;
  const char *na[MAX_NA];
  size_t nna;
  int na_given;
  gs_h_step steps[MAX_STEPS];
  const char *step_group[MAX_STEPS]; /* the group column of a grouped imputation */
  size_t nsteps;
  gs_m_norm_spec norm;
  int agg_given;
  gs_agg agg;
  double agg_p;
  int digits;
  gs_ties ties;
  long top, bottom;
  int sw_raw;
  gs_format fmt;
  int fmt_given;
} ix_opts;

static const char norm_list[] = "minmax, zscore, rank, prank, goalposts, dist2max, dist2targ or none";
static const char agg_list[] = "arithmetic, geometric, harmonic, power:P, median, min or copeland";

/* "name[:p1[:p2[:p3]]]" into *s; GS_EX_USAGE after a message. */
static int parse_norm(const char *v, gs_m_norm_spec *s) {
  char buf[256];
  if (snprintf(buf, sizeof buf, "%s", v) >= (int)sizeof buf) return gs_usage_error("--normalise: too long%s", "");
  char *save = NULL, *name = strtok_r(buf, ":", &save);
  int k = name ? gs_m_norm_parse(name) : -1;
  if (k < 0) {
    fprintf(stderr, "gcisim: --normalise: unknown normalisation '%s' (%s)\n", name ? name : "", norm_list);
    return gs_usage_error("see gcisim explain --help%s", "");
  }
  gs_m_norm_default((gs_m_norm_kind)k, s);
  int maxp = k == GS_NORM_MINMAX || k == GS_NORM_ZSCORE || k == GS_NORM_DIST2TARG ? 2 : k == GS_NORM_GOALPOSTS ? 3 : 0;
  double par[3];
  int npar = 0;
  for (char *p = strtok_r(NULL, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
    if (npar == maxp) return gs_usage_error("--normalise: too many parameters in '%s'", v);
    if (gs_parse_number(p, &par[npar]) || !isfinite(par[npar]))
      return gs_usage_error("--normalise: parameter '%s' is not a finite number", p);
    npar++;
  }
  if (npar >= 1) s->p1 = par[0];
  if (npar >= 2) {
    if (k == GS_NORM_DIST2TARG) s->cap = par[1] != 0;
    else s->p2 = par[1];
  }
  if (npar >= 3) s->p3 = par[2];
  if ((k == GS_NORM_MINMAX || k == GS_NORM_GOALPOSTS) && !(s->p2 > s->p1))
    return gs_usage_error("--normalise: '%s' needs lo < hi", v);
  if (k == GS_NORM_ZSCORE && !(s->p2 > 0)) return gs_usage_error("--normalise: '%s' needs sd > 0", v);
  return GS_EX_OK;
}

static int parse_agg(const char *v, ix_opts *o) {
  char buf[128];
  if (snprintf(buf, sizeof buf, "%s", v) >= (int)sizeof buf) return gs_usage_error("--agg: too long%s", "");
  char *colon = strchr(buf, ':');
  if (colon) *colon = '\0';
  int k = gs_agg_parse(buf); /* the long names (spec.h), else COINr's short ones */
  if (k < 0) k = gs_m_agg_parse(buf);
  if (k < 0) {
    fprintf(stderr, "gcisim: --agg: unknown aggregation '%s' (%s)\n", buf, agg_list);
    return gs_usage_error("see gcisim explain --help%s", "");
  }
  o->agg_p = 1;
  if (k == GS_AGG_POWER) {
    if (!colon || gs_parse_number(colon + 1, &o->agg_p) || !isfinite(o->agg_p))
      return gs_usage_error("--agg: the power mean needs its exponent, e.g. power:2 (got '%s')", v);
  } else if (colon) {
    return gs_usage_error("--agg: '%s' takes no parameter", buf);
  }
  o->agg = (gs_agg)k;
  o->agg_given = 1;
  return GS_EX_OK;
}

static int parse_count(const char *opt, const char *v, long *out) {
  char *end;
  errno = 0;
  long n = strtol(v, &end, 10);
  if (errno || end == v || *end || n < 0 || n > 1000000) {
    fprintf(stderr, "gcisim: %s needs a whole number from 0 to 1000000, got '%s'\n", opt, v);
    return gs_usage_error("see gcisim explain --help%s", "");
  }
  *out = n;
  return GS_EX_OK;
}

static gs_h_step *new_step(ix_opts *o, gs_h_step_kind kind) {
  if (o->nsteps == MAX_STEPS) return NULL;
  gs_h_step *s = &o->steps[o->nsteps];
  gs_h_step_default(kind, s);
  o->step_group[o->nsteps++] = NULL;
  return s;
}

enum {
  IX_INDEX, IX_KEY, IX_NAME, IX_NA, IX_GROUP, IX_DENOMINATE, IX_IMPUTE, IX_SCREEN, IX_TREAT, IX_NORMALISE, IX_AGG,
  IX_TOP, IX_BOTTOM, IX_STRENGTHS_DATA, IX_FORMAT, IX_OUT, IX_PILLAR_ONLY
};
static const gs_argopt ix_options[] = {
    {"--index", 1, IX_INDEX},
    {"--key", 1, IX_KEY},
    {"--name", 1, IX_NAME},
    {"--na", 1, IX_NA},
    {"--group", 1, IX_GROUP},
    {"--denominate", 0, IX_DENOMINATE},
    {"--impute", 1, IX_IMPUTE},
    {"--screen", 1, IX_SCREEN},
    {"--treat", 1, IX_TREAT},
    {"--normalise", 1, IX_NORMALISE},
    {"--normalize", 1, IX_NORMALISE},
    {"--agg", 1, IX_AGG},
    {"--top", 1, IX_TOP},
    {"--bottom", 1, IX_BOTTOM},
    {"--strengths-data", 1, IX_STRENGTHS_DATA},
    {"--format", 1, IX_FORMAT},
    {"--out", 1, IX_OUT},
    /* explain's options for a dataset of pillars: a clear error here */
    {"--weights", 0, IX_PILLAR_ONLY},
    {"--scale", 0, IX_PILLAR_ONLY},
    {NULL, 0, 0},
};

static int ix_impute(ix_opts *o, const char *v) {
  gs_h_step *s = new_step(o, GS_STEP_IMPUTE);
  if (!s) return gs_usage_error("explain: at most 64 steps%s", "");
  char kind[64];
  const char *colon = strchr(v, ':');
  size_t kl = colon ? (size_t)(colon - v) : strlen(v);
  if (kl >= sizeof kind) kl = sizeof kind - 1;
  memcpy(kind, v, kl);
  kind[kl] = '\0';
  int k = gs_m_impute_parse(kind);
  if (k < 0) return gs_usage_error("--impute: unknown imputation '%s' (mean, median, group_mean:COLUMN or group_median:COLUMN)", kind);
  int grouped = k == GS_IMP_GROUP_MEAN || k == GS_IMP_GROUP_MEDIAN;
  if (grouped && (!colon || !colon[1])) return gs_usage_error("--impute: %s needs its group column, e.g. group_mean:EurAsia_group", kind);
  if (!grouped && colon) return gs_usage_error("--impute: '%s' takes no column (only group_mean and group_median do)", kind);
  s->impute_kind = (gs_m_impute_kind)k;
  o->step_group[o->nsteps - 1] = grouped ? colon + 1 : NULL;
  return GS_EX_OK;
}

static int ix_option(void *ctx, int id, const char *a, const char *v) {
  ix_opts *o = ctx;
  gs_h_step *s;
  long n;
  switch (id) {
  case IX_INDEX: o->meta = v; break;
  case IX_KEY: o->key = v; break;
  case IX_NAME: o->name = v; break;
  case IX_NA:
    if (o->nna == MAX_NA) return gs_usage_error("--na: at most 16 markers%s", "");
    o->na[o->nna++] = v;
    o->na_given = 1;
    break;
  case IX_GROUP: o->group = v; break;
  case IX_DENOMINATE:
    if (!new_step(o, GS_STEP_DENOMINATE)) return gs_usage_error("explain: at most 64 steps%s", "");
    break;
  case IX_IMPUTE: return ix_impute(o, v);
  case IX_SCREEN:
    if (!(s = new_step(o, GS_STEP_SCREEN))) return gs_usage_error("explain: at most 64 steps%s", "");
    if (gs_parse_number(v, &s->dat_thresh) || !(s->dat_thresh >= 0 && s->dat_thresh <= 1))
      return gs_usage_error("--screen needs a share from 0 to 1 (the minimum share of indicators with data), got '%s'", v);
    break;
  case IX_TREAT:
    if (!(s = new_step(o, GS_STEP_TREAT))) return gs_usage_error("explain: at most 64 steps%s", "");
    if (parse_count(a, v, &n) != GS_EX_OK) return GS_EX_USAGE;
    s->max_points = (int)n;
    break;
  case IX_NORMALISE: return parse_norm(v, &o->norm);
  case IX_AGG: return parse_agg(v, o);
  case IX_TOP: return parse_count(a, v, &o->top);
  case IX_BOTTOM: return parse_count(a, v, &o->bottom);
  case IX_STRENGTHS_DATA:
    if (strcmp(v, "raw") == 0) o->sw_raw = 1;
    else if (strcmp(v, "normalised") == 0) o->sw_raw = 0;
    else return gs_usage_error("--strengths-data must be normalised or raw, got '%s'", v);
    break;
  case IX_FORMAT: return gs_parse_format_option(v, &o->fmt, &o->fmt_given);
  case IX_OUT: o->out = v; break;
  case IX_PILLAR_ONLY:
    return gs_usage_error("%s is for a dataset of pillars; an index's weights are in its metadata (the Weight column)", a);
  }
  return GS_EX_OK;
}

static int ix_rank_option(void *ctx, const char *a, const char *v) {
  ix_opts *o = ctx;
  return gs_parse_rank_option(a, v, &o->digits, &o->ties);
}

static int parse(int argc, char **argv, ix_opts *o) {
  o->digits = -1; /* ranks as COINr's get_results: min ties on exact scores */
  o->ties = GS_TIES_COMPETITION;
  o->top = o->bottom = 5;
  o->fmt = GS_FMT_TABLE;
  gs_m_norm_default(GS_NORM_MINMAX, &o->norm); /* COINr's default, 0..100 */
  static const gs_argwalk walk = {"explain --index", GS_ARGS_DASH, ix_options, ix_option, 2,
                                  "explain: unexpected argument '%s'", ix_rank_option};
  const char *operand[2] = {NULL, NULL}; /* DATA UNIT (METADATA is --index's value) */
  int n, rc = gs_argwalk_run(&walk, argc, argv, o, operand, &n);
  if (rc != GS_EX_OK) return rc;
  o->data = operand[0];
  o->unit = operand[1];
  if (n < 2)
    return gs_usage_error("explain --index needs the metadata, a dataset and a unit, e.g. gcisim explain --index "
                          "data/asem/ASEM_iMeta.csv data/asem/ASEM_iData.csv ESP%s", "");
  if (o->out && gs_out_format(o->out, &o->fmt, o->fmt_given) != GS_EX_OK) return GS_EX_USAGE;
  return GS_EX_OK;
}

/* Whether the first line of text (a CSV header) has a field `name`. */
static int header_has(const char *text, size_t len, const char *name) {
  size_t nl = strlen(name), i = 0;
  if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB && (unsigned char)text[2] == 0xBF) i = 3;
  while (i < len && text[i] != '\n' && text[i] != '\r') {
    size_t s = i;
    int q = text[i] == '"';
    if (q) s = ++i;
    while (i < len && (q ? text[i] != '"' : text[i] != ',' && text[i] != '\n' && text[i] != '\r')) i++;
    if (i - s == nl && memcmp(text + s, name, nl) == 0) return 1;
    if (q && i < len) i++; /* the closing quote */
    if (i < len && text[i] == ',') i++;
  }
  return 0;
}

long gs_explain_find_unit(const gs_dataset *d, const char *code, const char *noun, const char *file) {
  long u = gs_dataset_row(d, code);
  /* typed on a command line: vnm means VNM when no other key differs
   * from it only in case */
  if (u < 0) u = gs_dataset_row_nocase(d, code);
  if (u >= 0) return u;
  char msg[64];
  snprintf(msg, sizeof msg, "explain: unknown %s '%%s'", noun);
  gs_usage_error(msg, code);
  fprintf(stderr, "(the codes are in the %s column of %s)\n", d->key_col, file);
  return -1;
}

int gs_explain_index_main(int argc, char **argv) {
  ix_opts o;
  memset(&o, 0, sizeof o);
  int rc = parse(argc, argv, &o);
  if (rc != GS_EX_OK) return rc;
  char err[1024], where[4096], where2[4096];
  gs_hier *h0 = NULL, *h = NULL;
  gs_dataset *d = NULL;
  char *text = NULL;
  int *ids[MAX_STEPS] = {0}, *gids = NULL;
  const char **names = NULL;
  double *X = NULL;
  gs_h_result *r = NULL;
  gs_unit_report *ur = NULL;
  gs_table *table = NULL;

  /* the index structure, as gci.index_meta reads it */
  const char *mpath = gs_datadir_resolve(o.meta, where, sizeof where);
  size_t len;
  if (!(h0 = gs_h_new())) goto oom;
  if (!(text = gs_policy_read_file(NULL, mpath, (size_t)64 << 20, &len, err, sizeof err))) {
    fprintf(stderr, "gcisim: explain: %s\n", err);
    rc = GS_EX_DATA;
    goto done;
  }
  if (gs_h_load_meta_csv(h0, text, len, mpath, err, sizeof err) != 0 || gs_h_validate(h0, mpath, err, sizeof err) != 0) {
    fprintf(stderr, "%s\n", err);
    rc = GS_EX_DATA;
    goto done;
  }
  free(text);
  text = NULL;
  h = h0;
  if (o.agg_given) { /* every aggregate the same way: a copy of the tree */
    if (!(h = gs_h_new())) goto oom;
    for (size_t i = 0; i < gs_h_count(h0); i++) {
      gs_h_node_spec s;
      gs_h_node(h0, i, &s);
      if (s.level > 1) { s.agg = o.agg; s.agg_p = o.agg_p; }
      if (gs_h_add(h, &s, err, sizeof err) != 0) { fprintf(stderr, "gcisim: explain: %s\n", err); rc = GS_EX_DATA; goto done; }
    }
    if (gs_h_validate(h, mpath, err, sizeof err) != 0) { fprintf(stderr, "%s\n", err); rc = GS_EX_DATA; goto done; }
  }

  /* the data: COINr's iData names its key uCode and names uName, and R
   * writes a missing value as NA; these are the defaults when the header
   * has them (the data decide), else gci.load's */
  const char *dpath = gs_datadir_resolve(o.data, where2, sizeof where2);
  if (!(text = gs_policy_read_file(NULL, dpath, GS_MAX_FILE_BYTES, &len, err, sizeof err))) {
    fprintf(stderr, "gcisim: explain: %s\n", err);
    rc = GS_EX_DATA;
    goto done;
  }
  gs_load_opts lo;
  memset(&lo, 0, sizeof lo);
  static const char *const nopillars[] = {NULL};
  static const char *const na_default[] = {"NA"};
  lo.pillars = nopillars;
  lo.npillars = 0;
  int coinr = header_has(text, len, "uCode");
  lo.key_col = o.key ? o.key : coinr ? "uCode" : NULL;
  lo.name_col = o.name ? o.name : coinr && header_has(text, len, "uName") ? "uName" : NULL;
  lo.na = o.na_given ? o.na : na_default;
  lo.nna = o.na_given ? o.nna : 1;
  d = gs_load_csv_mem(dpath, text, len, &lo, err, sizeof err);
  free(text);
  text = NULL;
  if (!d) {
    fprintf(stderr, "%s\n", err);
    rc = GS_EX_DATA;
    goto done;
  }
  long u = gs_explain_find_unit(d, o.unit, "unit", o.data);
  if (u < 0) {
    rc = GS_EX_USAGE;
    goto done;
  }
  /* group ids: of each grouped imputation, and of the group ranks */
  for (size_t s = 0; s < o.nsteps; s++) {
    if (!o.step_group[s]) continue;
    long c = gs_dataset_col(d, o.step_group[s]);
    if (c < 0) {
      rc = gs_usage_error("--impute: no column '%s' in the dataset", o.step_group[s]);
      goto done;
    }
    if (!(ids[s] = malloc((d->n ? d->n : 1) * sizeof *ids[s])) || gs_group_ids(d, (size_t)c, ids[s]) != 0) goto oom;
    o.steps[s].groups = ids[s];
  }
  long gcol = -1;
  if (o.group) {
    if ((gcol = gs_dataset_col(d, o.group)) < 0) {
      rc = gs_usage_error("--group: no column '%s' in the dataset", o.group);
      goto done;
    }
    if (!(gids = malloc((d->n ? d->n : 1) * sizeof *gids)) || gs_group_ids(d, (size_t)gcol, gids) != 0) goto oom;
  }
  /* the data matrix: the numeric columns (ix:compute's) */
  size_t nu = d->n, nc = d->ncol;
  if (!(names = malloc((nc ? nc : 1) * sizeof *names)) || !(X = malloc((nu * nc > 0 ? nu * nc : 1) * sizeof *X))) goto oom;
  gs_dataset_numeric_matrix(d, names, X);
  char why[512];
  if (gs_h_check_dataset(h, d, 0, why, sizeof why) != 0) {
    fprintf(stderr, "gcisim: explain: %s\n", why);
    rc = GS_EX_DATA;
    goto done;
  }
  gs_h_data data = {nu, nc, names, X};
  gs_h_opts ho;
  gs_h_opts_default(&ho);
  ho.denominate = 0;
  ho.steps = o.steps;
  ho.n_steps = o.nsteps;
  ho.norm = o.norm;
  if (!(r = gs_h_eval(h, &data, &ho, err, sizeof err))) {
    fprintf(stderr, "gcisim: explain: %s\n", err);
    rc = GS_EX_DATA;
    goto done;
  }
  gs_ur_spec spec = {.digits = o.digits, .ties = o.ties, .groups = gids, .top = (size_t)o.top,
                     .bottom = (size_t)o.bottom, .min_discard = 1, .raw = o.sw_raw ? &data : NULL};
  if (!(ur = gs_unit_report_new(h, r, (size_t)u, &spec, NULL))) goto oom;
  const char *gval = NULL;
  char gbuf[64];
  if (gcol >= 0) {
    const gs_column *col = &d->col[gcol];
    if (col->type == GS_COL_TEXT) gval = col->text[u];
    else if (!isnan(col->num[u])) { snprintf(gbuf, sizeof gbuf, "%.15g", col->num[u]); gval = gbuf; }
    if (gids[u] < 0) gval = NULL;
  }
  gs_unit_table_info info = {o.group, gval, o.digits, o.ties, gs_h_result_kept(r)[u], o.sw_raw};
  if (!(table = gs_unit_table(h, d, (size_t)u, ur, &info))) goto oom;
  rc = gs_write_table(table, o.fmt, o.out);
  goto done;
oom:
  fprintf(stderr, "gcisim: out of memory\n");
  rc = GS_EX_MEMORY;
done:
  gs_table_free(table);
  gs_unit_report_free(ur);
  gs_h_result_free(r);
  free(X);
  free(names);
  free(gids);
  for (size_t s = 0; s < MAX_STEPS; s++) free(ids[s]);
  gs_dataset_free(d);
  free(text);
  if (h != h0) gs_h_free(h);
  gs_h_free(h0);
  return rc;
}
