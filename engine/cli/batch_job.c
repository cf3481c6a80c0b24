/* batch_job.c - the job list of `gcisim batch` (see batch_job.h): the
 * batch and its jobs, their inputs hashes (FNV-1a 64) and names, and the
 * small helpers the batch files share. */
#include "batch_job.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "version.h"

/* ---------- statuses ---------- */

const char *const batch_status_names[ST_COUNT] = {
    "pending", "ok", "script_error", "usage_error", "data_error", "timeout", "memory",
    "instructions", "output_error", "crashed", "interrupted", "output_limit"};

/* ---------- FNV-1a 64 ---------- */

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static uint64_t fnv(uint64_t h, const void *p, size_t n) {
  const unsigned char *s = p;
  for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * FNV_PRIME;
  return h;
}

static uint64_t fnv_str(uint64_t h, const char *s) { return fnv(h, s, strlen(s) + 1); /* with its NUL */ }

static uint64_t fnv_u64(uint64_t h, uint64_t v) {
  unsigned char b[8];
  for (int i = 0; i < 8; i++) b[i] = (unsigned char)(v >> (8 * i));
  return fnv(h, b, 8);
}

/* ---------- small helpers ---------- */

double batch_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

char *batch_strdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

char *batch_printf(const char *fmt, const char *a, const char *b, const char *c) {
  int n = snprintf(NULL, 0, fmt, a, b, c);
  if (n < 0) return NULL;
  char *s = malloc((size_t)n + 1);
  if (s) snprintf(s, (size_t)n + 1, fmt, a, b, c);
  return s;
}

int batch_oom(void) {
  fprintf(stderr, "gcisim batch: out of memory\n");
  return GS_EX_USAGE;
}

/* The file name without directory and without its last extension. */
static void stem_of(const char *path, char *out, size_t len) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  snprintf(out, len, "%s", base);
  char *dot = strrchr(out, '.');
  if (dot && dot != out) *dot = '\0';
}

/* Keeps [A-Za-z0-9._+=-] and turns everything else into '_'. */
static void sanitize(char *s) {
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
          c == '+' || c == '=' || c == '-'))
      *s = '_';
  }
}

int batch_err(const char *fmt, const char *a) {
  fprintf(stderr, "gcisim batch: ");
  fprintf(stderr, fmt, a);
  fprintf(stderr, "\n(gcisim batch --help for usage)\n");
  return GS_EX_USAGE;
}

int batch_strset_init(batch_strset *s, size_t n) {
  s->cap = 16;
  while (s->cap < 2 * n + 2) s->cap *= 2;
  s->slot = calloc(s->cap, sizeof *s->slot);
  return s->slot ? 0 : -1;
}

/* Returns 1 if present; with add, inserts (borrowing the string). */
int batch_strset_find(batch_strset *s, const char *k, int add) {
  size_t i = (size_t)fnv(FNV_OFFSET, k, strlen(k)) & (s->cap - 1);
  while (s->slot[i]) {
    if (strcmp(s->slot[i], k) == 0) return 1;
    i = (i + 1) & (s->cap - 1);
  }
  if (add) s->slot[i] = k;
  return 0;
}

void batch_free(batch *b) {
  if (!b) return;
  for (size_t i = 0; i < b->n; i++) {
    batch_job *j = &b->jobs[i];
    free(j->script);
    free(j->dataset);
    for (int k = 0; k < j->nargs; k++) free(j->args[k]);
    free(j->args);
    free(j->id);
    free(j->result);
    free(j->sidecar);
  }
  free(b->jobs);
  for (size_t i = 0; i < b->ndigests; i++) free(b->digests[i].path);
  free(b->digests);
}

/* Adds a job, copying its strings. */
int batch_add_job(batch *b, const char *script, const char *dataset, char *const *args, int nargs) {
  if (b->n == b->cap) {
    size_t nc = b->cap ? b->cap * 2 : 64;
    batch_job *nj = realloc(b->jobs, nc * sizeof *nj);
    if (!nj) return -1;
    b->jobs = nj;
    b->cap = nc;
  }
  batch_job *j = &b->jobs[b->n];
  memset(j, 0, sizeof *j);
  j->fd = -1;
  j->script = batch_strdup(script);
  j->dataset = batch_strdup(dataset);
  j->args = calloc((size_t)nargs + 1, sizeof *j->args);
  b->n++; /* counted now so that batch_free frees what was made */
  if (!j->script || !j->dataset || !j->args) return -1;
  for (int k = 0; k < nargs; k++) {
    if (!(j->args[k] = batch_strdup(args[k]))) return -1;
    j->nargs = k + 1;
  }
  return 0;
}

