/* test_scale.c - the structures that keep gcisim n log n, each checked
 * against a brute-force reference written here from the definitions:
 * the radix sort of (key, row) pairs against a comparison sort, rank
 * queries (rankq) and the radix-sorted gs_rank against ranks counted
 * pair by pair (ties.h's definitions), rank orders against a comparison
 * sort, the key hash index against a scan, comparison rows against a
 * pairwise match, scenario edits, and the load size option. */
#include <stdint.h>
#include <stdlib.h>

#include "compare.h"
#include "csvload.h"
#include "dataset.h"
#include "keysort.h"
#include "rankq.h"
#include "scenario.h"
#include "ties.h"

#include "harness.h"

/* The rank of row u among s[0..n-1] under ties.h's definitions, counted
 * pair by pair (O(n^2) over all rows): the reference. */
static double brute_rank(const double *s, size_t n, size_t u, int digits, gs_ties t) {
  if (isnan(s[u])) return NAN;
  double me = gs_round(s[u], digits);
  size_t above = 0, equal = 0, before = 0, levels = 0;
  for (size_t j = 0; j < n; j++) {
    if (isnan(s[j])) continue;
    double k = gs_round(s[j], digits);
    if (k > me) {
      above++;
      int seen = 0; /* a distinct level: no earlier row has this key */
      for (size_t i = 0; i < j && !seen; i++) seen = !isnan(s[i]) && gs_round(s[i], digits) == k;
      levels += !seen;
    } else if (k == me && j != u) {
      equal++;
      before += j < u;
    }
  }
  switch (t) {
  case GS_TIES_DENSE: return (double)levels + 1;
  case GS_TIES_COMPETITION: return (double)above + 1;
  case GS_TIES_ORDINAL: return (double)(above + before) + 1;
  default: return (double)above + 1 + (double)equal / 2;
  }
}

/* Scores on a coarse grid (many ties), negatives, -0.0 and some NaN. */
static void fill(double *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    uint64_t r = t_next();
    if (r % 53 == 0) s[i] = NAN;
    else if (r % 41 == 0) s[i] = -0.0;
    else s[i] = ((double)(long)(r % 4001) - 1000) / 100.0 + (r % 7 == 0 ? 0.004 : 0);
  }
}

static void ranks_match_brute_force(void) {
  static const size_t sizes[] = {1, 2, 9, 300, 700};
  static const int digits[] = {-1, 0, 1, 2};
  int bad = 0;
  for (size_t zi = 0; zi < 5; zi++)
    for (size_t di = 0; di < 4; di++) {
      size_t n = sizes[zi];
      double *s = malloc(n * sizeof *s), *r = malloc(n * sizeof *r);
      fill(s, n);
      for (int t = 0; t < 4; t++) {
        T_INT(gs_rank(s, n, digits[di], (gs_ties)t, r), 0);
        for (size_t i = 0; i < n; i++) {
          double want = brute_rank(s, n, i, digits[di], (gs_ties)t);
          if (!(r[i] == want || (isnan(r[i]) && isnan(want)))) bad++;
        }
      }
      free(s);
      free(r);
    }
  T_INT(bad, 0);
}

static void rank_queries_match_brute_force(void) {
  static const size_t sizes[] = {1, 3, 40, 600, 1100};
  int bad = 0, asked = 0;
  for (size_t zi = 0; zi < 5; zi++) {
    size_t n = sizes[zi];
    double *s = malloc(n * sizeof *s), *w = malloc(n * sizeof *w);
    fill(s, n);
    for (int digits = -1; digits <= 2; digits++)
      for (int k = 0; k < 6; k++) {
        size_t u = t_next() % n;
        gs_rankq *q = gs_rankq_new(s, n, u, digits);
        T_OK(q != NULL, "rankq built");
        if (!q) continue;
        for (int m = 0; m < 12; m++) {
          /* another unit's score (a tie), just off it, or anything */
          double x = s[t_next() % n];
          if (m % 3 == 1 && !isnan(x)) x += (m % 2 ? 1 : -1) * 0.004;
          if (m % 3 == 2) x = ((double)(long)(t_next() % 5001) - 1500) / 100.0;
          memcpy(w, s, n * sizeof *w);
          w[u] = x;
          for (int t = 0; t < 4; t++) {
            double got = gs_rankq_rank(q, x, (gs_ties)t), want = brute_rank(w, n, u, digits, (gs_ties)t);
            asked++;
            if (!(got == want || (isnan(got) && isnan(want)))) {
              if (bad++ < 5)
                fprintf(stderr, "n=%zu u=%zu s=%.17g digits=%d ties=%d: %g, want %g\n", n, u, x, digits, t, got, want);
            }
          }
        }
        gs_rankq_free(q);
      }
    free(s);
    free(w);
  }
  T_INT(bad, 0);
  T_OK(asked > 5000, "%d rank queries asked", asked);
}

