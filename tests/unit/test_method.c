/* test_method.c - engine/method.c against hand-worked values. */
#include "harness.h"
#include "method.h"

#define N(a) (sizeof(a) / sizeof *(a))
#define TOL 1e-12
static const double NA = NAN;

/* ---------- tiny independent reference: e1071 type-2 skew and kurtosis */
static void ref_sk(const double *x, size_t n, double *skew, double *kurt) {
  double m = 0, s2 = 0, s3 = 0, s4 = 0, k = (double)n;
  for (size_t i = 0; i < n; i++) m += x[i];
  m /= k;
  for (size_t i = 0; i < n; i++) {
    double d = x[i] - m;
    s2 += d * d;
    s3 += d * d * d;
    s4 += d * d * d * d;
  }
  *skew = sqrt(k) * s3 / pow(s2, 1.5) * sqrt(k * (k - 1)) / (k - 2);
  double r = k * s4 / (s2 * s2);
  *kurt = ((k + 1) * (r - 3) + 6) * (k - 1) / ((k - 2) * (k - 3));
}
static int ref_pass(const double *x, size_t n) {
  double s, k;
  ref_sk(x, n, &s, &k);
  return fabs(s) < 2 || k < 3.5;
}

static void test_stats(void) {
  /* 2,4,4,4,5,5,7,9 (+NaN): mean 5, deviations -3 -1 -1 -1 0 0 2 4:
   * s2 = 32, s3 = 42, s4 = 356 */
  double x[] = {2, 4, NA, 4, 4, 5, 5, 7, 9};
  T_NEAR(gs_m_mean(x, N(x)), 5, TOL);
  T_NEAR(gs_m_median(x, N(x)), 4.5, TOL);
  T_NEAR(gs_m_sd(x, N(x)), sqrt(32.0 / 7), TOL);
  double g = sqrt(8.0) * 42 / pow(32, 1.5) * sqrt(8.0 * 7) / 6;
  T_NEAR(gs_m_skew(x, N(x)), g, 1e-12);
  double r = 8.0 * 356 / (32.0 * 32);
  T_NEAR(gs_m_kurt(x, N(x)), ((9) * (r - 3) + 6) * 7 / (6.0 * 5), 1e-12);
  T_NEAR(gs_m_kurt(x, N(x)), 0.940625, 1e-12);
  double odd[] = {3, NA, 1, 2};
  T_NEAR(gs_m_median(odd, N(odd)), 2, TOL);
  double none[] = {NA, NA};
  T_OK(isnan(gs_m_mean(none, 2)), "mean of nothing is NaN");
  T_OK(isnan(gs_m_sd(x, 1)), "sd of one value is NaN");
  double flat[] = {3, 3, 3, 3};
  T_OK(isnan(gs_m_skew(flat, 4)), "skew of a flat column is NaN");
}

