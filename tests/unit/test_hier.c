/* test_hier.c - engine/hier.c: building, validating, loading iMeta CSV, evaluating. */
#include <stdlib.h>

#include "harness.h"
#include "hieradd.h"
#include "hier.h"

#define TOL 1e-9
static const double NA = NAN;

#ifndef ASEM_DIR
#define ASEM_DIR "data/asem"
#endif



/*        i1   i2   i3   i4   pop
 *  U1     0   10  100    1   10
 *  U2     5   20  300    3   20
 *  U3    10    0  600  NaN   20
 * i3 / pop = 10, 15, 30.  Min-max 0..100:
 *  i1: 0 50 100;  i2 (reversed): 50 0 100;  i3: 0 25 100;  i4: 0 100 NaN.
 *  P1 = (i1 + i2)/2      = 25, 25, 100
 *  P2 = (i3 + 3 i4)/4    = 0, 81.25, 100 (U3: i4 missing, i3 alone)
 *  Index = (2 P1 + P2)/3 = 50/3, 43.75, 100. */
static const char *const cols[] = {"i1", "i2", "i3", "i4", "pop"};
static const double data[] = {0, 10, 100, 1, 10,
                              5, 20, 300, 3, 20,
                              10, 0, 600, NA, 20};

static void test_small(void) {
  gs_hier *h = small_tree();
  char err[256] = "";
  T_INT(gs_h_validate(h, "small", err, sizeof err), 0);
  T_INT(gs_h_max_level(h), 3);
  T_INT(gs_h_root(h), gs_h_find(h, "Index"));
  T_INT(gs_h_count(h), 7);
  T_INT(gs_h_count_level(h, 1), 4);
  /* effective weights: i1, i2 = 2/3 * 1/2; i3 = 1/3 * 1/4; i4 = 1/3 * 3/4 */
  T_NEAR(gs_h_eff_weight(h, (size_t)gs_h_find(h, "i1")), 1.0 / 3, 1e-15);
  T_NEAR(gs_h_eff_weight(h, (size_t)gs_h_find(h, "i2")), 1.0 / 3, 1e-15);
  T_NEAR(gs_h_eff_weight(h, (size_t)gs_h_find(h, "i3")), 1.0 / 12, 1e-15);
  T_NEAR(gs_h_eff_weight(h, (size_t)gs_h_find(h, "i4")), 1.0 / 4, 1e-15);
  T_NEAR(gs_h_eff_weight(h, (size_t)gs_h_find(h, "P1")), 2.0 / 3, 1e-15);
  T_NEAR(gs_h_eff_weight(h, (size_t)gs_h_find(h, "Index")), 1, 0);
  gs_h_node_spec s;
  T_INT(gs_h_node(h, (size_t)gs_h_find(h, "i2"), &s), 0);
  T_STR(s.code, "i2"); T_STR(s.parent, "P1"); T_INT(s.direction, -1);
  T_OK(s.denominator == NULL, "NA denominator is none");
  T_INT(gs_h_node(h, 99, &s), -1);

  gs_h_data d = {3, 5, cols, data};
  gs_h_result *r = gs_h_eval(h, &d, NULL, err, sizeof err);
  T_OK(r != NULL, "eval: %s", err);
  if (r) {
    const double *i1 = gs_h_result_get(r, "i1"), *i2 = gs_h_result_get(r, "i2");
    const double *i3 = gs_h_result_get(r, "i3"), *i4 = gs_h_result_get(r, "i4");
    const double *p1 = gs_h_result_get(r, "P1"), *p2 = gs_h_result_get(r, "P2");
    const double *ix = gs_h_result_get(r, "Index");
    T_INT(gs_h_result_units(r), 3);
    T_NEAR(i1[1], 50, TOL);
    T_NEAR(i2[0], 50, TOL); T_NEAR(i2[1], 0, TOL); T_NEAR(i2[2], 100, TOL);
    T_NEAR(i3[0], 0, TOL); T_NEAR(i3[1], 25, TOL); T_NEAR(i3[2], 100, TOL);
    T_NEAR(i4[1], 100, TOL); T_OK(isnan(i4[2]), "missing stays missing");
    T_NEAR(p1[0], 25, TOL); T_NEAR(p1[1], 25, TOL); T_NEAR(p1[2], 100, TOL);
    T_NEAR(p2[0], 0, TOL); T_NEAR(p2[1], 81.25, TOL); T_NEAR(p2[2], 100, TOL);
    T_NEAR(ix[0], 50.0 / 3, TOL); T_NEAR(ix[1], 43.75, TOL); T_NEAR(ix[2], 100, TOL);
    const double *pre = gs_h_result_pre(r, "i3");
    T_NEAR(pre[1], 15, TOL);
    T_OK(gs_h_result_pre(r, "P1") == NULL, "no pre values for aggregates");
    T_OK(gs_h_result_get(r, "nope") == NULL, "unknown code");
    T_INT(gs_h_result_warnings(r, NULL), 0);
  }
  gs_h_result_free(r);

  /* no denomination: i3 = 100 300 600 -> 0 40 100; P2(U2) = (40 + 300)/4 = 85 */
  gs_h_opts o;
  gs_h_opts_default(&o);
  o.denominate = 0;
  r = gs_h_eval(h, &d, &o, err, sizeof err);
  T_OK(r != NULL, "eval: %s", err);
  if (r) T_NEAR(gs_h_result_get(r, "P2")[1], 85, TOL);
  gs_h_result_free(r);

  /* mean imputation of i4: (1 + 3)/2 = 2 -> normalised 50; P2(U3) = (100 + 150)/4 */
  gs_h_opts_default(&o);
  o.impute = 1;
  r = gs_h_eval(h, &d, &o, err, sizeof err);
  T_OK(r != NULL, "eval: %s", err);
  if (r) {
    T_NEAR(gs_h_result_get(r, "i4")[2], 50, TOL);
    T_NEAR(gs_h_result_get(r, "P2")[2], 62.5, TOL);
  }
  gs_h_result_free(r);
  gs_h_free(h);

  /* methods per node: P1 geometric (U1, U2 contain a 0 -> NaN, warnings),
   * P2 with min share 1 (U3 lacks i4 -> NaN), Index = P1 alone for U3;
   * i4 goalposts 0..4 (scale 100): 25, 75. */
  h = gs_h_new();
  gs_h_node_spec s2;
  gs_h_spec_default(&s2);
  s2.code = "Index"; s2.level = 3;
  T_INT(gs_h_add(h, &s2, err, sizeof err), 0);
  s2.code = "P1"; s2.parent = "Index"; s2.level = 2; s2.weight = 2; s2.agg = GS_AGG_GEOMETRIC;
  T_INT(gs_h_add(h, &s2, err, sizeof err), 0);
  s2.code = "P2"; s2.weight = 1; s2.agg = GS_AGG_ARITHMETIC; s2.min_share = 1;
  T_INT(gs_h_add(h, &s2, err, sizeof err), 0);
  add(h, "i1", "P1", 1, 1, 1, NULL);
  add(h, "i2", "P1", 1, 1, -1, NULL);
  add(h, "i3", "P2", 1, 1, 1, "pop");
  gs_m_norm_spec gp;
  gs_m_norm_default(GS_NORM_GOALPOSTS, &gp);
  gp.p1 = 0; gp.p2 = 4; gp.p3 = 100;
  gs_h_spec_default(&s2);
  s2.code = "i4"; s2.parent = "P2"; s2.weight = 3; s2.norm = &gp;
  T_INT(gs_h_add(h, &s2, err, sizeof err), 0);
  T_INT(gs_h_validate(h, NULL, err, sizeof err), 0);
  r = gs_h_eval(h, &d, NULL, err, sizeof err);
  T_OK(r != NULL, "eval: %s", err);
  if (r) {
    const double *i4 = gs_h_result_get(r, "i4"), *p1 = gs_h_result_get(r, "P1");
    const double *p2 = gs_h_result_get(r, "P2"), *ix = gs_h_result_get(r, "Index");
    T_NEAR(i4[0], 25, TOL); T_NEAR(i4[1], 75, TOL);
    T_OK(isnan(p1[0]) && isnan(p1[1]), "geometric mean of a 0 -> NaN");
    T_NEAR(p1[2], 100, TOL);
    T_NEAR(p2[1], (25 + 3 * 75) / 4.0, TOL);
    T_OK(isnan(p2[2]), "below min share -> NaN");
    T_NEAR(ix[2], 100, TOL);
    T_NEAR(ix[1], 62.5, TOL);
    const char *first;
    T_INT(gs_h_result_warnings(r, &first), 2);
    T_CONTAINS(first, "node 'P1', unit 1");
  }
  gs_h_result_free(r);
  gs_h_free(h);
}

