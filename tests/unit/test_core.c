/* test_core.c - unit tests of the C core: tie rules, rounding, the CSV
 * loader (good data and each kind of bad data), scoring and the sandbox's
 * file policy.  Every expected value is worked out by hand in a comment or
 * read from the published CSV. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvload.h"
#include "dataset.h"
#include "harness.h"
#include "policy.h"
#include "score.h"
#include "ties.h"

static void test_ties(void) {
  /* scores 10, 20, 20, 5, 20.004 (rounds to 20.00 at 2 digits), 7
   * descending: 20 20 20.004 | 10 | 7 | 5 -> three-way tie at positions 1-3 */
  const double s[] = {10, 20, 20, 5, 20.004, 7};
  double r[6];
  gs_rank(s, 6, 2, GS_TIES_DENSE, r);
  const double dense[] = {2, 1, 1, 4, 1, 3};
  for (int i = 0; i < 6; i++) T_NEAR(r[i], dense[i], 0);
  gs_rank(s, 6, 2, GS_TIES_COMPETITION, r);
  const double comp[] = {4, 1, 1, 6, 1, 5};
  for (int i = 0; i < 6; i++) T_NEAR(r[i], comp[i], 0);
  gs_rank(s, 6, 2, GS_TIES_ORDINAL, r); /* ties in input order: idx1, idx2, idx4 */
  const double ord[] = {4, 1, 2, 6, 3, 5};
  for (int i = 0; i < 6; i++) T_NEAR(r[i], ord[i], 0);
  gs_rank(s, 6, 2, GS_TIES_FRACTIONAL, r); /* (1+2+3)/3 = 2 */
  const double frac[] = {4, 2, 2, 6, 2, 5};
  for (int i = 0; i < 6; i++) T_NEAR(r[i], frac[i], 0);
  /* exact comparison (digits -1): 20.004 is alone at the top */
  gs_rank(s, 6, -1, GS_TIES_DENSE, r);
  const double exact[] = {3, 2, 2, 5, 1, 4};
  for (int i = 0; i < 6; i++) T_NEAR(r[i], exact[i], 0);
  /* fractional with a pair: 3, 3, 1 -> positions 1,2 tie -> 1.5 */
  const double p[] = {3, 3, 1};
  gs_rank(p, 3, 2, GS_TIES_FRACTIONAL, r);
  T_NEAR(r[0], 1.5, 0); T_NEAR(r[1], 1.5, 0); T_NEAR(r[2], 3, 0);
  /* missing scores are not ranked */
  const double m[] = {NAN, 2, 1};
  gs_rank(m, 3, 2, GS_TIES_DENSE, r);
  T_OK(isnan(r[0]), "NaN score gets no rank");
  T_NEAR(r[1], 1, 0); T_NEAR(r[2], 2, 0);
  T_INT(gs_ties_parse("competition"), GS_TIES_COMPETITION);
  T_INT(gs_ties_parse("olympic"), -1);
}

static void test_round(void) {
  T_NEAR(gs_round(92.534, 2), 92.53, 1e-12);   /* China 2020 */
  T_NEAR(gs_round(92.526, 2), 92.53, 1e-12);   /* Croatia 2020: ties China */
  T_NEAR(gs_round(92.525, 2), 92.53, 1e-12);   /* half away from zero */
  T_NEAR(gs_round(-1.005, 2), -1.01, 1e-12);
  T_NEAR(gs_round(0.9265, 3), 0.927, 1e-12);
  T_NEAR(gs_round(1.23456, -1), 1.23456, 0);
}

static gs_dataset *load_str(const char *text, const gs_load_opts *o, char *err) {
  return gs_load_csv_mem("t.csv", text, strlen(text), o, err, 512);
}

static void expect_error(const char *text, const char *want) {
  char err[512];
  gs_dataset *d = load_str(text, NULL, err);
  T_OK(d == NULL, "loading should fail with %s", want);
  T_STR(err, want);
  gs_dataset_free(d);
}

