/* hieradd.h - for the unit tests that build an index by hand (test_hier,
 * test_unitreport): add one node to h, printing why when it is refused.
 * Returns gs_h_add's result. */
#ifndef GS_TEST_HIERADD_H
#define GS_TEST_HIERADD_H
#include <stdio.h>

#include "hier.h"

static int add(gs_hier *h, const char *code, const char *parent, int level, double weight, int dir,
               const char *denom) {
  gs_h_node_spec s;
  gs_h_spec_default(&s);
  s.code = code;
  s.parent = parent;
  s.level = level;
  s.weight = weight;
  s.direction = dir;
  s.denominator = denom;
  char err[256];
  int rc = gs_h_add(h, &s, err, sizeof err);
  if (rc) fprintf(stderr, "add %s: %s\n", code, err);
  return rc;
}
#endif