/* Rank queries over the rows gs_rank_sorted keeps (a view: explain's, over
 * a result's ranks) against the same brute force, under each rule the
 * ranks were made with and each rule asked; and every count against the
 * built structure's. */
static void rank_query_views_match_brute_force(void) {
  static const size_t sizes[] = {1, 2, 40, 600, 1100};
  int bad = 0, asked = 0;
  for (size_t zi = 0; zi < 5; zi++) {
    size_t n = sizes[zi], m;
    double *s = malloc(n * sizeof *s), *w = malloc(n * sizeof *w), *r = malloc(n * sizeof *r);
    gs_keyrow *sorted = malloc(n * sizeof *sorted);
    fill(s, n);
    for (int digits = -1; digits <= 2; digits++)
      for (int rt = 0; rt < 4; rt++) {
        T_INT(gs_rank_sorted(s, n, digits, (gs_ties)rt, r, sorted, &m), 0);
        for (int k = 0; k < 4; k++) {
          size_t u = t_next() % n;
          gs_rankq *q = gs_rankq_view(s, n, sorted, m, r, (gs_ties)rt, u, digits);
          gs_rankq *b = gs_rankq_new(s, n, u, digits);
          T_OK(q && b, "rank query view built");
          if (!q || !b) continue;
          if ((gs_rankq_position(q) == SIZE_MAX) != (int)isnan(s[u])) bad++;
          for (int j = 0; j < 12; j++) {
            double x = s[t_next() % n];
            if (j % 3 == 1 && !isnan(x)) x += (j % 2 ? 1 : -1) * 0.004;
            if (j % 3 == 2) x = ((double)(long)(t_next() % 5001) - 1500) / 100.0;
            if (j == 0) x = s[u]; /* its own score */
            memcpy(w, s, n * sizeof *w);
            w[u] = x;
            for (int t = 0; t < 4; t++) {
              double got = gs_rankq_rank(q, x, (gs_ties)t), want = brute_rank(w, n, u, digits, (gs_ties)t);
              asked++;
              if (!(got == want || (isnan(got) && isnan(want))) && bad++ < 5)
                fprintf(stderr, "view n=%zu u=%zu s=%.17g digits=%d ranks=%d ties=%d: %g, want %g\n", n, u, x,
                        digits, rt, t, got, want);
            }
            gs_rankq_counts cv = gs_rankq_count(q, x), cb = gs_rankq_count(b, x);
            if (cv.above != cb.above || cv.equal != cb.equal || cv.levels_above != cb.levels_above ||
                cv.equal_before != cb.equal_before)
              bad++;
          }
          gs_rankq_free(q);
          gs_rankq_free(b);
        }
      }
    free(s);
    free(w);
    free(r);
    free(sorted);
  }
  T_INT(bad, 0);
  T_OK(asked > 10000, "%d rank queries asked of views", asked);
}

/* Counts asked near the last score (target's greedy steps) are the counts
 * asked afresh: a walk of small steps up and down with jumps, on a built
 * structure and on a view. */
static void counts_near_match(void) {
  size_t n = 2000, m;
  double *s = malloc(n * sizeof *s), *r = malloc(n * sizeof *r);
  gs_keyrow *sorted = malloc(n * sizeof *sorted);
  fill(s, n);
  int bad = 0, asked = 0;
  for (int digits = -1; digits <= 2; digits++) {
    T_INT(gs_rank_sorted(s, n, digits, GS_TIES_DENSE, r, sorted, &m), 0);
    size_t u = t_next() % n;
    gs_rankq *qs[2] = {gs_rankq_new(s, n, u, digits), gs_rankq_view(s, n, sorted, m, r, GS_TIES_DENSE, u, digits)};
    for (int v = 0; v < 2; v++) {
      if (!qs[v]) { bad++; continue; }
      size_t hint[2] = {0, 0};
      double x = -12;
      for (int step = 0; step < 3000; step++, asked++) {
        uint64_t z = t_next();
        x += z % 50 == 0 ? ((double)(z % 4001) - 2000) / 100.0 : (z % 3 == 0 ? -0.01 : 0.01);
        gs_rankq_counts a = gs_rankq_count_near(qs[v], x, hint), b = gs_rankq_count(qs[v], x);
        if (a.above != b.above || a.equal != b.equal || a.levels_above != b.levels_above ||
            a.equal_before != b.equal_before)
          bad++;
      }
      gs_rankq_free(qs[v]);
    }
  }
  T_INT(bad, 0);
  T_OK(asked >= 24000, "%d counts asked near the last", asked);
  free(s);
  free(r);
  free(sorted);
}