static void test_norm(void) {
  double x[] = {2, NA, 4, 10, 6}, o[5];
  T_INT(gs_m_norm_minmax(x, 5, 1, 0, 100, o), GS_M_OK);
  T_NEAR(o[0], 0, TOL); T_OK(isnan(o[1]), "NaN kept"); T_NEAR(o[2], 25, TOL);
  T_NEAR(o[3], 100, TOL); T_NEAR(o[4], 50, TOL);
  T_INT(gs_m_norm_minmax(x, 5, -1, 0, 100, o), GS_M_OK);
  T_NEAR(o[0], 100, TOL); T_OK(isnan(o[1]), "NaN kept"); T_NEAR(o[2], 75, TOL);
  T_NEAR(o[3], 0, TOL); T_NEAR(o[4], 50, TOL);
  T_INT(gs_m_norm_minmax(x, 5, 1, 1, 2, o), GS_M_OK);
  T_NEAR(o[2], 1.25, TOL);
  T_INT(gs_m_norm_minmax(x, 5, 0, 0, 100, o), GS_M_EINVAL);
  T_INT(gs_m_norm_minmax(x, 5, 1, 5, 5, o), GS_M_EINVAL);
  double flat[] = {3, NA, 3};
  T_INT(gs_m_norm_minmax(flat, 3, 1, 0, 100, o), GS_M_EDEGEN);
  T_OK(isnan(o[0]) && isnan(o[2]), "degenerate -> NaN");

  /* z-score: values 2,4,10,6: mean 5.5, squared deviations sum 35, sd sqrt(35/3) */
  double sd = sqrt(35.0 / 3);
  T_INT(gs_m_norm_zscore(x, 5, 1, 0, 1, o), GS_M_OK);
  T_NEAR(o[0], -3.5 / sd, TOL); T_OK(isnan(o[1]), "NaN kept"); T_NEAR(o[3], 4.5 / sd, TOL);
  T_INT(gs_m_norm_zscore(x, 5, -1, 10, 2, o), GS_M_OK);
  T_NEAR(o[0], 10 + 2 * 3.5 / sd, TOL); T_NEAR(o[4], 10 - 2 * 0.5 / sd, TOL);
  T_INT(gs_m_norm_zscore(x, 5, 1, 0, 0, o), GS_M_EINVAL);

  /* ranks of 3, NaN, 1, 3, 5 as R's rank(ties.method = "min") (COINr
   * n_rank): 1 -> 1, the two 3s -> 2, 5 -> 4 */
  double y[] = {3, NA, 1, 3, 5};
  T_INT(gs_m_norm_rank(y, 5, 1, o), GS_M_OK);
  T_NEAR(o[0], 2, TOL); T_OK(isnan(o[1]), "NaN kept"); T_NEAR(o[2], 1, TOL);
  T_NEAR(o[3], 2, TOL); T_NEAR(o[4], 4, TOL);
  /* reversed: -3, -1, -3, -5: -5 -> 1, the two -3s -> 2, -1 -> 4 */
  T_INT(gs_m_norm_rank(y, 5, -1, o), GS_M_OK);
  T_NEAR(o[0], 2, TOL); T_NEAR(o[2], 4, TOL); T_NEAR(o[4], 1, TOL);
  /* percentile ranks (r - 1) / (4 - 1) (COINr n_prank) */
  T_INT(gs_m_norm_prank(y, 5, 1, o), GS_M_OK);
  T_NEAR(o[0], 1.0 / 3, TOL); T_OK(isnan(o[1]), "NaN kept"); T_NEAR(o[2], 0, TOL); T_NEAR(o[4], 1, TOL);
  T_INT(gs_m_norm_prank(y, 5, -1, o), GS_M_OK);
  T_NEAR(o[2], 1, TOL); T_NEAR(o[4], 0, TOL); T_NEAR(o[3], 1.0 / 3, TOL);
  double one[] = {NA, 7};
  T_INT(gs_m_norm_prank(one, 2, 1, o), GS_M_EDEGEN);

  /* goalposts 0..10 */
  double g[] = {1, 12, -3, NA};
  T_INT(gs_m_norm_goalposts(g, 4, 1, 0, 10, 1, o), GS_M_OK);
  T_NEAR(o[0], 0.1, TOL); T_NEAR(o[1], 1, TOL); T_NEAR(o[2], 0, TOL); T_OK(isnan(o[3]), "NaN kept");
  T_INT(gs_m_norm_goalposts(g, 4, -1, 0, 10, 1, o), GS_M_OK);
  T_NEAR(o[0], 0.9, TOL); T_NEAR(o[1], 0, TOL); T_NEAR(o[2], 1, TOL); T_OK(isnan(o[3]), "NaN kept");
  T_INT(gs_m_norm_goalposts(g, 4, 1, 0, 10, 100, o), GS_M_OK);
  T_NEAR(o[0], 10, TOL);
  T_INT(gs_m_norm_goalposts(g, 4, 1, 10, 0, 1, o), GS_M_EINVAL);

  /* distance to max: 1 - (10 - x)/8 */
  T_INT(gs_m_norm_dist2max(x, 5, 1, o), GS_M_OK);
  T_NEAR(o[0], 0, TOL); T_OK(isnan(o[1]), "NaN kept"); T_NEAR(o[2], 0.25, TOL);
  T_NEAR(o[3], 1, TOL); T_NEAR(o[4], 0.5, TOL);
  T_INT(gs_m_norm_dist2max(x, 5, -1, o), GS_M_OK);
  T_NEAR(o[0], 1, TOL); T_NEAR(o[2], 0.75, TOL); T_NEAR(o[3], 0, TOL);

  /* distance to target 8: 1 - (8 - x)/(8 - 2) */
  T_INT(gs_m_norm_dist2targ(x, 5, 1, 8, 0, o), GS_M_OK);
  T_NEAR(o[0], 0, TOL); T_OK(isnan(o[1]), "NaN kept"); T_NEAR(o[2], 1.0 / 3, TOL);
  T_NEAR(o[3], 4.0 / 3, TOL); T_NEAR(o[4], 2.0 / 3, TOL);
  T_INT(gs_m_norm_dist2targ(x, 5, 1, 8, 1, o), GS_M_OK);
  T_NEAR(o[3], 1, TOL); T_NEAR(o[2], 1.0 / 3, TOL);
  /* reversed, target 3: 1 - (x - 3)/(10 - 3) */
  T_INT(gs_m_norm_dist2targ(x, 5, -1, 3, 0, o), GS_M_OK);
  T_NEAR(o[0], 8.0 / 7, TOL); T_NEAR(o[2], 6.0 / 7, TOL); T_NEAR(o[3], 0, TOL); T_NEAR(o[4], 4.0 / 7, TOL);
  T_INT(gs_m_norm_dist2targ(x, 5, -1, 3, 1, o), GS_M_OK);
  T_NEAR(o[0], 1, TOL);
  T_INT(gs_m_norm_dist2targ(x, 5, 1, NA, 1, o), GS_M_EINVAL);

  /* dispatcher and names */
  gs_m_norm_spec s;
  gs_m_norm_default(GS_NORM_MINMAX, &s);
  T_INT(gs_m_normalise(&s, x, 5, -1, o), GS_M_OK);
  T_NEAR(o[2], 75, TOL);
  T_INT(gs_m_norm_parse("dist2targ"), GS_NORM_DIST2TARG);
  T_INT(gs_m_norm_parse("bogus"), -1);
  T_STR(gs_m_norm_name(GS_NORM_PRANK), "prank");
}

