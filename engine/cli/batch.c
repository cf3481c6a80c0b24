/* batch.c - `gcisim batch` (see batch.h).
 *
 * Structure: parse the options; build the job list (globs or manifest);
 * hash every input file once (FNV-1a 64) and every job's inputs; prepare
 * the output directory (remove temporaries a killed run left behind; with
 * --resume mark the jobs whose result carries the matching inputs hash);
 * then a scheduler keeps up to -j children running.  Each child calls
 * gs_run_main directly (fork without exec: a job costs a fork, not a
 * program start), with stdout on /dev/null and stderr on a pipe whose
 * first line becomes the job's message.  A SIGCHLD handler and the
 * SIGINT/SIGTERM/SIGHUP handlers write to a self-pipe, so the parent
 * sleeps in poll() and wakes as soon as a child ends or a stop is asked.
 *
 * Ownership: a batch owns its jobs, which own their strings; file digests
 * are cached in the batch.  Everything is freed by batch_free. */
#include "batch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/xattr.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "output.h"
#include "run.h"
#include "version.h"

const char gs_batch_usage[] =
    "usage: gcisim batch -o DIR (-s GLOB... -d GLOB... [-- ARGS...] | -m MANIFEST) [options]\n"
    "\n"
    "Runs every script over every dataset (or the jobs a manifest lists), each\n"
    "job in its own process under the sandbox and limits, and writes one result\n"
    "file per job plus summary.csv and summary.json into DIR.  A job's dataset is\n"
    "what gci.dataset() loads (gci.dataset_path() is its path).\n"
    "\n"
    "jobs:\n"
    "  -s, --scripts GLOB    scripts (repeatable; each glob sorted)\n"
    "  -d, --datasets GLOB   datasets (repeatable); jobs = scripts x datasets\n"
    "  -- ARGS...            arguments given to every script (arg[1], ...)\n"
    "  -m, --manifest FILE   one job a line: SCRIPT DATASET [ARG...]; fields are\n"
    "                        separated by blanks, \"quoted\" with \\\" and \\\\ escapes;\n"
    "                        lines starting with # are comments; relative paths\n"
    "                        are relative to the manifest's directory\n"
    "options:\n"
    "  -o, --out-dir DIR     where results and summaries go (created if missing)\n"
    "  -j, --jobs N          jobs run in parallel (default: all cores)\n"
    "  --format F            csv (default), json, md, tsv or table\n"
    "  --resume              skip jobs whose result exists and whose inputs\n"
    "                        (script, dataset, arguments, format, version) are unchanged\n"
    "  --quiet               no progress line and no report on stderr\n"
    "  --threads N           threads per job for uncertainty analysis (default 1)\n"
    "  --timeout S, --max-memory SIZE, --max-instructions N, --max-output SIZE,\n"
    "  --allow-read DIR\n"
    "                        limits and sandbox for every job, as for gcisim run\n"
    "\n"
    "statuses: ok, script_error, data_error, timeout, memory, instructions,\n"
    "          output_error, output_limit, usage_error, crashed, interrupted\n"
    "exit codes: 0 all jobs ok, 1 some failed, 64 usage or setup error\n";

/* ---------- statuses ---------- */

enum {
  ST_PENDING, ST_OK, ST_SCRIPT, ST_USAGE, ST_DATA, ST_TIMEOUT, ST_MEMORY,
  ST_INSTR, ST_OUTPUT, ST_CRASHED, ST_INTERRUPTED, ST_OUTLIMIT, ST_COUNT
};
static const char *const st_names[ST_COUNT] = {
    "pending", "ok", "script_error", "usage_error", "data_error", "timeout", "memory",
    "instructions", "output_error", "crashed", "interrupted", "output_limit"};

static int status_of_exit(int code) {
  switch (code) {
  case GS_EX_OK: return ST_OK;
  case GS_EX_SCRIPT: return ST_SCRIPT;
  case GS_EX_USAGE: return ST_USAGE;
  case GS_EX_DATA: return ST_DATA;
  case GS_EX_TIMEOUT: return ST_TIMEOUT;
  case GS_EX_MEMORY: return ST_MEMORY;
  case GS_EX_INSTR: return ST_INSTR;
  case GS_EX_OUTPUT: return ST_OUTPUT;
  case GS_EX_OUTLIMIT: return ST_OUTLIMIT;
  default: return ST_CRASHED;
  }
}

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

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static char *xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

static char *xprintf(const char *fmt, const char *a, const char *b, const char *c) {
  int n = snprintf(NULL, 0, fmt, a, b, c);
  if (n < 0) return NULL;
  char *s = malloc((size_t)n + 1);
  if (s) snprintf(s, (size_t)n + 1, fmt, a, b, c);
  return s;
}

