// Replacements for base and library functions that stock Lua leaves unbounded,
// non-deterministic or able to outlive a tripped limit.
#include "yoi_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- pcall and xpcall: a tripped limit is never caught ---------------------------------- */

static int propagate_if_tripped(lua_State *L, int status) {
  yoi_sandbox *sb = yoi_sandbox_of(L);
  if (status == LUA_ERRMEM && !sb->tripped) sb->tripped = YOI_LIMIT_MEMORY;
  if (sb->tripped) return lua_error(L); /* rethrow the error object on top */
  return 0;
}

/* What pcall and xpcall return: false and the error, or true and every result (which fill
   the stack). A tripped limit is raised again instead. */
static int protected_call_results(lua_State *L, int status) {
  if (status != LUA_OK) {
    propagate_if_tripped(L, status);
    lua_pushboolean(L, 0);
    lua_insert(L, -2);
    return 2;
  }
  lua_pushboolean(L, 1);
  lua_insert(L, 1);
  return lua_gettop(L);
}

static int safe_pcall(lua_State *L) {
  luaL_checkany(L, 1);
  return protected_call_results(L, lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0));
}

/* The handler a script gives to xpcall runs inside the error machinery, where a limit error
   raised by the hook leaves hooks switched off. After a trip it is not called at all. */
static int guarded_message_handler(lua_State *L) {
  if (yoi_sandbox_of(L)->tripped) return 1;
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

static int safe_xpcall(lua_State *L) {
  int n = lua_gettop(L);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushvalue(L, 2);
  lua_pushcclosure(L, guarded_message_handler, 1);
  lua_replace(L, 2);      /* the guarded handler takes the script's handler's place */
  lua_pushvalue(L, 1);
  lua_rotate(L, 3, 1);    /* the function goes right after the handler */
  lua_remove(L, 1);       /* stack: handler, function, args... */
  int status = lua_pcall(L, n - 2, LUA_MULTRET, 1);
  if (status == LUA_OK) lua_remove(L, 1); /* the handler; only the results stay */
  return protected_call_results(L, status);
}

/* ---- setmetatable: no finalizers, no close handlers ------------------------------------- */

/* The fields are read raw: a metatable's own __index must not run here (it could rawset a
   looping __gc and answer nil). The metatable is then set directly, so nothing the script
   controls runs between the check and lua_setmetatable, which decides finalization from
   the raw __gc present at this moment. No object ever gets a finalizer. */
static int safe_setmetatable(lua_State *L) {
  int type = lua_type(L, 2);
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_argexpected(L, type == LUA_TNIL || type == LUA_TTABLE, 2, "nil or table");
  if (type == LUA_TTABLE) {
    static const char *const refused[] = {"__gc", "__close", NULL};
    for (const char *const *name = refused; *name; name++) {
      lua_pushstring(L, *name);
      if (lua_rawget(L, 2) != LUA_TNIL) {
        return luaL_error(L,
                          "metatable field '%s' is not allowed in profiles "
                          "(it would run outside the sandbox limits)",
                          *name);
      }
      lua_pop(L, 1);
    }
  }
  if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL) /* raw, like stock setmetatable */
    return luaL_error(L, "cannot change a protected metatable");
  lua_settop(L, 2);
  lua_setmetatable(L, 1);
  return 1;
}

/* ---- deterministic iteration ------------------------------------------------------------ */

/* A total order on keys: numbers, then strings (bytewise), then booleans, then the rest by
   type and address (the only part that can differ between runs: tables as keys). */
static int key_rank(int type) {
  switch (type) {
    case LUA_TNUMBER: return 0;
    case LUA_TSTRING: return 1;
    case LUA_TBOOLEAN: return 2;
    default: return 3 + type;
  }
}

