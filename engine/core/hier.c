/* hier.c - index structure, iMeta CSV loading and evaluation; see hier.h. */
#include "hier.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct node {
  char *code, *parent, *name, *denom, *origin; /* owned; parent/denom/name/origin may be NULL */
  int level, dir, has_norm;
  double weight, agg_p, min_share, target;
  gs_agg agg;
  gs_m_norm_spec norm;
  /* set by gs_h_validate */
  long parent_idx;
  double eff_w, kid_wsum;
  size_t kid_off, n_kids; /* children are kids[kid_off .. kid_off + n_kids) */
};

struct gs_hier {
  struct node *nodes;
  size_t n, cap;
  int valid, max_level;
  long root;
  size_t *kids; /* n entries once valid */
};

/* ------------------------------------------------------------- helpers */

static void seterr(char *err, size_t errlen, const char *origin, const char *fmt, ...) {
  if (!err || errlen == 0) return;
  int k = snprintf(err, errlen, "%s: ", origin ? origin : "hierarchy");
  if (k < 0 || (size_t)k >= errlen) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err + k, errlen - (size_t)k, fmt, ap);
  va_end(ap);
}

static int is_none(const char *s) { return !s || !*s || strcmp(s, "NA") == 0; }

/* strdup that maps NULL/""/"NA" to NULL when `none_ok`.  *fail set on OOM. */
static char *dup_opt(const char *s, int none_ok, int *fail) {
  if (!s || (none_ok && is_none(s))) return NULL;
  size_t k = strlen(s) + 1;
  char *d = malloc(k);
  if (!d) { *fail = 1; return NULL; }
  memcpy(d, s, k);
  return d;
}

static void node_clear(struct node *nd) {
  free(nd->code); free(nd->parent); free(nd->name); free(nd->denom); free(nd->origin);
}

void gs_h_spec_default(gs_h_node_spec *s) {
  memset(s, 0, sizeof *s);
  s->level = 1;
  s->weight = 1;
  s->direction = 1;
  s->agg = GS_AGG_ARITHMETIC;
  s->agg_p = 1;
  s->min_share = 0;
  s->target = NAN;
}

gs_hier *gs_h_new(void) {
  gs_hier *h = calloc(1, sizeof *h);
  if (h) h->root = -1;
  return h;
}

void gs_h_free(gs_hier *h) {
  if (!h) return;
  for (size_t i = 0; i < h->n; i++) node_clear(&h->nodes[i]);
  free(h->nodes);
  free(h->kids);
  free(h);
}

long gs_h_find(const gs_hier *h, const char *code) {
  if (!h || !code) return -1;
  for (size_t i = 0; i < h->n; i++)
    if (strcmp(h->nodes[i].code, code) == 0) return (long)i;
  return -1;
}

size_t gs_h_count(const gs_hier *h) { return h ? h->n : 0; }

int gs_h_add(gs_hier *h, const gs_h_node_spec *s, char *err, size_t errlen) {
  const char *o = s->origin;
  if (!s->code || !*s->code) { seterr(err, errlen, o, "node has an empty code"); return -1; }
  long dup = gs_h_find(h, s->code);
  if (dup >= 0) {
    const char *prev = h->nodes[dup].origin;
    if (prev) seterr(err, errlen, o, "duplicate code '%s' (first defined at %s)", s->code, prev);
    else seterr(err, errlen, o, "duplicate code '%s'", s->code);
    return -1;
  }
  if (s->level < 1) { seterr(err, errlen, o, "'%s': level %d is not >= 1", s->code, s->level); return -1; }
  if (!isfinite(s->weight) || s->weight < 0) {
    seterr(err, errlen, o, "'%s': weight %g is not a finite number >= 0", s->code, s->weight);
    return -1;
  }
  if (s->level == 1 && s->direction != 1 && s->direction != -1) {
    seterr(err, errlen, o, "'%s': direction %d is not 1 or -1", s->code, s->direction);
    return -1;
  }
  if ((unsigned)s->agg > GS_AGG_COPELAND || !isfinite(s->agg_p)) {
    seterr(err, errlen, o, "'%s': invalid aggregation method or parameter", s->code);
    return -1;
  }
  if (!(s->min_share >= 0 && s->min_share <= 1)) {
    seterr(err, errlen, o, "'%s': min data share %g is not in [0,1]", s->code, s->min_share);
    return -1;
  }
  if (s->norm && (unsigned)s->norm->kind > GS_NORM_NONE) {
    seterr(err, errlen, o, "'%s': invalid normalisation kind", s->code);
    return -1;
  }
  if (s->parent && strcmp(s->parent, s->code) == 0) {
    seterr(err, errlen, o, "'%s' is its own parent", s->code);
    return -1;
  }
  if (h->n == h->cap) {
    size_t nc = h->cap ? 2 * h->cap : 16;
    struct node *nn = realloc(h->nodes, nc * sizeof *nn);
    if (!nn) { seterr(err, errlen, o, "out of memory"); return -1; }
    h->nodes = nn;
    h->cap = nc;
  }
  struct node nd = {0};
  int fail = 0;
  nd.code = dup_opt(s->code, 0, &fail);
  nd.parent = dup_opt(s->parent, 1, &fail);
  nd.name = dup_opt(s->name, 0, &fail);
  nd.denom = dup_opt(s->denominator, 1, &fail);
  nd.origin = dup_opt(s->origin, 0, &fail);
  if (fail) { node_clear(&nd); seterr(err, errlen, o, "out of memory"); return -1; }
  nd.level = s->level;
  nd.dir = s->direction == -1 ? -1 : 1;
  nd.weight = s->weight;
  nd.agg = s->agg;
  nd.agg_p = s->agg_p;
  nd.min_share = s->min_share;
  nd.target = s->target;
  if (s->norm) { nd.has_norm = 1; nd.norm = *s->norm; }
  nd.parent_idx = -1;
  nd.eff_w = NAN;
  h->nodes[h->n++] = nd;
  h->valid = 0;
  h->root = -1;
  return 0;
}

