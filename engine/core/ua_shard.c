/* ua_shard.c - mergeable partials of uncertainty results, the shard files
 * that wrap them (see ua_shard.h), and merging (see ua.h). */
#include "ua_shard.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ua_impl.h"

#define fail gs_ua_fail

static int same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

/* A sparse partial's ranks: one line per unit, "s" and its sorted 2*rank
 * values, the first as it is and each further distinct one as the step
 * from the one before; "*C" after a value that occurs C > 1 times. */
static void write_sparse(FILE *f, const gs_ua_result *r) {
  size_t m = (size_t)r->rk_len;
  for (size_t u = 0; u < r->n; u++) {
    const uint32_t *v = r->rk + u * m;
    fputc('s', f);
    uint32_t prev = 0;
    for (size_t i = 0; i < m;) {
      size_t j = i + 1;
      while (j < m && v[j] == v[i]) j++;
      if (j - i > 1) fprintf(f, " %" PRIu32 "*%zu", v[i] - prev, j - i);
      else fprintf(f, " %" PRIu32, v[i] - prev);
      prev = v[i];
      i = j;
    }
    fputc('\n', f);
  }
}

int gs_ua_partial_write(FILE *f, const gs_ua_result *r) {
  if (!f || !r || (!r->hist && !r->rk)) return -1;
  /* version 1: full histograms; version 2 (sparse, above the shard limit):
   * every draw's ranks, the same header */
  fprintf(f, "gcisim-ua-partial %d\n", r->rk ? 2 : 1);
  fprintf(f, "n %zu\nk %zu\nseed %" PRIu64 "\nn_draws %" PRIu64 "\n", r->n, r->k, r->seed, r->n_draws);
  fprintf(f, "perturb %a\nmethods %u\ndigits %d\nties %d\noffset %a\n", r->perturb, r->methods,
          r->digits, r->ties, r->offset);
  fprintf(f, "w");
  for (size_t i = 0; i < r->k; i++) fprintf(f, " %a", r->w[i]);
  fprintf(f, "\nmax");
  if (!r->max) fprintf(f, " none");
  else
    for (size_t i = 0; i < r->k; i++) fprintf(f, " %a", r->max[i]);
  fprintf(f, "\nxhash %016" PRIx64 "\nshard %u %u\ndraws %" PRIu64 "\nnominal", r->xhash,
          r->shard_index, r->shard_count, r->draws);
  for (size_t u = 0; u < r->n; u++) fprintf(f, " %u", r->nom2[u]);
  fprintf(f, "\n");
  if (r->rk) write_sparse(f, r);
  else
    for (size_t u = 0; u < r->n; u++)
      for (size_t v = 0; v < r->R; v++)
        if (r->hist[u * r->R + v]) fprintf(f, "h %zu %zu %" PRIu64 "\n", u, v, r->hist[u * r->R + v]);
  fprintf(f, "end\n");
  fflush(f);
  return ferror(f) ? -1 : 0;
}

/* Reads one whitespace-separated token (at most 63 chars). */
static int tok(FILE *f, char *buf) { return fscanf(f, "%63s", buf) == 1 ? 0 : -1; }

static int tok_expect(FILE *f, const char *want) {
  char b[64];
  return tok(f, b) == 0 && strcmp(b, want) == 0 ? 0 : -1;
}

static int tok_u64(FILE *f, uint64_t *v) {
  char b[64], *e;
  if (tok(f, b) < 0 || b[0] == '-') return -1;
  errno = 0;
  unsigned long long x = strtoull(b, &e, 10);
  if (*e || errno || e == b) return -1;
  *v = x;
  return 0;
}

static int tok_int(FILE *f, long lo, long hi, long *v) {
  char b[64], *e;
  if (tok(f, b) < 0) return -1;
  errno = 0;
  long x = strtol(b, &e, 10);
  if (*e || errno || e == b || x < lo || x > hi) return -1;
  *v = x;
  return 0;
}

static int tok_dbl(FILE *f, double *v) {
  char b[64], *e;
  if (tok(f, b) < 0) return -1;
  *v = strtod(b, &e);
  return *e || e == b ? -1 : 0;
}

/* Reads the "s" lines of a sparse partial into r->rk: each unit exactly
 * r->rk_len values, sorted, every one a 2*rank in 2..2n.  -1 when
 * malformed. */