static int compare_keys(lua_State *L, int a, int b) {
  int ta = lua_type(L, a), tb = lua_type(L, b);
  int ra = key_rank(ta), rb = key_rank(tb);
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (ta) {
    case LUA_TNUMBER:
      if (lua_isinteger(L, a) && lua_isinteger(L, b)) {
        lua_Integer x = lua_tointegerx(L, a, NULL), y = lua_tointegerx(L, b, NULL);
        return x < y ? -1 : x > y;
      } else {
        lua_Number x = lua_tonumberx(L, a, NULL), y = lua_tonumberx(L, b, NULL);
        if (x != y) return x < y ? -1 : 1;
        return lua_isinteger(L, a) ? -1 : lua_isinteger(L, b) ? 1 : 0;
      }
    case LUA_TSTRING: {
      size_t la, lb;
      const char *sa = lua_tolstring(L, a, &la), *sb = lua_tolstring(L, b, &lb);
      int c = memcmp(sa, sb, la < lb ? la : lb);
      if (c != 0) return c < 0 ? -1 : 1;
      return la < lb ? -1 : la > lb;
    }
    case LUA_TBOOLEAN:
      return lua_toboolean(L, a) - lua_toboolean(L, b);
    default: {
      const void *pa = lua_topointer(L, a), *pb = lua_topointer(L, b);
      return pa < pb ? -1 : pa > pb;
    }
  }
}

/* Merge sort of the key array at `keys` (1..n), using `scratch` of the same size. */
static void sort_keys(lua_State *L, int keys, int scratch, lua_Integer n) {
  for (lua_Integer width = 1; width < n; width *= 2) {
    for (lua_Integer lo = 1; lo <= n; lo += 2 * width) {
      lua_Integer mid = lo + width, hi = lo + 2 * width, i = lo, j = mid, k = lo;
      if (mid > n + 1) mid = n + 1;
      if (hi > n + 1) hi = n + 1;
      while (k < hi) {
        int take_left;
        if (i >= mid) take_left = 0;
        else if (j >= hi) take_left = 1;
        else {
          lua_rawgeti(L, keys, i);
          lua_rawgeti(L, keys, j);
          take_left = compare_keys(L, -2, -1) <= 0;
          lua_pop(L, 2);
        }
        lua_rawgeti(L, keys, take_left ? i++ : j++);
        lua_rawseti(L, scratch, k++);
      }
    }
    for (lua_Integer k = 1; k <= n; k++) {
      lua_rawgeti(L, scratch, k);
      lua_rawseti(L, keys, k);
    }
  }
}

static int sorted_pairs_step(lua_State *L) {
  lua_Integer i = lua_tointegerx(L, lua_upvalueindex(3), NULL);
  lua_Integer n = (lua_Integer)lua_rawlen(L, lua_upvalueindex(2));
  while (++i <= n) {
    lua_rawgeti(L, lua_upvalueindex(2), i);
    lua_pushvalue(L, -1);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) { /* skip keys removed meanwhile */
      lua_pushinteger(L, i);
      lua_replace(L, lua_upvalueindex(3));
      return 2;
    }
    lua_pop(L, 2);
  }
  lua_pushinteger(L, n);
  lua_replace(L, lua_upvalueindex(3));
  return 0;
}

/* pairs visits keys in sorted order, so the same script gives the same result in every
   process (stock Lua's hash order depends on a per-state random seed). */