static void test_loader_errors(void) {
  expect_error("", "t.csv:1:1: empty file: expected a header line");
  expect_error("iso3,country,legal\n", "t.csv:2:1: no data rows after the header");
  expect_error("country,legal\nX,1\n", "t.csv:1:1: no 'iso3' column in the header");
  expect_error("iso3,country,legal\nAAA,A,1\nBBB,B\n", "t.csv:3:3: row has 2 fields; the header has 3");
  expect_error("iso3,country,legal\nAAA,A,1,9\n", "t.csv:2:4: row has 4 fields; the header has 3");
  expect_error("iso3,country,legal\nAAA,A,abc\n", "t.csv:2:3: 'abc' is not a number (column 'legal')");
  expect_error("iso3,country,legal\nAAA,A,NaN\n", "t.csv:2:3: non-finite number 'NaN' in numeric column 'legal'");
  expect_error("iso3,country,legal\nAAA,A,-inf\n", "t.csv:2:3: non-finite number '-inf' in numeric column 'legal'");
  expect_error("iso3,country,legal\nAAA,A,1e999\n", "t.csv:2:3: number '1e999' out of range in column 'legal'");
  expect_error("iso3,country,legal\nAAA,A,\n", "t.csv:2:3: empty cell in required numeric column 'legal'");
  expect_error("iso3,country,legal\nAAA,A,-0.5\n", "t.csv:2:3: pillar 'legal' value -0.5 outside its range 0..20");
  expect_error("iso3,country,legal\nAAA,A,20.01\n", "t.csv:2:3: pillar 'legal' value 20.01 outside its range 0..20");
  expect_error("iso3,country,legal\nAAA,A,1\nAAA,B,2\n", "t.csv:3:1: duplicate iso3 'AAA' (first at line 2)");
  expect_error("iso3,country,legal\n,A,1\n", "t.csv:2:1: empty iso3");
  expect_error("iso3,country,legal\nAAA,\"A\"x,1\n", "t.csv:2:2: malformed CSV: error parsing data while strict checking enabled");
  expect_error("iso3,country,legal\nAAA,\"A,1\n", "t.csv:2:2: malformed CSV: error parsing data while strict checking enabled (unterminated quoted field?)");
  expect_error("iso3,country,legal\nAAA,A\xff,1\n", "t.csv:2:2: invalid UTF-8 in a cell");
  expect_error("iso3,country,legal\nAAA,\xc0\xaf,1\n", "t.csv:2:2: invalid UTF-8 in a cell"); /* overlong '/' */
  expect_error("iso3,score,score\nAAA,1,2\n", "t.csv:1:3: duplicate column name 'score' (also column 2)");
  expect_error("iso3,country,score\nAAA,A,x1\n", "t.csv:2:3: 'x1' is not a number (column 'score')");
  {
    const char text[] = "iso3,country,legal\nAAA,A\0B,1\n";
    char err[512];
    gs_dataset *d = gs_load_csv_mem("t.csv", text, sizeof text - 1, NULL, err, sizeof err);
    T_OK(d == NULL, "NUL byte rejected");
    T_STR(err, "t.csv:2:2: NUL byte in a cell");
  }
  {
    size_t n = GS_MAX_CELL_BYTES + 10;
    char *big = malloc(n + 64);
    strcpy(big, "iso3,country\nAAA,");
    size_t k = strlen(big);
    memset(big + k, 'x', n);
    strcpy(big + k + n, "\n");
    char err[512], want[128];
    gs_dataset *d = load_str(big, NULL, err);
    snprintf(want, sizeof want, "t.csv:2:2: cell of %zu bytes; the limit is %zu", n, GS_MAX_CELL_BYTES);
    T_OK(d == NULL, "long cell rejected");
    T_STR(err, want);
    free(big);
  }
  /* the line of a record after a quoted field spanning lines */
  expect_error("iso3,country,legal\nAAA,\"two\nlines\",1\nBBB,B,x\n", "t.csv:4:3: 'x' is not a number (column 'legal')");
}