static int oom(void) {
  fprintf(stderr, "gcisim batch: out of memory\n");
  return GS_EX_USAGE;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n) {
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

/* Lexically normalised path: drops "." segments and folds "x/..". */
static char *normalize_path(const char *p) {
  size_t n = strlen(p);
  char *out = malloc(n + 2);
  if (!out) return NULL;
  int abs = p[0] == '/';
  size_t o = 0;
  size_t nseg = 0; /* foldable (non-"..") segments at the end of out */
  if (abs) out[o++] = '/';
  const char *s = p;
  while (*s) {
    while (*s == '/') s++;
    if (!*s) break;
    const char *e = strchr(s, '/');
    size_t len = e ? (size_t)(e - s) : strlen(s);
    if (len == 1 && s[0] == '.') {
      /* skip */
    } else if (len == 2 && s[0] == '.' && s[1] == '.') {
      if (nseg > 0) {
        while (o > (size_t)abs && out[o - 1] != '/') o--;
        if (o > (size_t)abs) o--; /* the separator */
        nseg--;
      } else if (!abs) {
        if (o > 0) out[o++] = '/';
        memcpy(out + o, "..", 2);
        o += 2;
      }
    } else {
      if (o > (size_t)abs) out[o++] = '/';
      memcpy(out + o, s, len);
      o += len;
      nseg++;
    }
    s += len;
  }
  if (o == 0) out[o++] = '.';
  out[o] = '\0';
  return out;
}

/* A string set (open addressing) for job ids and owned file names. */
typedef struct {
  const char **slot;
  size_t cap;
} strset;

static int strset_init(strset *s, size_t n) {
  s->cap = 16;
  while (s->cap < 2 * n + 2) s->cap *= 2;
  s->slot = calloc(s->cap, sizeof *s->slot);
  return s->slot ? 0 : -1;
}

/* Returns 1 if present; with add, inserts (borrowing the string). */
static int strset_find(strset *s, const char *k, int add) {
  size_t i = (size_t)fnv(FNV_OFFSET, k, strlen(k)) & (s->cap - 1);
  while (s->slot[i]) {
    if (strcmp(s->slot[i], k) == 0) return 1;
    i = (i + 1) & (s->cap - 1);
  }
  if (add) s->slot[i] = k;
  return 0;
}

/* ---------- jobs and the batch ---------- */

typedef struct {
  char *script, *dataset; /* owned */
  char **args;            /* owned, nargs strings */
  int nargs;
  char *id;               /* owned: file-name-safe, unique */
  char *result;           /* owned: DIR/ID.EXT */
  char *sidecar;          /* owned: DIR/ID.EXT.hash */
  uint64_t hash;
  int status;
  int resumed;            /* skipped: result of an earlier run kept */
  char msg[512];          /* first line of the job's stderr (sanitised) */
  double wall_ms;
  /* while running */
  pid_t pid;
  int fd;                 /* read end of its stderr pipe, or -1 */
  double t0;
  size_t msglen;
  int msg_done;
} job;

typedef struct {
  char *path;
  uint64_t digest;
} file_digest;

typedef struct {
  /* options */
  const char *outdir;
  int njobs_parallel;
  const char *fmt;
  int resume, quiet;
  const char *threads;
  const char *timeout, *max_memory, *max_instructions;
  const char *reads[16];
  int nreads;
  const char *scripts[64], *datasets[64];
  int nscripts, ndatasets;
  const char *manifest;
  gs_run_sbopts sbo; /* the limits above, parsed, for gs_run */
  char **cargs; /* borrowed from argv: -- ARGS */
  int ncargs;
  /* jobs */
  job *jobs;
  size_t n, cap;
  file_digest *digests;
  size_t ndigests, capdigests;
} batch;

static void batch_free(batch *b) {
  if (!b) return;
  for (size_t i = 0; i < b->n; i++) {
    job *j = &b->jobs[i];
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
static int add_job(batch *b, const char *script, const char *dataset, char *const *args, int nargs) {
  if (b->n == b->cap) {
    size_t nc = b->cap ? b->cap * 2 : 64;
    job *nj = realloc(b->jobs, nc * sizeof *nj);
    if (!nj) return -1;
    b->jobs = nj;
    b->cap = nc;
  }
  job *j = &b->jobs[b->n];
  memset(j, 0, sizeof *j);
  j->fd = -1;
  j->script = xstrdup(script);
  j->dataset = xstrdup(dataset);
  j->args = calloc((size_t)nargs + 1, sizeof *j->args);
  b->n++; /* counted now so that batch_free frees what was made */
  if (!j->script || !j->dataset || !j->args) return -1;
  for (int k = 0; k < nargs; k++) {
    if (!(j->args[k] = xstrdup(args[k]))) return -1;
    j->nargs = k + 1;
  }
  return 0;
}

/* ---------- option checks (the same rules as gcisim run) ---------- */

static int check_num(const char *s) {
  double v;
  return gs_parse_number(s, &v);
}

static int check_size(const char *s) {
  size_t v;
  return gs_parse_size(s, &v);
}

static int berr(const char *fmt, const char *a) {
  fprintf(stderr, "gcisim batch: ");
  fprintf(stderr, fmt, a);
  fprintf(stderr, "\n(gcisim batch --help for usage)\n");
  return GS_EX_USAGE;
}

static int parse_opts(int argc, char **argv, batch *b) {
  b->fmt = "csv";
  b->threads = "1";
  gs_run_sbopts_init(&b->sbo);
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  b->njobs_parallel = ncpu > 0 ? (int)ncpu : 1;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define IS(s1, s2) (strcmp(a, s1) == 0 || strcmp(a, s2) == 0)
#define NEEDV() do { if (!v) return berr("%s needs a value", a); i++; } while (0)
    if (strcmp(a, "--") == 0) {
      b->cargs = argv + i + 1;
      b->ncargs = argc - i - 1;
      break;
    } else if (IS("-o", "--out-dir")) { NEEDV(); b->outdir = v; }
    else if (IS("-j", "--jobs")) {
      NEEDV();
      char *end;
      long n = strtol(v, &end, 10);
      if (end == v || *end || n < 1 || n > 1024) return berr("-j needs a number of jobs from 1 to 1024, got '%s'", v);
      b->njobs_parallel = (int)n;
    } else if (IS("-s", "--scripts")) {
      NEEDV();
      if (b->nscripts == 64) return berr("too many %s", a);
      b->scripts[b->nscripts++] = v;
    } else if (IS("-d", "--datasets")) {
      NEEDV();
      if (b->ndatasets == 64) return berr("too many %s", a);
      b->datasets[b->ndatasets++] = v;
    } else if (IS("-m", "--manifest")) { NEEDV(); b->manifest = v; }
    else if (IS("--format", "--format")) {
      NEEDV();
      if (gs_format_parse(v) < 0) return berr("unknown format '%s' (" GS_FORMAT_NAMES ")", v);
      b->fmt = v;
    } else if (IS("--resume", "--resume")) b->resume = 1;
    else if (IS("--quiet", "--quiet")) b->quiet = 1;
    else if (IS("--threads", "--threads")) {
      NEEDV();
      if (check_num(v)) return berr("--threads needs a whole number, got '%s'", v);
      b->threads = v;
    } else if (IS("--timeout", "--timeout")) {
      NEEDV();
      if (check_num(v)) return berr("--timeout needs seconds, got '%s'", v);
      b->timeout = v;
      gs_run_sbopts_parse(&b->sbo, a, v);
    } else if (IS("--max-memory", "--max-memory")) {
      NEEDV();
      if (check_size(v)) return berr("--max-memory needs a size such as 64M, got '%s'", v);
      b->max_memory = v;
      gs_run_sbopts_parse(&b->sbo, a, v);
    } else if (IS("--max-output", "--max-output")) {
      NEEDV();
      if (check_size(v)) return berr("--max-output needs a size such as 1M, got '%s'", v);
      gs_run_sbopts_parse(&b->sbo, a, v);
    } else if (IS("--max-instructions", "--max-instructions")) {
      NEEDV();
      if (check_num(v)) return berr("--max-instructions needs a number, got '%s'", v);
      b->max_instructions = v;
      gs_run_sbopts_parse(&b->sbo, a, v);
    } else if (IS("--allow-read", "--allow-read")) {
      NEEDV();
      struct stat st;
      if (stat(v, &st) != 0 || !S_ISDIR(st.st_mode)) return berr("--allow-read: '%s' is not a directory", v);
      if (b->nreads == 16) return berr("too many %s", a);
      b->reads[b->nreads++] = v;
      gs_run_sbopts_parse(&b->sbo, a, v);
    } else {
      return berr("unknown option or argument '%s'", a);
    }
#undef IS
#undef NEEDV
  }
  if (!b->outdir) return berr("batch needs an output directory (-o DIR)%s", "");
  if (b->manifest && (b->nscripts || b->ndatasets))
    return berr("give either a manifest or scripts and datasets, not both%s", "");
  if (b->manifest && b->ncargs) return berr("with a manifest, give each job's arguments in the manifest%s", "");
  if (!b->manifest && (!b->nscripts || !b->ndatasets))
    return berr("batch needs scripts and datasets (-s GLOB -d GLOB) or a manifest (-m FILE)%s", "");
  return 0;
}

/* ---------- building the job list ---------- */

/* Expands patterns (each sorted by glob) into a list without duplicates. */
static int expand(const char *const *pats, int npats, char ***out, size_t *nout) {
  *out = NULL;
  *nout = 0;
  size_t cap = 0;
  for (int p = 0; p < npats; p++) {
    glob_t g;
    int r = glob(pats[p], 0, NULL, &g);
    if (r == GLOB_NOMATCH) return berr("no file matches '%s'", pats[p]);
    if (r != 0) { globfree(&g); return r == GLOB_NOSPACE ? oom() : berr("cannot expand '%s'", pats[p]); }
    for (size_t i = 0; i < g.gl_pathc; i++) {
      int dup = 0;
      for (size_t k = 0; k < *nout && !dup; k++) dup = strcmp((*out)[k], g.gl_pathv[i]) == 0;
      if (dup) continue;
      if (*nout == cap) {
        cap = cap ? cap * 2 : 16;
        char **n = realloc(*out, cap * sizeof *n);
        if (!n) { globfree(&g); return oom(); }
        *out = n;
      }
      if (!((*out)[*nout] = xstrdup(g.gl_pathv[i]))) { globfree(&g); return oom(); }
      (*nout)++;
    }
    globfree(&g);
  }
  return 0;
}

static void free_list(char **l, size_t n) {
  for (size_t i = 0; l && i < n; i++) free(l[i]);
  free(l);
}

static int jobs_from_globs(batch *b) {
  char **sc = NULL, **ds = NULL;
  size_t nsc = 0, nds = 0;
  int rc = expand(b->scripts, b->nscripts, &sc, &nsc);
  if (!rc) rc = expand(b->datasets, b->ndatasets, &ds, &nds);
  for (size_t i = 0; !rc && i < nsc; i++)
    for (size_t k = 0; !rc && k < nds; k++)
      if (add_job(b, sc[i], ds[k], b->cargs, b->ncargs)) rc = oom();
  free_list(sc, nsc);
  free_list(ds, nds);
  return rc;
}

typedef struct {
  const char *file;
  int line;
} mpos;

static int merr(mpos p, int col, const char *msg, const char *arg) {
  fprintf(stderr, "gcisim batch: %s:%d:%d: ", p.file, p.line, col);
  fprintf(stderr, msg, arg);
  fputc('\n', stderr);
  return GS_EX_USAGE;
}

/* Column (in characters, from 1) of byte offset off in line s. */
static int col_of(const char *s, size_t off) {
  int c = 1;
  for (size_t i = 0; i < off; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80) c++;
  return c;
}

static char *resolve(const char *dir, const char *p) {
  if (p[0] == '/' || !dir[0]) return normalize_path(p);
  char *j = xprintf("%s/%s%s", dir, p, "");
  if (!j) return NULL;
  char *n = normalize_path(j);
  free(j);
  return n;
}

/* Parses one manifest line [s, s+len) into fields; returns 0, or a usage
 * error already reported. */
static int manifest_line(batch *b, mpos pos, const char *dir, const char *s, size_t len) {
  /* whole line checks: UTF-8 and control characters */
  for (size_t i = 0; i < len;) {
    unsigned char c = (unsigned char)s[i];
    if (c == 0) return merr(pos, col_of(s, i), "NUL byte%s", "");
    if ((c < 0x20 && c != '\t') || c == 0x7f) return merr(pos, col_of(s, i), "control character%s", "");
    size_t k = utf8_len((const unsigned char *)s + i, len - i);
    if (!k) return merr(pos, col_of(s, i), "invalid UTF-8%s", "");
    i += k;
  }
  size_t i = 0;
  while (i < len && (s[i] == ' ' || s[i] == '\t')) i++;
  if (i == len || s[i] == '#') return 0;
  char *fields[1024];
  int fcol[1024];
  int nf = 0, rc = 0;
  char *buf = malloc(len + 1);
  if (!buf) return oom();
  while (i < len && !rc) {
    while (i < len && (s[i] == ' ' || s[i] == '\t')) i++;
    if (i == len) break;
    if (nf == 1024) { rc = merr(pos, col_of(s, i), "too many fields%s", ""); break; }
    size_t o = 0;
    int start = col_of(s, i);
    if (s[i] == '"') {
      i++;
      int closed = 0;
      while (i < len && !rc) {
        if (s[i] == '"') { closed = 1; i++; break; }
        if (s[i] == '\\') {
          if (i + 1 < len && (s[i + 1] == '"' || s[i + 1] == '\\')) { buf[o++] = s[i + 1]; i += 2; continue; }
          rc = merr(pos, col_of(s, i), "unknown escape (only \\\" and \\\\ are escapes)%s", "");
          break;
        }
        buf[o++] = s[i++];
      }
      if (rc) break;
      if (!closed) { rc = merr(pos, start, "unterminated quote%s", ""); break; }
      if (i < len && s[i] != ' ' && s[i] != '\t') { rc = merr(pos, col_of(s, i), "expected a blank after the closing quote%s", ""); break; }
    } else {
      while (i < len && s[i] != ' ' && s[i] != '\t') {
        if (s[i] == '"') { rc = merr(pos, col_of(s, i), "quote inside an unquoted field (quote the whole field)%s", ""); break; }
        buf[o++] = s[i++];
      }
      if (rc) break;
    }
    buf[o] = '\0';
    if (!(fields[nf] = xstrdup(buf))) { rc = oom(); break; }
    fcol[nf++] = start;
  }
  free(buf);
  if (!rc && nf < 2) rc = merr(pos, col_of(s, len), "expected a dataset after the script (SCRIPT DATASET [ARG...])%s", "");
  char *paths[2] = {NULL, NULL};
  for (int f = 0; f < 2 && !rc; f++) {
    if (!fields[f][0]) { rc = merr(pos, fcol[f], "empty %s path", f ? "dataset" : "script"); break; }
    if (!(paths[f] = resolve(dir, fields[f]))) { rc = oom(); break; }
    struct stat st;
    if (stat(paths[f], &st) != 0) {
      fprintf(stderr, "gcisim batch: %s:%d:%d: cannot read %s '%s': %s\n", pos.file, pos.line, fcol[f],
              f ? "dataset" : "script", paths[f], strerror(errno));
      rc = GS_EX_USAGE;
    } else if (!S_ISREG(st.st_mode)) {
      fprintf(stderr, "gcisim batch: %s:%d:%d: %s '%s' is not a regular file\n", pos.file, pos.line, fcol[f],
              f ? "dataset" : "script", paths[f]);
      rc = GS_EX_USAGE;
    }
  }
  if (!rc && add_job(b, paths[0], paths[1], fields + 2, nf - 2)) rc = oom();
  free(paths[0]);
  free(paths[1]);
  for (int f = 0; f < nf; f++) free(fields[f]);
  return rc;
}

static int jobs_from_manifest(batch *b) {
  FILE *f = fopen(b->manifest, "rb");
  if (!f) {
    fprintf(stderr, "gcisim batch: cannot read the manifest '%s': %s\n", b->manifest, strerror(errno));
    return GS_EX_USAGE;
  }
  char *text = NULL;
  size_t len = 0, cap = 0;
  for (;;) {
    if (len + 65536 > cap) {
      cap = cap ? cap * 2 : 65536 * 2;
      char *n = realloc(text, cap);
      if (!n) { free(text); fclose(f); return oom(); }
      text = n;
    }
    size_t r = fread(text + len, 1, cap - len, f);
    len += r;
    if (r == 0) break;
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) { free(text); return berr("cannot read the manifest '%s'", b->manifest); }
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s", b->manifest);
  char *slash = strrchr(dir, '/');
  if (slash) slash == dir ? (void)(dir[1] = '\0') : (void)(*slash = '\0');
  else dir[0] = '\0';
  mpos pos = {b->manifest, 0};
  int rc = 0;
  size_t p = 0;
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) p = 3; /* a BOM */
  while (p < len && !rc) {
    pos.line++;
    size_t e = p;
    while (e < len && text[e] != '\n') e++;
    size_t l = e - p;
    if (l > 0 && text[p + l - 1] == '\r') l--;
    rc = manifest_line(b, pos, dir, text + p, l);
    p = e + 1;
  }
  free(text);
  if (!rc && b->n == 0) rc = berr("the manifest '%s' lists no jobs (one a line: SCRIPT DATASET [ARG...])", b->manifest);
  return rc;
}

/* ---------- hashes, ids and file names ---------- */

static int file_digest_of(batch *b, const char *path, uint64_t *out) {
  for (size_t i = 0; i < b->ndigests; i++)
    if (strcmp(b->digests[i].path, path) == 0) { *out = b->digests[i].digest; return 0; }
  int fd = open(path, O_RDONLY);
  struct stat st;
  if (fd < 0) return berr("cannot read '%s'", path);
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) { close(fd); return berr("'%s' is not a regular file", path); }
  uint64_t h = FNV_OFFSET;
  unsigned char buf[65536];
  ssize_t r;
  while ((r = read(fd, buf, sizeof buf)) > 0) h = fnv(h, buf, (size_t)r);
  close(fd);
  if (r < 0) return berr("cannot read '%s'", path);
  if (b->ndigests == b->capdigests) {
    size_t nc = b->capdigests ? b->capdigests * 2 : 16;
    file_digest *n = realloc(b->digests, nc * sizeof *n);
    if (!n) return oom();
    b->digests = n;
    b->capdigests = nc;
  }
  if (!(b->digests[b->ndigests].path = xstrdup(path))) return oom();
  b->digests[b->ndigests++].digest = h;
  *out = h;
  return 0;
}