static int sorted_pairs(lua_State *L) {
  luaL_checkany(L, 1);
  if (luaL_getmetafield(L, 1, "__pairs") != LUA_TNIL) {
    lua_pushvalue(L, 1);
    lua_call(L, 1, 3);
    return 3;
  }
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  lua_newtable(L); /* 2: keys */
  lua_Integer n = 0;
  lua_pushnil(L);
  while (lua_next(L, 1)) {
    lua_pop(L, 1);
    lua_pushvalue(L, -1);
    lua_rawseti(L, 2, ++n);
  }
  uint64_t log2n = 1;
  while (((lua_Integer)1 << log2n) < n) log2n++;
  yoi_charge(L, (uint64_t)n * log2n);
  lua_createtable(L, (int)n, 0); /* 3: scratch */
  sort_keys(L, 2, 3, n);
  lua_pop(L, 1);
  lua_pushinteger(L, 0);
  lua_pushcclosure(L, sorted_pairs_step, 3);
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

/* next(t, k) returns the smallest key greater than k in the same order as pairs. Linear per
   call and charged as such; profiles use it for emptiness checks. */
static int sorted_next(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 2);
  if (!lua_isnil(L, 2)) {
    /* Stock next raises "invalid key to 'next'" for a key the table never had (a key removed
       during the traversal is still valid): let lua_next decide, then drop what it pushed. */
    lua_pushvalue(L, 2);
    if (lua_next(L, 1)) lua_pop(L, 2);
  }
  int has_best = 0;
  uint64_t visited = 0;
  lua_pushnil(L); /* 3: best key */
  lua_pushnil(L); /* 4: iteration key */
  while (lua_next(L, 1)) {
    lua_pop(L, 1);
    visited++;
    int after = lua_isnil(L, 2) || compare_keys(L, 4, 2) > 0;
    if (after && (!has_best || compare_keys(L, 4, 3) < 0)) {
      lua_pushvalue(L, 4);
      lua_replace(L, 3);
      has_best = 1;
    }
  }
  yoi_charge(L, visited + 1);
  if (!has_best) {
    lua_pushnil(L);
    return 1;
  }
  lua_pushvalue(L, 3);
  lua_pushvalue(L, 3);
  lua_rawget(L, 1);
  return 2;
}

/* ---- tostring and print without addresses ------------------------------------------------ */

const char *yoi_tostring(lua_State *L, int index, size_t *length) {
  index = lua_absindex(L, index);
  if (luaL_callmeta(L, index, "__tostring")) {
    if (!lua_isstring(L, -1)) luaL_error(L, "'__tostring' must return a string");
  } else {
    switch (lua_type(L, index)) {
      case LUA_TNIL:
      case LUA_TBOOLEAN:
      case LUA_TNUMBER:
      case LUA_TSTRING:
        luaL_tolstring(L, index, NULL);
        break;
      default:
        lua_pushstring(L, luaL_typename(L, index));
    }
  }
  return lua_tolstring(L, -1, length);
}

static int safe_tostring(lua_State *L) {
  luaL_checkany(L, 1);
  yoi_tostring(L, 1, NULL);
  return 1;
}

/* print never reaches the host's stdout: it goes to a capped buffer the host may show. */
static int captured_print(lua_State *L) {
  yoi_sandbox *sb = yoi_sandbox_of(L);
  int n = lua_gettop(L);
  for (int i = 1; i <= n + 1; i++) {
    size_t length = 1;
    const char *text = "\n";
    if (i <= n) {
      text = yoi_tostring(L, i, &length);
      if (i > 1 && sb->printed_length < YOI_PRINT_MAX) sb->printed[sb->printed_length++] = '\t';
    }
    size_t room = YOI_PRINT_MAX - sb->printed_length;
    if (length > room) length = room;
    memcpy(sb->printed + sb->printed_length, text, length);
    sb->printed_length += length;
    if (i <= n) lua_pop(L, 1);
  }
  return 0;
}

/* ---- string.format: no addresses --------------------------------------------------------- */

