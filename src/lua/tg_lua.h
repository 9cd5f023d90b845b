/* tg_lua.h: the Lua layer of twingraph.  Binds the C library as the `tg`
 * module tree (tg.graph, tg.vector, tg.json, ...) and builds sandboxed
 * states for untrusted scripts.  No algorithms live here. */
#ifndef TG_LUA_H
#define TG_LUA_H

#include <lua.h>
#include <stdbool.h>
#include <stddef.h>

/* Open the `tg` module into L and set the global `tg`; returns 1 (the module). */
int luaopen_tg(lua_State *L);

typedef struct tg_lua_limits {
    bool sandbox;               /* only base, table, string, math, utf8 + tg (read-only files) */
    size_t max_memory;          /* bytes the state may hold; 0 = no limit */
    long long max_instructions; /* VM instructions per run; 0 = no limit */
} tg_lua_limits;

/* A new state with the libraries allowed by limits and `tg` loaded;
 * NULL on out of memory.  Close with tg_lua_close. */
lua_State *tg_lua_new_state(const tg_lua_limits *limits);
void tg_lua_close(lua_State *L);

/* Run a loaded chunk at the top of the stack with nargs arguments below it
 * in protected mode with a traceback handler; on error prints
 * "twingraph: <message>\n<traceback>" to stderr.  Returns the lua status. */
int tg_lua_pcall(lua_State *L, int nargs, int nresults);

/* True in sandboxed states: bindings refuse to write files there. */
bool tg_lua_is_sandboxed(lua_State *L);

/* Shared helpers for the binding files (internal to src/lua). */
void tg_lua_i_check_options(lua_State *L, int idx, const char *const *allowed);
const char *tg_lua_i_opt_string(lua_State *L, int idx, const char *key, const char *def);
double tg_lua_i_opt_number(lua_State *L, int idx, const char *key, double def);
long long tg_lua_i_opt_integer(lua_State *L, int idx, const char *key, long long def);
bool tg_lua_i_opt_bool(lua_State *L, int idx, const char *key, bool def);
/* Push t[key] of the table at idx without metamethods; returns its type. */
int tg_lua_i_rawfield(lua_State *L, int idx, const char *key);
/* The data of the tg.Vector at idx (NULL if it is not one), its length in *n. */
const double *tg_lua_i_vector_data(lua_State *L, int idx, long long *n);
/* Push a new tg.Vector of n doubles (zeroed) and return its data. graph_idx
 * (0 = none) is a tg.Graph on the stack whose node ids label the entries. */
double *tg_lua_i_new_vector(lua_State *L, long long n, int graph_idx);
int tg_lua_i_open_vector(lua_State *L);
int tg_lua_i_open_graph(lua_State *L);
int tg_lua_i_open_json(lua_State *L);
int tg_lua_i_open_mining(lua_State *L);
int tg_lua_i_open_ga(lua_State *L);
int tg_lua_i_open_sim(lua_State *L);
int tg_lua_i_open_brain(lua_State *L);
int tg_lua_i_open_resilience(lua_State *L);
int tg_lua_i_open_risk(lua_State *L);
int tg_lua_i_open_gnn(lua_State *L);

#endif
