// The read-only part of the Lua API that Swift uses to read values (results and host-function
// arguments). None of these can raise: YoiLua reaches Lua only through this shim, so no Swift
// file can call a lua_* function that longjmps.
#include "yoi_internal.h"

int yoi_read_type(struct lua_State *L, int index) { return lua_type(L, index); }
const char *yoi_read_typename(struct lua_State *L, int type) { return lua_typename(L, type); }
int yoi_read_gettop(struct lua_State *L) { return lua_gettop(L); }
void yoi_read_settop(struct lua_State *L, int index) { lua_settop(L, index); }
int yoi_read_checkstack(struct lua_State *L, int extra) { return lua_checkstack(L, extra); }
void yoi_read_pushnil(struct lua_State *L) { lua_pushnil(L); }
/* lua_next on a table that is not modified during the traversal never raises. */
int yoi_read_next(struct lua_State *L, int index) { return lua_next(L, index); }
int yoi_read_toboolean(struct lua_State *L, int index) { return lua_toboolean(L, index); }
int yoi_read_isinteger(struct lua_State *L, int index) { return lua_isinteger(L, index); }
int64_t yoi_read_tointeger(struct lua_State *L, int index) { return (int64_t)lua_tointegerx(L, index, NULL); }
double yoi_read_tonumber(struct lua_State *L, int index) { return (double)lua_tonumberx(L, index, NULL); }
/* Only actual strings: converting a number in place allocates, and allocation can raise. */
const char *yoi_read_string(struct lua_State *L, int index, size_t *length) {
  if (lua_type(L, index) != LUA_TSTRING) {
    *length = 0;
    return NULL;
  }
  return lua_tolstring(L, index, length);
}
const void *yoi_read_topointer(struct lua_State *L, int index) { return lua_topointer(L, index); }