int gs_h_node(const gs_hier *h, size_t i, gs_h_node_spec *out) {
  if (!h || i >= h->n) return -1;
  const struct node *nd = &h->nodes[i];
  gs_h_spec_default(out);
  out->code = nd->code;
  out->parent = nd->parent;
  out->name = nd->name;
  out->level = nd->level;
  out->weight = nd->weight;
  out->direction = nd->dir;
  out->agg = nd->agg;
  out->agg_p = nd->agg_p;
  out->denominator = nd->denom;
  out->min_share = nd->min_share;
  out->target = nd->target;
  out->norm = nd->has_norm ? &nd->norm : NULL;
  out->origin = nd->origin;
  return 0;
}

size_t gs_h_count_level(const gs_hier *h, int level) {
  size_t k = 0;
  for (size_t i = 0; h && i < h->n; i++) k += h->nodes[i].level == level;
  return k;
}

int gs_h_max_level(const gs_hier *h) { return h && h->valid ? h->max_level : 0; }
long gs_h_root(const gs_hier *h) { return h && h->valid ? h->root : -1; }

double gs_h_eff_weight(const gs_hier *h, size_t i) {
  if (!h || !h->valid || i >= h->n) return NAN;
  return h->nodes[i].eff_w;
}

/* ------------------------------------------------------------ validate */

