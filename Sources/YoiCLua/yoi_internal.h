// Shared between the C files of the shim; not part of the module's public header.
#ifndef YOI_INTERNAL_H
#define YOI_INTERNAL_H

#include "yoi_clua.h"
#include <lua.h>
#include <lauxlib.h>

#define YOI_MESSAGE_MAX 4096      /* a diagnostic quotes at most this much of an error */
#define YOI_TRACEBACK_MAX 2048
#define YOI_PRINT_MAX 16384
#define YOI_HOOK_INTERVAL 1000    /* instructions between hook calls (and deadline checks) */
#define YOI_ALLOCATION_CLOCK_BYTES (16u << 20)
/* The collector starts once a state holds this much: a profile allocates well under it and is
   closed right after, so collecting before would be wasted work (~3% of a resolve). Past the
   memory cap Lua collects anyway before it refuses an allocation. */
#define YOI_GC_START_BYTES (4u << 20)

struct yoi_sandbox {
  lua_State *L;
  yoi_limits limits;
  uint64_t started_ns;
  uint64_t deadline_ns;           /* absolute, CLOCK_MONOTONIC */

  size_t memory_used;
  size_t memory_peak;
  size_t allocated_since_clock;   /* bytes allocated since the allocator last read the clock */
  uint64_t instructions_used;
  uint64_t charges_since_clock;   /* steps charged by C loops since the last clock read */
  int tripped;                    /* yoi_limit_kind; sticky once set */
  int collecting;                 /* whether the collector was started (YOI_GC_START_BYTES) */

  yoi_host_dispatch dispatch;
  void *dispatch_context;
  int host_table_ref;
  int watch_slot;                 /* the watchdog's slot, or -1 */

  /* The error of the last failed run, copied out of Lua (C memory, never Lua strings). */
  int status;
  char *message;
  size_t message_length;
  int message_truncated;
  char traceback[YOI_TRACEBACK_MAX];
  char source[LUA_IDSIZE + 1];
  int line;

  /* The last position the hook saw, for errors that carry none (memory). */
  char hook_source[LUA_IDSIZE + 1];
  int hook_line;

  char printed[YOI_PRINT_MAX];
  size_t printed_length;

  /* Results of the current host function (see yoi_result_*). */
  unsigned char *result;
  size_t result_length;
  size_t result_capacity;
  int result_failed;
};

/* The sandbox that owns `L` (kept in the state's extra space). */
yoi_sandbox *yoi_sandbox_of(lua_State *L);

/* Charges `steps` to the instruction budget and checks the deadline every so often; raises
   a limit error (and marks the sandbox tripped) when either is exhausted. Used by every C
   loop whose length the script controls, since no hook fires inside C. */
void yoi_charge(lua_State *L, uint64_t steps);

/* Reads the clock now and trips the deadline if it has passed (after host functions and other
   work the hook cannot see). */
void yoi_check_deadline(lua_State *L);

/* Raises the sticky limit error for `kind`. */
int yoi_trip(lua_State *L, int kind);

/* Installs the bounded string pattern functions (find, match, gmatch, gsub) into the table
   on top of the stack. */
void yoi_open_patterns(lua_State *L);

/* Deterministic or bounded replacements for base and library functions. */
void yoi_open_safe_library(lua_State *L);

/* tostring without addresses: tables and functions print as their type name. */
const char *yoi_tostring(lua_State *L, int index, size_t *length);

#endif