static void test_agg(void) {
  double v[] = {1, 2, 3}, w[] = {1, 1, 2};
  int st = -99;
  T_NEAR(gs_m_agg_geom(v, NULL, 3, &st), cbrt(6.0), TOL);
  T_INT(st, GS_M_OK);
  T_NEAR(gs_m_agg_geom(v, w, 3, &st), pow(1.0 * 2 * 9, 0.25), TOL);
  T_NEAR(gs_m_agg_harm(v, NULL, 3, &st), 3 / (1 + 0.5 + 1.0 / 3), TOL);
  T_NEAR(gs_m_agg_harm(v, NULL, 3, &st), 18.0 / 11, TOL);
  T_NEAR(gs_m_agg_power(v, NULL, 3, -1, &st), 18.0 / 11, TOL);
  T_NEAR(gs_m_agg_power(v, w, 3, 0, &st), pow(18.0, 0.25), TOL);
  T_NEAR(gs_m_agg_power(v, NULL, 3, 2, &st), sqrt(14.0 / 3), TOL);
  T_NEAR(gs_m_agg_power(v, w, 3, 1, &st), 2.25, TOL);
  T_NEAR(gs_m_agg_arith(v, w, 3, &st), (1 + 2 + 6) / 4.0, TOL);
  T_NEAR(gs_m_agg_arith(v, NULL, 3, NULL), 2, TOL);

  /* missing values skipped with their weights */
  double vm[] = {1, NA, 3}, wm[] = {1, 5, 1};
  T_NEAR(gs_m_agg_arith(vm, wm, 3, &st), 2, TOL);
  T_NEAR(gs_m_agg_geom(vm, wm, 3, &st), sqrt(3.0), TOL);
  double vh[] = {2, NA, 4};
  T_NEAR(gs_m_agg_harm(vh, NULL, 3, &st), 8.0 / 3, TOL);
  double vn[] = {NA, NA};
  T_OK(isnan(gs_m_agg_arith(vn, NULL, 2, &st)), "all missing -> NaN");
  T_INT(st, GS_M_ENODATA);

  /* domain errors */
  double v0[] = {0, 2, 3};
  T_OK(isnan(gs_m_agg_geom(v0, NULL, 3, &st)), "geom with 0 -> NaN");
  T_INT(st, GS_M_EDOMAIN);
  /* COINr a_hmean stops at a zero only; a negative value is computed:
   * 2 / (1/-1 + 1/2) = 2 / -0.5 = -4 */
  double vneg[] = {-1, 2};
  T_NEAR(gs_m_agg_harm(vneg, NULL, 2, &st), -4, TOL);
  T_INT(st, GS_M_OK);
  T_OK(isnan(gs_m_agg_harm(v0, NULL, 3, &st)), "harm with 0 -> NaN");
  T_INT(st, GS_M_EDOMAIN);
  T_OK(isnan(gs_m_agg_power(v0, NULL, 3, -2, &st)), "power p<0 with 0 -> NaN");
  T_INT(st, GS_M_EDOMAIN);
  T_NEAR(gs_m_agg_power(v0, NULL, 3, 1, &st), 5.0 / 3, TOL); /* p > 0 accepts 0 */
  double wbad[] = {1, -1, 1};
  T_OK(isnan(gs_m_agg_arith(v, wbad, 3, &st)), "negative weight");
  T_INT(st, GS_M_EINVAL);

  /* weighted median */
  double v4[] = {1, 2, 3, 4};
  T_NEAR(gs_m_agg_median(v4, NULL, 4, &st), 2.5, TOL);
  T_NEAR(gs_m_agg_median(v, NULL, 3, &st), 2, TOL);
  T_NEAR(gs_m_agg_median(v, w, 3, &st), 2.5, TOL); /* weight up to 2 is exactly half */
  double w3[] = {1, 1, 3};
  T_NEAR(gs_m_agg_median(v, w3, 3, &st), 3, TOL);
  double vmed[] = {NA, 5, 1};
  T_NEAR(gs_m_agg_median(vmed, NULL, 3, &st), 3, TOL);

  /* minimum */
  double vmin[] = {3, NA, 1, 2}, wmin[] = {1, 1, 0, 1};
  T_NEAR(gs_m_agg_min(vmin, NULL, 4, &st), 1, TOL);
  T_NEAR(gs_m_agg_min(vmin, wmin, 4, &st), 2, TOL);

  /* minimum data share (by count): 2 of 4 available */
  double vs[] = {1, NA, NA, 4};
  T_NEAR(gs_m_share(vs, 4), 0.5, TOL);
  T_NEAR(gs_m_aggregate(GS_AGG_ARITHMETIC, 0, vs, NULL, 4, 0.5, &st), 2.5, TOL);
  T_INT(st, GS_M_OK);
  T_OK(isnan(gs_m_aggregate(GS_AGG_ARITHMETIC, 0, vs, NULL, 4, 0.6, &st)), "below min share");
  T_INT(st, GS_M_ENODATA);
  T_NEAR(gs_m_aggregate(GS_AGG_POWER, -1, v, NULL, 3, 0, &st), 18.0 / 11, TOL);
  T_NEAR(gs_m_aggregate(GS_AGG_GEOMETRIC, 0, v, NULL, 3, 0, &st), cbrt(6.0), TOL);
  T_NEAR(gs_m_aggregate(GS_AGG_MEDIAN, 0, v4, NULL, 4, 0, &st), 2.5, TOL);
  T_NEAR(gs_m_aggregate(GS_AGG_MIN, 0, v4, NULL, 4, 0, &st), 1, TOL);
  T_OK(isnan(gs_m_aggregate(GS_AGG_COPELAND, 0, v4, NULL, 4, 0, &st)), "copeland not per unit");
  T_INT(st, GS_M_EINVAL);
  T_INT(gs_m_agg_parse("harm"), GS_AGG_HARMONIC);
  T_INT(gs_m_agg_parse("mean"), GS_AGG_ARITHMETIC);
  T_INT(gs_m_agg_parse("nope"), -1);
}