int gs_h_validate(gs_hier *h, const char *origin, char *err, size_t errlen) {
  h->valid = 0;
  h->root = -1;
  free(h->kids);
  h->kids = NULL;
  if (h->n == 0) { seterr(err, errlen, origin, "the hierarchy has no node"); return -1; }

  /* implicit root */
  size_t nroots = 0;
  for (size_t i = 0; i < h->n; i++) nroots += h->nodes[i].parent == NULL;
  if (nroots == 0) {
    const char *missing = NULL;
    long first_ref = -1;
    for (size_t i = 0; i < h->n; i++) {
      const char *p = h->nodes[i].parent;
      if (gs_h_find(h, p) >= 0) continue;
      if (!missing) { missing = p; first_ref = (long)i; }
      else if (strcmp(missing, p) != 0) {
        seterr(err, errlen, h->nodes[i].origin ? h->nodes[i].origin : origin,
               "'%s': parent '%s' is not defined (only one undefined parent, the root, is allowed;"
               " '%s' is another)", h->nodes[i].code, p, missing);
        return -1;
      }
    }
    if (!missing) { seterr(err, errlen, origin, "no root: every node has a parent (a cycle)"); return -1; }
    gs_h_node_spec rs;
    gs_h_spec_default(&rs);
    rs.code = missing;
    rs.level = h->nodes[first_ref].level + 1;
    char *code = dup_opt(missing, 0, &(int){0}); /* missing points into a node that may move */
    if (!code) { seterr(err, errlen, origin, "out of memory"); return -1; }
    rs.code = code;
    int rc = gs_h_add(h, &rs, err, errlen);
    free(code);
    if (rc) return -1;
  }

  /* parents, roots, levels */
  for (size_t i = 0; i < h->n; i++) {
    struct node *nd = &h->nodes[i];
    const char *o = nd->origin ? nd->origin : origin;
    nd->parent_idx = -1;
    if (!nd->parent) {
      if (h->root >= 0) {
        seterr(err, errlen, o, "more than one root: '%s' and '%s'", h->nodes[h->root].code, nd->code);
        return -1;
      }
      h->root = (long)i;
      continue;
    }
    long p = gs_h_find(h, nd->parent);
    if (p < 0) {
      seterr(err, errlen, o, "'%s': parent '%s' is not defined", nd->code, nd->parent);
      return -1;
    }
    nd->parent_idx = p;
    if (h->nodes[p].level != nd->level + 1) {
      seterr(err, errlen, o, "'%s' (level %d): its parent '%s' has level %d, not %d", nd->code,
             nd->level, nd->parent, h->nodes[p].level, nd->level + 1);
      return -1;
    }
  }
  /* cycles (impossible with consistent levels, but cheap to prove) */
  for (size_t i = 0; i < h->n; i++) {
    long p = (long)i;
    size_t steps = 0;
    while (p >= 0 && steps <= h->n) { p = h->nodes[p].parent_idx; steps++; }
    if (p >= 0) {
      seterr(err, errlen, h->nodes[i].origin ? h->nodes[i].origin : origin,
             "'%s' is on a parent cycle", h->nodes[i].code);
      return -1;
    }
  }

  /* children, in CSR form, in the order the nodes were added */
  h->kids = malloc(h->n * sizeof *h->kids);
  if (!h->kids) { seterr(err, errlen, origin, "out of memory"); return -1; }
  for (size_t i = 0; i < h->n; i++) { h->nodes[i].n_kids = 0; h->nodes[i].kid_wsum = 0; }
  for (size_t i = 0; i < h->n; i++)
    if (h->nodes[i].parent_idx >= 0) {
      struct node *p = &h->nodes[h->nodes[i].parent_idx];
      p->n_kids++;
      p->kid_wsum += h->nodes[i].weight;
    }
  size_t off = 0;
  for (size_t i = 0; i < h->n; i++) {
    h->nodes[i].kid_off = off;
    off += h->nodes[i].n_kids;
    h->nodes[i].n_kids = 0;
  }
  for (size_t i = 0; i < h->n; i++)
    if (h->nodes[i].parent_idx >= 0) {
      struct node *p = &h->nodes[h->nodes[i].parent_idx];
      h->kids[p->kid_off + p->n_kids++] = i;
    }
  h->max_level = 0;
  for (size_t i = 0; i < h->n; i++) {
    struct node *nd = &h->nodes[i];
    const char *o = nd->origin ? nd->origin : origin;
    if (nd->level > h->max_level) h->max_level = nd->level;
    if (nd->level > 1 && nd->n_kids == 0) {
      seterr(err, errlen, o, "'%s' (level %d) has no children", nd->code, nd->level);
      return -1;
    }
    if (nd->n_kids > 0 && !(nd->kid_wsum > 0)) {
      seterr(err, errlen, o, "'%s': the weights of its children sum to 0", nd->code);
      return -1;
    }
  }
  /* effective weights, top down */
  for (int lev = h->max_level; lev >= 1; lev--)
    for (size_t i = 0; i < h->n; i++) {
      struct node *nd = &h->nodes[i];
      if (nd->level != lev) continue;
      if (nd->parent_idx < 0) nd->eff_w = 1;
      else {
        const struct node *p = &h->nodes[nd->parent_idx];
        nd->eff_w = p->eff_w * nd->weight / p->kid_wsum;
      }
    }
  h->valid = 1;
  return 0;
}

/* ------------------------------------------------------------ CSV load */

enum { C_LEVEL, C_CODE, C_NAME, C_DIR, C_WEIGHT, C_TARGET, C_DENOM, C_PARENT, C_TYPE, C_N };
static const char *const col_names[C_N] = {"Level", "iCode", "iName", "Direction", "Weight",
                                           "Target", "Denominator", "Parent", "Type"};

struct csv_ctx {
  gs_hier *h;
  const char *origin;
  char *err;
  size_t errlen;
  int failed, have_header;
  int col[C_N];        /* field index of each known column, or -1 */
  size_t n_header;
  char **f;            /* fields of the current row */
  size_t *fline, *fcol; /* their start positions */
  size_t nf, capf;
  size_t line, colno;  /* position of the byte being parsed */
  size_t next_line, next_col; /* where the next field starts */
};

static void ctx_err(struct csv_ctx *c, size_t line, size_t col, const char *fmt, ...) {
  if (c->failed) return;
  c->failed = 1;
  if (!c->err || c->errlen == 0) return;
  int k = snprintf(c->err, c->errlen, "%s:%zu:%zu: ", c->origin, line, col);
  if (k < 0 || (size_t)k >= c->errlen) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->err + k, c->errlen - (size_t)k, fmt, ap);
  va_end(ap);
}

static void cb_field(void *s, size_t len, void *data) {
  struct csv_ctx *c = data;
  size_t l = c->next_line, co = c->next_col;
  c->next_line = c->line;
  c->next_col = c->colno + 1;
  if (c->failed) return;
  if (c->nf == c->capf) {
    size_t nc = c->capf ? 2 * c->capf : 16;
    char **nf = realloc(c->f, nc * sizeof *nf);
    if (nf) c->f = nf;
    size_t *nl = realloc(c->fline, nc * sizeof *nl);
    if (nl) c->fline = nl;
    size_t *ncol = realloc(c->fcol, nc * sizeof *ncol);
    if (ncol) c->fcol = ncol;
    if (!nf || !nl || !ncol) { ctx_err(c, l, co, "out of memory"); return; }
    c->capf = nc;
  }
  char *d = malloc(len + 1);
  if (!d) { ctx_err(c, l, co, "out of memory"); return; }
  if (len) memcpy(d, s, len);
  d[len] = 0;
  c->f[c->nf] = d;
  c->fline[c->nf] = l;
  c->fcol[c->nf] = co;
  c->nf++;
}