static void test_copeland_node(void) {
  /* Index by Copeland over i1..i3 with weights 1 1 2 (units of test_method). */
  gs_hier *h = gs_h_new();
  gs_h_node_spec s;
  char err[256];
  gs_h_spec_default(&s);
  s.code = "Index"; s.level = 2; s.agg = GS_AGG_COPELAND;
  T_INT(gs_h_add(h, &s, err, sizeof err), 0);
  add(h, "a", "Index", 1, 1, 1, NULL);
  add(h, "b", "Index", 1, 1, 1, NULL);
  add(h, "c", "Index", 1, 2, 1, NULL);
  T_INT(gs_h_validate(h, NULL, err, sizeof err), 0);
  static const char *const cn[] = {"a", "b", "c"};
  double X[] = {1, 5, 2, 2, 3, 1, 3, 1, 3};
  gs_h_data d = {3, 3, cn, X};
  gs_h_opts o;
  gs_h_opts_default(&o);
  gs_m_norm_default(GS_NORM_RANK, &o.norm);
  gs_h_result *r = gs_h_eval(h, &d, &o, err, sizeof err);
  T_OK(r != NULL, "eval: %s", err);
  if (r) {
    const double *ix = gs_h_result_get(r, "Index");
    /* COINr a_copeland on ranks (the same order as the values): A = 1, B = .5,
     * C = 1.5 (worked in test_method.c's test_copeland) */
    T_NEAR(ix[0], 1, 1e-12); T_NEAR(ix[1], 0.5, 1e-12); T_NEAR(ix[2], 1.5, 1e-12);
  }
  gs_h_result_free(r);
  gs_h_free(h);
}

