// The sandboxed state: allocator with a cap, count hook with a budget and a deadline, the
// protected runner and its message handler, and the trampoline for host functions.
#include "yoi_internal.h"

#include <lualib.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

yoi_sandbox *yoi_sandbox_of(lua_State *L) {
  return *(yoi_sandbox **)lua_getextraspace(L);
}

/* ---- limits ---------------------------------------------------------------------------- */

static const char *limit_message(int kind) {
  switch (kind) {
    case YOI_LIMIT_MEMORY: return "memory limit exceeded";
    case YOI_LIMIT_INSTRUCTIONS: return "instruction limit exceeded";
    case YOI_LIMIT_DEADLINE: return "time limit exceeded";
    default: return "limit exceeded";
  }
}

int yoi_trip(lua_State *L, int kind) {
  yoi_sandbox *sb = yoi_sandbox_of(L);
  if (!sb->tripped) sb->tripped = kind;
  /* A preallocated-size literal: pushing it may itself fail at the memory cap, which is
     reported as a memory error, still a failure. */
  lua_pushstring(L, limit_message(sb->tripped));
  return lua_error(L);
}

void yoi_charge(lua_State *L, uint64_t steps) {
  yoi_sandbox *sb = yoi_sandbox_of(L);
  if (sb->tripped) yoi_trip(L, sb->tripped);
  sb->instructions_used += steps;
  if (sb->instructions_used > sb->limits.instruction_budget) yoi_trip(L, YOI_LIMIT_INSTRUCTIONS);
  sb->charges_since_clock += steps;
  if (sb->charges_since_clock >= YOI_HOOK_INTERVAL) {
    sb->charges_since_clock = 0;
    if (now_ns() > sb->deadline_ns) yoi_trip(L, YOI_LIMIT_DEADLINE);
  }
}

void yoi_check_deadline(lua_State *L) {
  yoi_sandbox *sb = yoi_sandbox_of(L);
  sb->charges_since_clock = 0;
  if (now_ns() > sb->deadline_ns) yoi_trip(L, YOI_LIMIT_DEADLINE);
}

static void count_hook(lua_State *L, lua_Debug *ar) {
  yoi_sandbox *sb = yoi_sandbox_of(L);
  if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0) {
    memcpy(sb->hook_source, ar->short_src, sizeof(ar->short_src));
    sb->hook_source[sizeof(ar->short_src)] = '\0';
    sb->hook_line = ar->currentline;
  }
  if (!sb->collecting && sb->memory_used >= YOI_GC_START_BYTES) {
    sb->collecting = 1;
    lua_gc(L, LUA_GCRESTART);
  }
  sb->charges_since_clock = YOI_HOOK_INTERVAL; /* the hook always reads the clock */
  yoi_charge(L, YOI_HOOK_INTERVAL);
}

/* The allocator refuses growth past the cap. Lua then collects and retries once before it
   raises a memory error, so a refusal alone is not yet a failure. */
static void *capped_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  yoi_sandbox *sb = ud;
  size_t old = ptr ? osize : 0;
  if (nsize == 0) {
    free(ptr);
    sb->memory_used -= old;
    return NULL;
  }
  if (nsize > old && sb->memory_used + (nsize - old) > sb->limits.memory_bytes) return NULL;
  void *grown = realloc(ptr, nsize);
  if (grown == NULL) return NULL;
  sb->memory_used = sb->memory_used - old + nsize;
  /* One VM instruction can copy megabytes (a concatenation, a table resize) while the hook
     counts it as one: every 16 MiB allocated, read the clock, and past the deadline make the
     hook fire at the very next instruction (lua_sethook is safe to call from anywhere). */
  if (nsize > old) {
    sb->allocated_since_clock += nsize - old;
    if (sb->allocated_since_clock >= YOI_ALLOCATION_CLOCK_BYTES && sb->L != NULL) {
      sb->allocated_since_clock = 0;
      if (now_ns() > sb->deadline_ns) lua_sethook(sb->L, count_hook, LUA_MASKCOUNT, 1);
    }
  }
  if (sb->memory_used > sb->memory_peak) sb->memory_peak = sb->memory_used;
  return grown;
}