static int read_sparse(FILE *f, gs_ua_result *r, uint64_t n) {
  size_t m = (size_t)r->rk_len;
  int c;
  for (size_t u = 0; u < r->n; u++) {
    while ((c = getc_unlocked(f)) == ' ' || c == '\n' || c == '\t' || c == '\r') {}
    if (c != 's') return -1;
    uint32_t *v = r->rk + u * m;
    size_t got = 0;
    uint64_t prev = 0;
    c = getc_unlocked(f);
    for (;;) {
      while (c == ' ' || c == '\t') c = getc_unlocked(f);
      if (c == '\n' || c == '\r' || c == EOF) break;
      uint64_t d = 0, times = 1;
      int digits = 0;
      while (c >= '0' && c <= '9' && digits < 19) { d = d * 10 + (uint64_t)(c - '0'); digits++; c = getc_unlocked(f); }
      if (!digits) return -1;
      if (c == '*') {
        times = 0;
        digits = 0;
        c = getc_unlocked(f);
        while (c >= '0' && c <= '9' && digits < 19) { times = times * 10 + (uint64_t)(c - '0'); digits++; c = getc_unlocked(f); }
        if (!digits || times < 2) return -1;
      }
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != EOF) return -1;
      /* sorted: a step of 0 only for the first value */
      if ((got && d == 0) || d > 2 * n || prev + d < 2 || prev + d > 2 * n) return -1;
      prev += d;
      if (times > m - got) return -1;
      for (uint64_t t = 0; t < times; t++) v[got++] = (uint32_t)prev;
    }
    if (got != m) return -1;
  }
  return 0;
}

int gs_ua_partial_read(FILE *f, gs_ua_result **out, char *err, size_t errlen) {
  if (!out) return fail(err, errlen, "no output pointer");
  *out = NULL;
  if (!f) return fail(err, errlen, "no file");
  long n, k, v, methods, digits, ties, si, sc;
  uint64_t seed, nd, draws, xh;
  double perturb, offset;
  char b[64];
  if (tok_expect(f, "gcisim-ua-partial") || tok(f, b) || (strcmp(b, "1") && strcmp(b, "2")))
    return fail(err, errlen, "not a gcisim ua partial (version 1 or 2)");
  int sparse = b[0] == '2';
  if (tok_expect(f, "n") || tok_int(f, 1, sparse ? GS_UA_MAX_UNITS : GS_UA_SHARD_MAX, &n) || tok_expect(f, "k") ||
      tok_int(f, 1, 4096, &k) || tok_expect(f, "seed") || tok_u64(f, &seed) ||
      tok_expect(f, "n_draws") || tok_u64(f, &nd) || tok_expect(f, "perturb") ||
      tok_dbl(f, &perturb) || tok_expect(f, "methods") || tok_int(f, 1, 3, &methods) ||
      tok_expect(f, "digits") || tok_int(f, -1, GS_UA_MAX_DIGITS, &digits) ||
      tok_expect(f, "ties") || tok_int(f, 0, GS_TIES_FRACTIONAL, &ties) ||
      tok_expect(f, "offset") || tok_dbl(f, &offset) || tok_expect(f, "w"))
    return fail(err, errlen, "bad partial header");
  double *w = malloc((size_t)k * sizeof *w), *mx = malloc((size_t)k * sizeof *mx);
  gs_ua_result *r = NULL;
  if (!w || !mx) goto oom;
  for (long i = 0; i < k; i++)
    if (tok_dbl(f, &w[i])) goto bad;
  if (tok_expect(f, "max") || tok(f, b)) goto bad;
  int has_max = strcmp(b, "none") != 0;
  if (has_max) {
    char *e;
    mx[0] = strtod(b, &e);
    if (*e || e == b) goto bad;
    for (long i = 1; i < k; i++)
      if (tok_dbl(f, &mx[i])) goto bad;
  }
  if (tok_expect(f, "xhash") || tok(f, b)) goto bad;
  {
    char *e;
    errno = 0;
    xh = strtoull(b, &e, 16);
    if (*e || errno || strlen(b) != 16) goto bad;
  }
  if (tok_expect(f, "shard") || tok_int(f, 0, UINT32_MAX - 1L, &si) || tok_int(f, 1, UINT32_MAX, &sc) ||
      si >= sc || tok_expect(f, "draws") || tok_u64(f, &draws) || tok_expect(f, "nominal"))
    goto bad;
  if (sparse && (draws == 0 || draws > (SIZE_MAX / sizeof(uint32_t)) / (uint64_t)n)) goto bad;
  r = gs_ua_result_alloc(NULL, (size_t)n, (size_t)k, has_max, !sparse);
  if (!r || (sparse && gs_ua_result_alloc_rk(r, draws) != 0)) goto oom;
  for (long u = 0; u < n; u++) {
    if (tok_int(f, 2, 2 * n, &v)) goto bad;
    r->nom2[u] = (uint32_t)v;
  }
  if (sparse) {
    if (read_sparse(f, r, (uint64_t)n) != 0 || tok_expect(f, "end")) goto bad;
  } else for (;;) {
    long u, rv;
    uint64_t c;
    if (tok(f, b)) goto bad;
    if (strcmp(b, "end") == 0) break;
    if (strcmp(b, "h") || tok_int(f, 0, n - 1, &u) || tok_int(f, 2, 2 * n, &rv) || tok_u64(f, &c)) goto bad;
    r->hist[(size_t)u * r->R + (size_t)rv] = c;
  }
  for (long u = 0; u < n && !sparse; u++) {
    uint64_t s = 0;
    for (size_t j = 0; j < r->R; j++) s += r->hist[(size_t)u * r->R + j];
    if (s != draws) {
      gs_ua_result_free(r);
      free(w);
      free(mx);
      return fail(err, errlen, "partial histogram of unit %ld sums to %" PRIu64 ", not %" PRIu64, u, s, draws);
    }
  }
  r->seed = seed;
  r->n_draws = nd;
  r->perturb = perturb;
  r->methods = (unsigned)methods;
  r->digits = (int)digits;
  r->ties = (int)ties;
  r->offset = offset;
  memcpy(r->w, w, (size_t)k * sizeof *w);
  if (has_max) memcpy(r->max, mx, (size_t)k * sizeof *mx);
  r->xhash = xh;
  r->shard_index = (uint32_t)si;
  r->shard_count = (uint32_t)sc;
  r->draws = draws;
  if (gs_ua_result_stats(r) != 0) goto oom;
  free(w);
  free(mx);
  *out = r;
  return 0;
bad:
  gs_ua_result_free(r);
  free(w);
  free(mx);
  return fail(err, errlen, "malformed ua partial");
oom:
  gs_ua_result_free(r);
  free(w);
  free(mx);
  return fail(err, errlen, "out of memory");
}