static void test_loader_good(void) {
  char err[512];
  /* BOM, CRLF, quoted comma and newline, no final newline */
  const char *text = "\xEF\xBB\xBFiso3,country,legal,technical,notes\r\n"
                     "AAA,\"Alpha, Rep. of\",1.5,2,\"a\nb\"\r\n"
                     "BBB,Beta,20,0,\r\n"
                     "CCC,Gamma,0,7e-1,x";
  gs_dataset *d = load_str(text, NULL, err);
  T_OK(d != NULL, "load failed: %s", err);
  if (!d) return;
  T_INT(d->n, 3);
  T_STR(d->key[0], "AAA");
  T_STR(d->name[0], "Alpha, Rep. of");
  T_INT(d->npillar, 2);
  T_STR(d->col[d->pillar[0]].name, "legal");
  T_NEAR(gs_dataset_pv(d, 0, 0), 1.5, 0);
  T_NEAR(gs_dataset_pv(d, 2, 1), 0.7, 1e-15);
  long notes = gs_dataset_col(d, "notes");
  T_OK(notes >= 0 && d->col[notes].type == GS_COL_TEXT, "notes is text");
  if (notes >= 0) T_STR(d->col[notes].text[0], "a\nb");
  T_INT(gs_dataset_row(d, "CCC"), 2);
  T_INT(gs_dataset_row(d, "ZZZ"), -1);
  gs_dataset *e = gs_dataset_copy(d);
  T_OK(e && e->n == 3 && strcmp(e->name[1], "Beta") == 0, "copy");
  gs_dataset_drop_pillar(e, 0);
  T_INT(e->npillar, 1);
  T_STR(e->col[e->pillar[0]].name, "technical");
  T_INT(d->npillar, 2); /* the original is untouched */
  gs_dataset_free(e);
  gs_dataset_free(d);
  gs_dataset_free(NULL);
}

/* Each numeric column records the most decimals written in it (the
 * default rank digits follow it), counted on the text: trailing zeros
 * count, an exponent shifts ("1.5e-3" is 0.0015: 4; "1.5e2" 150: 0). */
static void test_loader_decimals(void) {
  char err[512];
  const char *text = "iso3,legal,technical,v,w,notes\n"
                     "AAA,0.919,20,1.5e-3,1.5e2,x\n"
                     "BBB,1,20.0,,-2E+1,y\n"
                     "CCC,0.5,3.25,NA,0.1234567890,z\n";
  const char *na[] = {"NA"};
  gs_load_opts o = {.na = na, .nna = 1};
  gs_dataset *d = load_str(text, &o, err);
  T_OK(d != NULL, "load failed: %s", err);
  if (!d) return;
  long c;
  T_INT(d->col[c = gs_dataset_col(d, "legal")].decimals, 3);
  T_INT(gs_dataset_col_digits(d, (size_t)c), 3);
  T_INT(d->col[gs_dataset_col(d, "technical")].decimals, 2);   /* "3.25"; "20.0" has 1 */
  T_INT(d->col[gs_dataset_col(d, "v")].decimals, 4);           /* empty and NA cells do not count */
  T_INT(d->col[c = gs_dataset_col(d, "w")].decimals, 10);
  T_INT(gs_dataset_col_digits(d, (size_t)c), GS_DIGITS_MAX);   /* capped: 6 */
  T_INT(GS_DIGITS_MAX, 6);
  T_INT(gs_dataset_col_digits(d, (size_t)gs_dataset_col(d, "notes")), 0);
  T_INT(gs_dataset_score_digits(d), 3);                        /* the pillars: legal 3, technical 2 */
  gs_dataset *e = gs_dataset_copy(d);
  T_OK(e && gs_dataset_score_digits(e) == 3, "a copy keeps the precision");
  if (e) {
    gs_dataset_drop_pillar(e, 0);
    T_INT(gs_dataset_score_digits(e), 2);                      /* technical alone */
  }
  gs_dataset_free(e);
  gs_dataset_free(d);
  /* no pillars: the numeric columns' precision */
  d = load_str("iso3,rank,score\nAAA,1,0.931\nBBB,2,0.926\n", NULL, err);
  T_OK(d && d->npillar == 0 && gs_dataset_score_digits(d) == 3, "no pillars: %s", err);
  gs_dataset_free(d);
}