static int panic_handler(lua_State *L) {
  const char *message = lua_tostring(L, -1);
  char line[512];
  int n = snprintf(line, sizeof line, "yoi: unprotected Lua error (a bug in yoi): %s\n",
                   message ? message : "(no message)");
  if (n > 0) {
    ssize_t ignored = write(2, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
    (void)ignored;
  }
  return 0; /* Lua aborts after this returns */
}

/* ---- errors ---------------------------------------------------------------------------- */

static void set_message(yoi_sandbox *sb, const char *text, size_t length) {
  free(sb->message);
  sb->message_truncated = length > YOI_MESSAGE_MAX;
  if (sb->message_truncated) length = YOI_MESSAGE_MAX;
  sb->message = malloc(length + 1);
  if (sb->message == NULL) {
    sb->message_length = 0;
    return;
  }
  memcpy(sb->message, text, length);
  sb->message[length] = '\0';
  sb->message_length = length;
}

/* Copies the error object's text into C memory without calling any metamethod: an error
   object whose __tostring loops must not run again here. */
static void record_error_value(yoi_sandbox *sb, lua_State *L, int index) {
  char buffer[128];
  switch (lua_type(L, index)) {
    case LUA_TSTRING: {
      size_t length;
      const char *text = lua_tolstring(L, index, &length);
      set_message(sb, text, length);
      return;
    }
    case LUA_TNUMBER:
      if (lua_isinteger(L, index))
        snprintf(buffer, sizeof buffer, "%lld", (long long)lua_tointegerx(L, index, NULL));
      else
        snprintf(buffer, sizeof buffer, "%.14g", (double)lua_tonumberx(L, index, NULL));
      break;
    default:
      snprintf(buffer, sizeof buffer, "(error object is a %s value)",
               lua_typename(L, lua_type(L, index)));
  }
  set_message(sb, buffer, strlen(buffer));
}

/* The message handler of the top-level run. It allocates nothing in Lua: the position and a
   short traceback are written into C buffers. */
static int message_handler(lua_State *L) {
  yoi_sandbox *sb = yoi_sandbox_of(L);
  lua_Debug ar;
  size_t used = 0;
  sb->source[0] = '\0';
  sb->line = -1;
  sb->traceback[0] = '\0';
  for (int level = 0; level < 24 && lua_getstack(L, level, &ar); level++) {
    if (!lua_getinfo(L, "Sln", &ar)) break;
    /* Trusted preludes are loaded from stripped bytecode (source "=?"); their frames are
       yoi's, not the user's, and never carry a position. Scripts are always loaded as text. */
    if (strcmp(ar.source, "=?") == 0) continue;
    if (sb->line < 0 && ar.currentline > 0) {
      memcpy(sb->source, ar.short_src, sizeof(ar.short_src));
      sb->source[sizeof(ar.short_src)] = '\0';
      sb->line = ar.currentline;
    }
    if (ar.currentline <= 0 && strcmp(ar.what, "C") == 0) continue;
    int n = snprintf(sb->traceback + used, sizeof(sb->traceback) - used, "%s%s:%d: in %s%s%s",
                     used ? "\n" : "", ar.short_src, ar.currentline,
                     ar.name ? "function '" : (strcmp(ar.what, "main") == 0 ? "main chunk" : "function"),
                     ar.name ? ar.name : "", ar.name ? "'" : "");
    if (n < 0 || (size_t)n >= sizeof(sb->traceback) - used) break;
    used += (size_t)n;
  }
  record_error_value(sb, L, 1);
  return 1;
}

/* ---- results of host functions --------------------------------------------------------- */

enum { OP_NIL, OP_TRUE, OP_FALSE, OP_INTEGER, OP_NUMBER, OP_STRING, OP_TABLE, OP_SET, OP_ARGUMENT, OP_ERROR };

static int result_reserve(yoi_sandbox *sb, size_t extra) {
  if (sb->result_failed) return 0;
  if (sb->result_length + extra <= sb->result_capacity) return 1;
  size_t capacity = sb->result_capacity ? sb->result_capacity : 256;
  while (capacity < sb->result_length + extra) capacity *= 2;
  if (capacity > sb->limits.memory_bytes) {
    sb->result_failed = 1;
    return 0;
  }
  unsigned char *grown = realloc(sb->result, capacity);
  if (grown == NULL) {
    sb->result_failed = 1;
    return 0;
  }
  sb->result = grown;
  sb->result_capacity = capacity;
  return 1;
}

static int result_op(yoi_sandbox *sb, unsigned char op, const void *payload, size_t length) {
  if (!result_reserve(sb, 1 + length)) return 0;
  sb->result[sb->result_length++] = op;
  if (length) memcpy(sb->result + sb->result_length, payload, length);
  sb->result_length += length;
  return 1;
}

int yoi_result_nil(yoi_sandbox *sb) { return result_op(sb, OP_NIL, NULL, 0); }
int yoi_result_boolean(yoi_sandbox *sb, int value) { return result_op(sb, value ? OP_TRUE : OP_FALSE, NULL, 0); }
int yoi_result_integer(yoi_sandbox *sb, int64_t value) { return result_op(sb, OP_INTEGER, &value, sizeof value); }
int yoi_result_number(yoi_sandbox *sb, double value) { return result_op(sb, OP_NUMBER, &value, sizeof value); }
int yoi_result_table(yoi_sandbox *sb) { return result_op(sb, OP_TABLE, NULL, 0); }
int yoi_result_set(yoi_sandbox *sb) { return result_op(sb, OP_SET, NULL, 0); }
int yoi_result_argument(yoi_sandbox *sb, int index) {
  int32_t i = index;
  return result_op(sb, OP_ARGUMENT, &i, sizeof i);
}

static int result_bytes(yoi_sandbox *sb, unsigned char op, const char *bytes, size_t length) {
  uint64_t n = length;
  if (!result_reserve(sb, 1 + sizeof n + length)) return 0;
  result_op(sb, op, &n, sizeof n);
  if (length) memcpy(sb->result + sb->result_length, bytes, length);
  sb->result_length += length;
  return 1;
}

int yoi_result_string(yoi_sandbox *sb, const char *bytes, size_t length) {
  return result_bytes(sb, OP_STRING, bytes, length);
}

int yoi_result_error(yoi_sandbox *sb, const char *bytes, size_t length) {
  sb->result_length = 0;
  if (length > YOI_MESSAGE_MAX) length = YOI_MESSAGE_MAX;
  return result_bytes(sb, OP_ERROR, bytes, length);
}

/* Replays the result program. Runs in C inside the protected call, so pushing may raise. */
static int replay_results(lua_State *L, yoi_sandbox *sb, int argument_count) {
  int base = lua_gettop(L);
  size_t at = 0;
  while (at < sb->result_length) {
    unsigned char op = sb->result[at++];
    luaL_checkstack(L, 3, "host function result too deep");
    switch (op) {
      case OP_NIL: lua_pushnil(L); break;
      case OP_TRUE: lua_pushboolean(L, 1); break;
      case OP_FALSE: lua_pushboolean(L, 0); break;
      case OP_INTEGER: {
        int64_t value;
        memcpy(&value, sb->result + at, sizeof value);
        at += sizeof value;
        lua_pushinteger(L, (lua_Integer)value);
        break;
      }
      case OP_NUMBER: {
        double value;
        memcpy(&value, sb->result + at, sizeof value);
        at += sizeof value;
        lua_pushnumber(L, (lua_Number)value);
        break;
      }
      case OP_STRING:
      case OP_ERROR: {
        uint64_t length;
        memcpy(&length, sb->result + at, sizeof length);
        at += sizeof length;
        if (op == OP_ERROR) {
          luaL_where(L, 1);
          lua_pushlstring(L, (const char *)sb->result + at, (size_t)length);
          lua_concat(L, 2);
          return lua_error(L);
        }
        lua_pushlstring(L, (const char *)sb->result + at, (size_t)length);
        at += length;
        break;
      }
      case OP_TABLE: lua_newtable(L); break;
      case OP_SET: lua_rawset(L, -3); break;
      case OP_ARGUMENT: {
        int32_t index;
        memcpy(&index, sb->result + at, sizeof index);
        at += sizeof index;
        if (index >= 1 && index <= argument_count) lua_pushvalue(L, index);
        else lua_pushnil(L);
        break;
      }
      default: return luaL_error(L, "corrupt host function result");
    }
  }
  return lua_gettop(L) - base;
}

static int host_trampoline(lua_State *L) {
  yoi_sandbox *sb = yoi_sandbox_of(L);
  int function_id = (int)lua_tointegerx(L, lua_upvalueindex(1), NULL);
  int argument_count = lua_gettop(L);
  /* Swift copies string arguments (and may scan them): charge their length. */
  uint64_t argument_bytes = 0;
  for (int i = 1; i <= argument_count; i++)
    if (lua_type(L, i) == LUA_TSTRING) argument_bytes += lua_rawlen(L, i);
  yoi_charge(L, 1 + argument_bytes / 16);
  /* Room for the reads Swift does (lua_next pushes key and value per table level). */
  luaL_checkstack(L, 64, "host function arguments too deep");
  sb->result_length = 0;
  sb->result_failed = 0;
  sb->dispatch(sb->dispatch_context, sb, L, function_id, argument_count);
  lua_settop(L, argument_count);
  /* Host work runs outside the hook: read the clock as soon as it returns. */
  yoi_check_deadline(L);
  if (sb->result_failed) return luaL_error(L, "not enough memory for a host function result");
  return replay_results(L, sb, argument_count);
}

/* ---- the watchdog ----------------------------------------------------------------------- */

/* Defence in depth: the hook and the charged C loops stop every evaluation we know of at its
   deadline. Should some C path ever run on where no hook fires (a finalizer while the state
   closes, a library loop we did not charge), a hang must still end in a diagnostic. One
   thread per process polls the evaluations alive (each holds a slot with its deadline plus a
   margin) and ends the process if one overruns it. It costs nothing per evaluation beyond an
   atomic store; the thread starts with the first sandbox. */
#define WATCH_SLOTS 64
#define WATCH_POLL_NS 50000000ull
static _Atomic uint64_t watch_expiry[WATCH_SLOTS];
static pthread_once_t watch_started = PTHREAD_ONCE_INIT;

static void *watchdog_main(void *unused) {
  (void)unused;
  struct timespec poll = {0, (long)WATCH_POLL_NS};
  for (;;) {
    nanosleep(&poll, NULL);
    uint64_t now = now_ns();
    for (int i = 0; i < WATCH_SLOTS; i++) {
      uint64_t expiry = atomic_load_explicit(&watch_expiry[i], memory_order_relaxed);
      if (expiry == 0 || now <= expiry) continue;
      static const char message[] =
          "error[E-LUA-WATCHDOG]: a profile evaluation ran past its time limit where the sandbox could not "
          "stop it; yoi stopped instead of hanging\n"
          "  = help: the profile (or a module it loads) does work that the sandbox limits do not reach; "
          "please report it with the profile\n";
      ssize_t ignored = write(2, message, sizeof message - 1);
      (void)ignored;
      _exit(1);
    }
  }
  return NULL;
}

static void start_watchdog(void) {
  pthread_t thread;
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attributes, 64 * 1024);
  if (pthread_create(&thread, &attributes, watchdog_main, NULL) != 0) {
    /* Without the thread the hook still enforces every limit; only the backstop is missing. */
  }
  pthread_attr_destroy(&attributes);
}