static const char *ext_of(const char *fmt) { return strcmp(fmt, "table") == 0 ? "txt" : fmt; }

/* Hashes inputs, names each job (SCRIPT.DATASET[.ARGS], made unique in
 * job order) and its files. */
static int name_jobs(batch *b) {
  strset ids;
  if (strset_init(&ids, b->n)) return oom();
  int rc = 0;
  for (size_t i = 0; i < b->n && !rc; i++) {
    job *j = &b->jobs[i];
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
    for (int k = 2; strset_find(&ids, id, 0); k++) snprintf(id + base, sizeof id - base, "-%d", k);
    if (!(j->id = xstrdup(id))) { rc = oom(); break; }
    strset_find(&ids, j->id, 1);
    j->result = xprintf("%s/%s.%s", b->outdir, j->id, ext_of(b->fmt));
    j->sidecar = j->result ? xprintf("%s%s%s", j->result, ".hash", "") : NULL;
    if (!j->result || !j->sidecar) rc = oom();
  }
  free(ids.slot);
  return rc;
}

/* ---------- the output directory ---------- */

static int mkdir_p(const char *dir) {
  char p[PATH_MAX];
  if (snprintf(p, sizeof p, "%s", dir) >= (int)sizeof p) { errno = ENAMETOOLONG; return -1; }
  for (char *s = p + 1; *s; s++) {
    if (*s != '/') continue;
    *s = '\0';
    if (mkdir(p, 0777) != 0 && errno != EEXIST) return -1;
    *s = '/';
  }
  if (mkdir(p, 0777) != 0 && errno != EEXIST) return -1;
  struct stat st;
  if (stat(p, &st) != 0) return -1;
  if (!S_ISDIR(st.st_mode)) { errno = ENOTDIR; return -1; }
  return 0;
}

