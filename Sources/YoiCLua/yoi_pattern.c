// Bounded string pattern functions: string.find, string.match, string.gmatch, string.gsub.
//
// Why our own matcher: stock Lua's pattern matcher backtracks inside one C call where no
// hook fires, so `string.rep('a', 140):find('.-.-.-.-b')` runs for seconds and grows like n^5.
// A helper process that can be killed would cost a process start (3-6 ms) per evaluation,
// twenty times the whole in-process budget of a profile. Instead this matcher implements the
// pattern language of the Lua 5.4 manual (section 6.4.1) with the same algorithm and the same
// results as lstrlib.c (MIT licence, whose structure it follows), and charges every matching
// step to the sandbox's instruction budget, checking the wall-clock deadline as it goes. A
// catastrophic pattern therefore trips the same limits as a runaway loop.
//
// Derived from lstrlib.c of Lua 5.4: Copyright (C) 1994-2022 Lua.org, PUC-Rio, under the MIT
// licence; the full notice is in NOTICE at the root of the repository.
#define _GNU_SOURCE
#include "yoi_internal.h"

#include <ctype.h>
#include <string.h>

#define MAX_CAPTURES 32
#define CAP_UNFINISHED (-1)
#define CAP_POSITION (-2)
#define PATTERN_ESCAPE '%'
#define SPECIALS "^$*+?.([%-"
#define MAX_MATCH_DEPTH 200
#define STEP_BATCH 1024

#define uchar(c) ((unsigned char)(c))

typedef struct Match {
  const char *src_init;
  const char *src_end;
  const char *p_end;
  lua_State *L;
  int depth;
  int level;
  uint64_t steps;
  struct {
    const char *init;
    ptrdiff_t len;
  } capture[MAX_CAPTURES];
} Match;

static void step(Match *ms) {
  if (++ms->steps >= STEP_BATCH) {
    uint64_t steps = ms->steps;
    ms->steps = 0;
    yoi_charge(ms->L, steps);
  }
}

static void charge_rest(Match *ms) {
  uint64_t steps = ms->steps;
  ms->steps = 0;
  if (steps) yoi_charge(ms->L, steps);
}

static const char *match(Match *ms, const char *s, const char *p);

static int check_capture(Match *ms, int l) {
  l -= '1';
  if (l < 0 || l >= ms->level || ms->capture[l].len == CAP_UNFINISHED)
    return luaL_error(ms->L, "invalid capture index %%%d", l + 1);
  return l;
}

static int capture_to_close(Match *ms) {
  int level = ms->level;
  for (level--; level >= 0; level--)
    if (ms->capture[level].len == CAP_UNFINISHED) return level;
  return luaL_error(ms->L, "invalid pattern capture");
}

static const char *class_end(Match *ms, const char *p) {
  const char *start = p;
  switch (*p++) {
    case PATTERN_ESCAPE:
      if (p == ms->p_end) luaL_error(ms->L, "malformed pattern (ends with '%%')");
      return p + 1;
    case '[':
      if (*p == '^') p++;
      do {
        if (p == ms->p_end) luaL_error(ms->L, "malformed pattern (missing ']')");
        if (*(p++) == PATTERN_ESCAPE && p < ms->p_end) p++;
      } while (*p != ']');
      ms->steps += (uint64_t)(p - start) / 16; /* a class is scanned at every step that reaches it */
      return p + 1;
    default:
      return p;
  }
}

static int match_class(int c, int cl) {
  int res;
  switch (tolower(cl)) {
    case 'a': res = isalpha(c); break;
    case 'c': res = iscntrl(c); break;
    case 'd': res = isdigit(c); break;
    case 'g': res = isgraph(c); break;
    case 'l': res = islower(c); break;
    case 'p': res = ispunct(c); break;
    case 's': res = isspace(c); break;
    case 'u': res = isupper(c); break;
    case 'w': res = isalnum(c); break;
    case 'x': res = isxdigit(c); break;
    case 'z': res = (c == 0); break; /* deprecated, still accepted by Lua 5.4 */
    default: return cl == c;
  }
  if (isupper(cl)) res = !res;
  return res;
}

