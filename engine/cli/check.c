/* check.c - `gcisim check`: runs a student's exercise, then its answer key,
 * each in a sandbox of its own, and compares the answers (see check.h).
 *
 * Two separate states on purpose: the key must compute the reference from
 * the data, whatever the student's script did to its own globals, and the
 * student's script must not see the key.  Values cross from a state to C
 * (a small tagged value) before the state is closed, so nothing Lua is
 * shared between them. */
#include "check.h"

#include <ctype.h>
#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "argwalk.h"
#include "format.h"
#include "lgci.h"
#include "policy.h"
#include "run.h"
#include "sandbox.h"

static const char check_usage[] =
    "usage: gcisim check EXERCISE.lua [--hint] [--expect ID] [--keys DIR] [options]\n"
    "\n"
    "Runs an exercise of scripts/teaching/ that you filled in (in the sandbox of\n"
    "`gcisim run`), computes the reference answers from the data with the\n"
    "exercise's answer key, and says for each answer whether it is right:\n"
    "  NAME  ok                       right\n"
    "  NAME  not yet: WHY             blank (___ still there) or wrong, with\n"
    "                                 what the mistake probably is\n"
    "\n"
    "options:\n"
    "  --hint                  also print a hint on how to compute each answer\n"
    "                          that is not right yet\n"
    "  --expect ID             the file must be exercise ID (for grading by exit\n"
    "                          code): another id is an error, exit 1\n"
    "  --keys DIR              also look for answer keys in DIR/ID.lua (a\n"
    "                          teacher's own exercises; never a shipped id)\n"
    "  --allow-read DIR        the exercise and its key may also read under DIR\n"
    "  --timeout SECONDS       wall-clock limit for the exercise and for the key\n"
    "                          (default 10)\n"
    "  --max-memory SIZE       memory limit for each, e.g. 64M (default 256M)\n"
    "  --max-instructions N    Lua instruction limit for each (default none)\n"
    "  --max-output SIZE       bytes the exercise may print (default 64M)\n"
    "  --help                  this text\n"
    "\n"
    "An exercise names itself with `exercise \"ID\"` and sets answers.NAME = ...\n"
    "(see scripts/teaching/README.md).\n"
    "\n"
    "exit codes: 0 every answer right, 1 some answer wrong or blank, another\n"
    "            exercise than --expect, or a script error (file.lua:LINE:\n"
    "            message), 64 usage, 65 data error, 80 timeout, 81 memory\n"
    "            limit, 82 instruction limit, 83 output limit\n";

#define BLANK_KEY "gcisim.check.blank"
#define NILS_KEY "gcisim.check.nils" /* the answers set to nil: {name = true} */
#define MAX_ID 64

/* A value copied out of a Lua state. */
typedef enum { V_NONE, V_BLANK, V_NIL, V_NUM, V_STR, V_OTHER } vkind;
typedef struct {
  vkind k;
  double num;
  char *str; /* V_STR: the text; V_OTHER: the Lua type name (owned) */
} value;

typedef struct {
  value v;
  char *says; /* owned */
} mistake;

/* One answer of the key, and what the student gave for it. */
typedef struct {
  char *name, *kind, *hint; /* owned; hint may be NULL */
  char *otherwise;          /* owned, may be NULL: what to say when no single mistake fits */
  double tol;
  value ref;
  mistake *mist; /* owned, nmist entries */
  size_t nmist;
  value got;
} answer;

typedef struct {
  const char *file;
  const gs_check_key *keys; /* borrowed: the compiled-in keys */
  int hint;
  const char *expect;   /* --expect ID, or NULL (borrowed from argv) */
  const char *keydir;   /* --keys DIR, or NULL (borrowed from argv) */
  gs_run_sbopts sbo;    /* limits and --allow-read */
  gs_policy *pol;
  char id[MAX_ID];
  char *title;          /* owned, may be NULL */
  answer *ans;          /* owned, nans entries */
  size_t nans;
  char **sname;         /* the student's answers: names and values (owned) */
  value *sval;
  size_t ns, scap;
  gs_ctx ctx;
  gs_sandbox *sb;
  int status;
  int mismatch;         /* the file named another exercise than --expect */
  int help;             /* --help was given (and printed) */
} check;

static void value_free(value *v) {
  free(v->str);
  v->str = NULL;
}

static char *dup_or_raise(lua_State *L, const char *s) {
  char *d = strdup(s);
  if (!d) luaL_error(L, "out of memory");
  return d;
}

/* Copies the value at index i into *v; the blank is recognised by identity. */
static void to_value(lua_State *L, int i, value *v) {
  memset(v, 0, sizeof *v);
  i = lua_absindex(L, i);
  lua_getfield(L, LUA_REGISTRYINDEX, BLANK_KEY);
  int blank = !lua_isnil(L, -1) && lua_rawequal(L, i, -1);
  lua_pop(L, 1);
  if (blank) { v->k = V_BLANK; return; }
  switch (lua_type(L, i)) {
  case LUA_TNIL: v->k = V_NIL; break;
  case LUA_TNUMBER: v->k = V_NUM; v->num = lua_tonumber(L, i); break;
  case LUA_TSTRING: v->k = V_STR; v->str = dup_or_raise(L, lua_tostring(L, i)); break;
  default: v->k = V_OTHER; v->str = dup_or_raise(L, luaL_typename(L, i)); break;
  }
}

