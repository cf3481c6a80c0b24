/* argwalk.c - see argwalk.h. */
#include "argwalk.h"

#include <stdio.h>
#include <string.h>

#include "run.h"

static int is_option(gs_argstyle style, const char *a) {
  if (a[0] != '-') return 0;
  return style == GS_ARGS_DASHDASH ? a[1] == '-' : a[1] != '\0';
}

/* A callback's answer as the walk's: go on (-2), or end with this code. */
static int outcome(int rc) {
  if (rc == GS_EX_OK) return -2;
  return rc == GS_ARGWALK_STOP ? GS_EX_OK : rc;
}

int gs_argwalk_run(const gs_argwalk *w, int argc, char **argv, void *ctx, const char **operands, int *noperands) {
  int rest = 0; /* after "--": operands only */
  *noperands = 0;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    int rc;
    if (!rest && strcmp(a, "--") == 0) { rest = 1; continue; }
    if (rest || !is_option(w->style, a)) {
      if (w->max_operands >= 0 && *noperands == w->max_operands) return gs_usage_error(w->extra_operand, a);
      operands[(*noperands)++] = a;
      continue;
    }
    const gs_argopt *o = w->opts;
    while (o && o->name && strcmp(o->name, a) != 0) o++;
    if (o && o->name) {
      if (o->value && !v) return gs_usage_error("%s needs a value", a);
      if ((rc = outcome(w->option(ctx, o->id, a, o->value ? v : NULL))) != -2) return rc;
      i += o->value;
      continue;
    }
    int took = w->more ? w->more(ctx, a, v) : 0;
    if (took < 0) return GS_EX_USAGE;
    if (took) { i += took - 1; continue; }
    if (!w->who) return gs_usage_error("unknown option '%s'", a);
    char msg[96];
    snprintf(msg, sizeof msg, "%s: unknown option '%%s'", w->who);
    return gs_usage_error(msg, a);
  }
  return GS_EX_OK;
}

int gs_args_have_help(int argc, char **argv) {
  for (int i = 0; i < argc; i++)
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return 1;
  return 0;
}
