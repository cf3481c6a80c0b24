/* format.c - format names and exact number text (see format.h). */
#include "format.h"

#include <math.h>
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

void gs_format_number(double v, char *buf, size_t len) {
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