static void test_validate_errors(void) {
  char err[256];
  gs_hier *h = gs_h_new();
  gs_h_node_spec s;
  gs_h_spec_default(&s);
  s.code = "x"; s.origin = "a.lua:3:5";
  T_INT(gs_h_add(h, &s, err, sizeof err), 0);
  s.origin = "a.lua:4:5";
  T_INT(gs_h_add(h, &s, err, sizeof err), -1);
  T_STR(err, "a.lua:4:5: duplicate code 'x' (first defined at a.lua:3:5)");
  s.code = "y"; s.direction = 0;
  T_INT(gs_h_add(h, &s, err, sizeof err), -1);
  T_CONTAINS(err, "direction");
  s.direction = 1; s.weight = -1;
  T_INT(gs_h_add(h, &s, err, sizeof err), -1);
  T_CONTAINS(err, "weight");
  gs_h_free(h);

  /* undefined parent while a root exists */
  h = gs_h_new();
  add(h, "R", NULL, 2, 1, 1, NULL);
  add(h, "a", "R", 1, 1, 1, NULL);
  gs_h_spec_default(&s);
  s.code = "b"; s.parent = "Q"; s.origin = "m.lua:9:1";
  gs_h_add(h, &s, err, sizeof err);
  T_INT(gs_h_validate(h, "m.lua", err, sizeof err), -1);
  T_STR(err, "m.lua:9:1: 'b': parent 'Q' is not defined");
  gs_h_free(h);

  /* two roots */
  h = gs_h_new();
  add(h, "R", NULL, 2, 1, 1, NULL);
  add(h, "a", "R", 1, 1, 1, NULL);
  add(h, "S", NULL, 2, 1, 1, NULL);
  add(h, "b", "S", 1, 1, 1, NULL);
  T_INT(gs_h_validate(h, "m.lua", err, sizeof err), -1);
  T_CONTAINS(err, "more than one root");
  gs_h_free(h);

  /* inconsistent levels */
  h = gs_h_new();
  add(h, "R", NULL, 3, 1, 1, NULL);
  add(h, "a", "R", 1, 1, 1, NULL);
  T_INT(gs_h_validate(h, "m.lua", err, sizeof err), -1);
  T_CONTAINS(err, "'a' (level 1): its parent 'R' has level 3, not 2");
  gs_h_free(h);

  /* an aggregate without children */
  h = gs_h_new();
  add(h, "R", NULL, 2, 1, 1, NULL);
  T_INT(gs_h_validate(h, "m.lua", err, sizeof err), -1);
  T_CONTAINS(err, "has no children");
  gs_h_free(h);

  /* a cycle: no root, no undefined parent */
  h = gs_h_new();
  add(h, "a", "b", 1, 1, 1, NULL);
  add(h, "b", "a", 2, 1, 1, NULL);
  T_INT(gs_h_validate(h, "m.lua", err, sizeof err), -1);
  T_CONTAINS(err, "cycle");
  gs_h_free(h);

  /* children weights summing to 0 */
  h = gs_h_new();
  add(h, "R", NULL, 2, 1, 1, NULL);
  add(h, "a", "R", 1, 0, 1, NULL);
  T_INT(gs_h_validate(h, "m.lua", err, sizeof err), -1);
  T_CONTAINS(err, "sum to 0");
  gs_h_free(h);

  /* evaluation errors */
  h = small_tree();
  gs_h_data d = {3, 5, cols, data};
  T_OK(gs_h_eval(h, &d, NULL, err, sizeof err) == NULL, "not validated");
  T_CONTAINS(err, "not been validated");
  gs_h_validate(h, NULL, err, sizeof err);
  static const char *const cols2[] = {"i1", "i2", "i3", "i4", "people"};
  gs_h_data d2 = {3, 5, cols2, data};
  T_OK(gs_h_eval(h, &d2, NULL, err, sizeof err) == NULL, "missing denominator column");
  T_CONTAINS(err, "no denominator column 'pop'");
  static const char *const cols3[] = {"i1", "i2", "i3", "i5", "pop"};
  gs_h_data d3 = {3, 5, cols3, data};
  T_OK(gs_h_eval(h, &d3, NULL, err, sizeof err) == NULL, "missing indicator column");
  T_CONTAINS(err, "'i4': no data column");
  gs_h_free(h);
  gs_h_free(NULL);
  gs_h_result_free(NULL);
}