typedef struct { double rank; size_t i; } ord;
static int ord_ref(const void *a, const void *b) {
  const ord *x = a, *y = b;
  if (isnan(x->rank) != isnan(y->rank)) return isnan(x->rank) ? 1 : -1;
  if (!isnan(x->rank) && x->rank != y->rank) return x->rank < y->rank ? -1 : 1;
  return x->i < y->i ? -1 : 1;
}

/* Descending by key, then ascending by row: the order keysort.h states. */
static int keyrow_ref(const void *a, const void *b) {
  const gs_keyrow *x = a, *y = b;
  if (x->key != y->key) return x->key > y->key ? -1 : 1;
  return (x->idx > y->idx) - (x->idx < y->idx);
}

/* gs_keysort on either side of its switch to the radix sort, with keys of
 * every kind (zeros of both signs, infinities, tiny and huge magnitudes,
 * many ties, any finite bit pattern): the same rows in the same order as
 * qsort, and each key back bit for bit (-0.0 may come back as 0.0, an
 * equal key). */
static void keysort_matches_a_comparison_sort(void) {
  static const size_t sizes[] = {511, 512, 513, 3000, 20000};
  for (size_t zi = 0; zi < 5; zi++) {
    size_t n = sizes[zi];
    gs_keyrow *a = malloc(n * sizeof *a), *ref = malloc(n * sizeof *ref);
    for (int kind = 0; kind < 3; kind++) {
      for (size_t i = 0; i < n; i++) {
        uint64_t r = t_next();
        double v;
        if (kind == 0) v = (double)(long)(r % 200) / 4 - 20; /* many ties */
        else if (kind == 1) { /* any finite pattern */
          memcpy(&v, &r, sizeof v);
          if (!isfinite(v)) v = (r & 1) ? INFINITY : -INFINITY;
        } else { /* the awkward ones */
          static const double odd[] = {0.0, -0.0, 1e-310, -1e-310, 1e308, -1e308, 5e-324, 1.0, -1.0};
          v = r % 3 ? odd[r / 3 % 9] : ldexp((double)(r >> 40), (int)(r % 200) - 100);
        }
        a[i] = (gs_keyrow){v, i};
      }
      memcpy(ref, a, n * sizeof *a);
      qsort(ref, n, sizeof *ref, keyrow_ref);
      T_INT(gs_keysort(a, n), 0);
      int bad = 0;
      for (size_t i = 0; i < n; i++) {
        int same = a[i].idx == ref[i].idx && a[i].key == ref[i].key &&
                   (a[i].key == 0 || memcmp(&a[i].key, &ref[i].key, sizeof a[i].key) == 0);
        bad += !same;
      }
      T_OK(bad == 0, "n = %zu, keys of kind %d: %d rows out of order", n, kind, bad);
    }
    free(a);
    free(ref);
  }
}

static void rank_orders_match_a_comparison_sort(void) {
  size_t n = 2000;
  double *s = malloc(n * sizeof *s), *r = malloc(n * sizeof *r);
  size_t *o = malloc(n * sizeof *o);
  ord *ref = malloc(n * sizeof *ref);
  fill(s, n);
  for (int pass = 0; pass < 5; pass++) {
    if (pass < 4) gs_rank(s, n, 1, (gs_ties)pass, r); /* whole and half ranks: counting */
    else for (size_t i = 0; i < n; i++) r[i] = s[i] / 3; /* anything: comparison sort */
    T_INT(gs_rank_order(r, n, o), 0);
    for (size_t i = 0; i < n; i++) ref[i] = (ord){r[i], i};
    qsort(ref, n, sizeof *ref, ord_ref);
    int bad = 0;
    for (size_t i = 0; i < n; i++) bad += o[i] != ref[i].i;
    T_INT(bad, 0);
  }
  free(s);
  free(r);
  free(o);
  free(ref);
}

