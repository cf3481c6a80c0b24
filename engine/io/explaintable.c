/* explaintable.c - an explanation as a gs_table (see explaintable.h). */
#include "explaintable.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "ties.h"

/* A number for people: at most 4 decimals, trailing zeros trimmed (as the
 * table format prints cells). */
static const char *human(double v, char *buf, size_t len) {
  snprintf(buf, len, "%.4f", v);
  char *e = buf + strlen(buf) - 1;
  while (*e == '0') *e-- = '\0';
  if (*e == '.') *e = '\0';
  if (strcmp(buf, "-0") == 0) snprintf(buf, len, "0");
  return buf;
}

/* A number in full (the shortest text that reads back as the same
 * double): a gain is what the user adds, and 4 decimals could round it
 * below what gives the rank. */
static const char *exact(double v, char *buf, size_t len) {
  gs_format_number(v, buf, len);
  return buf;
}

/* At most this many neighbours of a kind are named in the footer: a line
 * naming a hundred units (a million units on a grid of 10,000 scores)
 * reads as noise.  The records (e.above, .below, .tied) keep them all. */
#define SHOWN 8

/* Writes "label: ISO (Name) rank R, score S (+D)[; ...]", and "; and N
 * more" past SHOWN of them. */
static void add_neighbours(FILE *f, const gs_dataset *d, const gs_explain *e, const char *label,
                           const size_t *idx, size_t m, const char *none) {
  char s1[64], s2[64], s3[64];
  fputc('\n', f);
  fputs(label, f);
  if (m == 0) { fputs(none, f); return; }
  for (size_t j = 0; j < m; j++) {
    if (j == SHOWN) {
      fprintf(f, "; and %zu more", m - SHOWN);
      break;
    }
    size_t i = idx[j];
    double diff = e->scores[i] - e->score;
    fprintf(f, "%s%s (%s) rank %s, score %s (%s%s)", j ? "; " : "", d->key[i], d->name[i],
            human(e->ranks[i], s1, sizeof s1), human(e->scores[i], s2, sizeof s2), diff >= 0 ? "+" : "",
            human(diff, s3, sizeof s3));
  }
}

/* The footer, in a malloc'd string (NULL when out of memory). */
static char *footer(const gs_dataset *d, size_t u, const gs_spec *spec, const gs_explain *e) {
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (!f) return NULL;
  size_t k = e->k;
  double step = pow(10.0, -e->step_digits);
  char s1[64], s2[64], s3[64], s4[64], s5[64], line[800];
  char how[160];
  if (spec->scale > 0)
    snprintf(how, sizeof how, "points = weight x value x %s/%s (the scale)", human(spec->scale, s1, sizeof s1),
             human(spec->scale / e->factor, s2, sizeof s2));
  else
    snprintf(how, sizeof how, "points = weight x value");
  char digits[48];
  if (spec->digits < 0) snprintf(digits, sizeof digits, "exact scores");
  else snprintf(digits, sizeof digits, "scores rounded to %d decimals", spec->digits);
  snprintf(line, sizeof line, "%s (%s): score %s = the sum of the points (%s); rank %s (%s ties, %s)", d->key[u],
           d->name[u], human(e->score, s1, sizeof s1), how, human(e->rank, s2, sizeof s2),
           gs_ties_name(spec->ties), digits);
  fputs(line, f);
  /* "ranked first" would be wrong for a fractional rank 2 shared by three:
   * with no one above but others at the same rank, say "tied" */
  int shared = 0;
  for (size_t j = 0; j < e->ntied; j++) shared |= e->ranks[e->tied[j]] == e->rank;
  add_neighbours(f, d, e, "just above: ", e->above, e->nabove, shared ? "none (tied for first)" : "none (ranked first)");
  add_neighbours(f, d, e, "just below: ", e->below, e->nbelow, shared ? "none (tied for last)" : "none (ranked last)");
  if (e->ntied) {
    add_neighbours(f, d, e, "tied with: ", e->tied, e->ntied, "");
    if (spec->ties == GS_TIES_ORDINAL) fputs(" (ordinal ties: equal scores ranked in file order)", f);
  }
  fputc('\n', f);
  if (e->first) {
    fputs("no better rank exists: possible is false, gain, new_value and new_rank are left empty", f);
  } else {
    char stepbuf[32];
    snprintf(stepbuf, sizeof stepbuf, "%.*f", e->step_digits, step);
    if (e->best < 0) {
      snprintf(line, sizeof line, "no single pillar, even at its maximum, gives a better rank");
    } else {
      size_t p = (size_t)e->best;
      snprintf(line, sizeof line, "smallest single-pillar gain to a better rank: %s +%s (%s -> %s), score %s, rank %s",
               d->col[d->pillar[p]].name, exact(e->gain[p], s1, sizeof s1), human(gs_dataset_pv(d, u, p), s2, sizeof s2),
               human(e->new_value[p], s3, sizeof s3),
               human(e->new_score[p], s4, sizeof s4), human(e->new_rank[p], s5, sizeof s5));
    }
    fputs(line, f);
    for (size_t p = 0, more = 0; e->best >= 0 && p < k; p++)
      if ((long)p != e->best && e->gain[p] == e->gain[e->best]) {
        fputs(more++ ? ", " : "; as small: ", f);
        fputs(d->col[d->pillar[p]].name, f);
      }
    /* Say which grid the gains are on: with unrounded data (more than 6
     * decimals) new_value is off it, and the gain is what to add. */
    snprintf(line, sizeof line,
             "\ngain: the smallest increase of that pillar alone, in steps of %s%s or up to its maximum, that "
             "gives a better rank; new_value = value + gain (possible = false: even the maximum is not enough)",
             stepbuf, e->grid_exact ? " (the data's grid)" : " (the data has more decimals: new_value is off that grid)");
    fputs(line, f);
  }
  if (fclose(f) != 0) { free(text); return NULL; }
  return text;
}

