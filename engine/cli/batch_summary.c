/* batch_summary.c - progress, summary files and report of `gcisim batch`
 * (see batch_summary.h). */
#include "batch_summary.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "format.h"
#include "version.h"

/* ---------- progress ---------- */


void batch_progress_show(batch_progress *p, int force) {
  if (!p->on) return;
  double t = batch_now();
  if (!force && t - p->last < 0.1) return;
  p->last = t;
  fprintf(stderr, "\rgcisim batch: %zu/%zu done, %zu failed, %zu remaining, %.1f s\033[K", p->done, p->total,
          p->failed, p->total - p->done, t - p->start);
}

void batch_progress_end(batch_progress *p) {
  if (!p->on) return;
  batch_progress_show(p, 1);
  fputc('\n', stderr);
}

/* ---------- the summaries ---------- */

/* Arguments as one manifest-syntax string (quoted where needed). */
static void args_text(FILE *f, const batch_job *j) {
  for (int k = 0; k < j->nargs; k++) {
    const char *a = j->args[k];
    if (k) fputc(' ', f);
    if (a[0] && !strpbrk(a, " \t\"\\")) { fputs(a, f); continue; }
    fputc('"', f);
    for (; *a; a++) {
      if (*a == '"' || *a == '\\') fputc('\\', f);
      fputc(*a, f);
    }
    fputc('"', f);
  }
}

/* The columns of summary.csv, and the fields of each summary.json result. */
enum { COL_ARGS = 3, COL_OUTPUT = 6, COL_WALL = 8, NCOLS = 9 };
static const char *const cols[NCOLS] = {"job", "script", "dataset", "args", "status",
                                        "message", "output", "hash", "wall_ms"};

int batch_write_summary(batch *b, const char *name, int json) {
  char path[PATH_MAX], tmp[PATH_MAX + 32];
  snprintf(path, sizeof path, "%s/%s", b->outdir, name);
  FILE *f = gs_atomic_open(path, tmp, sizeof tmp);
  if (!f) return -1;
  size_t count[ST_COUNT] = {0};
  for (size_t i = 0; i < b->n; i++) count[b->jobs[i].status]++;
  if (json) {
    fprintf(f, "{\n  \"gcisim\": ");
    gs_json_string(f, GCISIM_VERSION);
    fprintf(f, ",\n  \"format\": ");
    gs_json_string(f, b->fmt);
    fprintf(f, ",\n  \"jobs\": %zu,\n  \"ok\": %zu,\n  \"failed\": %zu,\n  \"statuses\": {", b->n, count[ST_OK],
            b->n - count[ST_OK]);
    int first = 1;
    for (int s = ST_OK; s < ST_COUNT; s++) {
      if (!count[s]) continue;
      fprintf(f, "%s\"%s\": %zu", first ? "" : ", ", batch_status_names[s], count[s]);
      first = 0;
    }
    fprintf(f, "},\n  \"results\": [");
  } else {
    for (int c = 0; c < NCOLS; c++) fprintf(f, "%s%s", c ? "," : "", cols[c]);
    fputc('\n', f);
  }
  for (size_t i = 0; i < b->n; i++) {
    const batch_job *j = &b->jobs[i];
    char hash[32], wall[32];
    snprintf(hash, sizeof hash, "%016llx", (unsigned long long)j->hash);
    const char *out = j->status == ST_OK ? batch_base_of(j->result) : "";
    int ran = j->status != ST_INTERRUPTED && j->status != ST_PENDING && !j->resumed;
    if (ran) snprintf(wall, sizeof wall, "%.1f", j->wall_ms);
    else wall[0] = '\0';
    /* one row: the columns in order; args and the JSON nulls are special */
    const char *val[NCOLS] = {j->id, j->script, j->dataset, NULL, batch_status_names[j->status], j->msg, out,
                              hash, wall};
    if (json) fprintf(f, "%s\n    {", i ? "," : "");
    for (int c = 0; c < NCOLS; c++) {
      if (json) fprintf(f, "%s\"%s\": ", c ? ", " : "", cols[c]);
      else if (c) fputc(',', f);
      if (c == COL_ARGS && json) {
        fputc('[', f);
        for (int k = 0; k < j->nargs; k++) {
          if (k) fputs(", ", f);
          gs_json_string(f, j->args[k]);
        }
        fputc(']', f);
      } else if (c == COL_ARGS) {
        char *at = NULL;
        size_t atn = 0;
        FILE *m = open_memstream(&at, &atn);
        if (m) {
          args_text(m, j);
          fclose(m);
          gs_csv_field(f, at ? at : "");
        }
        free(at);
      } else if (!json) gs_csv_field(f, val[c]);
      else if (c == COL_WALL) fputs(ran ? wall : "null", f);
      else if (c == COL_OUTPUT && !out[0]) fputs("null", f);
      else gs_json_string(f, val[c]);
    }
    fputs(json ? "}" : "\n", f);
  }
  if (json) fputs(b->n ? "\n  ]\n}\n" : "]\n}\n", f);
  return gs_atomic_commit(f, tmp, path, 1);
}

void batch_report(const batch *b, size_t ok, size_t resumed, size_t interrupted) {
  if (b->quiet) return;
  for (size_t i = 0; i < b->n; i++) {
    const batch_job *j = &b->jobs[i];
    if (j->status != ST_OK && j->status != ST_INTERRUPTED)
      fprintf(stderr, "  %s: %s: %s\n", j->id, batch_status_names[j->status], j->msg);
  }
  fprintf(stderr, "gcisim batch: %zu jobs, %zu ok (%zu kept by --resume), %zu failed", b->n, ok, resumed,
          b->n - ok - interrupted);
  if (interrupted) fprintf(stderr, ", %zu interrupted", interrupted);
  fprintf(stderr, "; summary in %s/summary.csv\n", b->outdir);
}