/* Parses a number; "NA"/"" gives NaN.  Returns 0, or -1 if not a number. */
static int parse_num(const char *s, double *out) {
  if (is_none(s)) { *out = NAN; return 0; }
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  while (*end == ' ' || *end == '\t') end++;
  if (end == s || *end || errno == ERANGE || !isfinite(v)) return -1;
  *out = v;
  return 0;
}

static void row_done(struct csv_ctx *c) {
  if (c->failed || c->nf == 0) return;
  size_t line = c->fline[0];
  if (!c->have_header) {
    for (int k = 0; k < C_N; k++) c->col[k] = -1;
    for (size_t i = 0; i < c->nf; i++)
      for (int k = 0; k < C_N; k++)
        if (strcmp(c->f[i], col_names[k]) == 0) c->col[k] = (int)i;
    static const int required[] = {C_LEVEL, C_CODE, C_PARENT};
    for (size_t r = 0; r < 3; r++)
      if (c->col[required[r]] < 0) {
        ctx_err(c, line, 1, "missing column '%s' in the header", col_names[required[r]]);
        return;
      }
    c->n_header = c->nf;
    c->have_header = 1;
    return;
  }
  if (c->nf != c->n_header) {
    ctx_err(c, line, 1, "%zu fields, but the header has %zu", c->nf, c->n_header);
    return;
  }
#define FIELD(k) (c->col[k] >= 0 ? c->f[c->col[k]] : NULL)
#define FPOS(k) c->fline[c->col[k]], c->fcol[c->col[k]]
  gs_h_node_spec s;
  gs_h_spec_default(&s);
  double v;
  const char *type = FIELD(C_TYPE);
  if (!is_none(type) && strcmp(type, "Indicator") != 0 && strcmp(type, "Aggregate") != 0) {
    if (strcmp(type, "Group") == 0 || strcmp(type, "Denominator") == 0 || strcmp(type, "Other") == 0)
      return; /* COINr metadata rows about non-index columns */
    ctx_err(c, FPOS(C_TYPE), "unknown Type '%s'", type);
    return;
  }
  if (parse_num(FIELD(C_LEVEL), &v) || isnan(v) || v < 1 || v != floor(v) || v > 1000) {
    ctx_err(c, FPOS(C_LEVEL), "Level '%s' is not a positive integer", FIELD(C_LEVEL));
    return;
  }
  s.level = (int)v;
  s.code = FIELD(C_CODE);
  if (is_none(s.code)) { ctx_err(c, FPOS(C_CODE), "empty iCode"); return; }
  s.parent = FIELD(C_PARENT);
  if (is_none(s.parent)) s.parent = NULL;
  s.name = FIELD(C_NAME);
  if (c->col[C_DIR] >= 0) {
    if (parse_num(FIELD(C_DIR), &v) || (!isnan(v) && v != 1 && v != -1)) {
      ctx_err(c, FPOS(C_DIR), "Direction '%s' is not 1 or -1", FIELD(C_DIR));
      return;
    }
    s.direction = isnan(v) ? 1 : (int)v;
  }
  if (c->col[C_WEIGHT] >= 0) {
    if (parse_num(FIELD(C_WEIGHT), &v) || v < 0) {
      ctx_err(c, FPOS(C_WEIGHT), "Weight '%s' is not a number >= 0", FIELD(C_WEIGHT));
      return;
    }
    s.weight = isnan(v) ? 1 : v;
  }
  if (c->col[C_TARGET] >= 0) {
    if (parse_num(FIELD(C_TARGET), &v)) {
      ctx_err(c, FPOS(C_TARGET), "Target '%s' is not a number", FIELD(C_TARGET));
      return;
    }
    s.target = v;
  }
  s.denominator = FIELD(C_DENOM);
  if (!is_none(type)) {
    const char *want = s.level == 1 ? "Indicator" : "Aggregate";
    if (strcmp(type, want) != 0) {
      ctx_err(c, FPOS(C_TYPE), "Type '%s' does not match level %d (expected '%s')", type, s.level, want);
      return;
    }
  }
  if (s.level > 1 && !is_none(s.denominator)) {
    ctx_err(c, FPOS(C_DENOM), "aggregate '%s' cannot have a denominator", s.code);
    return;
  }
  char org[512];
  snprintf(org, sizeof org, "%s:%zu:%zu", c->origin, FPOS(C_CODE));
  s.origin = org;
  if (gs_h_add(c->h, &s, c->err, c->errlen)) c->failed = 1;
#undef FIELD
#undef FPOS
}

static void cb_row(int term, void *data) {
  struct csv_ctx *c = data;
  (void)term;
  row_done(c);
  for (size_t i = 0; i < c->nf; i++) free(c->f[i]);
  c->nf = 0;
  c->next_line = c->line + 1;
  c->next_col = 1;
}

