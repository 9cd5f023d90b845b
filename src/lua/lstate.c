/* lstate.c: the `tg` module root, Lua states (normal and sandboxed), the
 * traceback handler and the option-table helpers shared by the bindings.
 *
 * The sandbox follows STYLE.md section 4: only base, table, string, math
 * and utf8; no dofile/loadfile; `load` accepts text chunks only (crafted
 * bytecode can crash Lua); globals locked by a metatable; a byte budget
 * enforced by our own lua_Alloc; an instruction budget enforced by a count
 * hook that keeps firing, so pcall cannot swallow the timeout. */
#include "tg_lua.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../core/tg_core.h"

typedef struct state_info {
    tg_lua_limits limits;
    size_t used;                /* bytes held by the state */
    long long executed;         /* instructions counted by the hook */
    bool out_of_time;
} state_info;

static const char INFO_KEY[] = "tg.state_info";
enum { HOOK_EVERY = 1000 };

static void *budget_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    state_info *si = ud;
    /* When ptr is NULL, osize encodes the object type, not a size. */
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        si->used -= old;
        return NULL;
    }
    if (si->limits.max_memory && nsize > old && si->used - old + nsize > si->limits.max_memory)
        return NULL;
    void *q = realloc(ptr, nsize);
    if (q) si->used = si->used - old + nsize;
    return q;
}

/* twingraph's own allocations (graphs, results) count against the same
 * budget as Lua's, through the library's replaceable allocator.  tg_free
 * passes no size, so each block carries its size in a header. */
typedef union block_header { size_t size; max_align_t align; } block_header;

static void *tg_budget_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    state_info *si = ud;
    (void)osize;
    block_header *h = ptr ? (block_header *)ptr - 1 : NULL;
    size_t old = h ? h->size : 0;
    if (nsize == 0) {
        if (h) si->used -= old;
        free(h);
        return NULL;
    }
    if (nsize > old && si->used - old + nsize > si->limits.max_memory) return NULL;
    if (nsize > SIZE_MAX - sizeof *h) return NULL;
    block_header *q = realloc(h, sizeof *q + nsize);
    if (!q) return NULL;
    si->used = si->used - old + nsize;
    q->size = nsize;
    return q + 1;
}

static state_info *get_info(lua_State *L)
{
    void *ud;
    lua_getallocf(L, &ud);
    return ud;
}

static void count_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    state_info *si = get_info(L);
    si->executed += HOOK_EVERY;
    if (si->out_of_time || si->executed > si->limits.max_instructions) {
        /* Fire again at the next instruction: a pcall that catches this
         * error cannot go on running. */
        si->out_of_time = true;
        lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
        luaL_error(L, "instruction limit of %I exceeded", (lua_Integer)si->limits.max_instructions);
    }
}

bool tg_lua_is_sandboxed(lua_State *L)
{
    state_info *si = get_info(L);
    return si && si->limits.sandbox;
}

/* load() restricted to text chunks, with the caller's environment. */
static int safe_load(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    const char *name = luaL_optstring(L, 2, "=(load)");
    int status = luaL_loadbufferx(L, s, len, name, "t");
    if (status != LUA_OK) {
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 2;
    }
    if (!lua_isnoneornil(L, 4)) {
        lua_pushvalue(L, 4);
        if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
    }
    return 1;
}

/* rawset would bypass the lock on the global table: refuse that one. */
static int safe_rawset(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    luaL_checkany(L, 3);
    lua_pushglobaltable(L);
    if (lua_rawequal(L, 1, -1))
        return luaL_error(L, "rawset on the global table is not allowed in the sandbox");
    lua_settop(L, 3);
    lua_rawset(L, 1);
    lua_settop(L, 1);
    return 1;
}

static int locked_newindex(lua_State *L)
{
    return luaL_error(L, "assignment to undeclared global '%s' (globals are locked in the sandbox)",
                      lua_tostring(L, 2) ? lua_tostring(L, 2) : "?");
}

