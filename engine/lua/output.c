/* output.c - printing script values as tables, CSV, JSON or Markdown (see
 * output.h). */
#include "output.h"

#include <errno.h>
#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Cell text for the value at stack top (not popped). is_num tells whether
 * it was a number, for alignment and JSON. Returns NULL for nil. */
static const char *cell_text(lua_State *L, gs_format fmt, char *buf, size_t len, int *is_num) {
  *is_num = 0;
  switch (lua_type(L, -1)) {
  case LUA_TNIL: return NULL;
  case LUA_TNUMBER: {
    double v = lua_tonumber(L, -1);
    *is_num = 1;
    if (!isfinite(v)) return NULL;
    if (lua_isinteger(L, -1)) snprintf(buf, len, "%lld", (long long)lua_tointeger(L, -1));
    else if ((fmt == GS_FMT_TABLE || fmt == GS_FMT_MD) && v != floor(v)) {
      /* for people: at most 4 decimals, trailing zeros trimmed */
      snprintf(buf, len, "%.4f", v);
      char *e = buf + strlen(buf) - 1;
      while (*e == '0') *e-- = '\0';
      if (*e == '.') *e = '\0';
    } else gs_format_number(v, buf, len);
    return buf;
  }
  case LUA_TBOOLEAN: snprintf(buf, len, "%s", lua_toboolean(L, -1) ? "true" : "false"); *is_num = 2; return buf;
  case LUA_TSTRING: return lua_tostring(L, -1);
  default: {
    const char *s = luaL_tolstring(L, -1, NULL);
    snprintf(buf, len, "%s", s);
    lua_pop(L, 1);
    return buf;
  }
  }
}

static size_t utf8_width(const char *s) {
  size_t w = 0;
  for (; *s; s++) w += ((unsigned char)*s & 0xC0) != 0x80;
  return w;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Pushes the column list for the records list at index t. */
static void push_columns(lua_State *L, int t) {
  if (luaL_getmetafield(L, t, "__columns") != LUA_TNIL) return;
  lua_newtable(L); /* set of keys */
  int set = lua_gettop(L);
  size_t n = lua_rawlen(L, t);
  for (size_t i = 1; i <= n; i++) {
    if (lua_rawgeti(L, t, (lua_Integer)i) == LUA_TTABLE) {
      lua_pushnil(L);
      while (lua_next(L, -2)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) == LUA_TSTRING) {
          lua_pushvalue(L, -1);
          lua_pushboolean(L, 1);
          lua_rawset(L, set);
        }
      }
    }
    lua_pop(L, 1);
  }
  size_t k = 0, cap = 16;
  const char **keys = lua_newuserdatauv(L, cap * sizeof *keys, 0);
  int kidx = lua_gettop(L);
  lua_pushnil(L);
  while (lua_next(L, set)) {
    lua_pop(L, 1);
    const char *s = lua_tostring(L, -1);
    if (strcmp(s, "iso3") == 0 || strcmp(s, "country") == 0) continue;
    if (k == cap) {
      const char **nk = lua_newuserdatauv(L, 2 * cap * sizeof *nk, 0);
      memcpy(nk, keys, k * sizeof *keys);
      lua_replace(L, kidx);
      keys = nk;
      cap *= 2;
    }
    keys[k++] = s; /* anchored by the set table */
  }
  qsort(keys, k, sizeof *keys, cmp_str);
  lua_newtable(L);
  lua_Integer c = 0;
  static const char *const first[] = {"iso3", "country"};
  for (int f = 0; f < 2; f++) {
    lua_pushstring(L, first[f]);
    if (lua_rawget(L, set) != LUA_TNIL) {
      lua_pushstring(L, first[f]);
      lua_rawseti(L, -3, ++c);
    }
    lua_pop(L, 1);
  }
  for (size_t i = 0; i < k; i++) {
    lua_pushstring(L, keys[i]);
    lua_rawseti(L, -2, ++c);
  }
  lua_replace(L, set);
  lua_settop(L, set);
}

static void csv_field(FILE *f, const char *s) {
  if (!s) return;
  if (strpbrk(s, ",\"\r\n") == NULL) { fputs(s, f); return; }
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"') fputc('"', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

/* A TSV field: tab, newline, carriage return and backslash escaped, so
 * that every line is one record (format.h). */
static void tsv_field(FILE *f, const char *s) {
  for (; s && *s; s++) {
    switch (*s) {
    case '\t': fputs("\\t", f); break;
    case '\n': fputs("\\n", f); break;
    case '\r': fputs("\\r", f); break;
    case '\\': fputs("\\\\", f); break;
    default: fputc(*s, f);
    }
  }
}

static void json_string(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
    else if (c == '\n') fputs("\\n", f);
    else if (c == '\t') fputs("\\t", f);
    else if (c == '\r') fputs("\\r", f);
    else if (c < 0x20) fprintf(f, "\\u%04x", c);
    else fputc(c, f);
  }
  fputc('"', f);
}