static int safe_format(lua_State *L) {
  size_t length;
  const char *format = luaL_checklstring(L, 1, &length);
  const char *end = format + length;
  int argument = 1;
  for (const char *p = format; p < end; p++) {
    if (*p != '%') continue;
    if (++p < end && *p == '%') continue;
    argument++;
    while (p < end && strchr("-+ #0123456789.", *p)) p++;
    if (p >= end) break;
    if (*p == 'p') return luaL_error(L, "string.format: '%%p' is not available in profiles (addresses differ between runs)");
    if (*p == 's' && argument <= lua_gettop(L)) {
      int type = lua_type(L, argument);
      if (type != LUA_TSTRING && type != LUA_TNUMBER) {
        yoi_tostring(L, argument, NULL);
        lua_replace(L, argument);
      }
    }
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

/* ---- functions whose C loops the script sizes ------------------------------------------- */

/* string.rep with an empty string and separator loops n times in C doing nothing: answer it
   here; otherwise charge one step per copy before the (memory-capped) original runs. */
static int bounded_rep(lua_State *L) {
  size_t l, lsep = 0;
  luaL_checklstring(L, 1, &l);
  lua_Integer n = luaL_checkinteger(L, 2);
  luaL_optlstring(L, 3, "", &lsep);
  if (n <= 0 || l + lsep == 0) {
    lua_pushliteral(L, "");
    return 1;
  }
  /* A result past the memory cap is a memory error, reported as one before any copying. */
  yoi_sandbox *sb = yoi_sandbox_of(L);
  if ((uint64_t)n > sb->limits.memory_bytes / (l + lsep)) return yoi_trip(L, YOI_LIMIT_MEMORY);
  yoi_charge(L, (uint64_t)n);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

/* Lua's table functions read and write elements with lua_geti/lua_seti, which follow
   __index/__newindex chains up to 2,000 tables long in C: such a table costs that much per
   element. A __len metamethod would let the script choose the length that sizes their loops
   (2^63 elements with a 0-byte table), so those functions refuse one. */
#define CHAIN_LIMIT 2000

static uint64_t element_cost(lua_State *L, int index) {
  if (lua_type(L, index) != LUA_TTABLE || !lua_getmetatable(L, index)) return 1;
  lua_pushliteral(L, "__index");
  int has_index = lua_rawget(L, -2) != LUA_TNIL;
  lua_pushliteral(L, "__newindex");
  int has_newindex = lua_rawget(L, -3) != LUA_TNIL;
  lua_pop(L, 3);
  return has_index || has_newindex ? CHAIN_LIMIT : 1;
}

static void refuse_length_metamethod(lua_State *L, int index) {
  if (lua_type(L, index) != LUA_TTABLE || !lua_getmetatable(L, index)) return;
  lua_pushliteral(L, "__len");
  int has_len = lua_rawget(L, -2) != LUA_TNIL;
  lua_pop(L, 2);
  if (has_len) {
    lua_Debug ar;
    const char *name = lua_getstack(L, 0, &ar) && lua_getinfo(L, "n", &ar) && ar.name ? ar.name : "this function";
    luaL_error(L, "table.%s: tables with a __len metamethod are not supported in profiles "
                  "(the length would size a loop the sandbox cannot see)", name);
  }
}

static uint64_t saturating_multiply(uint64_t a, uint64_t b) {
  return b != 0 && a > UINT64_MAX / 4 / b ? UINT64_MAX / 4 : a * b;
}

/* Charges the elements first..last (none when last < first), `per` steps each. */
static void charge_range(lua_State *L, lua_Integer first, lua_Integer last, uint64_t per) {
  if (last < first) return;
  lua_Unsigned count = (lua_Unsigned)last - (lua_Unsigned)first + 1u;
  yoi_charge(L, saturating_multiply(count > UINT64_MAX / 4 ? UINT64_MAX / 4 : (uint64_t)count, per));
}

static int call_original(lua_State *L) {
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

/* table.move copies element by element in C, and with an empty source it allocates nothing:
   charge the element count, times the chain cost of either table. */
static int bounded_move(lua_State *L) {
  lua_Integer f = luaL_checkinteger(L, 2);
  lua_Integer e = luaL_checkinteger(L, 3);
  uint64_t per = element_cost(L, 1);
  if (!lua_isnoneornil(L, 5) && element_cost(L, 5) > per) per = element_cost(L, 5);
  charge_range(L, f, e, per);
  return call_original(L);
}

/* table.unpack(t, i, j): j defaults to #t, which must not come from __len. */
static int bounded_unpack(lua_State *L) {
  if (lua_isnoneornil(L, 3)) refuse_length_metamethod(L, 1);
  lua_Integer i = luaL_optinteger(L, 2, 1);
  lua_Integer e = lua_isnoneornil(L, 3) ? (lua_Integer)lua_rawlen(L, 1) : luaL_checkinteger(L, 3);
  charge_range(L, i, e, element_cost(L, 1));
  return call_original(L);
}

/* Charges the raw length of argument 1 (a table or string) scaled by upvalue 2's shift, then
   calls the original (upvalue 1). For table.sort/insert/remove/concat (which also refuse
   __len and pay the chain cost per element) and the string functions that scan or copy their
   subject or format. */
static int charged_by_length(lua_State *L) {
  int shift = (int)lua_tointegerx(L, lua_upvalueindex(2), NULL);
  int type = lua_type(L, 1);
  if (type == LUA_TTABLE || type == LUA_TSTRING) {
    if (type == LUA_TTABLE) refuse_length_metamethod(L, 1);
    uint64_t n = lua_rawlen(L, 1);
    uint64_t steps = shift >= 0 ? (n << shift) + 1 : (n >> -shift) + 1;
    yoi_charge(L, saturating_multiply(steps, element_cost(L, 1)));
  }
  return call_original(L);
}

static void wrap(lua_State *L, const char *table, const char *name, lua_CFunction wrapper, int shift,
                 int with_shift) {
  if (table) lua_getglobal(L, table);
  else lua_pushglobaltable(L);
  lua_getfield(L, -1, name);
  int upvalues = 1;
  if (with_shift) {
    lua_pushinteger(L, shift);
    upvalues = 2;
  }
  lua_pushcclosure(L, wrapper, upvalues);
  lua_setfield(L, -2, name);
  lua_pop(L, 1);
}

void yoi_open_safe_library(lua_State *L) {
  static const luaL_Reg globals[] = {{"pcall", safe_pcall},     {"xpcall", safe_xpcall},
                                     {"pairs", sorted_pairs},   {"next", sorted_next},
                                     {"tostring", safe_tostring}, {"print", captured_print},
                                     {NULL, NULL}};
  lua_pushglobaltable(L);
  luaL_setfuncs(L, globals, 0);
  lua_pop(L, 1);

  wrap(L, NULL, "setmetatable", safe_setmetatable, 0, 0);
  wrap(L, "string", "format", safe_format, 0, 0);
  wrap(L, "string", "rep", bounded_rep, 0, 0);
  wrap(L, "table", "move", bounded_move, 0, 0);
  wrap(L, "table", "unpack", bounded_unpack, 0, 0);
  /* sort is n log n comparisons; 4 steps per element covers tables far past the memory cap */
  wrap(L, "table", "sort", charged_by_length, 4, 1);
  wrap(L, "table", "insert", charged_by_length, 0, 1);
  wrap(L, "table", "remove", charged_by_length, 0, 1);
  wrap(L, "table", "concat", charged_by_length, 0, 1);
  static const char *const copying[] = {"upper", "lower", "reverse", "byte", NULL};
  for (const char *const *name = copying; *name; name++) wrap(L, "string", *name, charged_by_length, -6, 1);
  /* Functions that walk their first argument (a format or a subject) in C, byte by byte. */
  static const char *const scanning[] = {"format", "pack", "packsize", "unpack", NULL};
  for (const char *const *name = scanning; *name; name++) wrap(L, "string", *name, charged_by_length, -4, 1);
  static const char *const decoding[] = {"len", "offset", "codepoint", NULL};
  for (const char *const *name = decoding; *name; name++) wrap(L, "utf8", *name, charged_by_length, -4, 1);
  wrap(L, NULL, "tonumber", charged_by_length, -4, 1);
}