static void test_copeland(void) {
  /* COINr a_copeland: weights rescaled to sum 1; o(a,b) = weight where a > b
   * + half the weight where equal; o(b,a) = 1 - o(a,b); score = row sum.
   * A = 1 5 2, B = 2 3 1, C = 3 1 3; weights 1 1 2 -> .25 .25 .5.
   * o(A,B) = .25 + .5 = .75 (ind2, ind3); o(A,C) = .25 (ind2); o(B,C) = .25.
   * A = .75 + .25 = 1, B = .25 + .25 = .5, C = .75 + .75 = 1.5. */
  double X[] = {1, 5, 2, 2, 3, 1, 3, 1, 3}, w[] = {1, 1, 2}, s[3];
  T_INT(gs_m_copeland(X, 3, 3, w, s), GS_M_OK);
  T_NEAR(s[0], 1, TOL); T_NEAR(s[1], 0.5, TOL); T_NEAR(s[2], 1.5, TOL);
  /* weights 2 1 1 -> .5 .25 .25: o(A,B) = .5, o(A,C) = .25, o(B,C) = .25:
   * A = .5 + .25 = .75, B = .5 + .25 = .75, C = .75 + .75 = 1.5. */
  double w2[] = {2, 1, 1};
  T_INT(gs_m_copeland(X, 3, 3, w2, s), GS_M_OK);
  T_NEAR(s[0], 0.75, TOL); T_NEAR(s[1], 0.75, TOL); T_NEAR(s[2], 1.5, TOL);
  /* ties count half: A = 1 2, B = 1 3 (equal weights .5 .5): o(A,B) = .25 */
  double Z[] = {1, 2, 1, 3}, sz[2];
  T_INT(gs_m_copeland(Z, 2, 2, NULL, sz), GS_M_OK);
  T_NEAR(sz[0], 0.25, TOL); T_NEAR(sz[1], 0.75, TOL);
  /* NaN comparisons are left out, and the lower triangle is 1 - upper (as
   * COINr fills it): A = 1 NaN, B = 2 0, D = NaN NaN.  o(A,B) = 0 (ind1,
   * B higher), o(A,D) = 0, o(B,D) = 0; so o(B,A) = o(D,A) = o(D,B) = 1:
   * A = 0, B = 1, D = 2. */
  double Y[] = {1, NA, 2, 0, NA, NA}, sy[3];
  T_INT(gs_m_copeland(Y, 3, 2, NULL, sy), GS_M_OK);
  T_NEAR(sy[0], 0, TOL); T_NEAR(sy[1], 1, TOL); T_NEAR(sy[2], 2, TOL);
  double wz[] = {0, 0};
  T_INT(gs_m_copeland(Z, 2, 2, wz, sz), GS_M_EINVAL);
}