/* `p` is at '[', `ec` at the closing ']'. */
static int match_bracket_class(int c, const char *p, const char *ec) {
  int sig = 1;
  if (*(p + 1) == '^') {
    sig = 0;
    p++;
  }
  while (++p < ec) {
    if (*p == PATTERN_ESCAPE) {
      p++;
      if (match_class(c, uchar(*p))) return sig;
    } else if (*(p + 1) == '-' && p + 2 < ec) {
      p += 2;
      if (uchar(*(p - 2)) <= c && c <= uchar(*p)) return sig;
    } else if (uchar(*p) == c) {
      return sig;
    }
  }
  return !sig;
}

static int single_match(Match *ms, const char *s, const char *p, const char *ep) {
  if (s >= ms->src_end) return 0;
  int c = uchar(*s);
  switch (*p) {
    case '.': return 1;
    case PATTERN_ESCAPE: return match_class(c, uchar(*(p + 1)));
    case '[':
      ms->steps += (uint64_t)(ep - p) / 16;
      step(ms); /* max_expand scans the subject without other steps: flush here */
      return match_bracket_class(c, p, ep - 1);
    default: return uchar(*p) == c;
  }
}

static const char *match_balance(Match *ms, const char *s, const char *p) {
  if (p >= ms->p_end - 1) luaL_error(ms->L, "malformed pattern (missing arguments to '%%b')");
  if (*s != *p) return NULL;
  int open = *p, close = *(p + 1), depth = 1;
  while (++s < ms->src_end) {
    step(ms);
    if (*s == close) {
      if (--depth == 0) return s + 1;
    } else if (*s == open) {
      depth++;
    }
  }
  return NULL;
}

static const char *max_expand(Match *ms, const char *s, const char *p, const char *ep) {
  ptrdiff_t i = 0;
  while (single_match(ms, s + i, p, ep)) {
    step(ms);
    i++;
  }
  while (i >= 0) { /* try with the longest repetition first */
    const char *res = match(ms, s + i, ep + 1);
    if (res) return res;
    i--;
  }
  return NULL;
}

static const char *min_expand(Match *ms, const char *s, const char *p, const char *ep) {
  for (;;) {
    const char *res = match(ms, s, ep + 1);
    if (res != NULL) return res;
    if (!single_match(ms, s, p, ep)) return NULL;
    s++;
  }
}

static const char *start_capture(Match *ms, const char *s, const char *p, int what) {
  if (ms->level >= MAX_CAPTURES) luaL_error(ms->L, "too many captures");
  ms->capture[ms->level].init = s;
  ms->capture[ms->level].len = what;
  ms->level++;
  const char *res = match(ms, s, p);
  if (res == NULL) ms->level--;
  return res;
}

static const char *end_capture(Match *ms, const char *s, const char *p) {
  int l = capture_to_close(ms);
  ms->capture[l].len = s - ms->capture[l].init;
  const char *res = match(ms, s, p);
  if (res == NULL) ms->capture[l].len = CAP_UNFINISHED;
  return res;
}

static const char *match_capture(Match *ms, const char *s, int l) {
  l = check_capture(ms, l);
  step(ms);
  /* A position capture has no text: stock Lua compares a huge unsigned length and fails to
     match; answer the same without charging that length. */
  if (ms->capture[l].len < 0) return NULL;
  size_t len = (size_t)ms->capture[l].len;
  ms->steps += len / 16;
  if ((size_t)(ms->src_end - s) >= len && memcmp(ms->capture[l].init, s, len) == 0) return s + len;
  return NULL;
}

/* Matches pattern `p` at subject position `s`; returns the end of the match or NULL. Every
   call is one step, so backtracking pays for itself. */
