/* unitreport.h - one unit's report on an index result: every node's score,
 * rank and group rank (COINr get_unit_summary, rank_df(use_group)) and the
 * unit's strengths and weaknesses among the indicators (COINr get_str_weak,
 * through gs_a_str_weak), computed in the core so that `gcisim explain
 * --index` prints it without a Lua state (io/unittable.h builds the table).
 * Also the group ids of a dataset column, which grouped imputation and
 * group ranks take.
 *
 * Ownership: a gs_unit_report belongs to the caller (gs_unit_report_free);
 * it keeps no pointer into the tree, the result or the spec it was made
 * from.  Cost: O(nodes * n log n) for the ranks, O(n k) for the strengths. */
#ifndef GS_UNITREPORT_H
#define GS_UNITREPORT_H
#include <stddef.h>

#include "dataset.h"
#include "hier.h"
#include "ties.h"

typedef struct {
  size_t node;         /* the node's index in the gs_hier */
  double score;        /* the unit's score (an indicator's normalised value); NaN = none */
  double rank;         /* among the units with a score at the node; NaN = none */
  size_t ranked;       /* how many units have a score at the node */
  double group_rank;   /* within the unit's group; NaN: no groups given, no group, no score */
  size_t group_ranked; /* how many units of the unit's group have a score at the node */
  double sw_rank;      /* an indicator's rank for strengths and weaknesses (min ties, on the
                          data spec->raw chooses); NaN for an aggregate or no value */
  int strength;        /* 1, 2, ...: its place among the strengths, best first; 0 = not one */
  int weakness;        /* 1, 2, ...: its place among the weaknesses, as COINr lists them
                          (the best of the bottom ranks first, the worst last); 0 = not one */
} gs_ur_row;

typedef struct {
  size_t n;      /* every node of the tree: highest level first, node order within a level */
  gs_ur_row *row;
  size_t nstr, nweak;
  size_t *str;   /* nstr row indices of the strengths, best first */
  size_t *weak;  /* nweak row indices of the weaknesses, in COINr's order */
} gs_unit_report;

typedef struct {
  int digits;          /* scores are rounded to digits decimals before ranking; -1 exact */
  gs_ties ties;        /* tie rule of rank and group_rank */
  const int *groups;   /* n_units group ids (< 0: no group), borrowed; NULL = no group ranks */
  size_t top, bottom;  /* how many strengths and weaknesses (COINr topN, bottomN; 5, 5) */
  int min_discard;     /* leave out an indicator where the unit ranks worst (COINr's default 1) */
  const gs_h_data *raw; /* strengths and weaknesses on these data columns (each indicator's
                           column times its direction, every unit: COINr's dset = "Raw",
                           adjust_direction); NULL = on the normalised indicators */
} gs_ur_spec;

/* The report of unit u (< gs_h_result_units(r)) on r, the result of tree h.
 * Strengths and weaknesses rank the unit on each indicator's normalised
 * values (or spec->raw's column) among all units, min ties on exact values,
 * as gs_a_str_weak does (whatever spec's digits and ties, as COINr's
 * get_str_weak); an indicator without a column in spec->raw has no rank.  A unit
 * screened out has no scores, ranks nor strengths.  Returns NULL when out
 * of memory or for a bad argument (then *status, when status is not NULL,
 * is -1). */
gs_unit_report *gs_unit_report_new(const gs_hier *h, const gs_h_result *r, size_t u, const gs_ur_spec *spec,
                                   int *status);
void gs_unit_report_free(gs_unit_report *ur); /* accepts NULL */

/* The nodes of h in report order (res:unit's and the unit report's):
 * highest level first, node order within a level.  order holds
 * gs_h_count(h) node indices.  O(nodes x levels). */
void gs_ur_node_order(const gs_hier *h, size_t *order);

/* Group ids of column col of d: rows with equal values share an id (the
 * smallest row index among them); an empty text cell, "NA" or a missing
 * number is no group (-1), as an NA group in COINr.  ids holds d->n.
 * Returns 0, or -1 when out of memory.  O(n log n). */
int gs_group_ids(const gs_dataset *d, size_t col, int *ids);

#endif