/* ---------- hashes, ids and file names ---------- */

static int file_digest_of(batch *b, const char *path, uint64_t *out) {
  for (size_t i = 0; i < b->ndigests; i++)
    if (strcmp(b->digests[i].path, path) == 0) { *out = b->digests[i].digest; return 0; }
  int fd = open(path, O_RDONLY);
  struct stat st;
  if (fd < 0) return batch_err("cannot read '%s'", path);
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) { close(fd); return batch_err("'%s' is not a regular file", path); }
  uint64_t h = FNV_OFFSET;
  unsigned char buf[65536];
  ssize_t r;
  while ((r = read(fd, buf, sizeof buf)) > 0) h = fnv(h, buf, (size_t)r);
  close(fd);
  if (r < 0) return batch_err("cannot read '%s'", path);
  if (b->ndigests == b->capdigests) {
    size_t nc = b->capdigests ? b->capdigests * 2 : 16;
    file_digest *n = realloc(b->digests, nc * sizeof *n);
    if (!n) return batch_oom();
    b->digests = n;
    b->capdigests = nc;
  }
  if (!(b->digests[b->ndigests].path = batch_strdup(path))) return batch_oom();
  b->digests[b->ndigests++].digest = h;
  *out = h;
  return 0;
}

static const char *ext_of(const char *fmt) { return strcmp(fmt, "table") == 0 ? "txt" : fmt; }

/* Hashes inputs, names each job (SCRIPT.DATASET[.ARGS], made unique in
 * job order) and its files. */
int batch_name_jobs(batch *b) {
  batch_strset ids;
  if (batch_strset_init(&ids, b->n)) return batch_oom();
  int rc = 0;
  for (size_t i = 0; i < b->n && !rc; i++) {
    batch_job *j = &b->jobs[i];
    uint64_t hs, hd;
    if ((rc = file_digest_of(b, j->script, &hs)) || (rc = file_digest_of(b, j->dataset, &hd))) break;
    uint64_t h = fnv_str(FNV_OFFSET, "gcisim-batch-1");
    h = fnv_str(h, GCISIM_VERSION);
    h = fnv_str(h, b->fmt);
    h = fnv_u64(h, hs);
    h = fnv_u64(h, hd);
    h = fnv_u64(h, (uint64_t)j->nargs);
    for (int k = 0; k < j->nargs; k++) h = fnv_str(h, j->args[k]);
    j->hash = h;
    char id[300], s1[96], s2[96], a[72];
    stem_of(j->script, s1, sizeof s1);
    stem_of(j->dataset, s2, sizeof s2);
    size_t o = 0;
    for (int k = 0; k < j->nargs && o < sizeof a - 1; k++) {
      if (k) a[o++] = '_';
      for (const char *p = j->args[k]; *p && o < sizeof a - 1; p++) a[o++] = *p;
    }
    a[o] = '\0';
    snprintf(id, sizeof id, "%s.%s%s%s", s1, s2, j->nargs ? "." : "", a);
    sanitize(id);
    size_t base = strlen(id);
    for (int k = 2; batch_strset_find(&ids, id, 0); k++) snprintf(id + base, sizeof id - base, "-%d", k);
    if (!(j->id = batch_strdup(id))) { rc = batch_oom(); break; }
    batch_strset_find(&ids, j->id, 1);
    j->result = batch_printf("%s/%s.%s", b->outdir, j->id, ext_of(b->fmt));
    j->sidecar = j->result ? batch_printf("%s%s%s", j->result, ".hash", "") : NULL;
    if (!j->result || !j->sidecar) rc = batch_oom();
  }
  free(ids.slot);
  return rc;
}

const char *batch_base_of(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}
