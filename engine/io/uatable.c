/* uatable.c - an uncertainty result as a gs_table (see uatable.h). */
#include "uatable.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  double nominal;
  size_t i;
} item;

static int item_cmp(const void *a, const void *b) {
  const item *x = a, *y = b;
  if (x->nominal != y->nominal) return x->nominal < y->nominal ? -1 : 1;
  return (x->i > y->i) - (x->i < y->i);
}

int gs_ua_table_order(const gs_ua_result *r, size_t *ord) {
  size_t n = gs_ua_result_n(r);
  item *it = malloc((n ? n : 1) * sizeof *it);
  if (!it) return -1;
  for (size_t i = 0; i < n; i++) it[i] = (item){gs_ua_result_unit(r, i)->nominal, i};
  qsort(it, n, sizeof *it, item_cmp);
  for (size_t i = 0; i < n; i++) ord[i] = it[i].i;
  free(it);
  return 0;
}

void gs_ua_table_footer(const gs_ua_result *r, const char *note, char *buf, size_t len) {
  snprintf(buf, len, "%s; mean absolute rank shift %.4f over %llu draws", note, gs_ua_result_mean_abs_shift(r),
           (unsigned long long)gs_ua_result_draws(r));
}

gs_table *gs_ua_table(const gs_ua_result *r, const char *key_col, char *const *keys, char *const *names,
                      const char *note) {
  size_t n = gs_ua_result_n(r);
  const char *cols[] = {key_col, "country", "nominal", "median", "mean", "p05", "p95", "within3"};
  gs_table *t = gs_table_new(8, cols, 0);
  size_t *ord = malloc((n ? n : 1) * sizeof *ord);
  char footer[1400];
  if (!t || !ord || gs_ua_table_order(r, ord) != 0) goto oom;
  for (size_t q = 0; q < n; q++) {
    const gs_ua_unit_stats *s = gs_ua_result_unit(r, ord[q]);
    if (gs_table_add_row(t) != 0 || gs_table_set_text(t, q, 0, keys[ord[q]], strlen(keys[ord[q]])) != 0 ||
        gs_table_set_text(t, q, 1, names[ord[q]], strlen(names[ord[q]])) != 0)
      goto oom;
    const double v[] = {s->nominal, s->median, s->mean, s->p05, s->p95, s->within3};
    for (size_t j = 0; j < 6; j++) gs_table_set_number(t, q, j + 2, v[j]);
  }
  gs_ua_table_footer(r, note, footer, sizeof footer);
  if (gs_table_set_footer(t, footer) != 0) goto oom;
  free(ord);
  return t;
oom:
  free(ord);
  gs_table_free(t);
  return NULL;
}