static void test_impute(void) {
  /* groups: 1 = {1, 3, 8, NaN}, 2 = {10, NaN}, 3 = {5}, 4 = {NaN}.
   * overall: mean 27/5 = 5.4, median 5; group 1 mean 4, median 3; group 2:
   * 10; group 4 has no value: it stays missing (COINr i_mean_grp: the mean
   * of nothing is NaN). */
  double x[] = {1, NA, 3, 8, 10, NA, 5, NA}, o[8];
  int grp[] = {1, 1, 1, 1, 2, 2, 3, 4};
  size_t k = 0;
  T_INT(gs_m_impute(x, 8, GS_IMP_MEAN, NULL, o, &k), GS_M_OK);
  T_INT(k, 3);
  T_NEAR(o[1], 5.4, TOL); T_NEAR(o[5], 5.4, TOL); T_NEAR(o[7], 5.4, TOL); T_NEAR(o[0], 1, 0);
  T_INT(gs_m_impute(x, 8, GS_IMP_MEDIAN, NULL, o, &k), GS_M_OK);
  T_NEAR(o[1], 5, TOL); T_NEAR(o[7], 5, TOL);
  T_INT(gs_m_impute(x, 8, GS_IMP_GROUP_MEAN, grp, o, &k), GS_M_OK);
  T_NEAR(o[1], 4, TOL); T_NEAR(o[5], 10, TOL); T_OK(isnan(o[7]), "empty group stays missing");
  T_NEAR(o[3], 8, 0);
  T_INT(gs_m_impute(x, 8, GS_IMP_GROUP_MEDIAN, grp, o, &k), GS_M_OK);
  T_NEAR(o[1], 3, TOL); T_NEAR(o[5], 10, TOL); T_OK(isnan(o[7]), "empty group stays missing");
  T_INT(k, 2);
  /* a unit with no group (id < 0) is left as it is (skip_f_na) */
  int grp2[] = {1, -1, 1, 1, 2, 2, 3, 4};
  T_INT(gs_m_impute(x, 8, GS_IMP_GROUP_MEAN, grp2, o, &k), GS_M_OK);
  T_OK(isnan(o[1]), "no group: not imputed"); T_NEAR(o[5], 10, TOL); T_INT(k, 1);
  T_INT(gs_m_impute(x, 8, GS_IMP_GROUP_MEAN, NULL, o, &k), GS_M_EINVAL);
  double none[] = {NA, NA};
  T_INT(gs_m_impute(none, 2, GS_IMP_MEAN, NULL, o, &k), GS_M_ENODATA);
  T_INT(gs_m_impute_parse("group_median"), GS_IMP_GROUP_MEDIAN);

  /* availability and screening */
  double X[] = {1, NA, 3,
                NA, NA, 6,
                7, 8, 9};
  double sh[3];
  T_INT(gs_m_availability(X, 3, 3, NULL, 0, sh), GS_M_OK);
  T_NEAR(sh[0], 2.0 / 3, TOL); T_NEAR(sh[1], 1.0 / 3, TOL); T_NEAR(sh[2], 1, TOL);
  size_t cols[] = {0, 1};
  T_INT(gs_m_availability(X, 3, 3, cols, 2, sh), GS_M_OK);
  T_NEAR(sh[0], 0.5, TOL); T_NEAR(sh[1], 0, TOL); T_NEAR(sh[2], 1, TOL);
  size_t badcols[] = {3};
  T_INT(gs_m_availability(X, 3, 3, badcols, 1, sh), GS_M_EINVAL);
  double shares[] = {0.5, 0.49, 1};
  int keep[3];
  T_INT(gs_m_screen(shares, 3, 0.5, keep), 2);
  T_INT(keep[0], 1); T_INT(keep[1], 0); T_INT(keep[2], 1);
}