/* ---------- the blank ___ ----------
 * A template leaves `___` where the student writes an expression.  So that
 * an unfilled template still runs to the end and every answer computed from
 * a blank reads as blank, the blank absorbs what is done with it: a field,
 * a call, a method call or arithmetic on it gives the blank again.  Only
 * iteration is cut short (an integer index gives nil, the length is 0, and
 * rows/countries give an empty iterator), so that `for x in ___:rows()` and
 * ipairs(___) end instead of looping on the blank forever. */

static int blank_self(lua_State *L) {
  lua_pushvalue(L, lua_upvalueindex(1));
  return 1;
}

static int blank_end(lua_State *L) {
  (void)L;
  return 0;
}

static int blank_iter(lua_State *L) {
  lua_pushcfunction(L, blank_end);
  return 1;
}

static int blank_index(lua_State *L) {
  if (lua_type(L, 2) == LUA_TNUMBER) return 0;
  if (lua_type(L, 2) == LUA_TSTRING &&
      (strcmp(lua_tostring(L, 2), "rows") == 0 || strcmp(lua_tostring(L, 2), "countries") == 0)) {
    lua_pushcfunction(L, blank_iter);
    return 1;
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  return 1;
}

static int blank_len(lua_State *L) {
  lua_pushinteger(L, 0);
  return 1;
}

static int blank_tostring(lua_State *L) {
  lua_pushliteral(L, "___");
  return 1;
}

static void push_blank(lua_State *L) {
  static const char *const absorb[] = {"__call", "__add", "__sub", "__mul", "__div", "__mod", "__pow",
                                       "__unm", "__idiv", "__band", "__bor", "__bxor", "__shl", "__shr",
                                       "__bnot", "__concat", NULL};
  lua_newtable(L);                 /* the blank */
  lua_createtable(L, 0, 24);       /* its metatable */
  for (int i = 0; absorb[i]; i++) {
    lua_pushvalue(L, -2);
    lua_pushcclosure(L, blank_self, 1);
    lua_setfield(L, -2, absorb[i]);
  }
  lua_pushvalue(L, -2);
  lua_pushcclosure(L, blank_index, 1);
  lua_setfield(L, -2, "__index");
  static const luaL_Reg meta[] = {{"__len", blank_len}, {"__tostring", blank_tostring}, {NULL, NULL}};
  luaL_setfuncs(L, meta, 0);
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable"); /* getmetatable(___) cannot take it apart */
  lua_setmetatable(L, -2);
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, BLANK_KEY);
}

/* ---------- finding a key ---------- */

static const gs_check_key *embedded_key(const check *c, const char *id) {
  for (const gs_check_key *k = c->keys; k->id; k++)
    if (strcmp(k->id, id) == 0) return k;
  return NULL;
}

/* A teacher's own exercises carry their key in DIR/ID.lua, found only
 * under --keys DIR: a key found by itself next to the student's file would
 * let the student write the key of their own answers.  Compiled-in keys
 * come first, so --keys cannot replace the key of a shipped exercise. */
static int local_key_path(const check *c, const char *id, char *buf, size_t len) {
  if (!c->keydir) return 0;
  snprintf(buf, len, "%s/%s.lua", c->keydir, id);
  return 1;
}

static int valid_id(const char *id) {
  size_t n = strlen(id);
  if (n == 0 || n >= MAX_ID) return 0;
  for (size_t i = 0; i < n; i++)
    if (!isalnum((unsigned char)id[i]) && id[i] != '-' && id[i] != '_') return 0;
  return 1;
}

static int key_exists(const check *c, const char *id) {
  if (embedded_key(c, id)) return 1;
  char path[PATH_MAX + 80];
  return local_key_path(c, id, path, sizeof path) && access(path, R_OK) == 0;
}

/* The list of the compiled-in ids, pushed as one string. */
static void push_known(lua_State *L, const check *c) {
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (const gs_check_key *k = c->keys; k->id; k++) {
    if (k != c->keys) luaL_addstring(&b, ", ");
    luaL_addstring(&b, k->id);
  }
  luaL_pushresult(&b);
}

/* exercise "ID": names the exercise (once), refusing an unknown id, or
 * another id than --expect's, at the line that gives it. */
static int l_exercise(lua_State *L) {
  check *c = lua_touserdata(L, lua_upvalueindex(1));
  const char *id = luaL_checkstring(L, 1);
  if (c->id[0]) return luaL_error(L, "exercise \"%s\": this file already said exercise \"%s\"", id, c->id);
  if (c->expect && strcmp(id, c->expect) != 0) {
    c->mismatch = 1;
    return luaL_error(L, "this file is exercise \"%s\", not the expected \"%s\" (--expect)", id, c->expect);
  }
  if (!valid_id(id) || !key_exists(c, id)) {
    push_known(L, c);
    return luaL_error(L, "unknown exercise \"%s\" (known: %s%s)", id, lua_tostring(L, -1),
                      c->keydir ? " and those of --keys" : "");
  }
  snprintf(c->id, sizeof c->id, "%s", id);
  return 0;
}

/* ---------- running the student's file ---------- */

static void open_state(lua_State *L, check *c) {
  gs_lua_setctx(L, &c->ctx);
  luaL_requiref(L, "gci", luaopen_gci, 1);
  lua_pop(L, 1);
}