/* Claims a slot expiring `margin` after the deadline: twice the deadline, and at least 2 s,
   so a loaded machine unwinding a tripped run is never mistaken for a hang. Only Lua runs
   and closing the state are watched; Swift reading a result is bounded by its own limits. */
static void watch(yoi_sandbox *sb) {
  pthread_once(&watch_started, start_watchdog);
  uint64_t margin = 2 * sb->limits.deadline_nanoseconds;
  if (margin < 2000000000ull) margin = 2000000000ull;
  uint64_t expiry = sb->deadline_ns + margin;
  sb->watch_slot = -1;
  for (int i = 0; i < WATCH_SLOTS; i++) {
    uint64_t free_slot = 0;
    if (atomic_compare_exchange_strong(&watch_expiry[i], &free_slot, expiry)) {
      sb->watch_slot = i;
      return;
    }
  }
}

static void unwatch(yoi_sandbox *sb) {
  if (sb->watch_slot >= 0) atomic_store(&watch_expiry[sb->watch_slot], 0);
  sb->watch_slot = -1;
}

#ifdef DEBUG
/* Debug builds only: YOI_TEST_UNSTOPPABLE=1 makes every run spin in C where no hook fires,
   so the end-to-end test can prove the watchdog ends it. Not compiled into release builds. */