static const char *base_of(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

/* Removes NAME.tmp.XXXXXX files that a killed run left, for the files this
 * batch owns (results, sidecars, summaries); other files are not touched. */
static int clean_temporaries(batch *b) {
  strset own;
  if (strset_init(&own, b->n + 2)) return oom();
  for (size_t i = 0; i < b->n; i++) strset_find(&own, base_of(b->jobs[i].result), 1);
  strset_find(&own, "summary.csv", 1);
  strset_find(&own, "summary.json", 1);
  DIR *d = opendir(b->outdir);
  if (!d) { free(own.slot); return berr("cannot read the output directory: %s", strerror(errno)); }
  struct dirent *e;
  char name[NAME_MAX + 1], path[PATH_MAX];
  while ((e = readdir(d))) {
    const char *t = strstr(e->d_name, ".tmp.");
    if (!t) continue;
    while (strstr(t + 1, ".tmp.")) t = strstr(t + 1, ".tmp.");
    if (strlen(t + 5) != 6) continue;
    size_t k = (size_t)(t - e->d_name);
    memcpy(name, e->d_name, k);
    name[k] = '\0';
    if (k > 5 && strcmp(name + k - 5, ".hash") == 0) name[k - 5] = '\0';
    if (!strset_find(&own, name, 0)) continue;
    snprintf(path, sizeof path, "%s/%s", b->outdir, e->d_name);
    unlink(path);
  }
  closedir(d);
  free(own.slot);
  return 0;
}

/* A finished job's inputs hash lives in an extended attribute of its result
 * (user.gcisim.hash): no second file per job, which halves the files a
 * batch creates (creating files dominated the cost of small jobs).  Where
 * the file system has no extended attributes, a .hash sidecar file holds it. */
#define HASH_XATTR "user.gcisim.hash"

static int sidecar_matches(const job *j) {
  char want[32], got[40];
  snprintf(want, sizeof want, "%016llx\n", (unsigned long long)j->hash);
  ssize_t x = getxattr(j->result, HASH_XATTR, got, sizeof got - 1);
  if (x >= 0) {
    got[x] = '\0';
    return strcmp(got, want) == 0;
  }
  int fd = open(j->sidecar, O_RDONLY);
  if (fd < 0) return 0;
  ssize_t r = read(fd, got, sizeof got - 1);
  close(fd);
  if (r < 0) return 0;
  got[r] = '\0';
  struct stat st;
  return strcmp(got, want) == 0 && stat(j->result, &st) == 0 && S_ISREG(st.st_mode);
}

/* Removes the temporaries of a job that was killed. */
static void remove_job_temporaries(const job *j) {
  const char *files[2] = {j->result, j->sidecar};
  for (int f = 0; f < 2; f++) {
    char pat[PATH_MAX + 16];
    snprintf(pat, sizeof pat, "%s.tmp.??????", files[f]);
    glob_t g;
    if (glob(pat, GLOB_NOESCAPE, NULL, &g) == 0)
      for (size_t i = 0; i < g.gl_pathc; i++) unlink(g.gl_pathv[i]);
    globfree(&g);
  }
}

/* ---------- signals ---------- */

static int self_pipe[2] = {-1, -1};
static volatile sig_atomic_t stop_sig;

static void wake(void) {
  int e = errno;
  ssize_t r = write(self_pipe[1], "x", 1);
  (void)r;
  errno = e;
}

static void on_stop(int sig) {
  if (!stop_sig) stop_sig = sig;
  wake();
}

static void on_child(int sig) {
  (void)sig;
  wake();
}

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};