/* The real file: 194 rows, five pillars; values as published. */
static void test_gci2020(void) {
  char err[512];
  gs_dataset *d = gs_load_csv("data/gci2020.csv", NULL, err, sizeof err);
  T_OK(d != NULL, "%s", err);
  if (!d) return;
  T_INT(d->n, 194);
  T_INT(d->npillar, 5);
  long v = gs_dataset_row(d, "VNM");
  /* Viet Nam's profile pillars: 20, 16.31, 18.98, 19.26, 20 (SOURCES.md) */
  const double vn[] = {20, 16.31, 18.98, 19.26, 20};
  for (size_t p = 0; p < 5; p++) T_NEAR(gs_dataset_pv(d, (size_t)v, p), vn[p], 0);
  double *s = malloc(d->n * sizeof *s);
  const double w1[] = {1, 1, 1, 1, 1};
  gs_spec sp;
  gs_spec_init(&sp, w1);
  T_INT(gs_score_dataset(d, &sp, s, err, sizeof err), 0);
  T_NEAR(s[v], 94.55, 1e-9); /* 20+16.31+18.98+19.26+20 */
  sp.scale = 100;
  T_INT(gs_score_dataset(d, &sp, s, err, sizeof err), 0);
  T_NEAR(s[v], 94.55, 1e-9); /* max sum is 100: scale 100 changes nothing */
  const double w2[] = {1, 2, 1, 1, 1};
  sp.w = w2;
  T_INT(gs_score_dataset(d, &sp, s, err, sizeof err), 0);
  T_NEAR(s[v], 100 * (94.55 + 16.31) / 120, 1e-9);
  free(s);
  gs_dataset_free(d);
}

static void test_score(void) {
  const double x[] = {4, 9, 0};
  const double w[] = {1, 1, 2};
  T_NEAR(gs_score_unit(x, w, 3, GS_AGG_ARITHMETIC, 1), 13, 1e-12);
  /* geometric, offset 1: W=4, (5^(1/4) * 10^(1/4) * 1^(2/4)) = 50^(1/4) */
  T_NEAR(gs_score_unit(x, w, 3, GS_AGG_GEOMETRIC, 1), 4 * (pow(50, 0.25) - 1), 1e-12);
  /* geometric, offset 0, no zero: 4 and 9 equal weights -> 2*sqrt(36) = 12 */
  T_NEAR(gs_score_unit(x, w, 2, GS_AGG_GEOMETRIC, 0), 12, 1e-12);
  T_INT(gs_agg_parse("geometric"), GS_AGG_GEOMETRIC);
  /* one enum for every aggregation (spec.h); COINr's short names are
   * method.h's gs_m_agg_parse */
  T_INT(gs_agg_parse("median"), GS_AGG_MEDIAN);
  T_INT(gs_agg_parse("mean"), -1);
  T_STR(gs_agg_name(GS_AGG_HARMONIC), "harmonic");
  char err[256];
  gs_dataset *d = load_str("iso3,legal,technical\nA,20,20\nB,5,10\n", NULL, err);
  double s[2];
  const double neg[] = {-1, 1};
  gs_spec sp;
  gs_spec_init(&sp, neg);
  T_INT(gs_score_dataset(d, &sp, s, err, sizeof err), -1);
  T_STR(err, "weight of 'legal' must be a finite number >= 0");
  const double zero[] = {0, 0};
  sp.w = zero;
  T_INT(gs_score_dataset(d, &sp, s, err, sizeof err), -1);
  T_STR(err, "weights must not all be zero");
  const double one[] = {1, 1};
  /* geometric scaled: B = 2*(sqrt(6*11)-1), max = 2*(21-1) = 40 */
  sp.w = one;
  sp.agg = GS_AGG_GEOMETRIC;
  sp.scale = 100;
  sp.offset = 1;
  T_INT(gs_score_dataset(d, &sp, s, err, sizeof err), 0);
  T_NEAR(s[0], 100, 1e-12);
  T_NEAR(s[1], 100 * 2 * (sqrt(66) - 1) / 40, 1e-12);
  T_STR(d->name[1], "B"); /* no country column: names are the keys */
  gs_dataset_free(d);
}

/* The one scoring spec: its defaults and every refusal of its check, with
 * the message (spec.h). */