static void spin_if_testing_the_watchdog(void) {
  const char *flag = getenv("YOI_TEST_UNSTOPPABLE");
  if (flag == NULL || strcmp(flag, "1") != 0) return;
  for (volatile uint64_t i = 0;; i++) {
  }
}
#endif

/* ---- setup and runs -------------------------------------------------------------------- */

static void open_library(lua_State *L, const char *name, lua_CFunction open) {
  luaL_requiref(L, name, open, 1);
  lua_pop(L, 1);
}

static void remove_field(lua_State *L, const char *table, const char *field) {
  if (table) {
    lua_getglobal(L, table);
    lua_pushnil(L);
    lua_setfield(L, -2, field);
    lua_pop(L, 1);
  } else {
    lua_pushnil(L);
    lua_setglobal(L, field);
  }
}

/* host.load_text(text, chunk_name, env): the prelude's way to load profile-local modules.
   Text only, never bytecode; returns the function, or nil and the syntax error message. */
static int load_text(lua_State *L) {
  size_t length;
  const char *text = luaL_checklstring(L, 1, &length);
  const char *chunk_name = luaL_checkstring(L, 2);
  int has_env = !lua_isnoneornil(L, 3);
  if (luaL_loadbufferx(L, text, length, chunk_name, "t") != LUA_OK) {
    luaL_pushfail(L);
    lua_insert(L, -2);
    return 2;
  }
  if (has_env) {
    lua_pushvalue(L, 3);
    if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
  }
  return 1;
}