static void set_handlers(int install) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  for (size_t i = 0; i < sizeof stop_signals / sizeof *stop_signals; i++) {
    sa.sa_handler = install ? on_stop : SIG_DFL;
    sigaction(stop_signals[i], &sa, NULL);
  }
  sa.sa_handler = install ? on_child : SIG_DFL;
  sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
  sigaction(SIGCHLD, &sa, NULL);
  sa.sa_handler = install ? SIG_IGN : SIG_DFL;
  sa.sa_flags = 0;
  sigaction(SIGPIPE, &sa, NULL);
}

/* ---------- running a job ---------- */

/* In the child: run the job and _exit with gs_run_main's code. */
static void child_main(batch *b, job *j, int errfd, int devnull, job *const *live) {
  set_handlers(0);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  close(self_pipe[0]);
  close(self_pipe[1]);
  for (int i = 0; i < b->njobs_parallel; i++) /* the other jobs' pipes */
    if (live[i] && live[i]->fd >= 0) close(live[i]->fd);
  if (dup2(devnull, 1) < 0 || dup2(errfd, 2) < 0) _exit(GS_EX_OUTPUT);
  close(devnull);
  close(errfd);
  /* The job as data (run.h): no argv is built from the manifest's fields,
   * so a field such as "--trusted" is a file name and nothing else
   * (tests/escapes/batch_option_injection.lua). */
  gs_run_opts ro;
  memset(&ro, 0, sizeof ro);
  ro.script = j->script;
  ro.args = j->args;
  ro.nargs = j->nargs;
  ro.dataset = j->dataset;
  ro.out = j->result;
  ro.fmt = (gs_format)gs_format_parse(b->fmt);
  ro.quiet = 1;
  ro.no_sync = 1; /* a killed job still leaves no half file; fsync per job cost ~1 ms */
  double th = 1;
  gs_parse_number(b->threads, &th);
  ro.threads = (int)th;
  ro.sbo = b->sbo;
  int rc = gs_run(&ro);
  if (rc == GS_EX_OK) {
    /* The hash, written after the result: both there = job done. */
    char hex[32];
    int k = snprintf(hex, sizeof hex, "%016llx\n", (unsigned long long)j->hash);
    char tmp[PATH_MAX + 32];
    FILE *f = setxattr(j->result, HASH_XATTR, hex, (size_t)k, 0) == 0 ? NULL
                                                                      : gs_atomic_open(j->sidecar, tmp, sizeof tmp);
    if (f) {
      fprintf(f, "%016llx\n", (unsigned long long)j->hash);
      if (fclose(f) != 0 || rename(tmp, j->sidecar) != 0) unlink(tmp);
    }
  }
  fflush(stdout);
  fflush(stderr);
  _exit(rc);
}