static void test_treat(void) {
  gs_m_treat_report r;
  double o[64];
  /* 1..10, 30, 100: fails; winsorising 100 -> 30 passes. */
  double a[12], a1[12];
  for (int i = 0; i < 10; i++) a[i] = a1[i] = i + 1;
  a[10] = a1[10] = 30; a[11] = 100; a1[11] = 30;
  T_OK(!ref_pass(a, 12), "crafted column fails the reference check");
  T_OK(ref_pass(a1, 12), "one point winsorised passes the reference check");
  T_INT(gs_m_treat(a, 12, 2, 3.5, 5, o, &r), GS_M_OK);
  T_INT(r.treated, 1); T_INT(r.n_winsorised, 1); T_INT(r.log_transformed, 0); T_INT(r.passes, 1);
  for (int i = 0; i < 12; i++) T_NEAR(o[i], a1[i], 0);
  double s, k;
  ref_sk(a, 12, &s, &k);
  T_NEAR(r.skew0, s, 1e-12); T_NEAR(r.kurt0, k, 1e-12);
  ref_sk(a1, 12, &s, &k);
  T_NEAR(r.skew1, s, 1e-12); T_NEAR(r.kurt1, k, 1e-12);

  /* mirrored (negative skew), with a missing value: the minimum is raised. */
  double b[13];
  for (int i = 0; i < 12; i++) b[i] = -a[i];
  b[12] = NA;
  T_INT(gs_m_treat(b, 13, 2, 3.5, 5, o, &r), GS_M_OK);
  T_INT(r.n_winsorised, 1); T_INT(r.passes, 1);
  T_NEAR(o[11], -30, 0); T_NEAR(o[0], -1, 0); T_OK(isnan(o[12]), "NaN kept");

  /* 1..30, 300, 1000, 2000, 3000 (COINr winsorise counts distinct points):
   * step 1 moves 3000 to 2000 (1 point at the max), step 2 the two 2000s to
   * 1000 (2), step 3 the three 1000s to 300 (3), step 4 the four 300s to 30
   * (4): one new point a step, 1, 2, 3, 4 - not 1, 3, 6, 10. */
  double c[34], cw[34];
  for (int i = 0; i < 30; i++) c[i] = cw[i] = i + 1;
  c[30] = cw[30] = 300; c[31] = 1000; c[32] = 2000; c[33] = 3000;
  cw[31] = cw[32] = cw[33] = 1000;
  T_OK(!ref_pass(cw, 34), "2 points winsorised still fails");
  cw[31] = cw[32] = cw[33] = 300;
  T_OK(!ref_pass(cw, 34), "3 points winsorised still fails");
  for (int i = 30; i < 34; i++) cw[i] = 30;
  T_OK(ref_pass(cw, 34), "4 points winsorised passes");
  /* winmax 5 (COINr's default): 4 steps, 4 points, passes */
  T_INT(gs_m_treat(c, 34, 2, 3.5, 5, o, &r), GS_M_OK);
  T_INT(r.treated, 1); T_INT(r.n_winsorised, 4); T_INT(r.log_transformed, 0); T_INT(r.passes, 1);
  for (int i = 0; i < 34; i++) T_NEAR(o[i], cw[i], 0);
  /* winmax 3: stops after 3 points, still fails, so the original is log_CT
   * transformed: ln(x - 1 + 0.01 * 2999) */
  T_INT(gs_m_treat(c, 34, 2, 3.5, 3, o, &r), GS_M_OK);
  T_INT(r.treated, 1); T_INT(r.log_transformed, 1); T_INT(r.n_winsorised, 0);
  double lc[34];
  for (int i = 0; i < 34; i++) {
    lc[i] = log(c[i] - 1 + 0.01 * 2999);
    T_NEAR(o[i], lc[i], 1e-12);
  }
  T_INT(r.passes, ref_pass(lc, 34));
  /* winmax 4: exactly enough */
  T_INT(gs_m_treat(c, 34, 2, 3.5, 4, o, &r), GS_M_OK);
  T_INT(r.n_winsorised, 4); T_INT(r.log_transformed, 0);

  /* ties at the extreme move together and can take the count past winmax
   * (COINr: nwin is checked before a step): 1..30 and 500, 500: winmax 1
   * still moves both 500s to 30 (2 points). */
  double e[32], ew[32];
  for (int i = 0; i < 30; i++) e[i] = ew[i] = i + 1;
  e[30] = e[31] = 500; ew[30] = ew[31] = 30;
  T_OK(!ref_pass(e, 32), "two tied outliers fail");
  T_OK(ref_pass(ew, 32), "moved together they pass");
  T_INT(gs_m_treat(e, 32, 2, 3.5, 1, o, &r), GS_M_OK);
  T_INT(r.n_winsorised, 2); T_INT(r.passes, 1); T_NEAR(o[31], 30, 0);

  /* no spread: skewness and kurtosis are NaN, the check is NA (R: NA | NA),
   * which is not a pass; COINr returns the column untreated */
  double f[] = {4, 4, 4, 4, 4};
  T_INT(gs_m_treat(f, 5, 2, 3.5, 5, o, &r), GS_M_OK);
  T_INT(r.treated, 0); T_INT(r.passes, 0); T_INT(r.check_na, 1); T_NEAR(o[0], 4, 0);

  /* a column that passes is untouched */
  double d[] = {1, 2, 3, 4, 5, 6};
  T_INT(gs_m_treat(d, 6, 2, 3.5, 5, o, &r), GS_M_OK);
  T_INT(r.treated, 0); T_INT(r.passes, 1); T_NEAR(o[5], 6, 0);
  T_INT(gs_m_treat(d, 6, 2, 3.5, -1, o, &r), GS_M_EINVAL);
}

