/* hieradd.h - for the unit tests that build an index by hand (test_hier,
 * test_unitreport): add() adds one node, printing why when it is refused
 * (gs_h_add's result); small_tree() is their shared small case. */
#ifndef GS_TEST_HIERADD_H
#define GS_TEST_HIERADD_H
#include <stdio.h>

#include "harness.h"
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

/* 4 indicators -> 2 pillars -> index ("NA": no denominator, as iMeta
 * files write it).
 *   P1 = {i1 (w1, +1), i2 (w1, -1)},  P2 = {i3 (w1, +1, / pop), i4 (w3, +1)},
 *   Index = {P1 (w2), P2 (w1)}. */
static gs_hier *small_tree(void) {
  gs_hier *h = gs_h_new();
  int rc = 0;
  rc |= add(h, "Index", NULL, 3, 1, 1, NULL);
  rc |= add(h, "P1", "Index", 2, 2, 1, NULL);
  rc |= add(h, "P2", "Index", 2, 1, 1, NULL);
  rc |= add(h, "i1", "P1", 1, 1, 1, NULL);
  rc |= add(h, "i2", "P1", 1, 1, -1, "NA");
  rc |= add(h, "i3", "P2", 1, 1, 1, "pop");
  rc |= add(h, "i4", "P2", 1, 3, 1, NULL);
  T_INT(rc, 0);
  return h;
}
#endif