static void add_student(lua_State *L, check *c, const char *name, int vi) {
  if (c->ns == c->scap) {
    size_t cap = c->scap ? 2 * c->scap : 16;
    char **n = realloc(c->sname, cap * sizeof *n);
    if (n) c->sname = n;
    value *v = n ? realloc(c->sval, cap * sizeof *v) : NULL;
    if (v) c->sval = v;
    if (!n || !v) luaL_error(L, "out of memory");
    c->scap = cap;
  }
  c->sname[c->ns] = dup_or_raise(L, name);
  c->ns++;                               /* counted first: freed even if the copy raises */
  memset(&c->sval[c->ns - 1], 0, sizeof(value));
  to_value(L, vi, &c->sval[c->ns - 1]);
}

/* answers' __newindex: a name set to nil leaves no entry in the table, so
 * it is noted aside, to tell the student "your answer is nil" rather than
 * "not set".  Anything else is stored as such. */
static int answers_newindex(lua_State *L) {
  if (lua_isnil(L, 3)) {
    if (lua_type(L, 2) != LUA_TSTRING) return 0; /* only names are answers */
    lua_getfield(L, LUA_REGISTRYINDEX, NILS_KEY);
    lua_pushvalue(L, 2);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
    return 0;
  }
  lua_settop(L, 3);
  lua_rawset(L, 1);
  return 0;
}

static int student_main(lua_State *L) {
  check *c = lua_touserdata(L, 1);
  open_state(L, c);
  push_blank(L);
  lua_setglobal(L, "___");
  lua_newtable(L);
  lua_setfield(L, LUA_REGISTRYINDEX, NILS_KEY);
  lua_newtable(L);
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, answers_newindex);
  lua_setfield(L, -2, "__newindex");
  lua_setmetatable(L, -2);
  lua_setglobal(L, "answers");
  lua_pushlightuserdata(L, c);
  lua_pushcclosure(L, l_exercise, 1);
  lua_setglobal(L, "exercise");
  lua_createtable(L, 0, 1);
  lua_pushstring(L, c->file);
  lua_rawseti(L, -2, 0);
  lua_setglobal(L, "arg");
  if (luaL_loadfilex(L, c->file, "t") != LUA_OK || lua_pcall(L, 0, 0, 0) != LUA_OK) {
    c->status = 1;
    return 1; /* the message */
  }
  if (!c->id[0]) {
    lua_pushfstring(L, "%s: no exercise id: the file must say which exercise it is, e.g. exercise \"01-read-score\" "
                       "(see scripts/teaching/README.md)", c->file);
    c->status = 1;
    return 1;
  }
  lua_getglobal(L, "answers");
  if (!lua_istable(L, -1)) {
    lua_pushfstring(L, "%s: answers is a %s, not a table: set answers.NAME = ... and leave answers itself alone",
                    c->file, luaL_typename(L, -1));
    c->status = 1;
    return 1;
  }
  /* Raw traversal: a metatable the script set on answers runs no code here. */
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    if (lua_type(L, -2) == LUA_TSTRING) add_student(L, c, lua_tostring(L, -2), -1);
    lua_pop(L, 1);
  }
  /* the names set to nil that hold nothing now */
  lua_getfield(L, LUA_REGISTRYINDEX, NILS_KEY);
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING) continue;
    lua_pushvalue(L, -1);
    if (lua_rawget(L, -4) == LUA_TNIL) add_student(L, c, lua_tostring(L, -2), -1);
    lua_pop(L, 1);
  }
  c->status = 0;
  return 0;
}

/* ---------- running the key ---------- */

/* Read raw: the string must stay anchored by the key's table after the pop
 * (an __index metamethod could hand back a fresh string that the next
 * allocation, e.g. luaL_error's message, frees). */
static const char *field_str(lua_State *L, int t, const char *k, int required, const char *ctx) {
  t = lua_absindex(L, t);
  lua_pushstring(L, k);
  lua_rawget(L, t);
  if (lua_isnil(L, -1) && !required) { lua_pop(L, 1); return NULL; }
  if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "%s: %s must be a string", ctx, k);
  const char *s = lua_tostring(L, -1);
  lua_pop(L, 1); /* still referenced by the key's table */
  return s;
}

static void key_value(lua_State *L, int i, value *v, const char *ctx, const char *what) {
  to_value(L, i, v);
  if (v->k != V_NUM && v->k != V_STR) {
    value_free(v);
    luaL_error(L, "%s: %s must be a number or a string, got %s", ctx, what, luaL_typename(L, i));
  }
}