static const char *match(Match *ms, const char *s, const char *p) {
  if (ms->depth-- == 0) luaL_error(ms->L, "pattern too complex");
init:
  step(ms);
  if (p != ms->p_end) {
    switch (*p) {
      case '(':
        if (*(p + 1) == ')') s = start_capture(ms, s, p + 2, CAP_POSITION);
        else s = start_capture(ms, s, p + 1, CAP_UNFINISHED);
        break;
      case ')':
        s = end_capture(ms, s, p + 1);
        break;
      case '$':
        if ((p + 1) != ms->p_end) goto dflt;
        s = (s == ms->src_end) ? s : NULL;
        break;
      case PATTERN_ESCAPE:
        switch (*(p + 1)) {
          case 'b':
            s = match_balance(ms, s, p + 2);
            if (s != NULL) {
              p += 4;
              goto init;
            }
            break;
          case 'f': {
            p += 2;
            if (*p != '[') luaL_error(ms->L, "missing '[' after '%%f' in pattern");
            const char *ep = class_end(ms, p);
            int previous = (s == ms->src_init) ? '\0' : uchar(*(s - 1));
            int current = (s < ms->src_end) ? uchar(*s) : '\0';
            if (!match_bracket_class(previous, p, ep - 1) && match_bracket_class(current, p, ep - 1)) {
              p = ep;
              goto init;
            }
            s = NULL;
            break;
          }
          case '0': case '1': case '2': case '3': case '4':
          case '5': case '6': case '7': case '8': case '9':
            s = match_capture(ms, s, uchar(*(p + 1)));
            if (s != NULL) {
              p += 2;
              goto init;
            }
            break;
          default:
            goto dflt;
        }
        break;
      default:
      dflt: {
        const char *ep = class_end(ms, p);
        if (!single_match(ms, s, p, ep)) {
          if (*ep == '*' || *ep == '?' || *ep == '-') {
            p = ep + 1;
            goto init;
          }
          s = NULL;
        } else {
          switch (*ep) {
            case '?': {
              const char *res = match(ms, s + 1, ep + 1);
              if (res != NULL) {
                s = res;
              } else {
                p = ep + 1;
                goto init;
              }
              break;
            }
            case '+': s = max_expand(ms, s + 1, p, ep); break;
            case '*': s = max_expand(ms, s, p, ep); break;
            case '-': s = min_expand(ms, s, p, ep); break;
            default:
              s++;
              p = ep;
              goto init;
          }
        }
        break;
      }
    }
  }
  ms->depth++;
  return s;
}

/* Pushes capture `i` (or the whole match) and returns its length, or CAP_POSITION after
   pushing the position. Used by gsub's replacement strings. */
static ptrdiff_t get_capture(Match *ms, int i, const char *s, const char *e, const char **cap) {
  if (i >= ms->level) {
    if (i != 0) luaL_error(ms->L, "invalid capture index %%%d", i + 1);
    *cap = s;
    return e - s;
  }
  ptrdiff_t len = ms->capture[i].len;
  *cap = ms->capture[i].init;
  if (len == CAP_UNFINISHED) luaL_error(ms->L, "unfinished capture");
  else if (len == CAP_POSITION)
    lua_pushinteger(ms->L, (ms->capture[i].init - ms->src_init) + 1);
  return len;
}

static void push_capture(Match *ms, int i, const char *s, const char *e) {
  const char *cap;
  ptrdiff_t len = get_capture(ms, i, s, e, &cap);
  if (len != CAP_POSITION) lua_pushlstring(ms->L, cap, (size_t)len);
}

static int push_captures(Match *ms, const char *s, const char *e) {
  int count = (ms->level == 0 && s) ? 1 : ms->level;
  luaL_checkstack(ms->L, count, "too many captures");
  for (int i = 0; i < count; i++) push_capture(ms, i, s, e);
  return count;
}

static int no_specials(const char *p, size_t l) {
  size_t upto = 0;
  do {
    if (strpbrk(p + upto, SPECIALS)) return 0;
    upto += strlen(p + upto) + 1; /* a pattern may contain embedded zeros */
  } while (upto <= l);
  return 1;
}

