/* repl.c - the interactive session (see repl.h).
 *
 * Modelled on lua.c's REPL: a line is first tried as `return <line>` so
 * that expressions print; a chunk whose syntax error ends at "<eof>" is
 * incomplete and continues on a ">> " prompt; results print after the
 * line runs; Ctrl-C during a run sets a hook that stops it at the next
 * instruction (lua.c's laction), through the sandbox so that pcall cannot
 * swallow it.  Unlike lua.c, every line runs under the sandbox and limits
 * of `gcisim run`, the budget restarting per line, and gcisim's own
 * values (results, comparisons, records) print as tables (output.h). */
#define _DEFAULT_SOURCE /* readline's header wants BSD types */
#include "repl.h"

#include <ctype.h>
#include <editline/readline.h>
#include <errno.h>
#include <limits.h>
#include <lauxlib.h>
#include <lualib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "argwalk.h"
#include "dataset.h"
#include "lgci.h"
#include "lrecords.h"
#include "output.h"
#include "policy.h"
#include "run.h"
#include "sandbox.h"
#include "version.h"

static const char usage[] =
    "usage: gcisim repl [DATA.csv] [options]\n"
    "\n"
    "An interactive Lua 5.4 prompt with the `gci` module; DATA.csv, when given,\n"
    "is loaded as the global `d`.  Expressions print their value (results and\n"
    "records as tables; when output is a terminal, the first 20 rows of a longer\n"
    "table, and show(v) prints all); a statement left open continues on a `>>`\n"
    "prompt; errors end the line, not the session; Ctrl-C stops a running line\n"
    "(also an analysis in C) or clears the prompt; Ctrl-D (end of input) leaves.\n"
    "On a terminal, lines can be edited, Tab completes globals, gci functions,\n"
    "methods (d:sc -> d:score) and, inside a string, the dataset's keys\n"
    "(d:get(\"VN -> VNM), and history is kept in $GCISIM_HISTORY or\n"
    "~/.gcisim_history, saved after every statement (one entry, however many\n"
    "lines it took).\n"
    "\n"
    "options (the sandbox and limits of `gcisim run`; limits apply per line):\n"
    "  --allow-read DIR    gci.load may also read files under DIR (default: data/,\n"
    "                      the installed data directory and the directory of\n"
    "                      DATA.csv)\n"
    "  --allow-write DIR   gci.write and gci.plot may write files under DIR\n"
    "                      (default: nowhere)\n"
    "  --max-memory SIZE   Lua memory cap for the session, e.g. 64M (default 256M)\n"
    "  --timeout SECONDS   wall-clock limit per line (default 10; 0 = none)\n"
    "  --max-instructions N  instruction budget per line (default: none)\n"
    "  --threads N         threads for uncertainty analysis (default: all cores)\n"
    "  --trusted           !! NO SANDBOX: the full standard library. Limits still apply. !!\n"
    "\n"
    "exit codes: 0 at end of input, or 1 when input is not a terminal and a line\n"
    "failed (an error, a limit, Ctrl-C, a statement left open at the end);\n"
    "64 usage; 65 DATA.csv did not load; 80, 81 or 82 when a limit stops its\n"
    "loading; 80 also for a line stuck in C code 2 s past its timeout (ends the\n"
    "session)\n";

typedef struct {
  const char *data;
  gs_run_sbopts sbo; /* sandbox, limits, --allow-read/--allow-write (run.h) */
  gs_ctx ctx;
  gs_sandbox *sb;
  int tty;          /* stdin is a terminal: libedit, prompts, history */
  char *history;    /* history file (malloc), or NULL */
  int rc;           /* exit code */
  int failed;       /* a line failed (reported): exit 1 from a pipe */
} repl;

/* What the SIGINT handler needs. */
static gs_sandbox *volatile g_sb;
static volatile sig_atomic_t g_running; /* a line is being evaluated */
static volatile sig_atomic_t g_cleared; /* Ctrl-C at the prompt */

static volatile sig_atomic_t g_interrupts; /* Ctrl-C during this line */