static void read_answer(lua_State *L, int t, answer *a, size_t idx) {
  char ctx[32];
  snprintf(ctx, sizeof ctx, "answer %zu", idx + 1);
  if (!lua_istable(L, t)) luaL_error(L, "%s: must be a table", ctx);
  a->name = dup_or_raise(L, field_str(L, t, "name", 1, ctx));
  const char *kind = field_str(L, t, "kind", 0, ctx);
  if (!kind) kind = "number";
  if (strcmp(kind, "score") && strcmp(kind, "rank") && strcmp(kind, "number") && strcmp(kind, "iso3") &&
      strcmp(kind, "text"))
    luaL_error(L, "%s: kind must be score, rank, number, iso3 or text, got '%s'", ctx, kind);
  a->kind = dup_or_raise(L, kind);
  const char *hint = field_str(L, t, "hint", 0, ctx);
  if (hint) a->hint = dup_or_raise(L, hint);
  const char *otherwise = field_str(L, t, "otherwise", 0, ctx);
  if (otherwise) a->otherwise = dup_or_raise(L, otherwise);
  a->tol = strcmp(kind, "score") == 0 ? 0.005 : 0;
  lua_getfield(L, t, "tol");
  if (!lua_isnil(L, -1)) {
    if (!lua_isnumber(L, -1) || lua_tonumber(L, -1) < 0) luaL_error(L, "%s: tol must be a number >= 0", ctx);
    a->tol = lua_tonumber(L, -1);
  }
  lua_pop(L, 1);
  lua_getfield(L, t, "value");
  key_value(L, -1, &a->ref, ctx, "value");
  lua_pop(L, 1);
  lua_getfield(L, t, "mistakes");
  if (!lua_isnil(L, -1)) {
    if (!lua_istable(L, -1)) luaL_error(L, "%s: mistakes must be a list", ctx);
    size_t n = (size_t)luaL_len(L, -1);
    a->mist = calloc(n ? n : 1, sizeof *a->mist);
    if (!a->mist) luaL_error(L, "out of memory");
    for (size_t j = 0; j < n; j++) {
      lua_rawgeti(L, -1, (lua_Integer)j + 1);
      if (!lua_istable(L, -1)) luaL_error(L, "%s: mistake %d must be a table {value = ..., says = ...}", ctx, (int)j + 1);
      mistake *m = &a->mist[j];
      m->says = dup_or_raise(L, field_str(L, -1, "says", 1, ctx));
      a->nmist = j + 1;
      lua_getfield(L, -1, "value");
      key_value(L, -1, &m->v, ctx, "a mistake's value");
      lua_pop(L, 2);
    }
  }
  lua_pop(L, 1);
}

static int key_main(lua_State *L) {
  check *c = lua_touserdata(L, 1);
  open_state(L, c);
  const gs_check_key *k = embedded_key(c, c->id);
  int st;
  if (k) {
    lua_pushfstring(L, "@scripts/teaching/keys/%s.lua", c->id);
    st = luaL_loadbufferx(L, k->src, k->len, lua_tostring(L, -1), "t");
  } else {
    char path[PATH_MAX + 80];
    local_key_path(c, c->id, path, sizeof path); /* l_exercise found it */
    st = luaL_loadfilex(L, path, "t");
  }
  if (st != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK) {
    c->status = 1;
    return 1;
  }
  int t = lua_gettop(L);
  if (!lua_istable(L, t)) luaL_error(L, "the key must return a table of answers");
  const char *title = field_str(L, t, "title", 0, "the key");
  if (title) c->title = dup_or_raise(L, title);
  size_t n = (size_t)luaL_len(L, t);
  if (n == 0) luaL_error(L, "the key lists no answers");
  c->ans = calloc(n, sizeof *c->ans);
  if (!c->ans) luaL_error(L, "out of memory");
  for (size_t i = 0; i < n; i++) {
    c->nans = i + 1;
    lua_rawgeti(L, t, (lua_Integer)i + 1);
    read_answer(L, lua_gettop(L), &c->ans[i], i);
    lua_pop(L, 1);
    /* One entry per name: the student's value moves to the entry of its
     * name, and a second entry would get a moved-out (NULL) text. */
    for (size_t j = 0; j < i; j++)
      if (strcmp(c->ans[j].name, c->ans[i].name) == 0)
        luaL_error(L, "answer %d: the name '%s' is already answer %d", (int)i + 1, c->ans[i].name, (int)j + 1);
  }
  c->status = 0;
  return 0;
}

/* ---------- sandboxes ---------- */

/* Runs fn(check) in a new sandbox.  Returns 0 when it ran and set status 0;
 * otherwise prints the error (prefixed by `what` if not NULL) and returns
 * the exit code. */
static int in_sandbox(check *c, lua_CFunction fn, const char *what) {
  memset(&c->ctx, 0, sizeof c->ctx);
  c->ctx.policy = c->pol;
  c->ctx.quiet = 1;
  c->sb = gs_sandbox_new(&c->sbo.lim);
  if (!c->sb) {
    fprintf(stderr, "gcisim: cannot create a Lua state (out of memory)\n");
    return GS_EX_MEMORY;
  }
  c->ctx.sandbox = c->sb;
  gs_sandbox_watchdog(c->sb, GS_EX_TIMEOUT, NULL);
  lua_State *L = gs_sandbox_state(c->sb);
  c->status = 1;
  lua_pushcfunction(L, fn);
  lua_pushlightuserdata(L, c);
  int st = lua_pcall(L, 1, 1, 0);
  int rc = 0;
  if (st != LUA_OK || c->status != 0) {
    const char *msg = lua_tostring(L, -1);
    rc = gs_run_exit_code(c->sb, &c->ctx, msg);
    gs_limit hit = gs_sandbox_limit_hit(c->sb);
    const char *where = ""; /* a limit hit in C code has no file:line of its own: the file's name then */
    if (hit != GS_LIMIT_NONE && (!msg || !strstr(msg, gs_sandbox_limit_message(c->sb)))) {
      msg = gs_sandbox_limit_message(c->sb);
      where = c->file;
    }
    if (what) fprintf(stderr, "gcisim: %s: %s\n", what, msg ? msg : "(no message)");
    else fprintf(stderr, "%s%s%s\n", where, where[0] ? ": " : "", msg ? msg : "(no message)");
  }
  gs_sandbox_watchdog_off(); /* the sandbox is done: its limit with it */
  gs_sandbox_free(c->sb);
  c->sb = NULL;
  return rc;
}