int gs_h_load_meta_csv(gs_hier *h, const char *text, size_t len, const char *origin,
                       char *err, size_t errlen) {
  struct csv_parser p;
  if (!origin) origin = "meta";
  if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
    seterr(err, errlen, origin, "cannot initialise the CSV parser");
    return -1;
  }
  struct csv_ctx c = {0};
  c.h = h;
  c.origin = origin;
  c.err = err;
  c.errlen = errlen;
  c.line = c.colno = c.next_line = c.next_col = 1;
  /* one byte at a time, so callbacks know the position they fire at */
  for (size_t i = 0; i < len && !c.failed; i++) {
    if (csv_parse(&p, text + i, 1, cb_field, cb_row, &c) != 1) {
      ctx_err(&c, c.line, c.colno, "CSV: %s", csv_strerror(csv_error(&p)));
      break;
    }
    if (text[i] == '\n') { c.line++; c.colno = 1; }
    else c.colno++;
  }
  if (!c.failed && csv_fini(&p, cb_field, cb_row, &c) != 0)
    ctx_err(&c, c.line, c.colno, "CSV: %s", csv_strerror(csv_error(&p)));
  if (!c.failed && !c.have_header) ctx_err(&c, 1, 1, "empty file: no header");
  for (size_t i = 0; i < c.nf; i++) free(c.f[i]);
  free(c.f);
  free(c.fline);
  free(c.fcol);
  csv_free(&p);
  return c.failed ? -1 : 0;
}

int gs_h_load_meta_file(gs_hier *h, const char *path, char *err, size_t errlen) {
  FILE *fp = fopen(path, "rb");
  if (!fp) { seterr(err, errlen, path, "%s", strerror(errno)); return -1; }
  size_t len = 0, cap = 4096;
  char *buf = malloc(cap);
  while (buf) {
    size_t k = fread(buf + len, 1, cap - len, fp);
    len += k;
    if (len < cap) break;
    char *nb = realloc(buf, cap * 2);
    if (!nb) { free(buf); buf = NULL; break; }
    buf = nb;
    cap *= 2;
  }
  int rerr = ferror(fp);
  fclose(fp);
  if (!buf || rerr) {
    free(buf);
    seterr(err, errlen, path, rerr ? "read error" : "out of memory");
    return -1;
  }
  int rc = gs_h_load_meta_csv(h, buf, len, path, err, errlen);
  free(buf);
  return rc;
}

/* ---------------------------------------------------------- evaluation */

struct gs_h_result {
  size_t n_units, n_nodes;
  char **codes;     /* n_nodes */
  int *is_ind;      /* n_nodes */
  double *scores;   /* n_nodes x n_units, node-major */
  double *pre;      /* n_nodes x n_units (indicators only) */
  gs_m_treat_report *treat; /* n_nodes */
  double *share;    /* n_units data availability */
  int *kept;        /* n_units screening flags */
  size_t n_kept;
  size_t n_warn;
  char warn[256];
};

void gs_h_step_default(gs_h_step_kind kind, gs_h_step *s) {
  memset(s, 0, sizeof *s);
  s->kind = kind;
  s->impute_kind = GS_IMP_MEAN;
  s->groups = NULL;
  s->screen_by = GS_SCREEN_BYNA;
  s->dat_thresh = 2.0 / 3.0;
  s->nonzero_thresh = 0.05;
  s->skew_thresh = 2;
  s->kurt_thresh = 3.5;
  s->max_points = 5;
}

void gs_h_opts_default(gs_h_opts *o) {
  memset(o, 0, sizeof *o);
  gs_m_norm_default(GS_NORM_MINMAX, &o->norm);
  o->denominate = 1;
  o->impute = 0;
  o->impute_kind = GS_IMP_MEAN;
  o->groups = NULL;
  o->treat = 0;
  o->skew_thresh = 2;
  o->kurt_thresh = 3.5;
  o->max_points = 5;
  o->screen = 0;
  o->norm_fn = NULL;
  o->norm_ud = NULL;
}

void gs_h_result_free(gs_h_result *r) {
  if (!r) return;
  if (r->codes)
    for (size_t i = 0; i < r->n_nodes; i++) free(r->codes[i]);
  free(r->codes);
  free(r->is_ind);
  free(r->scores);
  free(r->pre);
  free(r->treat);
  free(r->share);
  free(r->kept);
  free(r);
}

static long find_col(const gs_h_data *d, const char *name) {
  for (size_t j = 0; j < d->n_cols; j++)
    if (d->col_names[j] && strcmp(d->col_names[j], name) == 0) return (long)j;
  return -1;
}

static void warn(gs_h_result *r, const char *fmt, ...) {
  if (r->n_warn++ == 0) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->warn, sizeof r->warn, fmt, ap);
    va_end(ap);
  }
}