static void open_sandbox_libs(lua_State *L)
{
    static const luaL_Reg libs[] = {
        {LUA_GNAME, luaopen_base},       {LUA_TABLIBNAME, luaopen_table},
        {LUA_STRLIBNAME, luaopen_string}, {LUA_MATHLIBNAME, luaopen_math},
        {LUA_UTF8LIBNAME, luaopen_utf8},  {NULL, NULL},
    };
    for (const luaL_Reg *l = libs; l->func; l++) {
        luaL_requiref(L, l->name, l->func, 1);
        lua_pop(L, 1);
    }
    lua_pushnil(L);
    lua_setglobal(L, "dofile");
    lua_pushnil(L);
    lua_setglobal(L, "loadfile");
    lua_pushcfunction(L, safe_load);
    lua_setglobal(L, "load");
    lua_pushcfunction(L, safe_rawset);
    lua_setglobal(L, "rawset");
    /* string.dump would hand out bytecode: remove it. */
    lua_getglobal(L, "string");
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    lua_pop(L, 1);
}

static void lock_globals(lua_State *L)
{
    lua_pushglobaltable(L);
    lua_newtable(L);
    lua_pushcfunction(L, locked_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_pop(L, 1);
}

lua_State *tg_lua_new_state(const tg_lua_limits *limits)
{
    state_info *si = calloc(1, sizeof *si);
    if (!si) return NULL;
    if (limits) si->limits = *limits;
    lua_State *L = lua_newstate(budget_alloc, si);
    if (!L) {
        free(si);
        return NULL;
    }
    /* Before any twingraph object exists: blocks must be freed by the
     * allocator that made them.  One budgeted state at a time. */
    if (si->limits.max_memory) tg_set_allocator(tg_budget_alloc, si);
    if (si->limits.sandbox) open_sandbox_libs(L);
    else luaL_openlibs(L);
    luaL_requiref(L, "tg", luaopen_tg, 1);
    lua_pop(L, 1);
    if (si->limits.sandbox) lock_globals(L);
    if (si->limits.max_instructions > 0) lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_EVERY);
    return L;
}

void tg_lua_close(lua_State *L)
{
    if (!L) return;
    state_info *si = get_info(L);
    lua_close(L);
    if (si->limits.max_memory) tg_set_allocator(NULL, NULL);
    free(si);
}

static int traceback_handler(lua_State *L)
{
    const char *m = lua_tostring(L, 1);
    if (!m) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) return 1;
        m = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, m, 1);
    return 1;
}

int tg_lua_pcall(lua_State *L, int nargs, int nresults)
{
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, traceback_handler);
    lua_insert(L, base);
    int status = lua_pcall(L, nargs, nresults, base);
    lua_remove(L, base);
    if (status != LUA_OK) {
        fprintf(stderr, "twingraph: %s\n", lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    (void)INFO_KEY;
    return status;
}

/* ---- option tables ----------------------------------------------------- */

/* The name of the running C function, for "bad argument" style errors. */
static const char *fname(lua_State *L)
{
    lua_Debug ar;
    if (lua_getstack(L, 0, &ar) && lua_getinfo(L, "n", &ar) && ar.name) return ar.name;
    return "?";
}

void tg_lua_i_check_options(lua_State *L, int idx, const char *const *allowed)
{
    if (lua_isnoneornil(L, idx)) return;
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING) {
            luaL_argerror(L, idx, "option keys must be strings");
        }
        const char *k = lua_tostring(L, -1);
        bool ok = false;
        for (const char *const *a = allowed; *a && !ok; a++) ok = strcmp(*a, k) == 0;
        if (!ok) {
            luaL_Buffer b;
            luaL_buffinit(L, &b);
            luaL_addstring(&b, "unknown option '");
            luaL_addstring(&b, k);
            luaL_addstring(&b, "' (known:");
            for (const char *const *a = allowed; *a; a++) {
                luaL_addchar(&b, ' ');
                luaL_addstring(&b, *a);
            }
            luaL_addchar(&b, ')');
            luaL_pushresult(&b);
            luaL_argerror(L, idx, lua_tostring(L, -1));
        }
    }
}

/* Options are read raw: a metatable on the user's table must not run code
 * (which could free a string we still hold, or the graph itself). */
static int get_field(lua_State *L, int idx, const char *key)
{
    if (lua_isnoneornil(L, idx)) return LUA_TNIL;
    luaL_checktype(L, idx, LUA_TTABLE);
    return tg_lua_i_rawfield(L, idx, key);
}