/* ---------- the student's file in a process of its own ----------
 * The verdict must come from where the student cannot write (issue 11,
 * class 11): a print of "3 of 3 right: well done" followed by a stall in
 * C once passed for the real report, which never came.  So the student's
 * file runs in a child process whose stdout is a pipe: every line it
 * prints reaches the terminal after "| ", and the only lines without it
 * are the parent's.  The answers come back over a second pipe, and the
 * parent, which runs the key and prints the verdict, prints one even when
 * the child was killed (a watchdog's timeout, a signal, its own deadline). */

#define STUDENT_PREFIX "| "

static int wr_all(int fd, const void *p, size_t n) {
  const char *s = p;
  while (n) {
    ssize_t k = write(fd, s, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return -1;
    s += k;
    n -= (size_t)k;
  }
  return 0;
}

static int wr_str(int fd, const char *s) {
  uint32_t n = s ? (uint32_t)strlen(s) : UINT32_MAX;
  return wr_all(fd, &n, sizeof n) || (s && wr_all(fd, s, n)) ? -1 : 0;
}

/* The student's results, in the child, after its stdout is closed. */
static void send_student(int fd, const check *c, int rc) {
  int32_t h[3] = {rc, c->mismatch, (int32_t)c->ns};
  if (wr_all(fd, h, sizeof h) || wr_str(fd, c->id)) return;
  for (size_t i = 0; i < c->ns; i++) {
    int32_t k = (int32_t)c->sval[i].k;
    if (wr_str(fd, c->sname[i]) || wr_all(fd, &k, sizeof k) || wr_all(fd, &c->sval[i].num, sizeof(double)) ||
        wr_str(fd, c->sval[i].str))
      return;
  }
}

/* A reader of the result bytes, all in memory. */
typedef struct {
  const char *p;
  size_t n;
  int bad;
} rd;

static void rd_take(rd *r, void *out, size_t n) {
  if (r->bad || r->n < n) { r->bad = 1; memset(out, 0, n); return; }
  memcpy(out, r->p, n);
  r->p += n;
  r->n -= n;
}

static char *rd_str(rd *r) {
  uint32_t n;
  rd_take(r, &n, sizeof n);
  if (r->bad || n == UINT32_MAX) return NULL;
  if (r->n < n) { r->bad = 1; return NULL; }
  char *s = malloc((size_t)n + 1);
  if (!s) { r->bad = 1; return NULL; }
  memcpy(s, r->p, n);
  s[n] = '\0';
  r->p += n;
  r->n -= n;
  return s;
}

/* Reads the results into c; 0, or -1 when they are incomplete. */
static int take_student(check *c, const char *buf, size_t len, int *rc) {
  rd r = {buf, len, 0};
  int32_t h[3];
  rd_take(&r, h, sizeof h);
  char *id = rd_str(&r);
  if (r.bad || h[2] < 0) { free(id); return -1; }
  *rc = h[0];
  c->mismatch = h[1];
  snprintf(c->id, sizeof c->id, "%s", id ? id : "");
  free(id);
  size_t ns = (size_t)h[2];
  c->sname = calloc(ns ? ns : 1, sizeof *c->sname);
  c->sval = calloc(ns ? ns : 1, sizeof *c->sval);
  if (!c->sname || !c->sval) return -1;
  c->scap = ns;
  for (size_t i = 0; i < ns && !r.bad; i++) {
    char *name = rd_str(&r);
    int32_t k;
    value v = {0};
    rd_take(&r, &k, sizeof k);
    rd_take(&r, &v.num, sizeof v.num);
    v.str = rd_str(&r);
    v.k = (vkind)k;
    if (r.bad || !name || k < V_NONE || k > V_OTHER) { free(name); free(v.str); return -1; }
    c->sname[c->ns] = name;
    c->sval[c->ns++] = v;
  }
  return r.bad ? -1 : 0;
}

static double mono_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Copies the child's printed lines to stdout, each after STUDENT_PREFIX;
 * control characters but tab and newline become '?', so that a carriage
 * return or a terminal escape cannot hide the prefix. */
static void relay(const char *s, size_t n, int *bol) {
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (*bol) fputs(STUDENT_PREFIX, stdout);
    fputc((ch < 0x20 && ch != '\n' && ch != '\t') || ch == 0x7f ? '?' : ch, stdout);
    *bol = ch == '\n';
  }
}

/* Runs the student's file in a child; returns its exit code as
 * in_sandbox would, with c filled in, or the code of the limit or signal
 * that ended it (*killed set, and *why saying what). */