static void md_field(FILE *f, const char *s) {
  for (; s && *s; s++) {
    if (*s == '|') fputc('\\', f);
    fputc(*s == '\n' ? ' ' : *s, f);
  }
}

/* One cell of the table format: `before` spaces of separator, `left`
 * of right-alignment, the text, `right` of left-alignment.  Spaces are
 * held back in *spaces until some text follows, so that no line ends in
 * blanks (trailing empty cells print as nothing). */
static void cell(FILE *f, size_t *spaces, size_t before, size_t left, const char *text, size_t right) {
  *spaces += before + left;
  if (*text) {
    fprintf(f, "%*s%s", (int)*spaces, "", text);
    *spaces = 0;
  }
  *spaces += right;
}

/* Prints the records list at t with the column list at c. */
static void print_records(lua_State *L, int t, int c, gs_format fmt, FILE *f) {
  size_t nc = lua_rawlen(L, c), nr = lua_rawlen(L, t);
  char buf[64];
  int isnum;
  size_t *w = lua_newuserdatauv(L, (nc ? nc : 1) * 2 * sizeof *w, 0);
  size_t *numeric = w + nc;
  for (size_t j = 0; j < nc; j++) {
    lua_rawgeti(L, c, (lua_Integer)j + 1);
    w[j] = utf8_width(luaL_tolstring(L, -1, NULL));
    numeric[j] = 1;
    lua_pop(L, 2);
  }
  if (fmt == GS_FMT_TABLE || fmt == GS_FMT_MD)
    for (size_t i = 1; i <= nr; i++) {
      lua_rawgeti(L, t, (lua_Integer)i);
      for (size_t j = 0; j < nc; j++) {
        lua_rawgeti(L, c, (lua_Integer)j + 1);
        lua_gettable(L, -2);
        const char *s = cell_text(L, fmt, buf, sizeof buf, &isnum);
        if (s) {
          size_t k = utf8_width(s);
          if (k > w[j]) w[j] = k;
          if (isnum != 1) numeric[j] = 0;
        }
        lua_pop(L, 1);
      }
      lua_pop(L, 1);
    }
  if (fmt == GS_FMT_JSON) fputs("[", f);
  size_t spaces = 0; /* padding not yet written (see cell) */
  /* header */
  if (fmt != GS_FMT_JSON) {
    spaces = 0;
    if (fmt == GS_FMT_MD) fputs("|", f);
    for (size_t j = 0; j < nc; j++) {
      lua_rawgeti(L, c, (lua_Integer)j + 1);
      const char *h = luaL_tolstring(L, -1, NULL);
      if (fmt == GS_FMT_CSV) { if (j) fputc(',', f); csv_field(f, h); }
      else if (fmt == GS_FMT_TSV) { if (j) fputc('\t', f); tsv_field(f, h); }
      else if (fmt == GS_FMT_MD) fprintf(f, " %s |", h);
      else {
        size_t pad = w[j] - utf8_width(h);
        cell(f, &spaces, j ? 2 : 0, numeric[j] ? pad : 0, h, numeric[j] ? 0 : pad);
      }
      lua_pop(L, 2);
    }
    fputc('\n', f);
    if (fmt == GS_FMT_MD) {
      fputs("|", f);
      for (size_t j = 0; j < nc; j++) fputs(numeric[j] ? " ---: |" : " --- |", f);
      fputc('\n', f);
    }
  }
  for (size_t i = 1; i <= nr; i++) {
    lua_rawgeti(L, t, (lua_Integer)i);
    int istable = lua_istable(L, -1);
    spaces = 0;
    if (fmt == GS_FMT_JSON) fputs(i > 1 ? ",\n  {" : "\n  {", f);
    if (fmt == GS_FMT_MD) fputs("|", f);
    for (size_t j = 0; j < nc; j++) {
      lua_rawgeti(L, c, (lua_Integer)j + 1);
      const char *key = lua_tostring(L, -1);
      if (istable) lua_gettable(L, -2);
      else { lua_pop(L, 1); lua_pushnil(L); }
      const char *s = cell_text(L, fmt, buf, sizeof buf, &isnum);
      switch (fmt) {
      case GS_FMT_CSV:
        if (j) fputc(',', f);
        csv_field(f, s);
        break;
      case GS_FMT_TSV:
        if (j) fputc('\t', f);
        tsv_field(f, s);
        break;
      case GS_FMT_JSON:
        if (j) fputs(", ", f);
        json_string(f, key ? key : "");
        fputs(": ", f);
        if (!s) fputs("null", f);
        else if (isnum) fputs(s, f);
        else json_string(f, s);
        break;
      case GS_FMT_MD:
        fputc(' ', f);
        md_field(f, s);
        fputs(" |", f);
        break;
      default: {
        const char *v = s ? s : "";
        size_t pad = w[j] - utf8_width(v);
        cell(f, &spaces, j ? 2 : 0, numeric[j] ? pad : 0, v, numeric[j] ? 0 : pad);
      }
      }
      lua_pop(L, 1);
    }
    if (fmt == GS_FMT_JSON) fputs("}", f);
    else fputc('\n', f);
    lua_pop(L, 1);
  }
  if (fmt == GS_FMT_JSON) fputs(nr ? "\n]\n" : "]\n", f);
  lua_pop(L, 1);
}