static int start_job(batch *b, job *j, int devnull, job *const *live) {
  unlink(j->sidecar); /* no longer a valid record of this job */
  unlink(j->result);
  int p[2];
  if (pipe(p) != 0) return -1;
  fcntl(p[0], F_SETFD, FD_CLOEXEC);
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &old);
  fflush(NULL);
  j->t0 = now_s();
  pid_t pid = fork();
  if (pid == 0) {
    close(p[0]);
    child_main(b, j, p[1], devnull, live);
  }
  int e = errno;
  sigprocmask(SIG_SETMASK, &old, NULL);
  close(p[1]);
  if (pid < 0) { close(p[0]); errno = e; return -1; }
  fcntl(p[0], F_SETFL, O_NONBLOCK);
  j->pid = pid;
  j->fd = p[0];
  j->msglen = 0;
  j->msg_done = 0;
  j->msg[0] = '\0';
  return 0;
}

/* Reads what is available of a job's stderr, keeping the first line.
 * Returns 0 at end of file, 1 otherwise. */
static int read_stderr(job *j) {
  char buf[4096];
  for (;;) {
    ssize_t r = read(j->fd, buf, sizeof buf);
    if (r == 0) return 0;
    if (r < 0) return errno == EINTR ? 1 : (errno == EAGAIN || errno == EWOULDBLOCK) ? 1 : 0;
    for (ssize_t i = 0; i < r && !j->msg_done; i++) {
      if (buf[i] == '\n') { j->msg_done = 1; break; }
      if (j->msglen < sizeof j->msg - 1) j->msg[j->msglen++] = buf[i];
    }
    j->msg[j->msglen] = '\0';
  }
}

/* Makes a message valid UTF-8 without control characters. */
static void clean_msg(char *m) {
  size_t n = strlen(m), o = 0;
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)m[i];
    size_t k = utf8_len((unsigned char *)m + i, n - i);
    if (!k) { m[o++] = '?'; i++; continue; }
    if (c < 0x20 || c == 0x7f) { m[o++] = ' '; i++; continue; }
    memmove(m + o, m + i, k);
    o += k;
    i += k;
  }
  while (o > 0 && m[o - 1] == ' ') o--;
  m[o] = '\0';
}

static void finish_job(job *j, int ws) {
  j->wall_ms = (now_s() - j->t0) * 1000.0;
  if (j->fd >= 0) {
    /* The child is gone: the rest of the pipe reads to end of file. */
    fcntl(j->fd, F_SETFL, 0);
    while (read_stderr(j)) {}
    close(j->fd);
    j->fd = -1;
  }
  j->pid = 0;
  clean_msg(j->msg);
  if (WIFSIGNALED(ws)) {
    int sig = WTERMSIG(ws);
    if (sidecar_matches(j)) {
      /* Killed after it wrote its result and sidecar: the job is done. */
      j->status = ST_OK;
      j->msg[0] = '\0';
    } else if (stop_sig) {
      j->status = ST_INTERRUPTED;
      snprintf(j->msg, sizeof j->msg, "interrupted (batch stopped by signal %d)", (int)stop_sig);
    } else {
      j->status = ST_CRASHED;
      const char *name = strsignal(sig);
      snprintf(j->msg, sizeof j->msg, "killed by signal %d (%s)", sig, name ? name : "?");
    }
    remove_job_temporaries(j);
    return;
  }
  int code = WIFEXITED(ws) ? WEXITSTATUS(ws) : 255;
  j->status = status_of_exit(code);
  if (j->status == ST_OK) { j->msg[0] = '\0'; return; }
  if (j->status == ST_CRASHED || !j->msg[0]) {
    char m[sizeof j->msg];
    snprintf(m, sizeof m, "exit code %d%s%.400s", code, j->msg[0] ? ": " : "", j->msg);
    memcpy(j->msg, m, sizeof m);
  }
}