static int run_student(check *c, int *killed, const char **why) {
  int outp[2], resp[2];
  *killed = 0;
  *why = NULL;
  if (pipe(outp) != 0) return GS_EX_MEMORY;
  if (pipe(resp) != 0) { close(outp[0]); close(outp[1]); return GS_EX_MEMORY; }
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    close(outp[0]); close(outp[1]); close(resp[0]); close(resp[1]);
    fprintf(stderr, "gcisim: cannot start the exercise: %s\n", strerror(errno));
    return GS_EX_MEMORY;
  }
  if (pid == 0) {
    close(outp[0]);
    close(resp[0]);
    if (dup2(outp[1], 1) < 0) _exit(GS_EX_OUTPUT);
    close(outp[1]);
    int rc = in_sandbox(c, student_main, NULL);
    fflush(stdout);
    fflush(stderr);
    close(1); /* the parent sees the end of the printing, then the results */
    send_student(resp[1], c, rc);
    _exit(0);
  }
  close(outp[1]);
  close(resp[1]);
  /* The child's watchdog ends it 2 s after --timeout; this deadline is the
   * parent's own, for a child that ends no other way. */
  double deadline = c->sbo.lim.timeout > 0 ? mono_s() + c->sbo.lim.timeout + 5.0 : 0;
  char *res = NULL;
  size_t rlen = 0, rcap = 0;
  int bol = 1, open_out = 1, open_res = 1, timed_out = 0;
  while (open_out || open_res) {
    struct pollfd pf[2] = {{open_out ? outp[0] : -1, POLLIN, 0}, {open_res ? resp[0] : -1, POLLIN, 0}};
    int ms = -1;
    if (deadline > 0) {
      double left = deadline - mono_s();
      if (left <= 0) { timed_out = 1; break; }
      ms = (int)(left * 1000) + 1;
    }
    int k = poll(pf, 2, ms);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) break;
    char buf[4096];
    if (open_out && (pf[0].revents & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t r = read(outp[0], buf, sizeof buf);
      if (r > 0) relay(buf, (size_t)r, &bol);
      else if (r == 0 || errno != EINTR) open_out = 0;
    }
    if (open_res && (pf[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      if (rlen == rcap) {
        size_t nc = rcap ? 2 * rcap : 4096;
        char *nb = realloc(res, nc);
        if (!nb) { timed_out = 1; break; }
        res = nb;
        rcap = nc;
      }
      ssize_t r = read(resp[0], res + rlen, rcap - rlen);
      if (r > 0) rlen += (size_t)r;
      else if (r == 0 || errno != EINTR) open_res = 0;
    }
  }
  if (!bol) fputc('\n', stdout);
  fflush(stdout);
  if (timed_out) kill(pid, SIGKILL);
  close(outp[0]);
  close(resp[0]);
  int ws = 0;
  while (waitpid(pid, &ws, 0) < 0 && errno == EINTR) {}
  int rc;
  if (!timed_out && WIFEXITED(ws) && WEXITSTATUS(ws) == 0 && take_student(c, res, rlen, &rc) == 0) {
    free(res);
    return rc;
  }
  free(res);
  *killed = 1;
  if (timed_out) {
    fprintf(stderr, "gcisim: %s: the exercise did not end, and was stopped\n", c->file);
    *why = "timeout (--timeout)";
    return GS_EX_TIMEOUT;
  }
  if (WIFEXITED(ws)) {
    switch (WEXITSTATUS(ws)) {
    case GS_EX_TIMEOUT: *why = "timeout (--timeout)"; return GS_EX_TIMEOUT;
    case GS_EX_MEMORY: *why = "memory limit (--max-memory)"; return GS_EX_MEMORY;
    default: break;
    }
  }
  fprintf(stderr, "gcisim: %s: the exercise ended abnormally (%s %d)\n", c->file,
          WIFSIGNALED(ws) ? "signal" : "exit", WIFSIGNALED(ws) ? WTERMSIG(ws) : WEXITSTATUS(ws));
  *why = "the exercise ended abnormally";
  return GS_EX_SCRIPT;
}

/* The number of blanks ___ left in the code of the file (comments and
 * string contents are not told apart from code beyond `--`: close enough
 * for a note to the student). */
static int blanks_in_code(const char *file) {
  FILE *f = fopen(file, "r");
  if (!f) return 0;
  char line[4096];
  int n = 0;
  while (fgets(line, sizeof line, f)) {
    char *dash = strstr(line, "--");
    if (dash) *dash = '\0';
    for (char *p = line; (p = strstr(p, "___")); p += 3) {
      int before = p > line && (isalnum((unsigned char)p[-1]) || p[-1] == '_');
      int after = isalnum((unsigned char)p[3]) || p[3] == '_';
      if (!before && !after) n++;
    }
  }
  fclose(f);
  return n;
}

/* ---------- comparing ---------- */

/* Whether the answer is a number (else a text), by the key's value. */
static int numeric_kind(const answer *a) {
  return a->ref.k == V_NUM;
}

/* Whether got equals ref for answer a: numbers within a's tolerance, text
 * exactly (ISO3 codes in any case); a number never equals a text. */
static int same(const answer *a, const value *got, const value *ref) {
  if (got->k == V_NUM && ref->k == V_NUM) return fabs(got->num - ref->num) <= a->tol + 1e-9;
  if (got->k != V_STR || ref->k != V_STR) return 0;
  if (strcmp(a->kind, "iso3") == 0) return strcasecmp(got->str, ref->str) == 0;
  return strcmp(got->str, ref->str) == 0;
}

/* What the mistakes whose value got equals say: the one mistake's `says`,
 * or, when several that say different things match, "either A; or B"
 * (in buf) or the answer's `otherwise` when it has one: a value two
 * mistakes share (every wrong median of Romania is 67, whatever the
 * mistake) tells nothing about which one the student made.  NULL when
 * none matches.  A mistake equal to the right answer is skipped. */
static const char *the_mistake(const answer *a, const value *got, char *buf, size_t len) {
  const char *says = NULL;
  size_t used = 0;
  int several = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < a->nmist; i++) {
    if (same(a, &a->mist[i].v, &a->ref) || !same(a, got, &a->mist[i].v)) continue;
    if (says && strcmp(says, a->mist[i].says) == 0) continue;
    if (says && !several) {
      several = 1;
      used = (size_t)snprintf(buf, len, "either %s", says);
    }
    if (several && used < len) used += (size_t)snprintf(buf + used, len - used, "; or %s", a->mist[i].says);
    if (!says) says = a->mist[i].says;
  }
  if (!several) return says;
  return a->otherwise ? a->otherwise : buf;
}

