/* analysis.h - analyses of composite-index data on plain matrices (COINr
 * and Compind style): a unit's strengths and weaknesses, Cronbach's alpha,
 * principal components (LAPACK), the Mazziotta-Pareto index (MPI, AMPI).
 *
 * Every matrix is row-major, n units x k columns (X[i*k + j]); NaN means
 * missing.  Every array is caller-owned; no function keeps a pointer after
 * it returns.  Functions return GS_M_OK (0) or a negative GS_M_* status of
 * method.h (EINVAL bad argument, ENODATA not enough data, EDEGEN a column
 * without spread).  Benefit-of-the-doubt weights are in bod.h, the removal
 * of index elements in reaggregate.h. */
#ifndef GS_ANALYSIS_H
#define GS_ANALYSIS_H
#include <stddef.h>

/* ------------------------------------------- strengths and weaknesses */

/* COINr get_str_weak for unit u: the rank of u in each column j, rank =
 * 1 + #{units with a larger value} (R's rank(-x, ties = "min"), NaN for a
 * missing value), written to rank[k].  order[] receives the columns u has a
 * value in, sorted by that rank, best first (ties keep column order, as R's
 * order() does); when min_discard is set, a column where u has the worst rank
 * of that column (the largest rank any unit has) is left out, as COINr's
 * min_discard = TRUE.  *m receives the number of columns in order[] (order
 * must hold k).  Strengths are order[0..N-1], weaknesses the last N.  Needs
 * u < n; O(n k + k log k). */
int gs_a_str_weak(const double *X, size_t n, size_t k, size_t u, int min_discard, double *rank,
                  size_t *order, size_t *m);

/* --------------------------------------------------- Cronbach's alpha */

/* COINr get_cronbach: with C the k x k covariance matrix over pairwise
 * complete observations (sample covariances, k - 1 ... n - 1 denominators
 * as R's cov(use = "pairwise.complete.obs")),
 *   alpha = k^2 * mean(off-diagonal C) / sum(C)
 *         = k/(k-1) * (1 - trace(C)/sum(C)).
 * NaN entries of C (pairs with fewer than 2 common values) are left out of
 * the sums, as COINr's na.rm = TRUE.  Returns NaN when k < 2 or sum(C) is
 * 0 or NaN. */
double gs_a_cronbach(const double *X, size_t n, size_t k);

/* --------------------------------------------------------------- PCA */

/* COINr get_PCA (R's prcomp(center = TRUE, scale = TRUE)) on the units
 * whose row is complete (listwise deletion, as COINr's na.omit): the
 * eigen-decomposition of the k x k correlation matrix, by LAPACKE_dsyev.
 *   eig[k]      eigenvalues, largest first (the variances of the
 *               standardised components; they sum to k);
 *   load[k*k]   load[j*k + c] = the loading of column j on component c
 *               (unit eigenvectors); each component's sign is chosen so that
 *               its loadings sum to >= 0 (prcomp's sign is arbitrary);
 *   *n_used     the number of complete rows.
 * The first component's loadings are COINr's "PCA weights".  ENODATA if
 * fewer than 2 complete rows (or k < 1), EDEGEN if a column is constant
 * over them, ENOLIB if LAPACKE cannot be loaded (opened on first use,
 * dynlib.h). */
int gs_a_pca(const double *X, size_t n, size_t k, double *eig, double *load, size_t *n_used);

/* ------------------------------------------------ Mazziotta-Pareto index */

/* Standardises each column to mean 100 and standard deviation 10 (sample
 * sd), out = 100 + 10 (x' - mean x')/sd x' with x' = dir[j] * x (dir NULL =
 * all +1): Compind's normalise_ci(method = 2), the input ci_mpi expects.
 * EDEGEN if a column has fewer than 2 values or no spread. */
int gs_a_standardise(const double *X, size_t n, size_t k, const int *dir, double *out);

/* Compind ci_mpi on already standardised data Z: for each unit, with M_i
 * and S_i the mean and sample standard deviation (k - 1) of its k values
 * and cv_i = S_i / M_i,
 *   MPI_i = M_i (1 - sign cv_i^2) = M_i - sign S_i cv_i,
 * sign = +1 penalises unbalance (Compind penalty = "POS", for an index
 * where higher is better), -1 adds it (penalty = "NEG").  A unit with a
 * missing value gets NaN.  EINVAL for k < 2 or sign not +-1. */
int gs_a_mpi(const double *Z, size_t n, size_t k, int sign, double *out);

/* Compind ci_ampi (one period): each column is rescaled around a goalpost
 * (reference value) gp[j]: with delta_j = (max x_j - min x_j)/2,
 *   y = 70 + 60 (x - (gp - delta))/(2 delta)   (dir +1)
 *   y = 70 + 60 ((gp + delta) - x)/(2 delta)   (dir -1)
 * so the goalpost maps to 100 and the range spans 60; then, with M_i and
 * S_i the mean and population standard deviation (k) of the unit's values,
 * cv_i = S_i / M_i,  AMPI_i = M_i - sign S_i cv_i.
 * gp NULL = each column's mean.  Compind rounds to 3 decimals; this does
 * not.  EDEGEN if a column has no spread, EINVAL as gs_a_mpi. */
int gs_a_ampi(const double *X, size_t n, size_t k, const int *dir, const double *gp, int sign,
              double *out);

/* Compind ci_ampi with its `time` argument (AMPI over several periods):
 * X holds the rows of every period stacked (n rows in all), row i of
 * period[i] (0 .. np - 1).  Each indicator's Delta_j = (max - min)/2 is
 * taken over the rows of all periods together, as Compind does, so that
 * one rescaling serves every period and scores compare across periods;
 * the goalpost gp[j] (NULL = the mean of column j over the rows of period
 * `base`, the base period's average, Mazziotta and Pareto's reference) maps
 * to 100.  out[i] is row i's AMPI, computed as gs_a_ampi does.  ENODATA if
 * the base period has no value in a column (gp NULL), EINVAL for a period
 * >= np or base >= np, EDEGEN / EINVAL as gs_a_ampi.  O(n k). */
int gs_a_ampi_periods(const double *X, size_t n, size_t k, const size_t *period, size_t np, size_t base,
                      const int *dir, const double *gp, int sign, double *out);

#endif
