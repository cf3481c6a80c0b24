/* format.c - format names, exact number text and string escaping (see
 * format.h). */
#include "format.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const fmt_names[] = {"table", "csv", "json", "md", "tsv", NULL};

int gs_format_parse(const char *name) {
  for (int i = 0; fmt_names[i]; i++)
    if (strcmp(name, fmt_names[i]) == 0) return i;
  return -1;
}

int gs_format_of_path(const char *path) {
  /* The last component only: "run.d/out" has no extension. */
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  const char *dot = strrchr(base, '.');
  if (!dot || dot == base) return -1; /* none, or a dot file such as ".csv" */
  for (int i = 0; fmt_names[i]; i++)
    if (strcasecmp(dot + 1, fmt_names[i]) == 0) return i;
  return -2;
}

gs_format gs_format_for_path(const char *path, gs_format def) {
  int f = gs_format_of_path(path);
  return f >= 0 ? (gs_format)f : def;
}

/* The digits of m (an integer below 2^53) with d of them after the
 * decimal point, after a minus sign when neg, into buf; 0 when they do not
 * fit in len. */
static int put_digits(uint64_t m, int d, int neg, char *buf, size_t len) {
  char dig[24];
  int nd = 0;
  do {
    dig[nd++] = (char)('0' + m % 10);
    m /= 10;
  } while (m);
  while (nd <= d) dig[nd++] = '0'; /* 0.00123: a zero before the point */
  size_t need = (size_t)neg + (size_t)nd + (d > 0) + 1;
  if (need > len) return 0;
  char *o = buf;
  if (neg) *o++ = '-';
  for (int i = nd - 1; i >= d; i--) *o++ = dig[i];
  if (d > 0) *o++ = '.';
  for (int i = d - 1; i >= 0; i--) *o++ = dig[i];
  *o = '\0';
  return 1;
}

void gs_format_number(double v, char *buf, size_t len) {
  static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10,
                               1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20};
  double a = fabs(v);
  int prec = 15;
  if (v == floor(v) && a < 1e15) { /* an integer: no point, and 0 for -0 */
    if (put_digits((uint64_t)a, 0, v < 0, buf, len)) return;
  } else if (a >= 1e-4 && a < 1e15) {
    /* The fewest decimals d that read back as v with at most 15
     * significant digits: what "%.15g" prints whenever it reads back (it
     * rounds v to 15 digits, and a shorter text that reads back is that
     * rounding).  m / 10^d divides two exact doubles, so it is rounded
     * once, as strtod rounds the text: the test is exact. */
    for (int d = 1; d <= 20; d++) {
      double m = floor(a * p10[d] + 0.5);
      if (m >= 1e15) { /* no text of 15 digits reads back: "%.15g" would not */
        prec = 16;
        break;
      }
      if (m / p10[d] == a) {
        if (put_digits((uint64_t)m, d, v < 0, buf, len)) return;
        break;
      }
    }
  }
  for (; prec <= 17; prec++) {
    snprintf(buf, len, "%.*g", prec, v);
    if (strtod(buf, NULL) == v) return;
  }
}

size_t gs_utf8_len(const unsigned char *s, size_t n) {
  if (s[0] < 0x80) return 1;
  size_t len;
  unsigned min;
  unsigned cp;
  if ((s[0] & 0xE0) == 0xC0) { len = 2; min = 0x80; cp = s[0] & 0x1F; }
  else if ((s[0] & 0xF0) == 0xE0) { len = 3; min = 0x800; cp = s[0] & 0x0F; }
  else if ((s[0] & 0xF8) == 0xF0) { len = 4; min = 0x10000; cp = s[0] & 0x07; }
  else return 0;
  if (len > n) return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

void gs_csv_field(FILE *f, const char *s) {
  if (!s) return;
  if (strpbrk(s, ",\"\r\n") == NULL) { fputs(s, f); return; }
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"') fputc('"', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

void gs_json_string(FILE *f, const char *s) {
  fputc('"', f);
  size_t n = strlen(s);
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') { fputc('\\', f); fputc(c, f); i++; }
    else if (c == '\n') { fputs("\\n", f); i++; }
    else if (c == '\t') { fputs("\\t", f); i++; }
    else if (c == '\r') { fputs("\\r", f); i++; }
    else if (c < 0x20) { fprintf(f, "\\u%04x", c); i++; }
    else if (c < 0x80) { fputc(c, f); i++; }
    else {
      size_t k = gs_utf8_len((const unsigned char *)s + i, n - i);
      if (!k) { fputs("\\ufffd", f); i++; continue; }
      fwrite(s + i, 1, k, f);
      i += k;
    }
  }
  fputc('"', f);
}