static const char *fingerprint_diff(const gs_ua_result *a, const gs_ua_result *b) {
  if (a->n != b->n) return "n";
  if (a->k != b->k) return "k";
  if (a->seed != b->seed) return "seed";
  if (a->n_draws != b->n_draws) return "n_draws";
  if (!same_bits(a->perturb, b->perturb)) return "perturb";
  if (a->methods != b->methods) return "methods";
  if (a->digits != b->digits) return "digits";
  if (a->ties != b->ties) return "ties";
  if (!same_bits(a->offset, b->offset)) return "offset";
  for (size_t i = 0; i < a->k; i++)
    if (!same_bits(a->w[i], b->w[i])) return "weights";
  if (!a->max != !b->max) return "max";
  if (a->max)
    for (size_t i = 0; i < a->k; i++)
      if (!same_bits(a->max[i], b->max[i])) return "max";
  if (a->xhash != b->xhash) return "data (hash of x)";
  if (memcmp(a->nom2, b->nom2, a->n * sizeof *a->nom2)) return "nominal ranks";
  if (a->shard_count != b->shard_count) return "shard count";
  return NULL;
}
/* What a merged result takes from the first partial: the run's settings
 * and fingerprint, as one unsharded run (both partial versions). */
static void merged_header(gs_ua_result *r, const gs_ua_result *p0) {
  r->seed = p0->seed;
  r->n_draws = p0->n_draws;
  r->perturb = p0->perturb;
  r->methods = p0->methods;
  r->digits = p0->digits;
  r->ties = p0->ties;
  r->offset = p0->offset;
  memcpy(r->w, p0->w, p0->k * sizeof *r->w);
  if (p0->max) memcpy(r->max, p0->max, p0->k * sizeof *r->max);
  r->xhash = p0->xhash;
  r->shard_index = 0;
  r->shard_count = 1;
}


/* The merge of sparse partials (checked alike): each unit's ranks of all
 * shards together, sorted, give its statistics exactly as one run's
 * histogram would.  The merged result keeps only the statistics. */
