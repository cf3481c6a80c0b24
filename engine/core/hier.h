/* hier.h - the index structure (a COINr-style "iMeta" tree) and its evaluation.
 *
 * A gs_hier is a tree of nodes.  Level-1 nodes are indicators, whose codes
 * name data columns; a node of level L > 1 aggregates its children, which
 * are all of level L - 1.  Nodes are added one at a time (as the Lua layer
 * does) or loaded from an ASEM_iMeta.csv-style CSV, then validated; a valid
 * tree evaluates a unit x column data matrix into normalised indicators and
 * scores at every node:
 *   the pre-processing steps (denominate, impute, screen, treat outliers)
 *   in the order given, as COINr's build calls -> normalise -> aggregate
 *   bottom-up.
 *
 * Ownership: a gs_hier owns copies of every string given to it.  Pointers it
 * hands out (codes, names, node info) stay valid until the next gs_h_add or
 * gs_h_free.  A gs_h_result is independent of the gs_hier it came from.
 * Error messages are written to a caller-owned buffer err[errlen] (either may
 * be NULL/0) as "ORIGIN: message", ORIGIN being the node's origin (for CSV
 * rows "file:line:column") or else the origin passed to gs_h_validate. */
#ifndef GS_HIER_H
#define GS_HIER_H
#include <stddef.h>

#include "dataset.h"
#include "method.h"

typedef struct gs_hier gs_hier;

/* One node's description, for gs_h_add (strings are copied) and gs_h_node
 * (strings belong to the gs_hier). */
typedef struct {
  const char *code;        /* unique, non-empty */
  const char *parent;      /* parent code; NULL or "" (or "NA") for the root */
  const char *name;        /* display name; NULL = none */
  int level;               /* 1 = indicator; parent level = level + 1 */
  double weight;           /* relative weight among siblings, finite, >= 0 */
  int direction;           /* +1 / -1 (indicators; aggregates ignore it) */
  gs_agg agg;       /* how the node aggregates its children */
  double agg_p;            /* power-mean exponent for GS_AGG_POWER */
  const char *denominator; /* indicator: data column to divide by; NULL / "NA" = none */
  double min_share;        /* minimum share (by count) of non-missing children; 0 = none */
  double target;           /* indicator target for dist2targ; NaN = none */
  const gs_m_norm_spec *norm; /* indicator: overrides the evaluation's spec; NULL = none */
  const char *origin;      /* "file:line:column" for error messages; NULL = none */
} gs_h_node_spec;

/* Fills *s with defaults: level 1, weight 1, direction 1, GS_AGG_ARITHMETIC,
 * agg_p 1, min_share 0, target NaN, every pointer NULL. */
void gs_h_spec_default(gs_h_node_spec *s);

/* A new empty tree, or NULL when out of memory.  Free with gs_h_free. */
gs_hier *gs_h_new(void);
/* Frees the tree and every string it owns; accepts NULL. */
void gs_h_free(gs_hier *h);

/* Adds a node to h (non-NULL), copying every string and *norm.  Checks the
 * node alone: a non-empty code not already present, level >= 1, finite
 * weight >= 0, direction +-1 (level 1), finite agg_p, min_share in [0,1].  Structure is checked by
 * gs_h_validate.  Returns 0, or -1 with a message in err. */
int gs_h_add(gs_hier *h, const gs_h_node_spec *spec, char *err, size_t errlen);

/* Completes and checks the structure; must succeed before gs_h_eval and
 * before effective weights are available.
 *  - Implicit root: if no node lacks a parent and exactly one parent code is
 *    referenced but undefined (ASEM's "Index"), it is created with level =
 *    1 + the level of its children, weight 1.
 *  - Checks: every parent exists; exactly one root; parent level = child
 *    level + 1; no cycles; every node above level 1 has children and a
 *    positive sum of children's weights; indicators (level 1) have none.
 * origin names where the structure came from, for errors not tied to a
 * node (NULL = "hierarchy").  Returns 0, or -1 with the first error. */
int gs_h_validate(gs_hier *h, const char *origin, char *err, size_t errlen);

/* Parses an iMeta CSV held in text[len] (libcsv, CSV_STRICT) and adds its
 * rows.  The header names the columns; Level, iCode and Parent are required,
 * Direction, Weight, iName, Target, Denominator, Type and Unit optional (any
 * other is ignored).  "NA" or an empty field means none; Level may be written
 * "1.0".  Type, when present, must be "Indicator" for level 1 and "Aggregate"
 * above; rows of Type "Group", "Denominator" or "Other" (COINr's metadata on
 * non-index columns) are skipped.  A row whose Parent is none is a root.
 * origin is the file name used in "origin:line:column: message" errors;
 * a node's own origin points at its iCode field.  Does not validate: call gs_h_validate after.  Returns 0, or -1. */