/* A table that is not a list of records (a map such as r:ranks()) prints
 * as key,value pairs sorted by key. */
static void map_to_records(lua_State *L, int t) {
  lua_newtable(L);
  int out = lua_gettop(L);
  lua_Integer k = 0;
  lua_pushnil(L);
  while (lua_next(L, t)) {
    lua_createtable(L, 0, 2);
    lua_pushvalue(L, -3);
    lua_setfield(L, -2, "key");
    lua_insert(L, -2);
    lua_setfield(L, -2, "value");
    lua_rawseti(L, out, ++k);
  }
  lua_getglobal(L, "table");
  lua_getfield(L, -1, "sort");
  lua_remove(L, -2);
  if (lua_isfunction(L, -1)) {
    lua_pushvalue(L, out);
    luaL_loadstring(L, "local a, b = ... return tostring(a.key) < tostring(b.key)");
    lua_call(L, 2, 0);
  } else {
    lua_pop(L, 1);
  }
  lua_newtable(L);
  lua_pushliteral(L, "key");
  lua_rawseti(L, -2, 1);
  lua_pushliteral(L, "value");
  lua_rawseti(L, -2, 2);
}

/* A footer (a note on how a table was computed) prints under the table
 * for people; CSV and JSON stay pure data.  In a table every line of it
 * starts with "# ", so that a footer of several lines stays a comment. */
static void print_footer(lua_State *L, int idx, gs_format fmt, FILE *f) {
  if (fmt != GS_FMT_TABLE && fmt != GS_FMT_MD) return;
  if (luaL_getmetafield(L, idx, "__footer") == LUA_TNIL) return;
  if (lua_type(L, -1) == LUA_TSTRING) {
    const char *s = lua_tostring(L, -1);
    /* Markdown: each line a paragraph of its own */
    for (;;) {
      const char *nl = strchr(s, '\n');
      fprintf(f, fmt == GS_FMT_MD ? "\n%.*s\n" : "# %.*s\n", (int)(nl ? (size_t)(nl - s) : strlen(s)), s);
      if (!nl) break;
      s = nl + 1;
    }
  }
  lua_pop(L, 1);
}

int gs_output_value(lua_State *L, int idx, gs_format fmt, FILE *f) {
  idx = lua_absindex(L, idx);
  /* __raw: text to write as it is, whatever the format (shard files). */
  if (luaL_getmetafield(L, idx, "__raw") != LUA_TNIL) {
    lua_pushvalue(L, idx);
    lua_call(L, 1, 1);
    size_t len;
    const char *s = lua_tolstring(L, -1, &len);
    if (s) fwrite(s, 1, len, f);
    lua_pop(L, 1);
    return 0;
  }
  if (luaL_getmetafield(L, idx, "__rows") != LUA_TNIL) {
    lua_pushvalue(L, idx);
    lua_call(L, 1, 1);
    idx = lua_gettop(L);
  }
  switch (lua_type(L, idx)) {
  case LUA_TNIL: case LUA_TNONE: return 0;
  case LUA_TTABLE: break;
  default: {
    int isnum;
    char buf[64];
    lua_pushvalue(L, idx);
    const char *s = cell_text(L, GS_FMT_CSV, buf, sizeof buf, &isnum);
    if (fmt == GS_FMT_JSON) {
      if (!s) fputs("null", f);
      else if (isnum) fputs(s, f);
      else json_string(f, s);
      fputc('\n', f);
    } else if (s) {
      fprintf(f, "%s\n", s);
    }
    lua_pop(L, 1);
    return 0;
  }
  }
  size_t n = lua_rawlen(L, idx);
  int islist = n > 0 || luaL_getmetafield(L, idx, "__columns") != LUA_TNIL;
  if (n == 0 && islist) lua_pop(L, 1);
  if (!islist) {
    lua_pushnil(L);
    int empty = !lua_next(L, idx);
    if (!empty) lua_pop(L, 2);
    if (!empty) {
      map_to_records(L, idx);
      print_records(L, lua_gettop(L) - 1, lua_gettop(L), fmt, f);
      lua_pop(L, 1);
      return 0;
    }
  }
  push_columns(L, idx);
  print_records(L, idx, lua_gettop(L), fmt, f);
  print_footer(L, idx, fmt, f);
  return 0;
}