/* ---------- progress ---------- */

typedef struct {
  int on;
  double start, last;
  size_t total, done, failed;
} progress;

static void progress_show(progress *p, int force) {
  if (!p->on) return;
  double t = now_s();
  if (!force && t - p->last < 0.1) return;
  p->last = t;
  fprintf(stderr, "\rgcisim batch: %zu/%zu done, %zu failed, %zu remaining, %.1f s\033[K", p->done, p->total,
          p->failed, p->total - p->done, t - p->start);
}

static void progress_end(progress *p) {
  if (!p->on) return;
  progress_show(p, 1);
  fputc('\n', stderr);
}

/* ---------- the summaries ---------- */

static void csv_field(FILE *f, const char *s) {
  if (!strpbrk(s, ",\"\r\n")) { fputs(s, f); return; }
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"') fputc('"', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

/* Arguments as one manifest-syntax string (quoted where needed). */
static void args_text(FILE *f, const job *j) {
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

static void json_str(FILE *f, const char *s) {
  fputc('"', f);
  size_t n = strlen(s);
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') { fputc('\\', f); fputc(c, f); i++; }
    else if (c < 0x20) { fprintf(f, "\\u%04x", c); i++; }
    else {
      size_t k = utf8_len((const unsigned char *)s + i, n - i);
      if (!k) { fputs("\\ufffd", f); i++; continue; }
      fwrite(s + i, 1, k, f);
      i += k;
    }
  }
  fputc('"', f);
}

static int write_summary_file(batch *b, const char *name, int json) {
  char path[PATH_MAX], tmp[PATH_MAX + 32];
  snprintf(path, sizeof path, "%s/%s", b->outdir, name);
  FILE *f = gs_atomic_open(path, tmp, sizeof tmp);
  if (!f) return -1;
  size_t count[ST_COUNT] = {0};
  for (size_t i = 0; i < b->n; i++) count[b->jobs[i].status]++;
  if (json) {
    fprintf(f, "{\n  \"gcisim\": ");
    json_str(f, GCISIM_VERSION);
    fprintf(f, ",\n  \"format\": ");
    json_str(f, b->fmt);
    fprintf(f, ",\n  \"jobs\": %zu,\n  \"ok\": %zu,\n  \"failed\": %zu,\n  \"statuses\": {", b->n, count[ST_OK],
            b->n - count[ST_OK]);
    int first = 1;
    for (int s = ST_OK; s < ST_COUNT; s++) {
      if (!count[s]) continue;
      fprintf(f, "%s\"%s\": %zu", first ? "" : ", ", st_names[s], count[s]);
      first = 0;
    }
    fprintf(f, "},\n  \"results\": [");
  } else {
    fputs("job,script,dataset,args,status,message,output,hash,wall_ms\n", f);
  }
  for (size_t i = 0; i < b->n; i++) {
    const job *j = &b->jobs[i];
    char hash[32], wall[32];
    snprintf(hash, sizeof hash, "%016llx", (unsigned long long)j->hash);
    const char *out = j->status == ST_OK ? base_of(j->result) : "";
    int ran = j->status != ST_INTERRUPTED && j->status != ST_PENDING && !j->resumed;
    if (ran) snprintf(wall, sizeof wall, "%.1f", j->wall_ms);
    else wall[0] = '\0';
    if (json) {
      fprintf(f, "%s\n    {\"job\": ", i ? "," : "");
      json_str(f, j->id);
      fputs(", \"script\": ", f);
      json_str(f, j->script);
      fputs(", \"dataset\": ", f);
      json_str(f, j->dataset);
      fputs(", \"args\": [", f);
      for (int k = 0; k < j->nargs; k++) {
        if (k) fputs(", ", f);
        json_str(f, j->args[k]);
      }
      fputs("], \"status\": ", f);
      json_str(f, st_names[j->status]);
      fputs(", \"message\": ", f);
      json_str(f, j->msg);
      fputs(", \"output\": ", f);
      if (out[0]) json_str(f, out);
      else fputs("null", f);
      fprintf(f, ", \"hash\": \"%s\", \"wall_ms\": %s}", hash, ran ? wall : "null");
    } else {
      csv_field(f, j->id);
      fputc(',', f);
      csv_field(f, j->script);
      fputc(',', f);
      csv_field(f, j->dataset);
      fputc(',', f);
      char *at = NULL;
      size_t atn = 0;
      FILE *m = open_memstream(&at, &atn);
      if (m) {
        args_text(m, j);
        fclose(m);
        csv_field(f, at ? at : "");
      }
      free(at);
      fprintf(f, ",%s,", st_names[j->status]);
      csv_field(f, j->msg);
      fputc(',', f);
      csv_field(f, out);
      fprintf(f, ",%s,%s\n", hash, wall);
    }
  }
  if (json) fputs(b->n ? "\n  ]\n}\n" : "]\n}\n", f);
  return gs_atomic_commit(f, tmp, path, 1);
}

/* ---------- the command ---------- */

static int run_all(batch *b, progress *pg) {
  int devnull = open("/dev/null", O_WRONLY);
  if (devnull < 0) return berr("cannot open /dev/null: %s", strerror(errno));
  fcntl(devnull, F_SETFD, FD_CLOEXEC);
  size_t next = 0, running = 0;
  int killed = 0;
  struct pollfd *pfd = malloc(((size_t)b->njobs_parallel + 1) * sizeof *pfd);
  job **pj = malloc(((size_t)b->njobs_parallel + 1) * sizeof *pj);
  job **live = calloc((size_t)b->njobs_parallel, sizeof *live);
  if (!pfd || !pj || !live) { free(pfd); free(pj); free(live); close(devnull); return oom(); }
  int rc = 0;
  for (;;) {
    while (!stop_sig && running < (size_t)b->njobs_parallel && next < b->n) {
      job *j = &b->jobs[next++];
      if (j->status != ST_PENDING) continue; /* resumed */
      if (start_job(b, j, devnull, live) != 0) {
        j->status = ST_CRASHED;
        snprintf(j->msg, sizeof j->msg, "cannot start the job: %s", strerror(errno));
        pg->done++;
        pg->failed++;
        continue;
      }
      for (int s = 0; s < b->njobs_parallel; s++)
        if (!live[s]) { live[s] = j; break; }
      running++;
    }
    if (stop_sig && !killed) {
      for (int s = 0; s < b->njobs_parallel; s++)
        if (live[s]) kill(live[s]->pid, SIGKILL);
      killed = 1;
    }
    if (running == 0 && (next >= b->n || stop_sig)) break;
    nfds_t k = 0;
    pfd[k].fd = self_pipe[0];
    pfd[k].events = POLLIN;
    pj[k++] = NULL;
    for (int s = 0; s < b->njobs_parallel; s++)
      if (live[s] && live[s]->fd >= 0) {
        pfd[k].fd = live[s]->fd;
        pfd[k].events = POLLIN;
        pj[k++] = live[s];
      }
    int pr = poll(pfd, k, pg->on ? 100 : 1000);
    if (pr < 0 && errno != EINTR) { rc = berr("poll: %s", strerror(errno)); break; }
    if (pr > 0) {
      for (nfds_t i = 0; i < k; i++) {
        if (!pfd[i].revents) continue;
        if (!pj[i]) {
          char buf[256];
          while (read(self_pipe[0], buf, sizeof buf) > 0) {}
        } else if (!read_stderr(pj[i])) {
          close(pj[i]->fd);
          pj[i]->fd = -1;
        }
      }
    }
    int ws;
    pid_t pid;
    while ((pid = waitpid(-1, &ws, WNOHANG)) > 0) {
      for (int s = 0; s < b->njobs_parallel; s++) {
        if (!live[s] || live[s]->pid != pid) continue;
        finish_job(live[s], ws);
        pg->done++;
        if (live[s]->status != ST_OK && live[s]->status != ST_INTERRUPTED) pg->failed++;
        live[s] = NULL;
        running--;
        break;
      }
    }
    progress_show(pg, 0);
  }
  free(pfd);
  free(pj);
  free(live);
  close(devnull);
  return rc;
}

int gs_batch_main(int argc, char **argv) {
  if (argc >= 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
    fputs(gs_batch_usage, stdout);
    return 0;
  }
  batch b;
  memset(&b, 0, sizeof b);
  int rc = parse_opts(argc, argv, &b);
  if (!rc) rc = b.manifest ? jobs_from_manifest(&b) : jobs_from_globs(&b);
  if (!rc && mkdir_p(b.outdir) != 0) rc = berr("cannot create the output directory: %s", strerror(errno));
  if (!rc) rc = name_jobs(&b);
  if (!rc) rc = clean_temporaries(&b);
  if (rc) { batch_free(&b); return rc; }

  progress pg = {isatty(2) && !b.quiet, now_s(), 0, b.n, 0, 0};
  size_t resumed = 0;
  for (size_t i = 0; i < b.n; i++) {
    job *j = &b.jobs[i];
    j->status = ST_PENDING;
    if (b.resume && sidecar_matches(j)) {
      j->status = ST_OK;
      j->resumed = 1;
      resumed++;
      pg.done++;
    }
  }
  if (pipe(self_pipe) != 0) { batch_free(&b); return berr("pipe: %s", strerror(errno)); }
  for (int i = 0; i < 2; i++) {
    fcntl(self_pipe[i], F_SETFL, O_NONBLOCK);
    fcntl(self_pipe[i], F_SETFD, FD_CLOEXEC);
  }
  stop_sig = 0;
  set_handlers(1);
  rc = run_all(&b, &pg);
  progress_end(&pg);
  for (size_t i = 0; i < b.n; i++)
    if (b.jobs[i].status == ST_PENDING) {
      b.jobs[i].status = ST_INTERRUPTED;
      snprintf(b.jobs[i].msg, sizeof b.jobs[i].msg, "not run (batch stopped)");
    }
  int sum_bad = write_summary_file(&b, "summary.csv", 0) != 0;
  if (!sum_bad) sum_bad = write_summary_file(&b, "summary.json", 1) != 0;
  if (sum_bad) fprintf(stderr, "gcisim batch: cannot write the summary in %s: %s\n", b.outdir, strerror(errno));
  size_t ok = 0, interrupted = 0;
  for (size_t i = 0; i < b.n; i++) {
    ok += b.jobs[i].status == ST_OK;
    interrupted += b.jobs[i].status == ST_INTERRUPTED;
  }
  if (!b.quiet) {
    for (size_t i = 0; i < b.n; i++) {
      const job *j = &b.jobs[i];
      if (j->status != ST_OK && j->status != ST_INTERRUPTED)
        fprintf(stderr, "  %s: %s: %s\n", j->id, st_names[j->status], j->msg);
    }
    fprintf(stderr, "gcisim batch: %zu jobs, %zu ok (%zu kept by --resume), %zu failed", b.n, ok, resumed,
            b.n - ok - interrupted);
    if (interrupted) fprintf(stderr, ", %zu interrupted", interrupted);
    fprintf(stderr, "; summary in %s/summary.csv\n", b.outdir);
  }
  int sig = stop_sig, quiet = b.quiet, all_ok = ok == b.n && !sum_bad;
  set_handlers(0);
  close(self_pipe[0]);
  close(self_pipe[1]);
  self_pipe[0] = self_pipe[1] = -1;
  batch_free(&b);
  if (sig) {
    if (!quiet) fprintf(stderr, "gcisim batch: stopped by signal %d; finished jobs are kept (rerun with --resume)\n", sig);
    fflush(NULL);
    raise(sig); /* end as the signal asked, so the shell sees it */
    return 128 + sig;
  }
  if (rc) return rc;
  return all_ok ? 0 : 1;
}