static void test_spec(void) {
  const double w[] = {1, 2, 0};
  gs_spec s;
  gs_spec_init(&s, w);
  T_OK(s.w == w && s.agg == GS_AGG_ARITHMETIC && s.scale == 0 && s.digits == 2 && s.ties == GS_TIES_DENSE,
       "defaults");
  T_NEAR(s.offset, 1, 0);
  char err[512];
  T_INT(gs_spec_check(&s, 3, err, sizeof err), 0);
  T_INT(GS_AGG_BIT(GS_AGG_GEOMETRIC), 2);
  gs_spec b = s;
  b.agg = (gs_agg)7;
  T_INT(gs_spec_check(&b, 3, err, sizeof err), -1);
  T_STR(err, "unknown aggregation 7");
  b.agg = GS_AGG_HARMONIC; /* an index node's aggregation, not a score's */
  T_INT(gs_spec_check(&b, 3, err, sizeof err), -1);
  T_STR(err, "a score of pillars is an arithmetic or geometric mean, not harmonic");
  b = s;
  b.ties = (gs_ties)9;
  T_INT(gs_spec_check(&b, 3, err, sizeof err), -1);
  T_STR(err, "unknown tie rule 9");
  b = s;
  b.digits = 13;
  T_INT(gs_spec_check(&b, 3, err, sizeof err), -1);
  T_STR(err, "digits must be at most 12, got 13");
  b = s;
  b.scale = NAN;
  T_INT(gs_spec_check(&b, 3, err, sizeof err), -1);
  T_STR(err, "scale must be a finite number");
  b = s;
  b.offset = -0.5;
  T_INT(gs_spec_check(&b, 3, err, sizeof err), -1);
  T_STR(err, "offset must be a finite number >= 0");
  const double wn[] = {1, INFINITY}, w0[] = {0, 0}, wbig[] = {1e308, 1e308};
  b = s;
  b.w = wn;
  T_INT(gs_spec_check(&b, 2, err, sizeof err), -1);
  T_STR(err, "weight 2 must be a finite number >= 0");
  b.w = w0;
  T_INT(gs_spec_check(&b, 2, err, sizeof err), -1);
  T_STR(err, "weights must not all be zero");
  b.w = wbig;
  T_INT(gs_spec_check(&b, 2, err, sizeof err), -1);
  T_STR(err, "the weights' total overflows");
  b.w = NULL;
  T_INT(gs_spec_check(&b, 2, err, sizeof err), -1);
  T_STR(err, "no weights");
  /* with a dataset: weights named by pillar, the geometric offset checked
   * against the pillars' range minima (0 here) */
  gs_dataset *d = load_str("iso3,legal,technical\nA,0,20\nB,5,10\n", NULL, err);
  T_OK(d != NULL, "%s", err);
  if (!d) return;
  const double wd[] = {1, 1}, wneg[] = {1, -1};
  gs_spec g;
  gs_spec_init(&g, wneg);
  T_INT(gs_spec_check_dataset(&g, d, err, sizeof err), -1);
  T_STR(err, "weight of 'technical' must be a finite number >= 0");
  g.w = wd;
  g.agg = GS_AGG_GEOMETRIC;
  g.offset = 0;
  T_INT(gs_spec_check_dataset(&g, d, err, sizeof err), -1);
  T_STR(err, "geometric mean needs pillar 'legal' + offset > 0; give offset > -0");
  g.offset = 0.5;
  T_INT(gs_spec_check_dataset(&g, d, err, sizeof err), 0);
  gs_dataset_free(d);
}

static void test_policy(void) {
  char err[512];
  gs_policy *p = gs_policy_new();
  T_INT(gs_policy_allow(p, "data", 0, err, sizeof err), 0);
  T_INT(gs_policy_check(p, "data/gci2020.csv", 0, err, sizeof err), 0);
  T_INT(gs_policy_check(p, "data/../data/gci2020.csv", 0, err, sizeof err), 0);
  T_INT(gs_policy_check(p, "data/../Makefile", 0, err, sizeof err), -1);
  T_CONTAINS(err, "reading refused: outside the directories allowed");
  T_INT(gs_policy_check(p, "/etc/passwd", 0, err, sizeof err), -1);
  T_INT(gs_policy_check(p, "data/x.csv", 1, err, sizeof err), -1); /* nothing writable */
  T_CONTAINS(err, "writing refused");
  T_INT(gs_policy_allow(p, "no/such/dir", 0, err, sizeof err), -1);
  gs_policy_trust(p);
  T_INT(gs_policy_check(p, "Makefile", 0, err, sizeof err), 0);
  gs_policy_free(p);
  gs_policy_free(NULL);
}

int main(void) {
  test_ties();
  test_round();
  test_loader_errors();
  test_loader_good();
  test_loader_decimals();
  test_gci2020();
  test_score();
  test_spec();
  test_policy();
  return t_done();
}
