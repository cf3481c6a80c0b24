/* test_gci2020.c - GCI 2020 scored and ranked through the core API alone
 * (issue 12: no Lua, no io).  Under the default scoring spec (weights 1,
 * arithmetic, dense ranks on 2 decimals: the GCI's rule) the five pillars
 * sum to the file's pillar_sum column, the published Table 3 scores rank to
 * all 194 published ranks, and the pillar sums give the published rank of
 * every country above Table 3's first swapped pair (India/Turkiye, ranks
 * 10/11; data/README.md lists the swaps). */
#include "csvload.h"
#include "harness.h"
#include "score.h"

int main(void) {
  char err[512];
  gs_dataset *d = gs_load_csv("data/gci2020.csv", NULL, err, sizeof err);
  long cs = d ? gs_dataset_col(d, "pillar_sum") : -1, cp = d ? gs_dataset_col(d, "score") : -1,
       cr = d ? gs_dataset_col(d, "rank") : -1;
  T_OK(d && d->n == 194 && d->npillar == 5 && cs >= 0 && cp >= 0 && cr >= 0, "data/gci2020.csv: %s", d ? "columns" : err);
  if (!d || d->n != 194 || d->npillar != 5 || cs < 0 || cp < 0 || cr < 0) return t_done();
  const double w[5] = {1, 1, 1, 1, 1}, *sum = d->col[cs].num, *pub = d->col[cp].num, *rank = d->col[cr].num;
  gs_spec spec;
  gs_spec_init(&spec, w);
  double score[194], mine[194], theirs[194];
  T_INT(gs_score_dataset(d, &spec, score, err, sizeof err), 0);
  T_INT(gs_rank(score, 194, spec.digits, spec.ties, mine), 0);
  T_INT(gs_rank(pub, 194, spec.digits, spec.ties, theirs), 0);
  for (size_t i = 0; i < 194; i++) {
    T_NEAR(score[i], sum[i], 1e-9);
    T_OK(theirs[i] == rank[i], "%s: published score ranks %g, published rank %g", d->key[i], theirs[i], rank[i]);
    if (rank[i] < 10) T_OK(mine[i] == rank[i], "%s: pillar sum ranks %g, published %g", d->key[i], mine[i], rank[i]);
  }
  gs_dataset_free(d);
  return t_done();
}