int gs_h_load_meta_csv(gs_hier *h, const char *text, size_t len, const char *origin,
                       char *err, size_t errlen);
/* Reads the file at path and calls gs_h_load_meta_csv with origin = path. */
int gs_h_load_meta_file(gs_hier *h, const char *path, char *err, size_t errlen);

/* Number of nodes; index of a code (or -1); the node at index i, copied into
 * *out with strings owned by h (its `norm` is NULL unless overridden).  Nodes
 * keep the order in which they were added (an implicit root comes last).
 * gs_h_node returns 0, or -1 if i is out of range. */
size_t gs_h_count(const gs_hier *h);
long gs_h_find(const gs_hier *h, const char *code);
int gs_h_node(const gs_hier *h, size_t i, gs_h_node_spec *out);
/* Number of nodes at a level; highest level (0 before validation/empty). */
size_t gs_h_count_level(const gs_hier *h, int level);
int gs_h_max_level(const gs_hier *h);
/* Index of the root after validation, or -1. */
long gs_h_root(const gs_hier *h);

/* Effective (nominal) weight of node i, COINr style: the product, along the
 * path from the root down to i, of each node's weight divided by the sum of
 * its siblings' weights (the root's is 1).  The indicators' effective weights
 * therefore sum to 1, as do the nodes' of any one level.  NaN before a
 * successful gs_h_validate or for a bad index. */
double gs_h_eff_weight(const gs_hier *h, size_t i);

/* ---------------------------------------------------------- evaluation */

/* A data matrix: n_units rows, n_cols named columns, row-major
 * (data[i * n_cols + j]); NaN = missing.  All borrowed from the caller. */
typedef struct {
  size_t n_units, n_cols;
  const char *const *col_names; /* n_cols names */
  const double *data;
} gs_h_data;

/* A custom normalisation: writes n values to out from the n values x (the
 * indicator `code` of direction dir, after denomination, imputation and
 * treatment; screened-out units are not included; NaN = missing).  Returns
 * 0, or -1 with a message in err (gs_h_eval then fails with that message). */
typedef int (*gs_h_norm_fn)(void *ud, const char *code, const double *x, size_t n, int dir,
                            double *out, char *err, size_t errlen);

/* One pre-processing step of an ordered pipeline (COINr's build calls:
 * Denominate, Impute, Screen, Treat, in any order, each any number of
 * times).  Normalisation and aggregation always follow the last step. */
typedef enum { GS_STEP_DENOMINATE, GS_STEP_IMPUTE, GS_STEP_SCREEN, GS_STEP_TREAT } gs_h_step_kind;
/* COINr Screen's unit_screen: "byNA", "byzeros", "byNAandzeros". */
typedef enum { GS_SCREEN_BYNA, GS_SCREEN_BYZEROS, GS_SCREEN_BOTH } gs_h_screen_by;
typedef struct {
  gs_h_step_kind kind;
  /* impute */
  gs_m_impute_kind impute_kind;
  const int *groups;      /* n_units group ids (borrowed), < 0 = no group; group kinds only */
  /* screen: a unit is dropped when (byNA) its availability 1 - (#NaN / #indicators)
   * is below dat_thresh, (byzeros) its non-zero share 1 - #zeros / #non-NaN
   * is below nonzero_thresh, or (both) either */
  gs_h_screen_by screen_by;
  double dat_thresh, nonzero_thresh;
  /* treat (gs_m_treat) */
  double skew_thresh, kurt_thresh;
  int max_points;
} gs_h_step;
/* Fills *s with COINr's defaults for the kind: impute GS_IMP_MEAN; screen
 * byNA with dat_thresh 2/3 and nonzero_thresh 0.05; treat 2, 3.5, 5. */
void gs_h_step_default(gs_h_step_kind kind, gs_h_step *s);

typedef struct {
  const gs_h_step *steps;      /* the ordered pipeline (borrowed); NULL = the fixed order below */
  size_t n_steps;
  gs_m_norm_spec norm;         /* for every indicator without its own */
  int denominate;              /* divide indicators by their denominator column */
  int impute;                  /* impute missing indicator values */
  gs_m_impute_kind impute_kind;
  const int *groups;           /* n_units group ids for group imputation (borrowed) */
  int treat;                   /* COINr default outlier treatment (gs_m_treat) */
  double skew_thresh, kurt_thresh;
  int max_points;
  double screen;               /* keep only units with data availability >= screen (see gs_h_eval); 0 = keep all */
  gs_h_norm_fn norm_fn;        /* custom normalisation for every indicator without its own spec; NULL = none */
  void *norm_ud;               /* passed to norm_fn */
} gs_h_opts;