static size_t relative_start(lua_Integer pos, size_t len) {
  if (pos > 0) return (size_t)pos;
  if (pos == 0) return 1;
  if (pos < -(lua_Integer)len) return 1;
  return len + (size_t)pos + 1;
}

static void prepare(Match *ms, lua_State *L, const char *s, size_t ls, const char *p, size_t lp) {
  ms->L = L;
  ms->src_init = s;
  ms->src_end = s + ls;
  ms->p_end = p + lp;
  ms->steps = 0;
}

static void reprepare(Match *ms) {
  ms->level = 0;
  ms->depth = MAX_MATCH_DEPTH;
}

/* Plain search; charged by the bytes it may compare. */
static const char *plain_find(lua_State *L, const char *s, size_t ls, const char *p, size_t lp) {
  if (lp == 0) return s;
  if (lp > ls) return NULL;
  yoi_charge(L, ls / 16 + 1);
  return memmem(s, ls, p, lp);
}

static int find_aux(lua_State *L, int find) {
  size_t ls, lp;
  const char *s = luaL_checklstring(L, 1, &ls);
  const char *p = luaL_checklstring(L, 2, &lp);
  size_t init = relative_start(luaL_optinteger(L, 3, 1), ls) - 1;
  if (init > ls) {
    luaL_pushfail(L);
    return 1;
  }
  if (find && (lua_toboolean(L, 4) || no_specials(p, lp))) {
    const char *found = plain_find(L, s + init, ls - init, p, lp);
    if (found) {
      lua_pushinteger(L, (found - s) + 1);
      lua_pushinteger(L, (lua_Integer)((found - s) + lp));
      return 2;
    }
  } else {
    Match ms;
    const char *s1 = s + init;
    int anchor = (*p == '^');
    if (anchor) {
      p++;
      lp--;
    }
    prepare(&ms, L, s, ls, p, lp);
    do {
      reprepare(&ms);
      const char *res = match(&ms, s1, p);
      if (res != NULL) {
        charge_rest(&ms);
        if (find) {
          lua_pushinteger(L, (s1 - s) + 1);
          lua_pushinteger(L, res - s);
          return push_captures(&ms, NULL, 0) + 2;
        }
        return push_captures(&ms, s1, res);
      }
    } while (s1++ < ms.src_end && !anchor);
    charge_rest(&ms);
  }
  luaL_pushfail(L);
  return 1;
}

static int str_find(lua_State *L) { return find_aux(L, 1); }
static int str_match(lua_State *L) { return find_aux(L, 0); }

typedef struct GMatchState {
  const char *src;
  const char *p;
  const char *lastmatch;
  Match ms;
} GMatchState;

static int gmatch_aux(lua_State *L) {
  GMatchState *gm = lua_touserdata(L, lua_upvalueindex(3));
  gm->ms.L = L;
  for (const char *src = gm->src; src <= gm->ms.src_end; src++) {
    reprepare(&gm->ms);
    const char *e = match(&gm->ms, src, gm->p);
    if (e != NULL && e != gm->lastmatch) {
      gm->src = gm->lastmatch = e;
      charge_rest(&gm->ms);
      return push_captures(&gm->ms, src, e);
    }
  }
  charge_rest(&gm->ms);
  return 0;
}

static int str_gmatch(lua_State *L) {
  size_t ls, lp;
  const char *s = luaL_checklstring(L, 1, &ls);
  const char *p = luaL_checklstring(L, 2, &lp);
  size_t init = relative_start(luaL_optinteger(L, 3, 1), ls) - 1;
  lua_settop(L, 2); /* the closure keeps both strings alive */
  GMatchState *gm = lua_newuserdatauv(L, sizeof(GMatchState), 0);
  if (init > ls) init = ls + 1;
  prepare(&gm->ms, L, s, ls, p, lp);
  gm->src = s + init;
  gm->p = p;
  gm->lastmatch = NULL;
  lua_pushcclosure(L, gmatch_aux, 3);
  return 1;
}