static void test_tiers(void) {
  const double *t = gs_m_gci2024_tiers;
  T_INT(gs_m_tier(100, t, 4), 1);
  T_INT(gs_m_tier(95, t, 4), 1);
  T_INT(gs_m_tier(94.999, t, 4), 2);
  T_INT(gs_m_tier(85, t, 4), 2);
  T_INT(gs_m_tier(84.999, t, 4), 3);
  T_INT(gs_m_tier(55, t, 4), 3);
  T_INT(gs_m_tier(54.999, t, 4), 4);
  T_INT(gs_m_tier(20, t, 4), 4);
  T_INT(gs_m_tier(19.999, t, 4), 5);
  T_INT(gs_m_tier(0, t, 4), 5);
  T_INT(gs_m_tier(NA, t, 4), 0);
}

static void test_corr(void) {
  /* pairs (1,2) (2,4) (3,5) (4,4) (5,5); the others have a NaN.
   * Pearson: sxy 6, sxx 10, syy 6 -> 6/sqrt(60).
   * Spearman: y ranks 1 2.5 4.5 2.5 4.5: sxy 7, sxx 10, syy 9 -> 7/sqrt(90). */
  double x[] = {1, 2, NA, 3, 4, 5, 7}, y[] = {2, 4, 9, 5, 4, 5, NA};
  T_NEAR(gs_m_pearson(x, y, 7), 6 / sqrt(60.0), TOL);
  T_NEAR(gs_m_spearman(x, y, 7), 7 / sqrt(90.0), TOL);
  double u[] = {1, 2, 3}, v[] = {30, 20, 10};
  T_NEAR(gs_m_pearson(u, v, 3), -1, TOL);
  T_NEAR(gs_m_spearman(u, v, 3), -1, TOL);
  double flat[] = {1, 1, 1};
  T_OK(isnan(gs_m_pearson(u, flat, 3)), "no spread -> NaN");
  T_OK(isnan(gs_m_spearman(x, y, 1)), "one pair -> NaN");
}

int main(void) {
  test_stats();
  test_norm();
  test_agg();
  test_copeland();
  test_impute();
  test_treat();
  test_tiers();
  test_corr();
  T_STR(gs_m_strerror(GS_M_EDOMAIN), "value outside the method's domain");
  return t_done();
}