/* A second Ctrl-C during the same line ends gcisim, as in lua.c: the
 * first cannot stop C code that runs no hook (a huge pattern match). */
static void on_sigint(int sig) {
  if (g_running && g_sb) {
    if (g_interrupts++) {
      signal(sig, SIG_DFL);
      raise(sig); /* delivered when this handler returns */
      return;
    }
    gs_sandbox_interrupt(g_sb);
  } else {
    g_cleared = 1;
  }
}

enum { RP_THREADS };
static const gs_argopt repl_options[] = {{"--threads", 1, RP_THREADS}, {NULL, 0, 0}};

static int repl_option(void *ctx, int id, const char *a, const char *v) {
  repl *r = ctx;
  (void)id, (void)a;
  double t;
  if (gs_parse_number(v, &t) || t != (int)t || t > 1024) return gs_usage_error("--threads needs a whole number, got '%s'", v);
  r->ctx.threads = (int)t;
  return GS_EX_OK;
}

static int repl_sandbox_option(void *ctx, const char *a, const char *v) {
  return gs_run_sbopts_parse(&((repl *)ctx)->sbo, a, v);
}

static int parse(int argc, char **argv, repl *r) {
  gs_run_sbopts_init(&r->sbo);
  static const gs_argwalk walk = {"repl", GS_ARGS_DASH, repl_options, repl_option, 1,
                                  "repl: unexpected argument '%s' (one dataset at most)", repl_sandbox_option};
  int n; /* the dataset, whatever its name (after "--" too) */
  return gs_argwalk_run(&walk, argc, argv, r, &r->data, &n);
}

/* ---------- reading lines ---------- */

/* The next line without its newline (malloc'd), or NULL at end of input.
 * *cleared is set when Ctrl-C at the prompt threw the line away. */
static char *read_line(repl *r, const char *prompt, int *cleared) {
  *cleared = 0;
  g_cleared = 0;
  if (r->tty) {
    /* libedit returns NULL when a signal interrupts its read: with our
     * flag set that was Ctrl-C, not the end of input.  A line returned
     * with the flag set was typed after a Ctrl-C that came before libedit
     * started reading (the terminal already dropped what preceded it). */
    char *l = readline(prompt);
    if (!l && g_cleared) *cleared = 1;
    g_cleared = 0;
    return l;
  }
  char *l = NULL;
  size_t cap = 0;
  ssize_t n;
  /* errno is cleared first: getline leaves it alone at end of input, and a
   * stale EINTR from an earlier Ctrl-C made end of input retry forever. */
  for (;;) {
    errno = 0;
    n = getline(&l, &cap, stdin);
    if (n >= 0 || errno != EINTR) break;
    clearerr(stdin); /* the interrupted read set the stream's error flag */
    if (g_cleared) break;
  }
  if (n < 0) {
    free(l);
    if (g_cleared) { *cleared = 1; g_cleared = 0; }
    return NULL;
  }
  if (n > 0 && l[n - 1] == '\n') l[--n] = '\0';
  if (n > 0 && l[n - 1] == '\r') l[--n] = '\0';
  return l;
}

/* ---------- Tab completion ----------
 *
 * Tab completes what is before the cursor: a global name ("gc" -> gci), a
 * field of a table ("gci.lo" -> gci.load), a method of a value ("d:sc" ->
 * d:score, from the methods its metatable lists), and, inside a string,
 * a key of the dataset the call is made on ('d:get("VN' -> VNM; another
 * object's call, or a bare string, uses the global d).  Names are read
 * raw (lua_rawget, lua_next): completing runs no script code.  The
 * candidates are gathered in a protected call into a C array, since a Lua
 * error must not unwind through libedit. */

static lua_State *g_L;          /* the session's state, while readline runs */
static char **g_cand;           /* the candidates of the current completion */
static size_t g_ncand, g_capcand;

static void cand_clear(void) {
  for (size_t i = 0; i < g_ncand; i++) free(g_cand[i]);
  free(g_cand);
  g_cand = NULL;
  g_ncand = g_capcand = 0;
}