static int merge_sparse(const gs_ua_result *const *parts, size_t nparts, gs_ua_result **out, char *err,
                        size_t errlen) {
  const gs_ua_result *p0 = parts[0];
  uint64_t D = 0;
  for (size_t i = 0; i < nparts; i++) {
    if (!parts[i]->rk) return fail(err, errlen, "partial %zu is not sparse as partial 0 is", i);
    D += parts[i]->rk_len;
  }
  if (D > SIZE_MAX / (sizeof(uint32_t) + sizeof(gs_ua_rank_count)) / 2) return fail(err, errlen, "out of memory");
  size_t m = (size_t)D;
  gs_ua_result *r = gs_ua_result_alloc(&p0->alloc, p0->n, p0->k, p0->max != NULL, 0);
  uint32_t *v = gs_ua_mem(&p0->alloc, gs_ua_size(2 * m, sizeof *v), 0);
  gs_ua_rank_count *pairs = gs_ua_mem(&p0->alloc, gs_ua_size(m, sizeof *pairs), 0);
  if (!r || !v || !pairs) {
    gs_ua_result_free(r);
    gs_ua_mem_free(&p0->alloc, v, gs_ua_size(2 * m, sizeof *v));
    gs_ua_mem_free(&p0->alloc, pairs, gs_ua_size(m, sizeof *pairs));
    return fail(err, errlen, "out of memory");
  }
  merged_header(r, p0);
  r->draws = D;
  memcpy(r->nom2, p0->nom2, p0->n * sizeof *r->nom2);
  unsigned __int128 shift = 0;
  for (size_t u = 0; u < r->n; u++) {
    size_t k = 0;
    for (size_t i = 0; i < nparts; i++) {
      size_t len = (size_t)parts[i]->rk_len;
      memcpy(v + k, parts[i]->rk + u * len, len * sizeof *v);
      k += len;
    }
    gs_ua_sort_u32(v, v + m, m);
    shift += gs_ua_stats_sorted(v, m, r->nom2[u], pairs, &r->unit[u]);
  }
  r->mas = (double)shift / (2.0 * (double)r->n * (double)D);
  gs_ua_mem_free(&p0->alloc, v, gs_ua_size(2 * m, sizeof *v));
  gs_ua_mem_free(&p0->alloc, pairs, gs_ua_size(m, sizeof *pairs));
  *out = r;
  return 0;
}

int gs_ua_merge(const gs_ua_result *const *parts, size_t nparts, gs_ua_result **out, char *err,
                size_t errlen) {
  if (!out) return fail(err, errlen, "no output pointer");
  *out = NULL;
  if (!parts || nparts == 0) return fail(err, errlen, "no partials to merge");
  const gs_ua_result *p0 = parts[0];
  for (size_t i = 0; i < nparts; i++)
    if (!parts[i]) return fail(err, errlen, "partial %zu is NULL", i);
  uint32_t N = p0->shard_count;
  if (nparts != N)
    return fail(err, errlen, "%zu partials for %u shards (missing or extra shards)", nparts, N);
  unsigned char *seen = calloc(N, 1);
  if (!seen) return fail(err, errlen, "out of memory");
  for (size_t i = 0; i < nparts; i++) {
    const char *d = fingerprint_diff(p0, parts[i]);
    if (d) {
      free(seen);
      return fail(err, errlen, "partial %zu differs from partial 0 in %s", i, d);
    }
    uint32_t si = parts[i]->shard_index;
    if (si >= N || seen[si]) {
      free(seen);
      return fail(err, errlen, "shard %u appears twice (overlapping shards)", si);
    }
    seen[si] = 1;
    uint64_t D = p0->n_draws, q = D / N, rm = D % N;
    uint64_t want = q + (rm * (si + 1)) / N - (rm * si) / N;
    if (parts[i]->draws != want) {
      free(seen);
      return fail(err, errlen, "shard %u has %" PRIu64 " draws, expected %" PRIu64, si, parts[i]->draws, want);
    }
  }
  free(seen);
  if (p0->rk) return merge_sparse(parts, nparts, out, err, errlen);
  if (!p0->hist) return fail(err, errlen, "partial 0 keeps no histograms");
  for (size_t i = 1; i < nparts; i++)
    if (!parts[i]->hist) return fail(err, errlen, "partial %zu keeps no histograms", i);
  gs_ua_result *r = gs_ua_result_alloc(&p0->alloc, p0->n, p0->k, p0->max != NULL, 1);
  if (!r) return fail(err, errlen, "out of memory");
  merged_header(r, p0);
  memcpy(r->nom2, p0->nom2, p0->n * sizeof *r->nom2);
  for (size_t i = 0; i < nparts; i++) {
    r->draws += parts[i]->draws;
    for (size_t j = 0; j < r->n * r->R; j++) r->hist[j] += parts[i]->hist[j];
  }
  if (gs_ua_result_stats(r) != 0) {
    gs_ua_result_free(r);
    return fail(err, errlen, "out of memory");
  }
  *out = r;
  return 0;
}