int gs_h_check_dataset(const gs_hier *h, const gs_dataset *d, int denominators, char *why, size_t len) {
  for (size_t i = 0; i < gs_h_count(h); i++) {
    gs_h_node_spec s;
    gs_h_node(h, i, &s);
    if (s.level != 1) continue;
    long c = gs_dataset_col(d, s.code);
    if (c < 0) {
      snprintf(why, len, "indicator '%s' has no column in %s", s.code, d->source);
      return -1;
    }
    if (d->col[c].type != GS_COL_NUMBER) {
      snprintf(why, len, "column '%s' of %s is not numeric", s.code, d->source);
      return -1;
    }
    if (denominators && s.denominator) {
      c = gs_dataset_col(d, s.denominator);
      if (c < 0 || d->col[c].type != GS_COL_NUMBER) {
        snprintf(why, len, "denominator '%s' of indicator '%s' is not a numeric column of %s", s.denominator,
                 s.code, d->source);
        return -1;
      }
    }
  }
  return 0;
}

gs_h_result *gs_h_eval(const gs_hier *h, const gs_h_data *d, const gs_h_opts *opts,
                       char *err, size_t errlen) {
  gs_h_opts def;
  if (!opts) { gs_h_opts_default(&def); opts = &def; }
  if (!h || !h->valid) { seterr(err, errlen, "eval", "the hierarchy has not been validated"); return NULL; }
  if (!d || (d->n_cols && (!d->col_names || !d->data))) {
    seterr(err, errlen, "eval", "no data");
    return NULL;
  }
  if (!(opts->screen >= 0 && opts->screen <= 1)) {
    seterr(err, errlen, "eval", "screening threshold %g is not in [0,1]", opts->screen);
    return NULL;
  }
  size_t n = d->n_units, nn = h->n, maxk = 1, n_ind = 0;
  for (size_t i = 0; i < nn; i++) {
    if (h->nodes[i].n_kids > maxk) maxk = h->nodes[i].n_kids;
    n_ind += h->nodes[i].level == 1;
  }
  size_t n1 = n ? n : 1;
  gs_h_result *r = calloc(1, sizeof *r);
  double *t1 = malloc(n1 * sizeof *t1), *t2 = malloc(n1 * sizeof *t2);
  double *v = malloc(maxk * sizeof *v), *w = malloc(maxk * sizeof *w);
  double *X = malloc(n1 * maxk * sizeof *X);
  size_t *idx = malloc(n1 * sizeof *idx);
  int *grp = malloc(n1 * sizeof *grp);
  if (r) {
    r->n_units = n;
    r->n_nodes = nn;
    r->codes = calloc(nn, sizeof *r->codes);
    r->is_ind = calloc(nn, sizeof *r->is_ind);
    size_t cells = nn * n > 0 ? nn * n : 1;
    r->scores = malloc(cells * sizeof *r->scores);
    r->pre = malloc(cells * sizeof *r->pre);
    r->treat = calloc(nn, sizeof *r->treat);
    r->share = malloc(n1 * sizeof *r->share);
    r->kept = malloc(n1 * sizeof *r->kept);
  }
  if (!r || !t1 || !t2 || !v || !w || !X || !idx || !grp || !r->codes || !r->is_ind || !r->scores ||
      !r->pre || !r->treat || !r->share || !r->kept) {
    seterr(err, errlen, "eval", "out of memory");
    goto fail;
  }
  for (size_t i = 0; i < nn; i++) {
    int fail = 0;
    r->codes[i] = dup_opt(h->nodes[i].code, 0, &fail);
    if (fail) { seterr(err, errlen, "eval", "out of memory"); goto fail; }
    r->is_ind[i] = h->nodes[i].level == 1;
  }
  for (size_t k = 0; k < nn * n; k++) r->scores[k] = r->pre[k] = NAN;

  /* the pipeline: the legacy fields become a step list */
  gs_h_step legacy[4];
  const gs_h_step *steps = opts->steps;
  size_t n_steps = opts->n_steps;
  if (!steps) {
    n_steps = 0;
    if (opts->denominate) gs_h_step_default(GS_STEP_DENOMINATE, &legacy[n_steps++]);
    gs_h_step_default(GS_STEP_SCREEN, &legacy[n_steps]);
    legacy[n_steps++].dat_thresh = opts->screen;
    if (opts->impute) {
      gs_h_step_default(GS_STEP_IMPUTE, &legacy[n_steps]);
      legacy[n_steps].impute_kind = opts->impute_kind;
      legacy[n_steps++].groups = opts->groups;
    }
    if (opts->treat) {
      gs_h_step_default(GS_STEP_TREAT, &legacy[n_steps]);
      legacy[n_steps].skew_thresh = opts->skew_thresh;
      legacy[n_steps].kurt_thresh = opts->kurt_thresh;
      legacy[n_steps++].max_points = opts->max_points;
    }
    steps = legacy;
  }

  /* indicator columns into pre; every unit kept to begin with */
  for (size_t i = 0; i < nn; i++) {
    const struct node *nd = &h->nodes[i];
    const char *o = nd->origin ? nd->origin : "eval";
    if (nd->level != 1) continue;
    long j = find_col(d, nd->code);
    if (j < 0) { seterr(err, errlen, o, "indicator '%s': no data column of that name", nd->code); goto fail; }
    double *col = r->pre + i * n;
    for (size_t u = 0; u < n; u++) col[u] = d->data[u * d->n_cols + (size_t)j];
  }
  for (size_t u = 0; u < n; u++) r->kept[u] = 1;
  r->n_kept = n;
  for (size_t u = 0; u < n; u++) {
    size_t have = 0;
    for (size_t i = 0; i < nn; i++)
      if (h->nodes[i].level == 1) have += !isnan(r->pre[i * n + u]);
    r->share[u] = n_ind ? 1.0 - (double)(n_ind - have) / (double)n_ind : 0;
  }

  for (size_t st = 0; st < n_steps; st++) {
    const gs_h_step *sp = &steps[st];
    /* the kept units, compacted: t1[k] is unit idx[k] */
    size_t nk = 0;
    for (size_t u = 0; u < n; u++)
      if (r->kept[u]) {
        grp[nk] = sp->groups ? sp->groups[u] : 0;
        idx[nk++] = u;
      }
    switch (sp->kind) {
    case GS_STEP_DENOMINATE:
      for (size_t i = 0; i < nn; i++) {
        const struct node *nd = &h->nodes[i];
        const char *o = nd->origin ? nd->origin : "eval";
        if (nd->level != 1 || !nd->denom) continue;
        long k = find_col(d, nd->denom);
        if (k < 0) {
          seterr(err, errlen, o, "indicator '%s': no denominator column '%s'", nd->code, nd->denom);
          goto fail;
        }
        double *col = r->pre + i * n;
        for (size_t u = 0; u < n; u++) col[u] = col[u] / d->data[u * d->n_cols + (size_t)k];
      }
      break;
    case GS_STEP_SCREEN: {
      if (!(sp->dat_thresh >= 0 && sp->dat_thresh <= 1) || !(sp->nonzero_thresh >= 0 && sp->nonzero_thresh <= 1)) {
        seterr(err, errlen, "eval", "screening thresholds must be in [0,1]");
        goto fail;
      }
      for (size_t k = 0; k < nk; k++) {
        size_t u = idx[k], nna = 0, nzero = 0;
        for (size_t i = 0; i < nn; i++) {
          if (h->nodes[i].level != 1) continue;
          double x = r->pre[i * n + u];
          if (isnan(x)) nna++;
          else if (x == 0) nzero++;
        }
        /* get_data_avail's formulas, computed as R does */
        double avail = n_ind ? 1.0 - (double)nna / (double)n_ind : 0;
        double nonzero = n_ind > nna ? 1.0 - (double)nzero / (double)(n_ind - nna) : NAN;
        int low_data = avail < sp->dat_thresh, low_nz = !(nonzero >= sp->nonzero_thresh);
        r->share[u] = avail;
        int drop = sp->screen_by == GS_SCREEN_BYNA ? low_data
                 : sp->screen_by == GS_SCREEN_BYZEROS ? low_nz : (low_data || low_nz);
        if (drop) { r->kept[u] = 0; r->n_kept--; }
      }
      if (n > 0 && r->n_kept == 0) {
        seterr(err, errlen, "eval", "screening: no unit is left (data availability >= %g%s)", sp->dat_thresh,
               sp->screen_by == GS_SCREEN_BYNA ? "" : ", or non-zero share");
        goto fail;
      }
      for (size_t i = 0; i < nn; i++) /* a dropped unit's values are gone */
        if (h->nodes[i].level == 1)
          for (size_t u = 0; u < n; u++)
            if (!r->kept[u]) r->pre[i * n + u] = NAN;
      break;
    }
    case GS_STEP_IMPUTE:
    case GS_STEP_TREAT:
      for (size_t i = 0; i < nn; i++) {
        if (h->nodes[i].level != 1) continue;
        double *col = r->pre + i * n;
        for (size_t k = 0; k < nk; k++) t1[k] = col[idx[k]];
        if (sp->kind == GS_STEP_IMPUTE) {
          int by_group = sp->impute_kind == GS_IMP_GROUP_MEAN || sp->impute_kind == GS_IMP_GROUP_MEDIAN;
          int rc = gs_m_impute(t1, nk, sp->impute_kind, by_group ? (sp->groups ? grp : NULL) : NULL, t2, NULL);
          if (rc == GS_M_EINVAL) {
            seterr(err, errlen, "eval", "imputation: invalid kind or missing group ids");
            goto fail;
          }
        } else if (gs_m_treat(t1, nk, sp->skew_thresh, sp->kurt_thresh, sp->max_points, t2, &r->treat[i]) !=
                   GS_M_OK) {
          seterr(err, errlen, "eval", "treatment: invalid parameters");
          goto fail;
        }
        for (size_t k = 0; k < nk; k++) col[idx[k]] = t2[k];
      }
      break;
    }
  }
  size_t nk = 0;
  for (size_t u = 0; u < n; u++)
    if (r->kept[u]) idx[nk++] = u;

  /* normalisation, over the kept units */
  for (size_t i = 0; i < nn; i++) {
    const struct node *nd = &h->nodes[i];
    const char *o = nd->origin ? nd->origin : "eval";
    if (nd->level != 1) continue;
    double *col = r->pre + i * n;
    for (size_t k = 0; k < nk; k++) t1[k] = col[idx[k]];
    if (!nd->has_norm && opts->norm_fn) {
      for (size_t k = 0; k < nk; k++) t2[k] = NAN;
      if (opts->norm_fn(opts->norm_ud, nd->code, t1, nk, nd->dir, t2, err, errlen) != 0) goto fail;
    } else {
      gs_m_norm_spec spec = nd->has_norm ? nd->norm : opts->norm;
      if (spec.kind == GS_NORM_DIST2TARG && isnan(spec.p1)) {
        spec.p1 = nd->target;
        if (isnan(spec.p1)) {
          seterr(err, errlen, o, "indicator '%s': dist2targ needs a target", nd->code);
          goto fail;
        }
      }
      int st = gs_m_normalise(&spec, t1, nk, nd->dir, t2);
      if (st == GS_M_EINVAL) {
        seterr(err, errlen, o, "indicator '%s': invalid %s parameters", nd->code, gs_m_norm_name(spec.kind));
        goto fail;
      }
      if (st != GS_M_OK) warn(r, "indicator '%s': %s: %s", nd->code, gs_m_norm_name(spec.kind), gs_m_strerror(st));
    }
    double *out = r->scores + i * n;
    for (size_t k = 0; k < nk; k++) out[idx[k]] = t2[k];
  }

  /* aggregates, level by level */
  for (int lev = 2; lev <= h->max_level; lev++)
    for (size_t i = 0; i < nn; i++) {
      const struct node *nd = &h->nodes[i];
      if (nd->level != lev) continue;
      size_t m = nd->n_kids;
      const size_t *kids = h->kids + nd->kid_off;
      for (size_t c = 0; c < m; c++) w[c] = h->nodes[kids[c]].weight;
      double *out = r->scores + i * n;
      if (nd->agg == GS_AGG_COPELAND) {
        /* the units that play: kept, with a value, and above min_share */
        size_t np = 0;
        for (size_t u = 0; u < n; u++) {
          out[u] = NAN;
          if (!r->kept[u]) continue;
          for (size_t c = 0; c < m; c++) X[np * m + c] = r->scores[kids[c] * n + u];
          double sh = gs_m_share(X + np * m, m);
          if (sh == 0 || (nd->min_share > 0 && sh < nd->min_share)) continue;
          idx[np++] = u;
        }
        if (gs_m_copeland(X, np, m, w, t1) != GS_M_OK) {
          warn(r, "node '%s': copeland: %s", nd->code, gs_m_strerror(GS_M_EINVAL));
          continue;
        }
        for (size_t k = 0; k < np; k++) out[idx[k]] = t1[k];
        continue;
      }
      for (size_t u = 0; u < n; u++) {
        for (size_t c = 0; c < m; c++) v[c] = r->scores[kids[c] * n + u];
        int st;
        out[u] = gs_m_aggregate(nd->agg, nd->agg_p, v, w, m, nd->min_share, &st);
        if (st != GS_M_OK && st != GS_M_ENODATA)
          warn(r, "node '%s', unit %zu: %s mean: %s", nd->code, u + 1, gs_m_agg_name(nd->agg),
               gs_m_strerror(st));
      }
    }
  free(t1); free(t2); free(v); free(w); free(X); free(idx); free(grp);
  return r;
fail:
  free(t1); free(t2); free(v); free(w); free(X); free(idx); free(grp);
  gs_h_result_free(r);
  return NULL;
}