enum { C_PILLAR, C_VALUE, C_MAX, C_WEIGHT, C_POINTS, C_SHARE, C_GAP, C_GAP_POINTS, C_POSSIBLE, C_GAIN,
       C_NEW_VALUE, C_NEW_RANK, NCOLS };

gs_table *gs_explain_table(const gs_dataset *d, size_t u, const gs_spec *spec, const gs_explain *e) {
  static const char *const cols[] = {"pillar", "value", "max", "weight", "points", "share_pct", "gap",
                                     "gap_points", "possible", "gain", "new_value", "new_rank"};
  gs_table *t = gs_table_new(NCOLS, cols, 0);
  if (!t) return NULL;
  size_t k = e->k;
  double W = 0, smax = 0;
  for (size_t p = 0; p < k; p++) {
    W += spec->w[p];
    smax += e->factor * spec->w[p] * d->pmax[p];
  }
  if (spec->scale > 0) smax = spec->scale;
  for (size_t p = 0; p <= k; p++) {
    if (gs_table_add_row(t) != 0) goto oom;
    if (p == k) { /* the score row */
      if (gs_table_set_text(t, p, C_PILLAR, "(score)", 7) != 0) goto oom;
      gs_table_set_number(t, p, C_VALUE, e->score);
      gs_table_set_number(t, p, C_MAX, smax);
      gs_table_set_number(t, p, C_WEIGHT, W);
      gs_table_set_number(t, p, C_POINTS, e->score);
      gs_table_set_number(t, p, C_SHARE, e->score != 0 ? 100 : NAN);
      gs_table_set_number(t, p, C_GAP, smax - e->score);
      gs_table_set_number(t, p, C_GAP_POINTS, smax - e->score);
      break;
    }
    const char *name = d->col[d->pillar[p]].name;
    if (gs_table_set_text(t, p, C_PILLAR, name, strlen(name)) != 0) goto oom;
    gs_table_set_number(t, p, C_VALUE, gs_dataset_pv(d, u, p));
    gs_table_set_number(t, p, C_MAX, d->pmax[p]);
    gs_table_set_number(t, p, C_WEIGHT, spec->w[p]);
    gs_table_set_number(t, p, C_POINTS, e->points[p]);
    gs_table_set_number(t, p, C_SHARE, 100 * e->share[p]);
    /* the gap on the data's grid (20 - 16.31 is 3.6900000000000013 in
     * binary), and its points from that; unrounded when the data is off
     * the grid (rounding 0.25948303850156 to 10^-6 would misstate it) */
    double gap = e->grid_exact ? gs_round(e->gap[p], e->step_digits) : e->gap[p];
    gs_table_set_number(t, p, C_GAP, gap);
    gs_table_set_number(t, p, C_GAP_POINTS, e->factor * spec->w[p] * gap);
    /* possible is its own boolean column, so that gain stays a number
     * column (empty, JSON null, nil when there is none) */
    gs_table_set_bool(t, p, C_POSSIBLE, !isnan(e->gain[p]));
    if (!isnan(e->gain[p])) {
      gs_table_set_number(t, p, C_GAIN, e->gain[p]);
      gs_table_set_number(t, p, C_NEW_VALUE, e->new_value[p]);
      gs_table_set_number(t, p, C_NEW_RANK, e->new_rank[p]);
    }
  }
  char *text = footer(d, u, spec, e);
  if (!text) goto oom;
  int rc = gs_table_set_footer(t, text);
  free(text);
  if (rc != 0) goto oom;
  return t;
oom:
  gs_table_free(t);
  return NULL;
}