/* A CSV of n units K0..K(n-1) in a shuffled order; key order[i] on row i. */
static char *units_csv(size_t n, const size_t *order, size_t *len) {
  char *buf = malloc(64 * (n + 1));
  size_t k = (size_t)sprintf(buf, "iso3,country,legal,technical\n");
  for (size_t i = 0; i < n; i++)
    k += (size_t)sprintf(buf + k, "K%zu,Unit %zu,%zu.5,%zu\n", order[i], order[i], order[i] % 20, (order[i] * 7) % 21);
  *len = k;
  return buf;
}

static void shuffle(size_t *v, size_t n) {
  for (size_t i = 0; i < n; i++) v[i] = i;
  for (size_t i = n; i > 1; i--) {
    size_t j = t_next() % i, t = v[i - 1];
    v[i - 1] = v[j];
    v[j] = t;
  }
}

static void key_index_matches_a_scan(void) {
  size_t n = 5000, len;
  size_t *order = malloc(n * sizeof *order);
  shuffle(order, n);
  char *csv = units_csv(n, order, &len), err[512];
  gs_dataset *d = gs_load_csv_mem("u.csv", csv, len, NULL, err, sizeof err);
  T_OK(d != NULL, "load: %s", err);
  if (!d) return;
  T_OK(d->kslot != NULL, "the loader builds the index");
  gs_dataset *c = gs_dataset_copy(d);
  int bad = 0;
  char key[32];
  for (size_t i = 0; i < n; i++) {
    sprintf(key, "K%zu", order[i]);
    long scan = -1;
    for (size_t j = 0; j < n && scan < 0; j++)
      if (strcmp(d->key[j], key) == 0) scan = (long)j;
    bad += gs_dataset_row(d, key) != scan || scan != (long)i || gs_dataset_row(c, key) != scan;
  }
  T_INT(bad, 0);
  T_INT(gs_dataset_row(d, "K5000"), -1);
  T_INT(gs_dataset_row(d, "k1"), -1);
  T_INT(gs_dataset_row(d, ""), -1);
  gs_dataset_free(c);
  gs_dataset_free(d);
  /* a duplicate 4,000 rows after the first: line numbers are the rows + 1 */
  order[4500] = order[500];
  free(csv);
  csv = units_csv(n, order, &len);
  d = gs_load_csv_mem("u.csv", csv, len, NULL, err, sizeof err);
  T_OK(d == NULL, "a duplicate key is refused");
  char want[128];
  snprintf(want, sizeof want, "u.csv:4502:1: duplicate iso3 'K%zu' (first at line 502)", order[500]);
  T_STR(err, want);
  gs_dataset_free(d);
  free(csv);
  free(order);
}

static void comparison_rows_match_a_pairwise_match(void) {
  size_t na = 900, nb = 800, len;
  size_t *oa = malloc(na * sizeof *oa), *ob = malloc(nb * sizeof *ob);
  shuffle(oa, na);
  shuffle(ob, nb);
  for (size_t j = 0; j < nb; j++) ob[j] += 300; /* b: K300..K1099, a: K0..K899 */
  char err[512], *ca = units_csv(na, oa, &len);
  gs_dataset *a = gs_load_csv_mem("a.csv", ca, len, NULL, err, sizeof err);
  char *cb = units_csv(nb, ob, &len);
  gs_dataset *b = gs_load_csv_mem("b.csv", cb, len, NULL, err, sizeof err);
  T_OK(a && b, "load: %s", err);
  if (!a || !b) return;
  double *ra = malloc(na * sizeof *ra), *rb = malloc(nb * sizeof *rb), *sa = malloc(na * sizeof *sa),
         *sb = malloc(nb * sizeof *sb);
  for (size_t i = 0; i < na; i++) sa[i] = gs_dataset_pv(a, i, 0) + gs_dataset_pv(a, i, 1);
  for (size_t j = 0; j < nb; j++) sb[j] = gs_dataset_pv(b, j, 0) * 2 + gs_dataset_pv(b, j, 1);
  sa[7] = NAN; /* one unranked unit */
  gs_rank(sa, na, 2, GS_TIES_COMPETITION, ra);
  gs_rank(sb, nb, 2, GS_TIES_FRACTIONAL, rb);
  gs_compare_row *rows = malloc((na + nb) * sizeof *rows);
  long k = gs_compare(a, ra, b, rb, rows);
  T_INT(k, 1100); /* 800 of b, then the 300 only a has */
  int bad = 0;
  for (long q = 0; q < k; q++) {
    long i = rows[q].before, j = rows[q].after;
    const char *key = j >= 0 ? b->key[j] : a->key[i];
    long pi = -1, pj = -1;
    for (size_t x = 0; x < na; x++) if (strcmp(a->key[x], key) == 0) pi = (long)x;
    for (size_t x = 0; x < nb; x++) if (strcmp(b->key[x], key) == 0) pj = (long)x;
    bad += pi != i || pj != j;
    /* order: b's rows by rank then row, then a's by rank then row */
    if (q > 0 && q < (long)nb) {
      long p = rows[q - 1].after;
      bad += !(rb[p] < rb[j] || (rb[p] == rb[j] && p < j));
    }
    if (q >= (long)nb) bad += j != -1;
    if (q > (long)nb) {
      long p = rows[q - 1].before;
      bad += !(isnan(ra[i]) ? p < i || !isnan(ra[p]) : ra[p] < ra[i] || (ra[p] == ra[i] && p < i));
    }
    double want = i >= 0 && j >= 0 && !isnan(ra[i]) ? ra[i] - rb[j] : NAN;
    bad += !(rows[q].rank_change == want || (isnan(want) && isnan(rows[q].rank_change)));
  }
  T_INT(bad, 0);
  free(rows);
  free(ra);
  free(rb);
  free(sa);
  free(sb);
  gs_dataset_free(a);
  gs_dataset_free(b);
  free(ca);
  free(cb);
  free(oa);
  free(ob);
}