static int setup_protected(lua_State *L) {
  yoi_sandbox *sb = yoi_sandbox_of(L);
  open_library(L, LUA_GNAME, luaopen_base);
  open_library(L, LUA_STRLIBNAME, luaopen_string);
  open_library(L, LUA_TABLIBNAME, luaopen_table);
  open_library(L, LUA_MATHLIBNAME, luaopen_math);
  open_library(L, LUA_UTF8LIBNAME, luaopen_utf8);

  /* luaL_requiref records libraries in the registry's _LOADED; nothing can read it without
     debug or package, but keep the registry minimal anyway. */
  lua_pushnil(L);
  lua_setfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);

  static const char *const removed_globals[] = {"dofile", "loadfile", "load", "collectgarbage",
                                                "warn", "require", NULL};
  for (const char *const *name = removed_globals; *name; name++) remove_field(L, NULL, *name);
  remove_field(L, "string", "dump");
  remove_field(L, "math", "random");
  remove_field(L, "math", "randomseed");

  yoi_open_safe_library(L);

  lua_getglobal(L, "string");
  yoi_open_patterns(L);
  lua_pop(L, 1);

  /* Protect the string metatable: getmetatable("") returns false, so no script can reach
     it to swap string methods out from under later code. */
  lua_pushliteral(L, "");
  if (lua_getmetatable(L, -1)) {
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
  }
  lua_pop(L, 1);

  lua_newtable(L);
  lua_pushcfunction(L, load_text);
  lua_setfield(L, -2, "load_text");
  sb->host_table_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  return 0;
}

yoi_sandbox *yoi_sandbox_new(const yoi_limits *limits, yoi_host_dispatch dispatch, void *context) {
  yoi_sandbox *sb = calloc(1, sizeof *sb);
  if (sb == NULL) return NULL;
  sb->limits = *limits;
  sb->started_ns = now_ns();
  sb->deadline_ns = sb->started_ns + limits->deadline_nanoseconds;
  sb->dispatch = dispatch;
  sb->dispatch_context = context;
  sb->line = -1;
  sb->hook_line = -1;
  sb->host_table_ref = LUA_NOREF;
  sb->watch_slot = -1;
  lua_State *L = lua_newstate(capped_alloc, sb);
  if (L == NULL) {
    free(sb);
    return NULL;
  }
  sb->L = L;
  *(yoi_sandbox **)lua_getextraspace(L) = sb;
  lua_atpanic(L, panic_handler);
  lua_gc(L, LUA_GCSTOP); /* until YOI_GC_START_BYTES: see count_hook */
  lua_pushcfunction(L, setup_protected); /* no allocation: light C function */
  if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
    yoi_sandbox_free(sb);
    return NULL;
  }
  lua_sethook(L, count_hook, LUA_MASKCOUNT, YOI_HOOK_INTERVAL);
  return sb;
}

void yoi_sandbox_free(yoi_sandbox *sb) {
  if (sb == NULL) return;
  /* Closing runs no script (no object can get a finalizer), but if it ever did, it is watched. */
  watch(sb);
  if (sb->L) lua_close(sb->L);
  unwatch(sb);
  free(sb->message);
  free(sb->result);
  free(sb);
}