/* ------------------------------------------------------ shard files */

int gs_ua_shard_write(FILE *f, const gs_ua_result *r, size_t n, char *const *key, char *const *name,
                      const char *note) {
  if (!f || !r || (!r->hist && !r->rk) || n != r->n) return -1;
  /* version 2 carries a sparse partial (above the shard limit) */
  fprintf(f, "gcisim-shard %d\nunits %zu\n", r->rk ? 2 : 1, n);
  for (size_t i = 0; i < n; i++) fprintf(f, "%s\t%s\n", key[i], name[i]);
  fprintf(f, "note %s\n", note);
  return gs_ua_partial_write(f, r);
}

void gs_ua_shard_clear(gs_ua_shard *s) {
  if (!s) return;
  for (size_t i = 0; s->key && i < s->n; i++) {
    free(s->key[i]);
    free(s->name[i]);
  }
  free(s->key);
  free(s->name);
  gs_ua_result_free(s->r);
  memset(s, 0, sizeof *s);
}

int gs_ua_shard_read(FILE *f, const char *path, gs_ua_shard *s, char *err, size_t errlen) {
  memset(s, 0, sizeof *s);
  char line[4096];
  long ln = 1;
  int ok = fgets(line, sizeof line, f) &&
           (strcmp(line, "gcisim-shard 1\n") == 0 || strcmp(line, "gcisim-shard 2\n") == 0);
  if (!ok) { fail(err, errlen, "%s:1:1: not a gcisim shard file", path); goto bad; }
  int v2 = line[13] == '2';
  ln++;
  if (!fgets(line, sizeof line, f) || sscanf(line, "units %zu", &s->n) != 1 || s->n == 0 ||
      s->n > (v2 ? (size_t)GS_UA_MAX_UNITS : (size_t)GS_UA_SHARD_MAX)) {
    s->n = 0;
    fail(err, errlen, "%s:%ld:1: expected 'units N'", path, ln);
    goto bad;
  }
  s->key = calloc(s->n, sizeof *s->key);
  s->name = calloc(s->n, sizeof *s->name);
  if (!s->key || !s->name) { fail(err, errlen, "%s: out of memory", path); goto bad; }
  for (size_t i = 0; i < s->n; i++) {
    ln++;
    char *tab;
    if (!fgets(line, sizeof line, f) || !(tab = strchr(line, '\t'))) {
      fail(err, errlen, "%s:%ld:1: expected KEY<TAB>NAME", path, ln);
      goto bad;
    }
    *tab = '\0';
    line[strcspn(tab + 1, "\n") + (size_t)(tab + 1 - line)] = '\0';
    s->key[i] = strdup(line);
    s->name[i] = strdup(tab + 1);
    if (!s->key[i] || !s->name[i]) { fail(err, errlen, "%s: out of memory", path); goto bad; }
  }
  ln++;
  if (!fgets(line, sizeof line, f) || strncmp(line, "note ", 5) != 0) {
    fail(err, errlen, "%s:%ld:1: expected 'note TEXT'", path, ln);
    goto bad;
  }
  line[strcspn(line, "\n")] = '\0';
  snprintf(s->note, sizeof s->note, "%s", line + 5);
  char perr[512];
  if (gs_ua_partial_read(f, &s->r, perr, sizeof perr) != 0) {
    fail(err, errlen, "%s: %s", path, perr);
    goto bad;
  }
  /* The units listed above are what the partial's ranks index: a count
   * that disagrees made the printing read past key[] (issue 11, class 5). */
  if (gs_ua_result_n(s->r) != s->n) {
    fail(err, errlen, "%s:%ld:1: the partial has n %zu units, but line 2 says 'units %zu'", path, ln + 2,
         gs_ua_result_n(s->r), s->n);
    goto bad;
  }
  return 0;
bad:
  gs_ua_shard_clear(s);
  return -1;
}
