// The C side of yoi's Lua sandbox.
//
// Everything that can raise a Lua error (allocate, push strings, create tables, open libraries,
// load and call chunks) happens in this target, inside a protected call. Swift only calls the
// functions declared here, none of which raises, and the non-raising parts of the Lua API.
#ifndef YOI_CLUA_H
#define YOI_CLUA_H

#include <stddef.h>
#include <stdint.h>

struct lua_State;

/// Which limit stopped an evaluation.
typedef enum yoi_limit_kind {
  YOI_LIMIT_NONE = 0,
  YOI_LIMIT_MEMORY = 1,
  YOI_LIMIT_INSTRUCTIONS = 2,
  YOI_LIMIT_DEADLINE = 3,
} yoi_limit_kind;

/// How a run ended.
typedef enum yoi_status {
  YOI_STATUS_OK = 0,
  YOI_STATUS_SYNTAX = 1,
  YOI_STATUS_RUNTIME = 2,
  YOI_STATUS_LIMIT = 3,
  YOI_STATUS_SETUP = 4,
} yoi_status;

typedef struct yoi_limits {
  size_t memory_bytes;
  uint64_t instruction_budget;
  /// Wall-clock budget in nanoseconds, counted from `yoi_sandbox_new`.
  uint64_t deadline_nanoseconds;
} yoi_limits;

typedef struct yoi_sandbox yoi_sandbox;

/// Called by the trampoline of a host function. Arguments are at stack indices 1...argument_count.
/// The callee reads them with non-raising API calls only, describes its results with the
/// `yoi_result_*` functions, and returns 0, or 1 after `yoi_result_error`.
typedef int (*yoi_host_dispatch)(void *context, yoi_sandbox *sandbox, struct lua_State *L,
                                 int function_id, int argument_count);

/// A fresh sandboxed state with the profile library set and the limits installed.
/// Returns NULL when even that fails (out of memory).
yoi_sandbox *yoi_sandbox_new(const yoi_limits *limits, yoi_host_dispatch dispatch, void *context);
void yoi_sandbox_free(yoi_sandbox *sandbox);

/// The state, for the non-raising reads Swift does (results, host-function arguments).
struct lua_State *yoi_sandbox_state(yoi_sandbox *sandbox);

/// Adds `name` to the private host table handed to prelude chunks. Returns a yoi_status.
int yoi_sandbox_add_host_function(yoi_sandbox *sandbox, const char *name, int function_id);

/// Loads `text` as a text chunk named `chunk_name` (use an "@path" name) and calls it. A prelude
/// receives the host table as its only argument; any other chunk receives `argument` as `...`
/// when it is not NULL. On success the chunk's first result is left on top of the stack.
/// Returns a yoi_status; details are in the yoi_sandbox_error_* accessors.
int yoi_sandbox_run(yoi_sandbox *sandbox, const char *text, size_t length, const char *chunk_name,
                    int is_prelude, const char *argument);

/// Compiles a trusted chunk (yoi's own preludes, never user input) to bytecode in a plain
/// state, so every sandbox loads it without parsing. Returns a malloc'd buffer the caller
/// frees with `free`, or NULL with a message in `error` (a malloc'd string, or NULL).
unsigned char *yoi_compile_trusted(const char *text, size_t length, const char *chunk_name,
                                   size_t *out_length, char **error);

/// Like `yoi_sandbox_run` for a prelude, but from bytecode made by `yoi_compile_trusted`.
int yoi_sandbox_run_trusted_bytecode(yoi_sandbox *sandbox, const unsigned char *bytecode,
                                     size_t length, const char *chunk_name);

/// Details of the last failed run. Strings are owned by the sandbox and NUL-terminated.
const char *yoi_sandbox_error_message(yoi_sandbox *sandbox, size_t *length);
const char *yoi_sandbox_error_traceback(yoi_sandbox *sandbox);
const char *yoi_sandbox_error_source(yoi_sandbox *sandbox);
int yoi_sandbox_error_line(yoi_sandbox *sandbox);
int yoi_sandbox_limit(yoi_sandbox *sandbox);
/// Whether the message was cut to the diagnostic size.
int yoi_sandbox_error_truncated(yoi_sandbox *sandbox);

/// What `print` wrote (capped), so it never reaches the host's stdout.
const char *yoi_sandbox_printed(yoi_sandbox *sandbox, size_t *length);

/// Accounting, for diagnostics and benchmarks.
size_t yoi_sandbox_memory_peak(yoi_sandbox *sandbox);
uint64_t yoi_sandbox_instructions_used(yoi_sandbox *sandbox);

/// Pops the value on top of the stack (used after a run's result has been read).
void yoi_sandbox_pop(yoi_sandbox *sandbox);

// Results of a host function, as a small stack program the trampoline replays in C.
// Each returns 0 when the buffer could not grow (the call then fails with a memory error).
int yoi_result_nil(yoi_sandbox *sandbox);
int yoi_result_boolean(yoi_sandbox *sandbox, int value);
int yoi_result_integer(yoi_sandbox *sandbox, int64_t value);
int yoi_result_number(yoi_sandbox *sandbox, double value);
int yoi_result_string(yoi_sandbox *sandbox, const char *bytes, size_t length);
/// Pushes a new empty table.
int yoi_result_table(yoi_sandbox *sandbox);
/// Pops a value and a key and stores them raw into the table below them.
int yoi_result_set(yoi_sandbox *sandbox);
/// Pushes the host function's own argument `index` (1-based), keeping its identity.
int yoi_result_argument(yoi_sandbox *sandbox, int index);
/// Replaces the results with an error message raised at the caller's position.
int yoi_result_error(yoi_sandbox *sandbox, const char *bytes, size_t length);

// Reading values without raising (the only Lua API YoiLua uses; see yoi_read.c).
enum { YOI_TNIL = 0, YOI_TBOOLEAN = 1, YOI_TNUMBER = 3, YOI_TSTRING = 4, YOI_TTABLE = 5 };
int yoi_read_type(struct lua_State *L, int index);
const char *yoi_read_typename(struct lua_State *L, int type);
int yoi_read_gettop(struct lua_State *L);
void yoi_read_settop(struct lua_State *L, int index);
int yoi_read_checkstack(struct lua_State *L, int extra);
void yoi_read_pushnil(struct lua_State *L);
int yoi_read_next(struct lua_State *L, int index);
int yoi_read_toboolean(struct lua_State *L, int index);
int yoi_read_isinteger(struct lua_State *L, int index);
int64_t yoi_read_tointeger(struct lua_State *L, int index);
double yoi_read_tonumber(struct lua_State *L, int index);
/// The bytes of the string at `index`, or NULL when it is not a string.
const char *yoi_read_string(struct lua_State *L, int index, size_t *length);
const void *yoi_read_topointer(struct lua_State *L, int index);

/// The Lua version string, e.g. "Lua 5.4".
const char *yoi_lua_version(void);
/// The Lua release string, e.g. "Lua 5.4.4".
const char *yoi_lua_release(void);

#endif