struct lua_State *yoi_sandbox_state(yoi_sandbox *sb) { return sb->L; }

struct host_function_request {
  const char *name;
  int function_id;
};

static int add_host_function_protected(lua_State *L) {
  yoi_sandbox *sb = yoi_sandbox_of(L);
  struct host_function_request *request = lua_touserdata(L, 1);
  lua_rawgeti(L, LUA_REGISTRYINDEX, sb->host_table_ref);
  lua_pushinteger(L, request->function_id);
  lua_pushcclosure(L, host_trampoline, 1);
  lua_setfield(L, -2, request->name);
  return 0;
}

int yoi_sandbox_add_host_function(yoi_sandbox *sb, const char *name, int function_id) {
  struct host_function_request request = {name, function_id};
  lua_State *L = sb->L;
  if (!lua_checkstack(L, 4)) return YOI_STATUS_SETUP;
  lua_pushcfunction(L, add_host_function_protected);
  lua_pushlightuserdata(L, &request);
  return lua_pcall(L, 1, 0, 0) == LUA_OK ? YOI_STATUS_OK : YOI_STATUS_SETUP;
}

struct run_request {
  const char *text;
  size_t length;
  const char *chunk_name;
  int is_prelude;
  const char *argument;
  int load_failed;
  const char *mode; /* "t" for every script; "b" only for yoi's own compiled preludes */
};

static int run_protected(lua_State *L) {
  yoi_sandbox *sb = yoi_sandbox_of(L);
  struct run_request *request = lua_touserdata(L, 1);
  if (luaL_loadbufferx(L, request->text, request->length, request->chunk_name, request->mode) != LUA_OK) {
    request->load_failed = 1;
    return lua_error(L);
  }
  int arguments = 0;
  if (request->is_prelude) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, sb->host_table_ref);
    arguments = 1;
  } else if (request->argument) {
    lua_pushstring(L, request->argument);
    arguments = 1;
  }
  lua_call(L, arguments, 1);
  return 1;
}

static int run_request(yoi_sandbox *sb, struct run_request request);

int yoi_sandbox_run(yoi_sandbox *sb, const char *text, size_t length, const char *chunk_name,
                    int is_prelude, const char *argument) {
  struct run_request request = {text, length, chunk_name, is_prelude, argument, 0, "t"};
  watch(sb);
  int status = run_request(sb, request);
  unwatch(sb);
  return status;
}

int yoi_sandbox_run_trusted_bytecode(yoi_sandbox *sb, const unsigned char *bytecode, size_t length,
                                     const char *chunk_name) {
  struct run_request request = {(const char *)bytecode, length, chunk_name, 1, NULL, 0, "b"};
  watch(sb);
  int status = run_request(sb, request);
  unwatch(sb);
  return status;
}

struct dump_buffer {
  unsigned char *bytes;
  size_t length;
  size_t capacity;
  int failed;
};

static int dump_writer(lua_State *L, const void *p, size_t size, void *ud) {
  (void)L;
  struct dump_buffer *buffer = ud;
  if (buffer->length + size > buffer->capacity) {
    size_t capacity = buffer->capacity ? buffer->capacity * 2 : 4096;
    while (capacity < buffer->length + size) capacity *= 2;
    unsigned char *grown = realloc(buffer->bytes, capacity);
    if (grown == NULL) {
      buffer->failed = 1;
      return 1;
    }
    buffer->bytes = grown;
    buffer->capacity = capacity;
  }
  memcpy(buffer->bytes + buffer->length, p, size);
  buffer->length += size;
  return 0;
}

struct compile_request {
  const char *text;
  size_t length;
  const char *chunk_name;
  struct dump_buffer *buffer;
};

static int compile_protected(lua_State *L) {
  struct compile_request *request = lua_touserdata(L, 1);
  if (luaL_loadbufferx(L, request->text, request->length, request->chunk_name, "t") != LUA_OK) return lua_error(L);
  /* Stripped: a fresh state loads the prelude without its debug information (~5% of a
     resolve); the message handler leaves its frames out of tracebacks. */
  lua_dump(L, dump_writer, request->buffer, 1);
  return 0;
}

