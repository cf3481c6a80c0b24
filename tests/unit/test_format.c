/* test_format.c - gs_format_number (format.h): the shortest of "%.15g",
 * "%.16g" and "%.17g" that reads back as the same double, integers
 * without a point.  The reference is that definition, written here with
 * snprintf and strtod; gs_format_number reaches most numbers without
 * either, so 400,000 values of several kinds are compared with it. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "harness.h"

static void reference(double v, char *buf, size_t len) {
  if (v == floor(v) && fabs(v) < 1e15) {
    snprintf(buf, len, "%.0f", v);
    if (strcmp(buf, "-0") == 0) snprintf(buf, len, "0");
    return;
  }
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(buf, len, "%.*g", prec, v);
    if (strtod(buf, NULL) == v) return;
  }
}

static const char *fmt(double v) {
  static char buf[64];
  gs_format_number(v, buf, sizeof buf);
  return buf;
}

static void by_hand(void) {
  T_STR(fmt(0.0), "0");
  T_STR(fmt(-0.0), "0");
  T_STR(fmt(3.0), "3");
  T_STR(fmt(-5.0), "-5");
  T_STR(fmt(94.91), "94.91");
  T_STR(fmt(-0.5), "-0.5");
  T_STR(fmt(0.0001), "0.0001");
  T_STR(fmt(0.00012), "0.00012");
  T_STR(fmt(0.1 + 0.2), "0.30000000000000004");   /* 17 digits */
  T_STR(fmt(10.70 + 50.12), "60.81999999999999"); /* 16 digits */
  T_STR(fmt(1e15 + 0.5), "1000000000000000.5");   /* %.15g: 1e+15, not v */
  T_STR(fmt(123456789012345.6), "123456789012345.6");
  T_STR(fmt(1e-5), "1e-05");                      /* below 1e-4: %g's exponent */
  T_STR(fmt(1e300), "1e+300");
  T_STR(fmt(ldexp(1, -20)), "9.5367431640625e-07");
}

/* Values of several kinds against the reference. */
static void matches_reference(void) {
  char a[64], b[64];
  int bad = 0;
  for (long i = 0; i < 400000; i++) {
    double v;
    uint64_t r = t_next();
    switch (i % 6) {
    case 0: /* any finite double */
      memcpy(&v, &r, sizeof v);
      if (!isfinite(v)) continue;
      break;
    case 1: /* a sum of three values with 2 decimals (a GCI score) */
      v = (double)(r % 2001) / 100.0 + (double)(r / 2001 % 2001) / 100.0 + (double)(r / 4004001 % 2001) / 100.0;
      break;
    case 2: /* up to 8 digits, any decimals, either sign */
      v = (double)(r % 100000000) / pow(10, (double)(r / 100000000 % 20)) * ((r >> 63) ? -1 : 1);
      break;
    case 3: /* 53-bit fractions of powers of two */
      v = ldexp((double)(r >> 11), -(int)(t_next() % 120));
      break;
    case 4: /* products that fall between decimals */
      v = (double)(r % 1000000) * 0.1 * 0.7 / 3.0;
      break;
    default: /* a neighbour of a short decimal */
      v = nextafter((double)(r % 100000) / 1000.0, (r >> 63) ? 1e9 : -1e9);
      break;
    }
    reference(v, a, sizeof a);
    gs_format_number(v, b, sizeof b);
    if (strcmp(a, b) != 0 && bad++ < 5) T_STR(b, a);
  }
  T_INT(bad, 0);
}

/* A buffer too small for the text: snprintf's truncation, as before. */
static void small_buffer(void) {
  char a[8], b[8];
  static const double v[] = {0.000123456, 123456.125, -1234567.5, 0.1 + 0.2};
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    reference(v[i], a, sizeof a);
    gs_format_number(v[i], b, sizeof b);
    T_STR(b, a);
  }
}

int main(void) {
  by_hand();
  matches_reference();
  small_buffer();
  return t_done();
}