int tg_lua_i_rawfield(lua_State *L, int idx, const char *key)
{
    idx = lua_absindex(L, idx);
    lua_pushstring(L, key);
    return lua_rawget(L, idx);
}

static void field_error(lua_State *L, int idx, const char *key, const char *want)
{
    /* The arguments are evaluated before the push: the bad value is at -1
     * (it was -2, the options table, so every message said "got table"). */
    const char *m = lua_pushfstring(L, "field '%s' must be %s, got %s", key, want,
                                    luaL_typename(L, -1));
    luaL_argerror(L, idx, m);
}

const char *tg_lua_i_opt_string(lua_State *L, int idx, const char *key, const char *def)
{
    int t = get_field(L, idx, key);
    if (t == LUA_TNIL) {
        if (!lua_isnoneornil(L, idx)) lua_pop(L, 1);
        return def;
    }
    if (t != LUA_TSTRING) field_error(L, idx, key, "a string");
    const char *s = lua_tostring(L, -1);
    lua_pop(L, 1);   /* still referenced by the options table */
    return s;
}

double tg_lua_i_opt_number(lua_State *L, int idx, const char *key, double def)
{
    int t = get_field(L, idx, key);
    if (t == LUA_TNIL) {
        if (!lua_isnoneornil(L, idx)) lua_pop(L, 1);
        return def;
    }
    if (t != LUA_TNUMBER) field_error(L, idx, key, "a number");
    double v = lua_tonumber(L, -1);
    lua_pop(L, 1);
    return v;
}

long long tg_lua_i_opt_integer(lua_State *L, int idx, const char *key, long long def)
{
    int t = get_field(L, idx, key);
    if (t == LUA_TNIL) {
        if (!lua_isnoneornil(L, idx)) lua_pop(L, 1);
        return def;
    }
    int isint = 0;
    lua_Integer v = lua_tointegerx(L, -1, &isint);
    if (t != LUA_TNUMBER || !isint) field_error(L, idx, key, "an integer");
    lua_pop(L, 1);
    return (long long)v;
}

bool tg_lua_i_opt_bool(lua_State *L, int idx, const char *key, bool def)
{
    int t = get_field(L, idx, key);
    if (t == LUA_TNIL) {
        if (!lua_isnoneornil(L, idx)) lua_pop(L, 1);
        return def;
    }
    if (t != LUA_TBOOLEAN) field_error(L, idx, key, "a boolean");
    bool v = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

/* ---- module root ------------------------------------------------------- */

static int l_clock(lua_State *L)
{
    lua_pushnumber(L, tg_now());
    return 1;
}

static int l_progress(lua_State *L)
{
    /* tg.progress(on): force progress bars on (true), off (false) or
     * automatic (nil: only when stderr is a terminal). */
    tg_progress_force(lua_isnoneornil(L, 1) ? -1 : lua_toboolean(L, 1));
    return 0;
}

int luaopen_tg(lua_State *L)
{
    (void)fname;
    static const luaL_Reg funcs[] = {{"clock", l_clock}, {"progress", l_progress}, {NULL, NULL}};
    luaL_newlib(L, funcs);
    lua_pushstring(L, TG_VERSION);
    lua_setfield(L, -2, "version");
    /* Each module's opener pushes its table; it becomes tg.<name>. */
    static const struct {
        const char *name;
        int (*open)(lua_State *L);
    } modules[] = {
        {"vector", tg_lua_i_open_vector}, {"graph", tg_lua_i_open_graph},
        {"json", tg_lua_i_open_json},     {"mine", tg_lua_i_open_mining},
        {"ga", tg_lua_i_open_ga},         {"sim", tg_lua_i_open_sim},
        {"brain", tg_lua_i_open_brain},   {"resilience", tg_lua_i_open_resilience},
        {"risk", tg_lua_i_open_risk},     {"gnn", tg_lua_i_open_gnn},
    };
    for (size_t i = 0; i < sizeof modules / sizeof modules[0]; i++) {
        modules[i].open(L);
        lua_setfield(L, -2, modules[i].name);
    }
    return 1;
}