static void test_csv(void) {
  char err[256];
  const char *ok =
      "Level,iCode,iName,Direction,Weight,Unit,Target,Denominator,Parent,Type\n"
      "1.0,a,\"A, quoted\",1.0,1.0,x,5,NA,P,Indicator\n"
      "1.0,b,B,-1.0,3.0,x,NA,NA,P,Indicator\n"
      "2.0,P,Pillar,1.0,1.0,Score,NA,NA,Index,Aggregate\n";
  gs_hier *h = gs_h_new();
  T_INT(gs_h_load_meta_csv(h, ok, strlen(ok), "t.csv", err, sizeof err), 0);
  T_INT(gs_h_validate(h, "t.csv", err, sizeof err), 0);
  T_INT(gs_h_count(h), 4);
  long root = gs_h_root(h);
  gs_h_node_spec s;
  gs_h_node(h, (size_t)root, &s);
  T_STR(s.code, "Index"); T_INT(s.level, 3);
  gs_h_node(h, (size_t)gs_h_find(h, "a"), &s);
  T_STR(s.name, "A, quoted"); T_NEAR(s.target, 5, 0); T_STR(s.origin, "t.csv:2:5");
  gs_h_node(h, (size_t)gs_h_find(h, "b"), &s);
  T_INT(s.direction, -1); T_OK(isnan(s.target), "NA target");
  T_NEAR(gs_h_eff_weight(h, (size_t)gs_h_find(h, "b")), 0.75, 1e-15);
  gs_h_free(h);

  const char *hdr = "Level,iCode,iName,Direction,Weight,Unit,Target,Denominator,Parent,Type\n";
  struct { const char *row, *want; } bad[] = {
      {"1,a,A,2,1,x,NA,NA,P,Indicator\n", "t.csv:2:7: Direction '2' is not 1 or -1"},
      {"1.5,a,A,1,1,x,NA,NA,P,Indicator\n", "t.csv:2:1: Level '1.5' is not a positive integer"},
      {"1,a,A,1,x,x,NA,NA,P,Indicator\n", "t.csv:2:9: Weight 'x' is not a number >= 0"},
      {"2,a,A,1,1,x,NA,NA,P,Indicator\n", "t.csv:2:21: Type 'Indicator' does not match level 2"},
      {"1,a,A,1,1,x,NA,NA,P\n", "t.csv:2:1: 9 fields, but the header has 10"},
      {"1,a,\"A,1,1,x,NA,NA,P,Indicator\n", "t.csv:"},
      {"1,a,A\"b,1,1,x,NA,NA,P,Indicator\n", "CSV:"},
      {"NA,a,A,1,1,x,NA,NA,P,Gruop\n", "t.csv:2:22: unknown Type 'Gruop'"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    char text[256];
    snprintf(text, sizeof text, "%s%s", hdr, bad[i].row);
    h = gs_h_new();
    err[0] = 0;
    T_INT(gs_h_load_meta_csv(h, text, strlen(text), "t.csv", err, sizeof err), -1);
    T_CONTAINS(err, bad[i].want);
    gs_h_free(h);
  }
  /* a duplicate on line 3 names both places; a missing header column */
  const char *dup = "Level,iCode,Parent\n1,a,P\n1,a,P\n";
  h = gs_h_new();
  T_INT(gs_h_load_meta_csv(h, dup, strlen(dup), "d.csv", err, sizeof err), -1);
  T_STR(err, "d.csv:3:3: duplicate code 'a' (first defined at d.csv:2:3)");
  gs_h_free(h);
  const char *nohdr = "Level,iCode\n1,a\n";
  h = gs_h_new();
  T_INT(gs_h_load_meta_csv(h, nohdr, strlen(nohdr), "n.csv", err, sizeof err), -1);
  T_STR(err, "n.csv:1:1: missing column 'Parent' in the header");
  gs_h_free(h);
  /* two undefined parents: not an implicit root */
  const char *two = "Level,iCode,Parent\n1,a,P\n1,b,Q\n";
  h = gs_h_new();
  T_INT(gs_h_load_meta_csv(h, two, strlen(two), "two.csv", err, sizeof err), 0);
  T_INT(gs_h_validate(h, "two.csv", err, sizeof err), -1);
  T_CONTAINS(err, "two.csv:3:3: 'b': parent 'Q' is not defined");
  gs_h_free(h);
  h = gs_h_new();
  T_INT(gs_h_load_meta_file(h, "/nonexistent/x.csv", err, sizeof err), -1);
  T_CONTAINS(err, "/nonexistent/x.csv: ");
  gs_h_free(h);
}

/* Reads a whole file (caller frees), trying ASEM_DIR and then ../../ASEM_DIR. */
static char *slurp(const char *name, char *path, size_t pathlen) {
  const char *dirs[] = {ASEM_DIR, "../../" ASEM_DIR};
  for (size_t k = 0; k < 2; k++) {
    snprintf(path, pathlen, "%s/%s", dirs[k], name);
    FILE *f = fopen(path, "rb");
    if (!f) continue;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int c;
    while ((c = fgetc(f)) != EOF) {
      if (len + 2 > cap) {
        cap = cap ? 2 * cap : 1 << 16;
        char *nb = realloc(buf, cap);
        if (!nb) { free(buf); fclose(f); return NULL; }
        buf = nb;
      }
      buf[len++] = (char)c;
    }
    fclose(f);
    if (buf) buf[len] = 0;
    return buf;
  }
  return NULL;
}

static void test_asem(void) {
  char err[512], path[256];
  char *meta = slurp("ASEM_iMeta.csv", path, sizeof path);
  T_OK(meta != NULL, "cannot read %s", path);
  if (!meta) return;
  gs_hier *h = gs_h_new();
  T_INT(gs_h_load_meta_csv(h, meta, strlen(meta), path, err, sizeof err), 0);
  free(meta);
  T_INT(gs_h_validate(h, path, err, sizeof err), 0);
  T_INT(gs_h_count_level(h, 1), 49);
  T_INT(gs_h_count_level(h, 2), 8);
  T_INT(gs_h_count_level(h, 3), 2);
  T_INT(gs_h_count_level(h, 4), 1);
  T_INT(gs_h_count(h), 60);
  T_INT(gs_h_max_level(h), 4);
  gs_h_node_spec s;
  gs_h_node(h, (size_t)gs_h_root(h), &s);
  T_STR(s.code, "Index");
  double sum1 = 0, sum2 = 0;
  for (size_t i = 0; i < gs_h_count(h); i++) {
    gs_h_node(h, i, &s);
    if (s.level == 1) sum1 += gs_h_eff_weight(h, i);
    if (s.level == 2) sum2 += gs_h_eff_weight(h, i);
  }
  T_NEAR(sum1, 1, 1e-12);
  T_NEAR(sum2, 1, 1e-12);
  /* LPI: 1/2 (Conn of 2) * 1/5 (Physical of 5 pillars) * 1/8 (of 8 indicators) */
  T_NEAR(gs_h_eff_weight(h, (size_t)gs_h_find(h, "LPI")), 1.0 / 80, 1e-15);
  /* NEET: 1/2 * 1/3 (SusEcFin of 3) * 1/5 */
  T_NEAR(gs_h_eff_weight(h, (size_t)gs_h_find(h, "NEET")), 1.0 / 30, 1e-15);
  gs_h_node(h, (size_t)gs_h_find(h, "Flights"), &s);
  T_STR(s.denominator, "Population"); T_STR(s.parent, "Physical");
  gs_h_node(h, (size_t)gs_h_find(h, "Tariff"), &s);
  T_INT(s.direction, -1); T_NEAR(s.target, 0.5265, 1e-15);

  /* evaluate on ASEM_iData (no quoted fields: a plain split is enough) */
  char *text = slurp("ASEM_iData.csv", path, sizeof path);
  T_OK(text != NULL, "cannot read %s", path);
  if (!text) { gs_h_free(h); return; }
  char *names[128];
  double *X = malloc(128 * 128 * sizeof *X);
  size_t ncol = 0, nrow = 0;
  char *save = NULL;
  for (char *line = strtok_r(text, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
    size_t j = 0;
    for (char *p = line;; j++) {
      char *comma = strchr(p, ',');
      if (comma) *comma = 0;
      if (nrow == 0) names[j] = p;
      else {
        char *end;
        double v = strtod(p, &end);
        X[(nrow - 1) * 128 + j] = (end == p || *end) ? NAN : v;
      }
      if (!comma) break;
      p = comma + 1;
    }
    if (nrow == 0) ncol = j + 1;
    nrow++;
  }
  T_INT(nrow - 1, 51);
  double *Y = malloc((nrow - 1) * ncol * sizeof *Y);
  for (size_t i = 0; i + 1 < nrow; i++)
    for (size_t j = 0; j < ncol; j++) Y[i * ncol + j] = X[i * 128 + j];
  gs_h_data d = {nrow - 1, ncol, (const char *const *)names, Y};
  gs_h_result *r = gs_h_eval(h, &d, NULL, err, sizeof err);
  T_OK(r != NULL, "eval: %s", err);
  if (r) {
    const double *ix = gs_h_result_get(r, "Index"), *lpi = gs_h_result_get(r, "LPI");
    size_t ok = 0;
    for (size_t i = 0; i < d.n_units; i++) ok += ix[i] >= 0 && ix[i] <= 100;
    T_INT(ok, 51);
    /* LPI min-max by a plain loop over the raw column */
    size_t jl = 0;
    while (jl < ncol && strcmp(names[jl], "LPI") != 0) jl++;
    double mn = INFINITY, mx = -INFINITY;
    for (size_t i = 0; i < d.n_units; i++) {
      double v = Y[i * ncol + jl];
      if (!isnan(v)) { if (v < mn) mn = v; if (v > mx) mx = v; }
    }
    T_NEAR(lpi[0], (Y[jl] - mn) / (mx - mn) * 100, 1e-9);
    /* Flights is denominated by Population */
    size_t jf = 0, jp = 0;
    while (jf < ncol && strcmp(names[jf], "Flights") != 0) jf++;
    while (jp < ncol && strcmp(names[jp], "Population") != 0) jp++;
    T_NEAR(gs_h_result_pre(r, "Flights")[0], Y[jf] / Y[jp], 1e-12);
    T_INT(gs_h_result_warnings(r, NULL), 0);
  }
  gs_h_result_free(r);
  /* with treatment and imputation on, everything still evaluates */
  gs_h_opts o;
  gs_h_opts_default(&o);
  o.impute = 1;
  o.treat = 1;
  r = gs_h_eval(h, &d, &o, err, sizeof err);
  T_OK(r != NULL, "eval: %s", err);
  if (r) {
    const double *ix = gs_h_result_get(r, "Index");
    size_t ok = 0;
    for (size_t i = 0; i < d.n_units; i++) ok += !isnan(ix[i]);
    T_INT(ok, 51);
    size_t treated = 0;
    for (size_t i = 0; i < gs_h_count(h); i++) {
      gs_h_node(h, i, &s);
      const gs_m_treat_report *tr = gs_h_result_treat(r, s.code);
      if (tr) treated += (size_t)tr->treated;
    }
    T_OK(treated > 0, "some ASEM indicators need treatment");
  }
  gs_h_result_free(r);
  free(Y);
  free(X);
  free(text);
  gs_h_free(h);
}

/* Screening (U3 has 3 of 4 indicators: availability 0.75) and a custom
 * normalisation callback.  With U3 screened out, over U1, U2:
 *  i1: 0 100;  i2 (reversed): 100 0;  i3: 0 100;  i4: 0 100
 *  P1 = 50, 50;  P2 = 0, 100;  Index = (2 P1 + P2)/3 = 100/3, 200/3. */
static int cb_calls;
static int neg_cb(void *ud, const char *code, const double *x, size_t n, int dir, double *out, char *err,
                  size_t errlen) {
  (void)ud;
  cb_calls++;
  if (strcmp(code, "i4") == 0 && n == 3) { snprintf(err, errlen, "callback refuses %s", code); return -1; }
  for (size_t i = 0; i < n; i++) out[i] = dir * x[i];
  return 0;
}

static void test_screen_and_callback(void) {
  gs_hier *h = small_tree();
  char err[256] = "";
  T_INT(gs_h_validate(h, "small", err, sizeof err), 0);
  gs_h_data d = {3, 5, cols, data};
  gs_h_opts o;
  gs_h_opts_default(&o);
  o.screen = 0.8;
  gs_h_result *r = gs_h_eval(h, &d, &o, err, sizeof err);
  T_OK(r != NULL, "eval: %s", err);
  if (r) {
    T_INT(gs_h_result_n_kept(r), 2);
    T_INT(gs_h_result_kept(r)[2], 0);
    T_NEAR(gs_h_result_share(r)[0], 1, 0);
    T_NEAR(gs_h_result_share(r)[2], 0.75, 1e-15);
    const double *ix = gs_h_result_get(r, "Index");
    T_NEAR(ix[0], 100.0 / 3, TOL);
    T_NEAR(ix[1], 200.0 / 3, TOL);
    T_OK(isnan(ix[2]), "screened unit has no score");
    T_OK(isnan(gs_h_result_get(r, "i1")[2]), "screened unit has no indicator score");
    T_NEAR(gs_h_result_get(r, "i2")[0], 100, TOL);
  }
  gs_h_result_free(r);
  o.screen = 1.5;
  r = gs_h_eval(h, &d, &o, err, sizeof err);
  T_OK(r == NULL, "screen 1.5 rejected");
  T_CONTAINS(err, "screening threshold 1.5 is not in [0,1]");
  /* callback: i1..i3 get dir * x, then i4 fails (n = 3, no screening) */
  gs_h_opts_default(&o);
  o.denominate = 0;
  o.norm_fn = neg_cb;
  cb_calls = 0;
  r = gs_h_eval(h, &d, &o, err, sizeof err);
  T_OK(r == NULL, "callback failure fails the evaluation");
  T_STR(err, "callback refuses i4");
  T_INT(cb_calls, 4);
  o.screen = 0.8; /* now i4 sees 2 units and the callback accepts */
  r = gs_h_eval(h, &d, &o, err, sizeof err);
  T_OK(r != NULL, "eval: %s", err);
  if (r) {
    T_NEAR(gs_h_result_get(r, "i2")[1], -20, 0);
    /* P1 = (i1 - i2)/2: U1 (0 - 10)/2 = -5;  P2 = (i3 + 3 i4)/4: U1 (100 + 3)/4 */
    T_NEAR(gs_h_result_get(r, "P1")[0], -5, TOL);
    T_NEAR(gs_h_result_get(r, "P2")[0], 103.0 / 4, TOL);
  }
  gs_h_result_free(r);
  gs_h_free(h);
}

int main(void) {
  test_small();
  test_copeland_node();
  test_validate_errors();
  test_csv();
  test_asem();
  test_screen_and_callback();
  return t_done();
}