static long res_find(const gs_h_result *r, const char *code) {
  if (!r || !code) return -1;
  for (size_t i = 0; i < r->n_nodes; i++)
    if (strcmp(r->codes[i], code) == 0) return (long)i;
  return -1;
}

size_t gs_h_result_units(const gs_h_result *r) { return r ? r->n_units : 0; }

const double *gs_h_result_get(const gs_h_result *r, const char *code) {
  long i = res_find(r, code);
  return i < 0 ? NULL : r->scores + (size_t)i * r->n_units;
}

const double *gs_h_result_pre(const gs_h_result *r, const char *code) {
  long i = res_find(r, code);
  return (i < 0 || !r->is_ind[i]) ? NULL : r->pre + (size_t)i * r->n_units;
}

const gs_m_treat_report *gs_h_result_treat(const gs_h_result *r, const char *code) {
  long i = res_find(r, code);
  return (i < 0 || !r->is_ind[i]) ? NULL : &r->treat[i];
}

size_t gs_h_result_warnings(const gs_h_result *r, const char **first) {
  if (first) *first = r ? r->warn : "";
  return r ? r->n_warn : 0;
}

const double *gs_h_result_share(const gs_h_result *r) { return r ? r->share : NULL; }
const int *gs_h_result_kept(const gs_h_result *r) { return r ? r->kept : NULL; }
size_t gs_h_result_n_kept(const gs_h_result *r) { return r ? r->n_kept : 0; }
