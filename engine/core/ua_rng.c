/* ua_rng.c - the documented counter-based random streams of the
 * uncertainty analysis and the weights of a draw (see ua.h: a draw is a
 * function of (seed, draw index) only, so results do not depend on threads
 * or shards). */
#include "ua_impl.h"

uint64_t gs_ua_stream(uint64_t seed, uint64_t d) { return gs_ua_stream_init(seed, d); }
double gs_ua_uniform(uint64_t *state) { return gs_ua_stream_uniform(state); }

void gs_ua_weights_from_uniforms(const double *w, size_t k, double p, double W, const double *u,
                                 double *wp) {
  double s = 0.0;
  for (size_t i = 0; i < k; i++) {
    wp[i] = w[i] * (1.0 + p * (2.0 * u[i] - 1.0));
    s += wp[i];
  }
  double f = W / s;
  for (size_t i = 0; i < k; i++) wp[i] = wp[i] * f;
}

unsigned gs_ua_list_methods(unsigned methods, unsigned list[2]) {
  unsigned nm = 0;
  if (methods & GS_UA_ARITHMETIC) list[nm++] = GS_UA_ARITHMETIC;
  if (methods & GS_UA_GEOMETRIC) list[nm++] = GS_UA_GEOMETRIC;
  return nm;
}

unsigned gs_ua_draw(uint64_t seed, uint64_t d, size_t k, const double *w, double perturb,
                    unsigned methods, double *wout) {
  unsigned list[2] = {GS_UA_ARITHMETIC, GS_UA_GEOMETRIC};
  unsigned nm = gs_ua_list_methods(methods, list);
  if (nm == 0) nm = 1;
  double W = 0.0;
  for (size_t i = 0; i < k; i++) W += w[i];
  uint64_t st = gs_ua_stream_init(seed, d);
  double p = perturb;
  double s = 0.0;
  for (size_t i = 0; i < k; i++) {
    wout[i] = w[i] * (1.0 + p * (2.0 * gs_ua_stream_uniform(&st) - 1.0));
    s += wout[i];
  }
  double f = W / s;
  for (size_t i = 0; i < k; i++) wout[i] = wout[i] * f;
  return list[(unsigned)(gs_ua_stream_uniform(&st) * nm)];
}