/* Whether s and t are the same text but for case and surrounding blanks. */
static int same_but_case(const char *s, const char *t) {
  while (isspace((unsigned char)*s)) s++;
  size_t n = strlen(s);
  while (n && isspace((unsigned char)s[n - 1])) n--;
  return n == strlen(t) && strncasecmp(s, t, n) == 0;
}

/* What is wrong with a's answer, in a few words, or NULL when it is right.
 * Writes into buf when it needs to compose the text. */
static const char *verdict(const answer *a, int blanks, char *buf, size_t len) {
  const value *g = &a->got;
  if (g->k == V_BLANK) return "blank, replace the ___ with your answer";
  if (g->k == V_NONE) {
    snprintf(buf, len, "blank, answers.%s is not set (not filled in yet)", a->name);
    return buf;
  }
  if (g->k == V_NIL && blanks) {
    snprintf(buf, len, "blank, answers.%s is nil (computed from a blank ___ still in the code?)", a->name);
    return buf;
  }
  if (g->k == V_NIL) {
    snprintf(buf, len, "your answer is nil, not a value: what answers.%s = ... computes gives nothing "
             "(a misspelled name or field? ISO3 codes are upper case, \"FIN\")", a->name);
    return buf;
  }
  if (same(a, g, &a->ref)) return NULL;
  const char *says = the_mistake(a, g, buf, len);
  if (says) return says;
  if (numeric_kind(a) && g->k == V_STR) {
    char *end;
    strtod(g->str, &end);
    if (end != g->str && *end == '\0') return "give the number itself, not a string (no quotes)";
    snprintf(buf, len, "expected a number, got the string \"%.40s\"", g->str);
    return buf;
  }
  if (numeric_kind(a) && g->k != V_NUM) {
    snprintf(buf, len, "expected a number, got a %s", g->str ? g->str : "value of another type");
    return buf;
  }
  if (!numeric_kind(a) && g->k != V_STR) {
    snprintf(buf, len, "expected text in quotes%s, got a %s",
             strcmp(a->kind, "iso3") == 0 ? " (an ISO3 code such as \"VNM\")" : "",
             g->k == V_NUM ? "number" : g->str);
    return buf;
  }
  if (!numeric_kind(a) && same_but_case(g->str, a->ref.str))
    return "the right word, but write it exactly as the task does: same case, no spaces around";
  if (a->otherwise) return a->otherwise;
  if (!numeric_kind(a)) return "";
  if (strcmp(a->kind, "rank") == 0) {
    if (g->num != floor(g->num)) return "a rank here is a whole number (dense ranks: 1, 2, 2, 3)";
    if (fabs(g->num - a->ref.num) == 1) return "off by one: let gcisim count (r:rank), rank 1 is the best";
  }
  if (strcmp(a->kind, "score") == 0 && fabs(g->num - a->ref.num) < 0.05)
    return "close, but not the same to 2 decimals: give the value as gcisim gives it, not rounded by hand";
  if (g->num == 0 && a->ref.num != 0) return "the answer is not 0";
  if (g->num == -a->ref.num) return "the size is right, the sign is not";
  return "";
}

static void report(check *c) {
  int blanks = blanks_in_code(c->file);
  printf("exercise %s%s%s\n", c->id, c->title ? ": " : "", c->title ? c->title : "");
  int w = 0;
  for (size_t i = 0; i < c->nans; i++) {
    int l = (int)strlen(c->ans[i].name);
    if (l > w) w = l;
  }
  size_t right = 0;
  int hints_left = 0;
  for (size_t i = 0; i < c->nans; i++) {
    answer *a = &c->ans[i];
    char buf[2048];
    const char *why = verdict(a, blanks, buf, sizeof buf);
    if (!why) {
      right++;
      printf("  %-*s  ok\n", w, a->name);
      continue;
    }
    printf("  %-*s  not yet%s%s\n", w, a->name, why[0] ? ": " : "", why);
    /* The value given, under the verdict and before the hint: a student
     * reading "off by one" sees which number the script produced. */
    if (a->got.k == V_NUM) {
      char num[64];
      gs_format_number(a->got.num, num, sizeof num);
      printf("  %-*s  you gave: %s\n", w, "", num);
    } else if (a->got.k == V_STR) {
      printf("  %-*s  you gave: \"%.200s\"\n", w, "", a->got.str);
    }
    if (a->hint && c->hint) printf("  %-*s  hint: %s\n", w, "", a->hint);
    if (a->hint && !c->hint) hints_left = 1;
  }
  for (size_t j = 0; j < c->ns; j++) {
    int known = 0;
    for (size_t i = 0; i < c->nans && !known; i++) known = strcmp(c->sname[j], c->ans[i].name) == 0;
    if (!known) printf("  %-*s  (not an answer of this exercise: ignored)\n", w, c->sname[j]);
  }
  printf("%zu of %zu right", right, c->nans);
  if (right == c->nans) printf(": well done");
  else {
    if (blanks) printf("; %d blank%s ___ left in the code", blanks, blanks == 1 ? "" : "s");
    if (hints_left) printf(" (--hint for hints)");
  }
  printf("\n");
}