static void add_replacement_string(Match *ms, luaL_Buffer *b, const char *s, const char *e) {
  lua_State *L = ms->L;
  size_t l;
  const char *news = lua_tolstring(L, 3, &l);
  const char *p;
  while ((p = memchr(news, PATTERN_ESCAPE, l)) != NULL) {
    luaL_addlstring(b, news, (size_t)(p - news));
    p++;
    if (*p == PATTERN_ESCAPE) {
      luaL_addchar(b, *p);
    } else if (*p == '0') {
      luaL_addlstring(b, s, (size_t)(e - s));
    } else if (isdigit(uchar(*p))) {
      const char *cap;
      ptrdiff_t len = get_capture(ms, *p - '1', s, e, &cap);
      if (len == CAP_POSITION) luaL_addvalue(b);
      else luaL_addlstring(b, cap, (size_t)len);
    } else {
      luaL_error(L, "invalid use of '%c' in replacement string", PATTERN_ESCAPE);
    }
    l -= (size_t)(p + 1 - news);
    news = p + 1;
  }
  luaL_addlstring(b, news, l);
}

static int add_value(Match *ms, luaL_Buffer *b, const char *s, const char *e, int replacement_type) {
  lua_State *L = ms->L;
  switch (replacement_type) {
    case LUA_TFUNCTION: {
      lua_pushvalue(L, 3);
      int n = push_captures(ms, s, e);
      lua_call(L, n, 1);
      break;
    }
    case LUA_TTABLE:
      push_capture(ms, 0, s, e);
      lua_gettable(L, 3);
      break;
    default:
      add_replacement_string(ms, b, s, e);
      return 1;
  }
  if (!lua_toboolean(L, -1)) {
    lua_pop(L, 1);
    luaL_addlstring(b, s, (size_t)(e - s)); /* keep the original text */
    return 0;
  }
  if (!lua_isstring(L, -1))
    return luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
  luaL_addvalue(b);
  return 1;
}

static int str_gsub(lua_State *L) {
  size_t srcl, lp;
  const char *src = luaL_checklstring(L, 1, &srcl);
  const char *p = luaL_checklstring(L, 2, &lp);
  const char *lastmatch = NULL;
  int replacement_type = lua_type(L, 3);
  lua_Integer max_s = luaL_optinteger(L, 4, (lua_Integer)srcl + 1);
  int anchor = (*p == '^');
  lua_Integer n = 0;
  int changed = 0;
  Match ms;
  luaL_Buffer b;
  luaL_argexpected(L,
                   replacement_type == LUA_TNUMBER || replacement_type == LUA_TSTRING ||
                       replacement_type == LUA_TFUNCTION || replacement_type == LUA_TTABLE,
                   3, "string/function/table");
  luaL_buffinit(L, &b);
  if (anchor) {
    p++;
    lp--;
  }
  prepare(&ms, L, src, srcl, p, lp);
  while (n < max_s) {
    reprepare(&ms);
    const char *e = match(&ms, src, p);
    if (e != NULL && e != lastmatch) {
      n++;
      changed = add_value(&ms, &b, src, e, replacement_type) | changed;
      src = lastmatch = e;
    } else if (src < ms.src_end) {
      luaL_addchar(&b, *src++);
    } else {
      break;
    }
    if (anchor) break;
  }
  charge_rest(&ms);
  if (!changed) {
    lua_pushvalue(L, 1);
  } else {
    luaL_addlstring(&b, src, (size_t)(ms.src_end - src));
    luaL_pushresult(&b);
  }
  lua_pushinteger(L, n);
  return 2;
}

void yoi_open_patterns(lua_State *L) {
  static const luaL_Reg functions[] = {
      {"find", str_find}, {"match", str_match}, {"gmatch", str_gmatch}, {"gsub", str_gsub}, {NULL, NULL}};
  luaL_setfuncs(L, functions, 0);
}