/* Defaults: no step list, min-max 0..100 (COINr's default), denominate on,
 * impute off (GS_IMP_MEAN when on), treat off (2, 3.5, 5 when on), no
 * screening, no custom normalisation.  Without a step list the fields
 * denominate, screen, impute and treat run in that fixed order (gcisim's
 * order before step lists; COINr's example imputes before it screens). */
void gs_h_opts_default(gs_h_opts *o);

typedef struct gs_h_result gs_h_result;

/* Evaluates a validated tree on d.  Every indicator's column is taken
 * (error if absent); then the steps run in order, each on the units still
 * kept:
 *  - denominate: x / the indicator's denominator column, for indicators
 *    that have one (error if that column is absent); IEEE division as R's:
 *    x/0 is +-Inf (0/0 NaN), a NaN on either side gives NaN.  An Inf is a
 *    value, not a missing one: it counts as available, is not imputed, and
 *    flows on by IEEE arithmetic as in R (a column with an Inf has NaN
 *    skewness, so treatment leaves it; min-max then gives NaN to the Inf
 *    and 0 to the others - R does the same).
 *  - impute (gs_m_impute) per indicator;
 *  - screen: drops units by data availability / zeros (see gs_h_step); they
 *    take no part in any later step, imputation, treatment, normalisation
 *    or Copeland contests, and every score of theirs is NaN (error if no
 *    unit is left).  A unit's recorded share (gs_h_result_share) is its
 *    availability at the last screen step that saw it, or at the start when
 *    there is none;
 *  - treat (gs_m_treat) per indicator.
 * Without a step list: denominate if opts->denominate, screen (byNA at
 * opts->screen), impute if opts->impute (opts->groups), treat if opts->treat.
 * Then each indicator is normalised with its own spec, else opts->norm_fn if
 * set, else opts->norm, and its direction (dist2targ with a NaN target uses
 * the indicator's target; error if it has none).
 * Then each level from 2 up: each node aggregates its children's scores
 * with its method, its children's weights and its min_share
 * (gs_m_aggregate, or gs_m_copeland across units, where a unit below
 * min_share gets NaN and does not play).  Aggregation failures for a unit
 * (e.g. geometric mean of a 0) give NaN there and are counted as warnings.
 * opts NULL = defaults.  Returns a new result (free with gs_h_result_free)
 * or NULL with a message in err. */
gs_h_result *gs_h_eval(const gs_hier *h, const gs_h_data *d, const gs_h_opts *opts,
                       char *err, size_t errlen);

/* Whether dataset d has what h is computed from: a numeric column named
 * after every indicator (level 1), and with `denominators` set a numeric
 * column for each indicator's denominator.  0, or -1 with the first gap
 * in why: "indicator 'x' has no column in FILE", "column 'x' of FILE is
 * not numeric", "denominator 'p' of indicator 'x' is not a numeric column
 * of FILE".  ix:compute and gcisim explain --index ask it before
 * building the data matrix (gs_dataset_numeric_matrix). */
int gs_h_check_dataset(const gs_hier *h, const gs_dataset *d, int denominators, char *why, size_t len);
/* Frees a result; accepts NULL. */
void gs_h_result_free(gs_h_result *r);

/* Number of units (rows) the result holds; 0 for NULL. */
size_t gs_h_result_units(const gs_h_result *r);
/* The n_units scores of node `code` (normalised values for an indicator),
 * owned by r; NULL for an unknown code. */
const double *gs_h_result_get(const gs_h_result *r, const char *code);
/* An indicator's values after denomination, imputation and treatment but
 * before normalisation, owned by r; NULL for an unknown code or aggregate. */
const double *gs_h_result_pre(const gs_h_result *r, const char *code);
/* An indicator's treatment report (all zero if treatment was off); NULL for
 * an unknown code or aggregate. */
const gs_m_treat_report *gs_h_result_treat(const gs_h_result *r, const char *code);
/* Data availability of each unit (n_units shares in [0,1], see gs_h_eval)
 * and whether it was kept by screening (n_units 0/1 flags); both owned by
 * r, NULL for NULL.  gs_h_result_n_kept: the number of units kept. */
const double *gs_h_result_share(const gs_h_result *r);
const int *gs_h_result_kept(const gs_h_result *r);
size_t gs_h_result_n_kept(const gs_h_result *r);

/* Number of warnings - an indicator that could not be normalised (no spread:
 * all NaN) and unit-level aggregation failures - and the first one's message
 * ("" if none; owned by r) through *first when first != NULL. */
size_t gs_h_result_warnings(const gs_h_result *r, const char **first);

#endif