/* ---------- the command ---------- */

static void check_free(check *c) {
  for (size_t i = 0; i < c->nans; i++) {
    answer *a = &c->ans[i];
    free(a->name);
    free(a->kind);
    free(a->hint);
    free(a->otherwise);
    value_free(&a->ref);
    value_free(&a->got);
    for (size_t j = 0; j < a->nmist; j++) {
      value_free(&a->mist[j].v);
      free(a->mist[j].says);
    }
    free(a->mist);
  }
  free(c->ans);
  for (size_t j = 0; j < c->ns; j++) {
    free(c->sname[j]);
    value_free(&c->sval[j]);
  }
  free(c->sname);
  free(c->sval);
  free(c->title);
  gs_policy_free(c->pol);
}

enum { CK_HELP, CK_HINT, CK_EXPECT, CK_KEYS };
static const gs_argopt check_options[] = {
    {"--help", 0, CK_HELP}, {"-h", 0, CK_HELP}, {"--hint", 0, CK_HINT},
    {"--expect", 1, CK_EXPECT}, {"--keys", 1, CK_KEYS}, {NULL, 0, 0},
};

static int check_option(void *ctx, int id, const char *a, const char *v) {
  check *c = ctx;
  (void)a;
  switch (id) {
  case CK_HELP:
    fputs(check_usage, stdout);
    c->help = 1;
    return GS_ARGWALK_STOP;
  case CK_HINT: c->hint = 1; break;
  case CK_EXPECT: c->expect = v; break;
  case CK_KEYS: c->keydir = v; break;
  }
  return GS_EX_OK;
}

/* run's limits and --allow-read; not --trusted or --allow-write: a
 * student's file has nothing to write, and is never to be trusted (both
 * are then unknown options) */
static int check_sandbox_option(void *ctx, const char *a, const char *v) {
  if (strcmp(a, "--trusted") == 0 || strcmp(a, "--allow-write") == 0) return 0;
  return gs_run_sbopts_parse(&((check *)ctx)->sbo, a, v);
}

int gs_check_main(int argc, char **argv, const gs_check_key *keys) {
  check c;
  memset(&c, 0, sizeof c);
  c.keys = keys;
  gs_run_sbopts_init(&c.sbo);
  static const gs_argwalk walk = {"check", GS_ARGS_DASH, check_options, check_option, 1,
                                  "check: one exercise at a time (extra '%s')", check_sandbox_option};
  int n; /* the exercise file, whatever its name (after "--" too) */
  int rc = gs_argwalk_run(&walk, argc, argv, &c, &c.file, &n);
  if (rc != GS_EX_OK || c.help) return rc;
  if (!c.file) return gs_usage_error("check needs an exercise file, e.g. gcisim check scripts/teaching/01_read_score.lua%s", "");
  if (c.expect && (!valid_id(c.expect) || !key_exists(&c, c.expect)))
    return gs_usage_error("--expect: unknown exercise '%s' (gcisim check --help)", c.expect);
  if (c.keydir && access(c.keydir, F_OK) != 0) return gs_usage_error("--keys: no directory '%s'", c.keydir);
  /* the policy of `gcisim run`, with the exercise's directory readable */
  if (!(c.pol = gs_run_policy(&c.sbo, &c.file, 1, &rc))) return rc;

  int killed;
  const char *why;
  rc = run_student(&c, &killed, &why);
  if (rc != 0) {
    /* the verdict, from the parent, whatever ended the exercise */
    if (!why) {
      switch (rc) {
      case GS_EX_TIMEOUT: why = "timeout (--timeout)"; break;
      case GS_EX_MEMORY: why = "memory limit (--max-memory)"; break;
      case GS_EX_INSTR: why = "instruction limit (--max-instructions)"; break;
      case GS_EX_OUTLIMIT: why = "output limit (--max-output)"; break;
      case GS_EX_DATA: why = "a data error (see above)"; break;
      default: why = "the script stopped with an error (see above)"; break;
      }
    }
    printf("%s: not checked: %s\n", c.file, why);
    fflush(stdout);
    int blanks = blanks_in_code(c.file);
    if (blanks && rc == GS_EX_SCRIPT && !c.mismatch)
      fprintf(stderr, "(%s still has %d blank%s ___ in its code: fill in each one)\n", c.file, blanks,
              blanks == 1 ? "" : "s");
    check_free(&c);
    return rc;
  }
  char what[MAX_ID + 32];
  snprintf(what, sizeof what, "answer key %s", c.id);
  rc = in_sandbox(&c, key_main, what);
  if (rc != 0) { check_free(&c); return rc; }
  /* Hand the student's answers to the key's entries. */
  for (size_t i = 0; i < c.nans; i++)
    for (size_t j = 0; j < c.ns; j++)
      if (strcmp(c.ans[i].name, c.sname[j]) == 0) {
        c.ans[i].got = c.sval[j];
        c.sval[j].str = NULL; /* moved */
      }
  report(&c);
  size_t right = 0;
  for (size_t i = 0; i < c.nans; i++) {
    char buf[2048];
    if (!verdict(&c.ans[i], 0, buf, sizeof buf)) right++;
  }
  rc = right == c.nans ? GS_EX_OK : GS_EX_SCRIPT;
  if (fflush(stdout) != 0) rc = GS_EX_OUTPUT;
  check_free(&c);
  return rc;
}