/* Adds pre + name when name starts with prefix (and is an identifier
 * unless any is set: dataset keys). */
static void cand_add(const char *pre, const char *name, const char *prefix, int any) {
  size_t pl = strlen(prefix);
  if (strncmp(name, prefix, pl) != 0) return;
  if (!any) {
    if (!(name[0] == '_' || (name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z'))) return;
    for (const char *c = name; *c; c++)
      if (!(*c == '_' || (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9'))) return;
  }
  for (size_t i = 0; i < g_ncand; i++) /* a method seen twice: once */
    if (strncmp(g_cand[i], pre, strlen(pre)) == 0 && strcmp(g_cand[i] + strlen(pre), name) == 0) return;
  if (g_ncand == g_capcand) {
    size_t cap = g_capcand ? g_capcand * 2 : 64;
    char **c = realloc(g_cand, cap * sizeof *c);
    if (!c) return;
    g_cand = c;
    g_capcand = cap;
  }
  size_t n = strlen(pre) + strlen(name) + 1;
  char *s = malloc(n);
  if (!s) return;
  snprintf(s, n, "%s%s", pre, name);
  g_cand[g_ncand++] = s;
}

/* The string keys of the table at i, as candidates. */
static void cand_keys(lua_State *L, int i, const char *pre, const char *prefix) {
  i = lua_absindex(L, i);
  lua_pushnil(L);
  while (lua_next(L, i)) {
    if (lua_type(L, -2) == LUA_TSTRING) cand_add(pre, lua_tostring(L, -2), prefix, 0);
    lua_pop(L, 1);
  }
}

/* The methods of the value at i: its metatable's __index when a table,
 * else its "methods" table (lgci.c's classes keep them there when __index
 * is a function). */
static void cand_methods(lua_State *L, int i, const char *pre, const char *prefix) {
  if (!lua_getmetatable(L, i)) return;
  int mt = lua_gettop(L);
  static const char *const fields[] = {"__index", "methods"};
  for (int f = 0; f < 2; f++) {
    lua_pushstring(L, fields[f]);
    if (lua_rawget(L, mt) == LUA_TTABLE) cand_keys(L, -1, pre, prefix);
    lua_pop(L, 1);
  }
  lua_settop(L, mt - 1);
}

/* Pushes the value a dotted name ("gci", "x.y") names, read raw from the
 * globals; nil when some part is not a table. */
static void push_path(lua_State *L, const char *path, size_t len) {
  lua_pushglobaltable(L);
  const char *p = path, *end = path + len;
  while (p < end) {
    const char *dot = memchr(p, '.', (size_t)(end - p));
    const char *e = dot ? dot : end;
    if (!lua_istable(L, -1)) { lua_pop(L, 1); lua_pushnil(L); return; }
    lua_pushlstring(L, p, (size_t)(e - p));
    lua_rawget(L, -2);
    lua_remove(L, -2);
    p = dot ? dot + 1 : end;
  }
}

/* The keys of the dataset at i (a gci.dataset userdata, or a result's
 * dataset), or of the global d when i is neither. */
static void cand_dataset_keys(lua_State *L, int i, const char *prefix) {
  if (luaL_testudata(L, i, "gci.result")) {
    lua_getiuservalue(L, i, 1); /* a result's user value is its dataset (lgci.c) */
    i = lua_gettop(L);
  }
  if (!luaL_testudata(L, i, "gci.dataset")) {
    lua_getglobal(L, "d");
    i = lua_gettop(L);
    if (!luaL_testudata(L, i, "gci.dataset")) return;
  }
  const gs_dataset *d = gs_lua_checkdataset(L, i);
  for (size_t k = 0; k < d->n; k++) cand_add("", d->key[k], prefix, 1);
}

typedef struct {
  const char *line; /* the whole line, and where the word starts */
  int start;
  const char *text; /* the word */
} comp_req;

static int gather_p(lua_State *L) {
  comp_req *q = lua_touserdata(L, 1);
  lua_settop(L, 0);
  /* inside a string: an odd number of quotes before the word */
  int quotes = 0;
  char qc = 0;
  for (int k = 0; k < q->start; k++) {
    char c = q->line[k];
    if (!qc && (c == '"' || c == '\'')) { qc = c; quotes = 1; }
    else if (qc && c == qc && (k == 0 || q->line[k - 1] != '\\')) { qc = 0; quotes = 0; }
  }
  if (quotes) {
    /* the object the call is made on: NAME[.NAME]:method(" before the string */
    int e = q->start - 1; /* the quote */
    while (e > 0 && q->line[e - 1] == ' ') e--;
    if (e > 0 && q->line[e - 1] == '(') e--;
    int m = e;
    while (m > 0 && (q->line[m - 1] == '_' || isalnum((unsigned char)q->line[m - 1]))) m--;
    int o = m;
    if (o > 0 && (q->line[o - 1] == ':' || q->line[o - 1] == '.')) {
      o--;
      int b = o;
      while (b > 0 && (q->line[b - 1] == '_' || q->line[b - 1] == '.' || isalnum((unsigned char)q->line[b - 1]))) b--;
      push_path(L, q->line + b, (size_t)(o - b));
    } else {
      lua_pushnil(L);
    }
    cand_dataset_keys(L, 1, q->text);
    return 0;
  }
  const char *sep = strrchr(q->text, ':');
  const char *dot = strrchr(q->text, '.');
  if (dot && (!sep || dot > sep)) sep = dot;
  if (!sep) {
    lua_pushglobaltable(L);
    cand_keys(L, -1, "", q->text);
    return 0;
  }
  push_path(L, q->text, (size_t)(sep - q->text));
  lua_pushlstring(L, q->text, (size_t)(sep - q->text) + 1);
  const char *pre = lua_tostring(L, -1);
  if (*sep == '.' && lua_istable(L, 1)) cand_keys(L, 1, pre, sep + 1);
  cand_methods(L, 1, pre, sep + 1);
  return 0;
}

static char *cand_next(const char *text, int state) {
  static size_t k;
  (void)text;
  if (!state) k = 0;
  return k < g_ncand ? strdup(g_cand[k++]) : NULL;
}

static char **complete(const char *text, int start, int end) {
  (void)end;
  rl_attempted_completion_over = 1; /* no file names */
  rl_completion_append_character = '\0';
  cand_clear();
  if (!g_L) return NULL;
  comp_req q = {rl_line_buffer, start, text};
  lua_State *L = g_L;
  int top = lua_gettop(L);
  lua_pushcfunction(L, gather_p);
  lua_pushlightuserdata(L, &q);
  if (lua_pcall(L, 1, 0, 0) != LUA_OK) cand_clear();
  lua_settop(L, top);
  if (!g_ncand) return NULL;
  return rl_completion_matches(text, cand_next);
}

/* ---------- evaluating ---------- */

static int msghandler(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) return 1;
    lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  return 1;
}

/* A chunk whose syntax error is at its end ("<eof>") wants more lines. */
static int incomplete(lua_State *L, int status) {
  if (status != LUA_ERRSYNTAX) return 0;
  size_t len;
  const char *msg = lua_tolstring(L, -1, &len);
  return msg && len >= 5 && strcmp(msg + len - 5, "<eof>") == 0;
}

/* gcisim's printable values: results (__rows), records and comparisons
 * (__columns), shard texts (__raw). */
static int printable(lua_State *L, int i) {
  static const char *const fields[] = {"__rows", "__columns", "__raw"};
  for (int f = 0; f < 3; f++)
    if (luaL_getmetafield(L, i, fields[f]) != LUA_TNIL) {
      lua_pop(L, 1);
      return 1;
    }
  return 0;
}

/* A record such as d:get("VNM") returns: a table without a metatable,
 * with at least one field, every key a string and every value a string,
 * number or boolean.  Such tables print as tables (key and value lines);
 * any other table prints as lua.c prints it ("table: 0x..."). */
static int is_record(lua_State *L, int i) {
  i = lua_absindex(L, i);
  if (lua_type(L, i) != LUA_TTABLE) return 0;
  if (lua_getmetatable(L, i)) { lua_pop(L, 1); return 0; }
  int n = 0;
  lua_pushnil(L);
  while (lua_next(L, i)) {
    int kt = lua_type(L, -2), vt = lua_type(L, -1);
    lua_pop(L, 1);
    if (kt != LUA_TSTRING || (vt != LUA_TSTRING && vt != LUA_TNUMBER && vt != LUA_TBOOLEAN)) {
      lua_pop(L, 1);
      return 0;
    }
    n++;
  }
  return n > 0;
}

/* A list of records ({d:get("VNM"), d:get("USA")}): a sequence 1..n of
 * records and nothing else, without a metatable. */
static int is_record_list(lua_State *L, int i) {
  i = lua_absindex(L, i);
  if (lua_type(L, i) != LUA_TTABLE) return 0;
  if (lua_getmetatable(L, i)) { lua_pop(L, 1); return 0; }
  lua_Unsigned n = lua_rawlen(L, i), keys = 0;
  if (n == 0) return 0;
  for (lua_Unsigned k = 1; k <= n; k++) {
    lua_rawgeti(L, i, (lua_Integer)k);
    int ok = is_record(L, -1);
    lua_pop(L, 1);
    if (!ok) return 0;
  }
  lua_pushnil(L);
  while (lua_next(L, i)) { lua_pop(L, 1); keys++; }
  return keys == n;
}

/* On a terminal, a table prints its first SHOW_ROWS rows and a line saying
 * how many more there are: 194 countries would scroll the question off the
 * screen.  show(v) prints all; through a pipe everything prints (scripts
 * read what they asked for). */
#define SHOW_ROWS 20

/* The number of rows gs_output_value prints for the value at i (a
 * result's rows, a list's records, a map's keys), or -1 when it is not a
 * table of rows (a shard's text). */
static lua_Integer count_rows(lua_State *L, int i) {
  i = lua_absindex(L, i);
  if (luaL_getmetafield(L, i, "__raw") != LUA_TNIL) { lua_pop(L, 1); return -1; }
  if (luaL_getmetafield(L, i, "__rows") != LUA_TNIL) {
    lua_pushvalue(L, i);
    lua_call(L, 1, 1);
  } else {
    lua_pushvalue(L, i);
  }
  lua_Integer n = -1;
  if (lua_type(L, -1) == LUA_TTABLE) {
    n = (lua_Integer)gs_records_len(L, -1); /* a lazy records list is not raw */
    if (n == 0) {
      lua_pushnil(L);
      while (lua_next(L, -2)) { lua_pop(L, 1); n++; }
    }
  }
  lua_pop(L, 1);
  return n;
}

static int output_p(lua_State *L) {
  gs_output_value(L, 1, GS_FMT_TABLE, lua_touserdata(L, 2));
  return 0;
}

/* The end of the line that starts at p (after its newline), or end. */
static const char *next_line(const char *p, const char *end) {
  const char *nl = memchr(p, '\n', (size_t)(end - p));
  return nl ? nl + 1 : end;
}

/* Prints the table value at i: all of it when limit is 0 or it has no
 * more rows than limit, else its header, limit rows, a line counting the
 * rest, and what follows the rows (a footer). */
static void print_table(lua_State *L, int i, lua_Integer limit) {
  lua_Integer rows = limit > 0 ? count_rows(L, i) : -1;
  if (rows <= limit) {
    gs_output_value(L, i, GS_FMT_TABLE, stdout);
    return;
  }
  char *buf = NULL;
  size_t len = 0;
  FILE *m = open_memstream(&buf, &len);
  if (!m) {
    gs_output_value(L, i, GS_FMT_TABLE, stdout);
    return;
  }
  /* protected, so that the stream is closed whatever __rows raises */
  lua_pushcfunction(L, output_p);
  lua_pushvalue(L, i);
  lua_pushlightuserdata(L, m);
  int st = lua_pcall(L, 2, 0, 0);
  fclose(m);
  if (st != LUA_OK) {
    free(buf);
    lua_error(L);
  }
  const char *end = buf + len, *p = buf, *q;
  for (lua_Integer k = 0; k < 1 + limit; k++) p = next_line(p, end); /* header, rows */
  q = p;
  for (lua_Integer k = limit; k < rows; k++) q = next_line(q, end);
  fwrite(buf, 1, (size_t)(p - buf), stdout);
  printf("... %lld more rows (show(...) prints them all)\n", (long long)(rows - limit));
  fwrite(q, 1, (size_t)(end - q), stdout);
  free(buf);
}

/* Prints the values at 1..top: gcisim's values and records as tables,
 * the others as lua.c does (tostring, separated by tabs); limit as for
 * print_table. */
static void print_all(lua_State *L, lua_Integer limit) {
  int n = lua_gettop(L), plain = 0;
  for (int i = 1; i <= n; i++) {
    if (printable(L, i) || is_record(L, i) || is_record_list(L, i)) {
      if (plain) fputc('\n', stdout);
      plain = 0;
      print_table(L, i, limit);
      continue;
    }
    if (plain) fputc('\t', stdout);
    fputs(luaL_tolstring(L, i, NULL), stdout);
    lua_pop(L, 1);
    plain = 1;
  }
  if (plain) fputc('\n', stdout);
  fflush(stdout);
}

/* The values a line returns; on a terminal, long tables are cut. */
static int print_values(lua_State *L) {
  print_all(L, isatty(STDOUT_FILENO) ? SHOW_ROWS : 0);
  return 0;
}

/* show(...): the global that prints its arguments in full. */
static int show(lua_State *L) {
  print_all(L, 0);
  return 0;
}

/* Reports the error message at the stack top (and pops it).  ran: the
 * error came from running a line, so a limit hit during it names the
 * limit; a compile error is its own (a limit hit by the previous line
 * stays recorded until the next line starts). */
static void report(repl *r, lua_State *L, int ran) {
  fflush(stdout); /* what the line printed comes before its error */
  const char *msg = lua_tostring(L, -1);
  gs_limit hit = ran ? gs_sandbox_limit_hit(r->sb) : GS_LIMIT_NONE;
  if (hit != GS_LIMIT_NONE && (!msg || !strstr(msg, gs_sandbox_limit_message(r->sb))))
    fprintf(stderr, "stdin: %s\n", gs_sandbox_limit_message(r->sb));
  else
    fprintf(stderr, "%s\n", msg ? msg : "(no message)");
  fflush(stderr);
  lua_pop(L, 1);
  r->failed = 1;
}

/* Starts and ends the per-line limits (sandbox.h): the budget restarts,
 * the watchdog runs only while a line does, never at the prompt. */
static void begin_line(repl *r) {
  gs_sandbox_reset(r->sb);
  gs_sandbox_watchdog(r->sb, GS_EX_TIMEOUT, NULL);
  g_interrupts = 0;
  g_running = 1;
}

static void end_line(void) {
  g_running = 0;
  gs_sandbox_watchdog_off();
}

/* Compiles the chunk in buf: `return buf` first (an expression), then buf
 * as statements.  Leaves the function, or an error message, on the stack. */
static int compile(lua_State *L, const char *buf) {
  lua_pushfstring(L, "return %s;", buf);
  int st = luaL_loadbufferx(L, lua_tostring(L, -1), lua_rawlen(L, -1), "=stdin", "t");
  lua_remove(L, -2);
  if (st == LUA_OK) return st;
  lua_pop(L, 1);
  return luaL_loadbufferx(L, buf, strlen(buf), "=stdin", "t");
}

static int compile_p(lua_State *L) {
  const char *buf = lua_touserdata(L, 1);
  lua_pop(L, 1);
  int st = compile(L, buf);
  lua_pushinteger(L, st);
  return 2;
}

/* compile, in a protected call: building "return ...;" can run out of
 * memory, and an error raised straight from the loop would jump past the
 * C buffers it holds (a leak) and end the session.  Leaves the function
 * or a message; returns the load status, or the call's on an error. */
static int compile_protected(lua_State *L, const char *buf) {
  lua_pushcfunction(L, compile_p);
  lua_pushlightuserdata(L, (void *)buf);
  int st = lua_pcall(L, 1, 2, 0);
  if (st != LUA_OK) return st;
  st = (int)lua_tointeger(L, -1);
  lua_pop(L, 1);
  return st;
}

/* Runs one complete chunk (the function on the stack top) and prints its
 * values; errors are reported. */
static void run_chunk(repl *r, lua_State *L) {
  int base = lua_gettop(L);
  lua_pushcfunction(L, msghandler);
  lua_insert(L, base);
  begin_line(r);
  int st = lua_pcall(L, 0, LUA_MULTRET, base);
  if (st == LUA_OK && lua_gettop(L) > base) {
    lua_pushcfunction(L, print_values);
    lua_insert(L, base + 1);
    st = lua_pcall(L, lua_gettop(L) - base - 1, 0, base);
  }
  end_line();
  if (st != LUA_OK) report(r, L, 1);
  lua_settop(L, base - 1);
}

/* Writes the history file (private: the lines may name files and data;
 * a failure is silent).  After every line, not only at the end: a line
 * stuck in C ends the session (exit 80), and a session can be killed. */
static void save_history(repl *r) {
  if (!r->history) return;
  mode_t um = umask(077);
  write_history(r->history);
  umask(um);
}

/* The loop, inside a protected call like lua.c's doREPL. */
static int pmain(lua_State *L) {
  repl *r = lua_touserdata(L, 1);
  lua_settop(L, 0);
  gs_lua_setctx(L, &r->ctx);
  luaL_requiref(L, "gci", luaopen_gci, 1);
  lua_pop(L, 1);
  lua_pushcfunction(L, show);
  lua_setglobal(L, "show");
  if (r->data) {
    lua_getglobal(L, "gci");
    lua_getfield(L, -1, "load");
    lua_pushstring(L, r->data);
    begin_line(r);
    int st = lua_pcall(L, 1, 1, 0);
    end_line();
    if (st != LUA_OK) {
      /* unreadable, refused or malformed: DATA.csv is wrong (65), as
       * for `gcisim explain`; but a limit that stopped the load is that
       * limit's code, as in `gcisim run` */
      const char *msg = lua_tostring(L, -1);
      int code = gs_run_exit_code(r->sb, &r->ctx, msg);
      r->rc = code == GS_EX_SCRIPT ? GS_EX_DATA : code;
      fprintf(stderr, "%s\n", msg ? msg : "(no message)");
      return 0;
    }
    lua_setglobal(L, "d");
    lua_pop(L, 1);
  }
  g_L = L;
  if (r->tty) {
    printf("gcisim %s (%s)%s%s%s; Ctrl-D to leave\n", GCISIM_VERSION, LUA_RELEASE, r->data ? ", d = " : "",
           r->data ? r->data : "", r->sbo.lim.trusted ? ", TRUSTED: no sandbox" : "");
    fflush(stdout);
  }
  char *chunk = NULL; /* the lines of an incomplete chunk so far */
  for (;;) {
    int cleared;
    char *line = read_line(r, chunk ? ">> " : "> ", &cleared);
    if (cleared) { /* Ctrl-C at the prompt: drop the line (and any open chunk) */
      free(chunk);
      chunk = NULL;
      if (r->tty) { fputc('\n', stdout); fflush(stdout); }
      continue;
    }
    if (!line) {
      /* a statement left open at the end of input is an error, as in
       * lua.c: its compile error says what was missing ("near <eof>") */
      if (chunk) {
        const char *src = chunk[0] == '=' ? chunk + 1 : chunk;
        if (compile_protected(L, src) != LUA_OK) report(r, L, 0);
        else lua_pop(L, 1);
      }
      break;
    }
    size_t lc = chunk ? strlen(chunk) : 0, ll = strlen(line);
    char *buf = malloc(lc + ll + 2);
    if (!buf) { free(line); free(chunk); return luaL_error(L, "out of memory"); }
    if (chunk) { memcpy(buf, chunk, lc); buf[lc++] = '\n'; }
    memcpy(buf + lc, line, ll + 1);
    free(line);
    free(chunk);
    chunk = NULL;
    /* a lone "=expr" prints expr, as in Lua 5.1-5.3's interpreter */
    const char *src = buf[0] == '=' ? buf + 1 : buf;
    /* A Ctrl-C that landed as the previous line ended leaves a call hook
     * armed: cleared here, so it cannot stop this line's compile call. */
    gs_sandbox_reset(r->sb);
    int st = compile_protected(L, src);
    if (incomplete(L, st)) {
      lua_pop(L, 1);
      chunk = buf;
      continue;
    }
    /* The whole statement is one history entry, as in lua.c: recalling
     * a loop typed over three lines recalls the loop, not its "end". */
    if (r->tty && *buf) {
      add_history(buf);
      save_history(r); /* now: a session killed or ended by a limit keeps it */
    }
    free(buf);
    if (st != LUA_OK) { report(r, L, 0); continue; }
    run_chunk(r, L);
  }
  free(chunk);
  g_L = NULL;
  cand_clear();
  if (r->tty) { fputc('\n', stdout); fflush(stdout); }
  return 0;
}

static char *history_path(void) {
  const char *e = getenv("GCISIM_HISTORY"), *h = getenv("HOME");
  char *p = NULL;
  if (e && *e) p = strdup(e);
  else if (h && *h && (p = malloc(strlen(h) + 32))) sprintf(p, "%s/.gcisim_history", h);
  return p;
}

int gs_repl_main(int argc, char **argv) {
  if (gs_args_have_help(argc, argv)) {
    fputs(usage, stdout);
    return GS_EX_OK;
  }
  repl r;
  memset(&r, 0, sizeof r);
  int rc = parse(argc, argv, &r);
  if (rc != GS_EX_OK) return rc;
  const char *files[] = {r.data}; /* its directory is readable */
  gs_policy *pol = gs_run_policy(&r.sbo, files, 1, &rc);
  if (!pol) return rc;
  r.ctx.policy = pol;
  r.ctx.dataset = r.data;
  r.ctx.quiet = 1; /* no progress bars over the prompt */
  if (!(r.sb = gs_sandbox_new(&r.sbo.lim))) {
    fprintf(stderr, "gcisim: cannot create a Lua state (out of memory)\n");
    rc = GS_EX_MEMORY;
    goto done;
  }
  r.ctx.sandbox = r.sb;
  r.tty = isatty(STDIN_FILENO);
  if (r.tty) {
    rl_attempted_completion_function = complete;
    /* '.' and ':' are part of a word: "gci.lo" completes as a whole */
    rl_basic_word_break_characters = " \t\n\"'`()[]{},;=+-*/%^<>~#&|";
  }
  if (r.tty && (r.history = history_path())) {
    using_history();
    stifle_history(1000);
    read_history(r.history); /* none yet, or unreadable: start empty */
  }
  /* Ctrl-C: no SA_RESTART, so a blocked read returns to us */
  g_sb = r.sb;
  struct sigaction sa, old;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old);
  lua_State *L = gs_sandbox_state(r.sb);
  lua_pushcfunction(L, pmain);
  lua_pushlightuserdata(L, &r);
  if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "gcisim: %s\n", msg ? msg : "(no message)");
    r.rc = GS_EX_SCRIPT;
  }
  rc = r.rc;
  sigaction(SIGINT, &old, NULL);
  g_sb = NULL;
  /* From a pipe a failed line is the script's failure: exit 1, so shell
   * scripts can tell; on a terminal the person saw it, and Ctrl-D is 0. */
  if (rc == GS_EX_OK && r.failed && !r.tty) rc = GS_EX_SCRIPT;
done:
  free(r.history);
  gs_sandbox_free(r.sb);
  gs_policy_free(pol);
  return rc;
}
