/* unittable.c - a unit report as a gs_table (see unittable.h). */
#include "unittable.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A number for people: at most 2 decimals, trailing zeros trimmed. */
static const char *human(double v, char *buf, size_t len) {
  snprintf(buf, len, "%.2f", v);
  char *e = buf + strlen(buf) - 1;
  while (*e == '0') *e-- = '\0';
  if (*e == '.') *e = '\0';
  if (strcmp(buf, "-0") == 0) snprintf(buf, len, "0");
  return buf;
}

/* "code (rank R)[, ...]" of the rows idx[m], or none. */
static void list_rows(FILE *f, const gs_hier *h, const gs_unit_report *ur, const size_t *idx, size_t m) {
  char s[64];
  if (m == 0) fputs("none", f);
  for (size_t j = 0; j < m; j++) {
    const gs_ur_row *w = &ur->row[idx[j]];
    gs_h_node_spec sp;
    gs_h_node(h, w->node, &sp);
    fprintf(f, "%s%s (rank %s)", j ? ", " : "", sp.code, human(w->sw_rank, s, sizeof s));
  }
}

static char *footer(const gs_hier *h, const gs_dataset *d, size_t u, const gs_unit_report *ur,
                    const gs_unit_table_info *info) {
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (!f) return NULL;
  char s1[64], s2[64];
  const gs_ur_row *root = &ur->row[0]; /* the highest level comes first */
  gs_h_node_spec rs;
  gs_h_node(h, root->node, &rs);
  fprintf(f, "%s (%s): ", d->key[u], d->name[u]);
  if (!info->kept) {
    fputs("screened out (too little data): no scores, ranks, strengths or weaknesses", f);
  } else {
    fprintf(f, "%s %s, rank %s of %zu", rs.code, human(root->score, s1, sizeof s1),
            human(root->rank, s2, sizeof s2), root->ranked);
    if (info->group_col) {
      if (info->group && *info->group && !isnan(root->group_rank))
        fprintf(f, "; rank %s of %zu in %s %s", human(root->group_rank, s1, sizeof s1), root->group_ranked,
                info->group_col, info->group);
      else
        fprintf(f, "; no group in %s", info->group_col);
    }
    fputs("\nstrengths: ", f);
    list_rows(f, h, ur, ur->str, ur->nstr);
    fputs("\nweaknesses (the worst last): ", f);
    list_rows(f, h, ur, ur->weak, ur->nweak);
  }
  if (info->digits < 0) fprintf(f, "\nranks: %s ties on exact scores", gs_ties_name(info->ties));
  else fprintf(f, "\nranks: %s ties on scores rounded to %d decimals", gs_ties_name(info->ties), info->digits);
  fprintf(f, "; strengths and weaknesses: the unit's best and worst ranks on the indicators' %s"
          " (min ties), an indicator where it ranks last left out (COINr get_str_weak)",
          info->raw ? "raw data (times their direction)" : "normalised values");
  if (fclose(f) != 0) {
    free(text);
    return NULL;
  }
  return text;
}

gs_table *gs_unit_table(const gs_hier *h, const gs_dataset *d, size_t u, const gs_unit_report *ur,
                        const gs_unit_table_info *info) {
  static const char *const cols_g[] = {"code", "name", "level", "parent", "score", "rank", "group_rank", "flag"};
  static const char *const cols[] = {"code", "name", "level", "parent", "score", "rank", "flag"};
  int grp = info->group_col != NULL;
  size_t nc = grp ? 8 : 7;
  gs_table *t = gs_table_new(nc, grp ? cols_g : cols, 0);
  if (!t) return NULL;
  for (size_t q = 0; q < ur->n; q++) {
    const gs_ur_row *w = &ur->row[q];
    gs_h_node_spec sp;
    gs_h_node(h, w->node, &sp);
    if (gs_table_add_row(t) != 0) goto oom;
    size_t c = 0;
    if (gs_table_set_text(t, q, c++, sp.code, strlen(sp.code)) != 0) goto oom;
    if (sp.name && gs_table_set_text(t, q, c, sp.name, strlen(sp.name)) != 0) goto oom;
    c++;
    gs_table_set_integer(t, q, c++, sp.level);
    if (sp.parent && gs_table_set_text(t, q, c, sp.parent, strlen(sp.parent)) != 0) goto oom;
    c++;
    gs_table_set_number(t, q, c++, w->score);
    gs_table_set_number(t, q, c++, w->rank);
    if (grp) gs_table_set_number(t, q, c++, w->group_rank);
    char flag[64] = "";
    if (w->strength) snprintf(flag, sizeof flag, "strength %d", w->strength);
    if (w->weakness)
      snprintf(flag + strlen(flag), sizeof flag - strlen(flag), "%sweakness %d", w->strength ? ", " : "", w->weakness);
    if (*flag && gs_table_set_text(t, q, c, flag, strlen(flag)) != 0) goto oom;
  }
  char *foot = footer(h, d, u, ur, info);
  if (!foot) goto oom;
  int rc = gs_table_set_footer(t, foot);
  free(foot);
  if (rc != 0) goto oom;
  return t;
oom:
  gs_table_free(t);
  return NULL;
}