static void scenario_edits(void) {
  const char *t = "iso3,country,legal,technical\nAAA,A,10,1\nBBB,B,19.5,2\nCCC,C,3,20\n";
  char err[256];
  gs_dataset *d = gs_load_csv_mem("t.csv", t, strlen(t), NULL, err, sizeof err);
  T_OK(d != NULL, "load: %s", err);
  if (!d) return;
  size_t rows[] = {0, 2, 1}, bad = 99;
  double v = 0;
  T_INT(gs_scenario_apply(d, 0, rows, 2, (gs_edit){GS_EDIT_ADD, 1.5}, &bad, &v), GS_EDIT_OK);
  T_NEAR(gs_dataset_pv(d, 0, 0), 11.5, 0);
  T_NEAR(gs_dataset_pv(d, 2, 0), 4.5, 0);
  /* in the order CCC, BBB, AAA: CCC 4.5 * 2 = 9, then BBB 19.5 * 2 = 39 is
   * past 20: refused at BBB, CCC edited, BBB and AAA not */
  size_t order[] = {2, 1, 0};
  T_INT(gs_scenario_apply(d, 0, order, 3, (gs_edit){GS_EDIT_MUL, 2}, &bad, &v), GS_EDIT_RANGE);
  T_INT(bad, 1);
  T_NEAR(v, 39, 0);
  T_NEAR(gs_dataset_pv(d, 2, 0), 9, 0);
  T_NEAR(gs_dataset_pv(d, 1, 0), 19.5, 0);
  T_NEAR(gs_dataset_pv(d, 0, 0), 11.5, 0);
  T_INT(gs_scenario_apply(d, 1, rows + 2, 1, (gs_edit){GS_EDIT_SET, INFINITY}, &bad, &v), GS_EDIT_NONFINITE);
  gs_dataset_free(d);
}

static void size_option(void) {
  const char *t = "iso3,country,legal\nAAA,A,10\n";
  char err[256];
  gs_load_opts o = {0};
  o.max_bytes = 10;
  gs_dataset *d = gs_load_csv_mem("t.csv", t, strlen(t), &o, err, sizeof err);
  T_OK(d == NULL, "over max_bytes refused");
  /* 19 bytes of header and 9 of row, counted by hand */
  T_STR(err, "t.csv:1:1: file of 28 bytes; the limit for a dataset is 10");
  o.max_bytes = 28;
  d = gs_load_csv_mem("t.csv", t, strlen(t), &o, err, sizeof err);
  T_OK(d != NULL, "at max_bytes loaded: %s", err);
  gs_dataset_free(d);
}

int main(void) {
  keysort_matches_a_comparison_sort();
  ranks_match_brute_force();
  rank_queries_match_brute_force();
  rank_query_views_match_brute_force();
  counts_near_match();
  rank_orders_match_a_comparison_sort();
  key_index_matches_a_scan();
  comparison_rows_match_a_pairwise_match();
  scenario_edits();
  size_option();
  return t_done();
}