unsigned char *yoi_compile_trusted(const char *text, size_t length, const char *chunk_name, size_t *out_length,
                                   char **error) {
  *error = NULL;
  lua_State *L = luaL_newstate();
  if (L == NULL) return NULL;
  lua_atpanic(L, panic_handler);
  struct dump_buffer buffer = {NULL, 0, 0, 0};
  struct compile_request request = {text, length, chunk_name, &buffer};
  lua_pushcfunction(L, compile_protected);
  lua_pushlightuserdata(L, &request);
  if (lua_pcall(L, 1, 0, 0) != LUA_OK || buffer.failed) {
    const char *message = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "out of memory";
    *error = strdup(message);
    free(buffer.bytes);
    lua_close(L);
    return NULL;
  }
  lua_close(L);
  *out_length = buffer.length;
  return buffer.bytes;
}

static int run_request(yoi_sandbox *sb, struct run_request request) {
  lua_State *L = sb->L;
  free(sb->message);
  sb->message = NULL;
  sb->message_length = 0;
  sb->line = -1;
  sb->source[0] = '\0';
  sb->traceback[0] = '\0';
  lua_settop(L, 0);
  if (!lua_checkstack(L, 8)) return sb->status = YOI_STATUS_SETUP;
#ifdef DEBUG
  if (!request.is_prelude) spin_if_testing_the_watchdog();
#endif
  lua_pushcfunction(L, message_handler);
  lua_pushcfunction(L, run_protected);
  lua_pushlightuserdata(L, &request);
  int status = lua_pcall(L, 1, 1, 1);
  /* The last stretch since the previous clock read counts too: a run that finished after its
     deadline fails, whatever it returned. */
  if (!sb->tripped && now_ns() > sb->deadline_ns) sb->tripped = YOI_LIMIT_DEADLINE;
  if (status == LUA_OK) {
    lua_remove(L, 1); /* the handler; the result stays on top */
    /* A script may catch a limit error and return normally; a tripped limit fails anyway. */
    if (!sb->tripped) return sb->status = YOI_STATUS_OK;
    lua_settop(L, 0);
    set_message(sb, limit_message(sb->tripped), strlen(limit_message(sb->tripped)));
    return sb->status = YOI_STATUS_LIMIT;
  }
  if (status == LUA_ERRMEM && !sb->tripped) sb->tripped = YOI_LIMIT_MEMORY;
  if (status == LUA_ERRMEM || status == LUA_ERRERR || sb->message == NULL) {
    /* The handler did not run (memory errors skip it) or failed: record what is there. */
    if (sb->tripped) {
      set_message(sb, limit_message(sb->tripped), strlen(limit_message(sb->tripped)));
    } else if (lua_gettop(L) >= 2) {
      record_error_value(sb, L, -1);
    }
  }
  if (sb->line < 0 && sb->hook_line > 0) {
    memcpy(sb->source, sb->hook_source, sizeof(sb->source));
    sb->line = sb->hook_line;
  }
  lua_settop(L, 0);
  if (sb->tripped) return sb->status = YOI_STATUS_LIMIT;
  return sb->status = request.load_failed ? YOI_STATUS_SYNTAX : YOI_STATUS_RUNTIME;
}

const char *yoi_sandbox_error_message(yoi_sandbox *sb, size_t *length) {
  *length = sb->message ? sb->message_length : 0;
  return sb->message ? sb->message : "";
}
const char *yoi_sandbox_error_traceback(yoi_sandbox *sb) { return sb->traceback; }
const char *yoi_sandbox_error_source(yoi_sandbox *sb) { return sb->source; }
int yoi_sandbox_error_line(yoi_sandbox *sb) { return sb->line; }
int yoi_sandbox_limit(yoi_sandbox *sb) { return sb->tripped; }
int yoi_sandbox_error_truncated(yoi_sandbox *sb) { return sb->message_truncated; }
const char *yoi_sandbox_printed(yoi_sandbox *sb, size_t *length) {
  *length = sb->printed_length;
  return sb->printed;
}
size_t yoi_sandbox_memory_peak(yoi_sandbox *sb) { return sb->memory_peak; }
uint64_t yoi_sandbox_instructions_used(yoi_sandbox *sb) { return sb->instructions_used; }
void yoi_sandbox_pop(yoi_sandbox *sb) { lua_settop(sb->L, 0); }

const char *yoi_lua_version(void) { return LUA_VERSION; }
const char *yoi_lua_release(void) { return LUA_RELEASE; }
