/* lsim.c: tg.sim, the Lua binding of src/sim.
 *
 *   local grid = tg.sim.grid(g, {slack = "n0"})
 *   local pf   = grid:dcpf()                 -- {theta = {id = rad}, flow = {key = pu}}
 *   local n1   = grid:n1{method = "lowrank"} -- {contingencies, islanding, overloading, ...}
 *   local c    = grid:cascade{lines = {"e12"}}
 *   local g2, slack = tg.sim.read_matpower("case.m")
 *
 *   local plant = tg.sim.plant(tg.graph.load("models/lhc_sector.graphml"))
 *   local s     = plant:steady()               -- {converged, iterations, ..., nodes = {id = {p, T, m, ...}}}
 *   plant:set_opening("CS_C1", 0)              -- trip / valve position
 *   local ts    = plant:transient{t_end = 3600, dt = 30,
 *                                 events = {{t = 60, kind = "trip", node = "CS_C1"}}}
 *   ts:crossing("CELL_01_MAGNET", 1.95)       -- seconds, or nil
 *
 * Line keys are edge ids, or "source-target" for edges without one. */
#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../sim/tg_sim.h"
#include "lgraph_internal.h"
#include "tg_lua.h"

#define GRID_MT "tg.Grid"
#define PLANT_MT "tg.Plant"
#define SERIES_MT "tg.Series"

typedef struct lgrid { tg_sim_grid *grid; } lgrid;
typedef struct lplant { tg_sim_plant *plant; } lplant;
typedef struct lseries { tg_sim_series *s; } lseries;

static int fail(lua_State *L, const char *what, const char *msg)
{
    return luaL_error(L, "%s: %s", what, msg);
}

/* ---- grids ------------------------------------------------------------------- */

static tg_sim_grid *check_grid(lua_State *L, int idx)
{
    lgrid *u = luaL_checkudata(L, idx, GRID_MT);
    if (!u->grid) luaL_error(L, "sim: attempt to use a closed grid");
    return u->grid;
}

/* Line index from a Lua value: a 1-based integer or a line key.  Ids
 * come from the grid's own copies, never from the graph it was built from
 * (which the script may have edited since). */
static int64_t line_index(lua_State *L, const tg_sim_grid *grid, int idx)
{
    if (lua_isinteger(L, idx)) {
        lua_Integer k = lua_tointeger(L, idx);
        if (k < 1 || k > tg_sim_grid_lines(grid)) luaL_error(L, "sim: line index %I out of range", k);
        return (int64_t)k - 1;
    }
    const char *key = luaL_checkstring(L, idx);
    int64_t e = tg_sim_grid_line_index(grid, key);
    if (e < 0) luaL_error(L, "sim: no line '%s'", key);
    return e;
}

/* tg.sim.grid(g, {slack = id}) -> grid */
static int l_grid(lua_State *L)
{
    static const char *const opts[] = {"slack", NULL};
    tg_graph *g = tg_lua_i_graph(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    const char *slack = tg_lua_i_opt_string(L, 2, "slack", NULL);
    lgrid *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->grid = NULL;
    luaL_setmetatable(L, GRID_MT);
    char msg[TG_MSG_LEN] = "";
    if (tg_sim_grid_new(&u->grid, g, slack, msg) != TG_OK) return fail(L, "sim.grid", msg);
    return 1;
}

/* grid:dcpf() -> {theta = {id = rad}, flow = {key = pu}, slack = id} */
static int m_dcpf(lua_State *L)
{
    tg_sim_grid *grid = check_grid(L, 1);
    int64_t n = tg_sim_grid_buses(grid), m = tg_sim_grid_lines(grid);
    double *th = lua_newuserdatauv(L, sizeof(double) * (size_t)(n + m + 1), 0);   /* scratch, GC'd */
    double *fl = th + n;
    char msg[TG_MSG_LEN] = "";
    if (tg_sim_dcpf(grid, th, fl, msg) != TG_OK) return fail(L, "grid:dcpf", msg);
    lua_createtable(L, 0, 3);
    lua_createtable(L, 0, (int)n);
    for (int64_t v = 0; v < n; v++) {
        lua_pushnumber(L, th[v]);
        lua_setfield(L, -2, tg_sim_grid_bus_id(grid, v));
    }
    lua_setfield(L, -2, "theta");
    lua_createtable(L, 0, (int)m);
    for (int64_t k = 0; k < m; k++) {
        lua_pushstring(L, tg_sim_grid_line_key(grid, k));
        lua_pushnumber(L, fl[k]);
        lua_settable(L, -3);
    }
    lua_setfield(L, -2, "flow");
    lua_pushstring(L, tg_sim_grid_bus_id(grid, tg_sim_grid_slack(grid)));
    lua_setfield(L, -2, "slack");
    return 1;
}

/* grid:n1{method = "lowrank"|"refactor"|"updown"} -> {contingencies, islanding,
 *   overloading, overloaded_lines, seconds, method,
 *   lines = {key = {islanding = bool, overloads = n, max_loading = x}}} */
static int m_n1(lua_State *L)
{
    static const char *const opts[] = {"method", "details", NULL};
    tg_sim_grid *grid = check_grid(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    const char *meth = tg_lua_i_opt_string(L, 2, "method", "lowrank");
    bool details = tg_lua_i_opt_bool(L, 2, "details", false);
    tg_sim_n1_method mm;
    if (strcmp(meth, "lowrank") == 0) mm = TG_SIM_N1_LOWRANK;
    else if (strcmp(meth, "refactor") == 0) mm = TG_SIM_N1_REFACTOR;
    else if (strcmp(meth, "updown") == 0) mm = TG_SIM_N1_UPDOWN;
    else return luaL_argerror(L, 2, "field 'method' must be 'lowrank', 'refactor' or 'updown'");
    int64_t m = tg_sim_grid_lines(grid);
    int *isl = lua_newuserdatauv(L, (sizeof(int) * 2 + sizeof(double)) * (size_t)(m + 1), 0);
    int *ov = isl + m + 1;
    double *ml = (double *)(void *)(ov + m + 1);
    tg_sim_n1_result r;
    char msg[TG_MSG_LEN] = "";
    if (tg_sim_n1(grid, mm, isl, ov, ml, NULL, &r, msg) != TG_OK) return fail(L, "grid:n1", msg);
    lua_createtable(L, 0, 8);
    lua_pushinteger(L, r.contingencies);
    lua_setfield(L, -2, "contingencies");
    lua_pushinteger(L, r.islanding);
    lua_setfield(L, -2, "islanding");
    lua_pushinteger(L, r.overloading);
    lua_setfield(L, -2, "overloading");
    lua_pushinteger(L, r.overloaded_lines);
    lua_setfield(L, -2, "overloaded_lines");
    lua_pushnumber(L, r.seconds);
    lua_setfield(L, -2, "seconds");
    lua_pushstring(L, meth);
    lua_setfield(L, -2, "method");
    if (details) {
        lua_createtable(L, 0, (int)m);
        for (int64_t k = 0; k < m; k++) {
            luaL_checkstack(L, 4, "grid:n1");
            lua_pushstring(L, tg_sim_grid_line_key(grid, k));
            lua_createtable(L, 0, 3);
            lua_pushboolean(L, isl[k]);
            lua_setfield(L, -2, "islanding");
            lua_pushinteger(L, ov[k]);
            lua_setfield(L, -2, "overloads");
            if (!isnan(ml[k])) {
                lua_pushnumber(L, ml[k]);
                lua_setfield(L, -2, "max_loading");
            }
            lua_settable(L, -3);
        }
        lua_setfield(L, -2, "lines");
    }
    return 1;
}

/* grid:cascade{lines = {key | index, ...}} -> {stages, lines_tripped,
 *   islands, load_total, load_served, tripped = {key = stage}} */
static int m_cascade(lua_State *L)
{
    static const char *const opts[] = {"lines", NULL};
    tg_sim_grid *grid = check_grid(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    int64_t m = tg_sim_grid_lines(grid);
    int64_t n0 = 0;
    int64_t *init = lua_newuserdatauv(L, sizeof(int64_t) * (size_t)(m + 1), 0);
    int *tr = lua_newuserdatauv(L, sizeof(int) * (size_t)(m + 1), 0);
    if (lua_istable(L, 2) && tg_lua_i_rawfield(L, 2, "lines") == LUA_TTABLE) {
        lua_Integer len = luaL_len(L, -1);
        if (len > m) return luaL_error(L, "grid:cascade: more initial lines than lines");
        for (lua_Integer i = 1; i <= len; i++) {
            lua_geti(L, -1, i);
            init[n0++] = line_index(L, grid, lua_gettop(L));
            lua_pop(L, 1);
        }
    }
    tg_sim_cascade_result r;
    char msg[TG_MSG_LEN] = "";
    if (tg_sim_cascade(grid, n0, init, tr, &r, msg) != TG_OK) return fail(L, "grid:cascade", msg);
    lua_createtable(L, 0, 6);
    lua_pushinteger(L, r.stages);
    lua_setfield(L, -2, "stages");
    lua_pushinteger(L, r.lines_tripped);
    lua_setfield(L, -2, "lines_tripped");
    lua_pushinteger(L, r.islands);
    lua_setfield(L, -2, "islands");
    lua_pushnumber(L, r.load_total);
    lua_setfield(L, -2, "load_total");
    lua_pushnumber(L, r.load_served);
    lua_setfield(L, -2, "load_served");
    lua_createtable(L, 0, (int)r.lines_tripped);
    for (int64_t k = 0; k < m; k++) {
        if (tr[k] < 0) continue;
        lua_pushstring(L, tg_sim_grid_line_key(grid, k));
        lua_pushinteger(L, tr[k]);
        lua_settable(L, -3);
    }
    lua_setfield(L, -2, "tripped");
    return 1;
}

static int m_grid_buses(lua_State *L)
{
    lua_pushinteger(L, tg_sim_grid_buses(check_grid(L, 1)));
    return 1;
}

static int m_grid_lines(lua_State *L)
{
    lua_pushinteger(L, tg_sim_grid_lines(check_grid(L, 1)));
    return 1;
}

static int m_grid_gc(lua_State *L)
{
    lgrid *u = luaL_checkudata(L, 1, GRID_MT);
    tg_sim_grid_free(&u->grid);
    return 0;
}

/* tg.sim.read_matpower(path) -> graph, slack id.
 * No C memory may be pending when Lua can raise: the tg.Graph userdata is
 * created empty before the file is read (its first member is the graph
 * pointer, lgraph.c), and the slack id (a bus number, short) is copied to a
 * stack buffer and freed before it is pushed. */
static int l_read_matpower(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    luaL_checkstack(L, 4, "sim.read_matpower");
    tg_graph *none = NULL;
    tg_lua_i_push_graph(L, &none);                       /* path, empty graph */
    tg_graph **slot = luaL_checkudata(L, -1, GRAPH_MT);
    tg_graph *g = NULL;
    char *slack = NULL;
    char msg[TG_MSG_LEN] = "";
    if (tg_sim_read_matpower(path, &g, &slack, msg) != TG_OK) return fail(L, "sim.read_matpower", msg);
    *slot = g;
    char sid[64] = "";
    int has_slack = slack != NULL;
    if (slack) snprintf(sid, sizeof sid, "%s", slack);
    tg_free(slack);
    if (has_slack) lua_pushstring(L, sid);
    else lua_pushnil(L);                                 /* path, graph, slack */
    return 2;
}

/* ---- plants ------------------------------------------------------------------ */

static tg_sim_plant *check_plant(lua_State *L, int idx)
{
    lplant *u = luaL_checkudata(L, idx, PLANT_MT);
    if (!u->plant) luaL_error(L, "sim: attempt to use a closed plant");
    return u->plant;
}

static int64_t plant_node(lua_State *L, tg_sim_plant *p, int idx)
{
    const char *id = luaL_checkstring(L, idx);
    int64_t v = tg_sim_plant_node_index(p, id);
    if (v < 0) luaL_error(L, "sim: the plant has no node '%s'", id);
    return v;
}

/* tg.sim.plant(g) -> plant (a copy: later changes of g do not reach it) */
static int l_plant(lua_State *L)
{
    tg_graph *g = tg_lua_i_graph(L, 1);
    lplant *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->plant = NULL;
    luaL_setmetatable(L, PLANT_MT);
    char msg[TG_MSG_LEN] = "";
    if (tg_sim_plant_new(&u->plant, g, NULL, msg) != TG_OK) return fail(L, "sim.plant", msg);
    return 1;
}

static void set_num(lua_State *L, const char *k, double v)
{
    lua_pushnumber(L, v);
    lua_setfield(L, -2, k);
}

/* Push a state table; s is freed by the caller after this returns. */
static void push_state(lua_State *L, const tg_sim_plant *p, const tg_sim_state *s)
{
    lua_createtable(L, 0, 12);
    lua_pushboolean(L, s->converged);
    lua_setfield(L, -2, "converged");
    lua_pushinteger(L, s->iterations);
    lua_setfield(L, -2, "iterations");
    lua_pushinteger(L, s->iter_hydraulic);
    lua_setfield(L, -2, "iter_hydraulic");
    lua_pushinteger(L, s->iter_thermal);
    lua_setfield(L, -2, "iter_thermal");
    set_num(L, "mass_residual", s->mass_residual);
    set_num(L, "energy_residual", s->energy_residual);
    set_num(L, "seconds", s->seconds);
    lua_pushinteger(L, s->stagnant);
    lua_setfield(L, -2, "stagnant");
    lua_pushstring(L, s->solver);
    lua_setfield(L, -2, "solver");
    lua_createtable(L, 0, (int)s->nodes);
    for (int64_t v = 0; v < s->nodes; v++) {
        luaL_checkstack(L, 4, "plant:steady");
        lua_createtable(L, 0, 6);
        set_num(L, "p", s->p[v]);
        set_num(L, "T", s->T[v]);
        set_num(L, "m", s->m[v]);
        set_num(L, "p_lp", s->p_lp[v]);
        set_num(L, "T_lp", s->T_lp[v]);
        set_num(L, "duty", s->duty[v]);
        lua_setfield(L, -2, tg_sim_plant_node_id(p, v));
    }
    lua_setfield(L, -2, "nodes");
    lua_createtable(L, 0, (int)s->edges);
    for (int64_t e = 0; e < s->edges; e++) {
        lua_pushnumber(L, s->flow[e]);
        lua_setfield(L, -2, tg_sim_plant_edge_id(p, e));
    }
    lua_setfield(L, -2, "flow");
}

/* plant:steady() -> state table.  The C state sits in a box userdata
 * (collected) while the table is built, so a Lua memory error cannot
 * leak it. */
#define STATE_MT "tg.SimState"
typedef struct lstate { tg_sim_state *s; } lstate;

static int m_state_gc(lua_State *L)
{
    lstate *u = luaL_checkudata(L, 1, STATE_MT);
    tg_sim_state_free(&u->s);
    return 0;
}

static int m_steady(lua_State *L)
{
    tg_sim_plant *p = check_plant(L, 1);
    lstate *box = lua_newuserdatauv(L, sizeof *box, 0);
    box->s = NULL;
    luaL_setmetatable(L, STATE_MT);
    char msg[TG_MSG_LEN] = "";
    if (tg_sim_steady(p, NULL, &box->s, msg) != TG_OK) return fail(L, "plant:steady", msg);
    push_state(L, p, box->s);
    tg_sim_state_free(&box->s);
    return 1;
}

static int m_set_opening(lua_State *L)
{
    tg_sim_plant *p = check_plant(L, 1);
    int64_t v = plant_node(L, p, 2);
    double x = luaL_checknumber(L, 3);
    char msg[TG_MSG_LEN] = "";
    if (tg_sim_plant_set_opening(p, v, x, msg) != TG_OK) return fail(L, "plant:set_opening", msg);
    lua_settop(L, 1);
    return 1;
}

static int m_set_heat_load(lua_State *L)
{
    tg_sim_plant *p = check_plant(L, 1);
    int64_t v = plant_node(L, p, 2);
    double x = luaL_checknumber(L, 3);
    char msg[TG_MSG_LEN] = "";
    if (tg_sim_plant_set_heat_load(p, v, x, msg) != TG_OK) return fail(L, "plant:set_heat_load", msg);
    lua_settop(L, 1);
    return 1;
}

/* plant:nodes({type = "magnet_string"}) -> {ids} */
static int m_plant_nodes(lua_State *L)
{
    static const char *const opts[] = {"type", NULL};
    tg_sim_plant *p = check_plant(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    const char *type = tg_lua_i_opt_string(L, 2, "type", NULL);
    lua_newtable(L);
    lua_Integer k = 0;
    for (int64_t v = 0; v < tg_sim_plant_nodes(p); v++) {
        if (type && strcmp(type, tg_sim_plant_node_type(p, v)) != 0) continue;
        lua_pushstring(L, tg_sim_plant_node_id(p, v));
        lua_seti(L, -2, ++k);
    }
    return 1;
}

/* plant:transient{t_end =, dt =, record_every =, events = {{t =, kind =
 * "trip"|"valve"|"heat"|"loss", node =, value =}, ...}} -> series.
 * Starts from the plant's steady state (solved here). */
static int m_transient(lua_State *L)
{
    static const char *const opts[] = {"t_end", "dt", "record_every", "events", NULL};
    static const char *const kinds[] = {"trip", "valve", "heat", "loss", NULL};
    tg_sim_plant *p = check_plant(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    tg_lua_i_check_options(L, 2, opts);
    tg_sim_transient_opts o = {
        .t_end = tg_lua_i_opt_number(L, 2, "t_end", 3600),
        .dt = tg_lua_i_opt_number(L, 2, "dt", 10),
    };
    lua_Integer every = tg_lua_i_opt_integer(L, 2, "record_every", 1);
    luaL_argcheck(L, every >= 0 && every <= INT_MAX, 2, "field 'record_every' out of range");
    o.record_every = (int)every;
    int nev = 0;
    tg_sim_event *ev = NULL;
    if (tg_lua_i_rawfield(L, 2, "events") == LUA_TTABLE) {
        int evi = lua_gettop(L);
        lua_Integer len = luaL_len(L, evi);
        if (len > 100000) return luaL_error(L, "plant:transient: too many events");
        ev = lua_newuserdatauv(L, sizeof *ev * (size_t)(len + 1), 0);
        for (lua_Integer i = 1; i <= len; i++) {
            if (lua_geti(L, evi, i) != LUA_TTABLE) return luaL_error(L, "plant:transient: event %d is not a table", (int)i);
            /* errors name the event and field (luaL_check* on stack
             * slots would say "bad argument #-1") */
            int t = lua_gettop(L);
            if (lua_getfield(L, t, "t") != LUA_TNUMBER)
                return luaL_error(L, "plant:transient: event %d: field 't' must be a number", (int)i);
            ev[nev].t = lua_tonumber(L, -1);
            int kind = -1;
            const char *kn = lua_getfield(L, t, "kind") == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
            for (int q = 0; kn && kinds[q]; q++)
                if (strcmp(kn, kinds[q]) == 0) kind = q;
            if (kind < 0)
                return luaL_error(L, "plant:transient: event %d: invalid option '%s' for field 'kind' (trip, valve, heat, loss)",
                                  (int)i, kn ? kn : luaL_typename(L, -1));
            ev[nev].kind = (tg_sim_event_kind)kind;
            if (lua_getfield(L, t, "node") != LUA_TSTRING)
                return luaL_error(L, "plant:transient: event %d: field 'node' must be a node id", (int)i);
            ev[nev].node = plant_node(L, p, lua_gettop(L));
            int vt = lua_getfield(L, t, "value");
            if (vt != LUA_TNIL && vt != LUA_TNUMBER)
                return luaL_error(L, "plant:transient: event %d: field 'value' must be a number", (int)i);
            ev[nev].value = vt == LUA_TNUMBER ? lua_tonumber(L, -1) : 0.0;
            lua_settop(L, t - 1);
            nev++;
        }
    }
    lseries *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->s = NULL;
    luaL_setmetatable(L, SERIES_MT);
    tg_sim_state *s0 = NULL;
    char msg[TG_MSG_LEN] = "";
    tg_status st = tg_sim_steady(p, NULL, &s0, msg);
    if (st == TG_OK) st = tg_sim_transient(p, s0, ev, nev, &o, &u->s, msg);
    tg_sim_state_free(&s0);
    if (st != TG_OK) return fail(L, "plant:transient", msg);
    return 1;
}

static int m_plant_gc(lua_State *L)
{
    lplant *u = luaL_checkudata(L, 1, PLANT_MT);
    tg_sim_plant_free(&u->plant);
    return 0;
}

/* ---- series ------------------------------------------------------------------ */

static tg_sim_series *check_series(lua_State *L, int idx)
{
    lseries *u = luaL_checkudata(L, idx, SERIES_MT);
    if (!u->s) luaL_error(L, "sim: attempt to use a closed series");
    return u->s;
}

static int m_times(lua_State *L)
{
    tg_sim_series *s = check_series(L, 1);
    lua_createtable(L, (int)s->steps, 0);
    for (int64_t k = 0; k < s->steps; k++) {
        lua_pushnumber(L, s->times[k]);
        lua_seti(L, -2, k + 1);
    }
    return 1;
}

/* series:T(plant, id) / series:m(plant, id) -> {values per recorded step} */
static int series_col(lua_State *L, int which)
{
    tg_sim_series *s = check_series(L, 1);
    tg_sim_plant *p = check_plant(L, 2);
    int64_t v = plant_node(L, p, 3);
    if (tg_sim_plant_nodes(p) != s->nodes) return luaL_error(L, "series: not a series of this plant");
    const double *x = which ? s->m : s->T;
    lua_createtable(L, (int)s->steps, 0);
    for (int64_t k = 0; k < s->steps; k++) {
        lua_pushnumber(L, x[k * s->nodes + v]);
        lua_seti(L, -2, k + 1);
    }
    return 1;
}
static int m_T(lua_State *L) { return series_col(L, 0); }
static int m_m(lua_State *L) { return series_col(L, 1); }

/* series:crossing(plant, id, threshold) -> seconds or nil */
static int m_crossing(lua_State *L)
{
    tg_sim_series *s = check_series(L, 1);
    tg_sim_plant *p = check_plant(L, 2);
    int64_t v = plant_node(L, p, 3);
    double thr = luaL_checknumber(L, 4);
    if (tg_sim_plant_nodes(p) != s->nodes) return luaL_error(L, "series: not a series of this plant");
    double t = tg_sim_series_crossing(s, v, thr);
    if (isnan(t)) lua_pushnil(L);
    else lua_pushnumber(L, t);
    return 1;
}

static int m_steps(lua_State *L)
{
    lua_pushinteger(L, check_series(L, 1)->steps);
    return 1;
}

static int m_energy_error(lua_State *L)
{
    lua_pushnumber(L, check_series(L, 1)->max_energy_error);
    return 1;
}

static int m_series_gc(lua_State *L)
{
    lseries *u = luaL_checkudata(L, 1, SERIES_MT);
    tg_sim_series_free(&u->s);
    return 0;
}

/* ---- connectome ---------------------------------------------------------------- */

/* Dense n x n matrix from a table of rows; returns a scratch userdata. */
static double *check_matrix(lua_State *L, int idx, int64_t *n)
{
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_Integer rows = luaL_len(L, idx);
    if (rows < 1 || rows > 20000) luaL_argerror(L, idx, "expected a square matrix (table of rows)");
    double *W = lua_newuserdatauv(L, sizeof(double) * (size_t)(rows * rows), 0);
    for (lua_Integer i = 1; i <= rows; i++) {
        if (lua_geti(L, idx, i) != LUA_TTABLE || luaL_len(L, -1) != rows)
            luaL_argerror(L, idx, "expected a square matrix (table of rows)");
        for (lua_Integer j = 1; j <= rows; j++) {
            if (lua_geti(L, -1, j) != LUA_TNUMBER)
                luaL_error(L, "bad argument #%d (matrix entry [%d][%d] is not a number)", idx, (int)i, (int)j);
            W[(i - 1) * rows + (j - 1)] = lua_tonumber(L, -1);
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    *n = rows;
    return W;
}

static void push_matrix(lua_State *L, const double *A, int64_t n)
{
    lua_createtable(L, (int)n, 0);
    for (int64_t i = 0; i < n; i++) {
        lua_createtable(L, (int)n, 0);
        for (int64_t j = 0; j < n; j++) {
            lua_pushnumber(L, A[i * n + j]);
            lua_seti(L, -2, j + 1);
        }
        lua_seti(L, -2, i + 1);
    }
}

/* tg.sim.heat_kernel(W, t, x [, {krylov = m}]) -> y */
static int l_heat_kernel(lua_State *L)
{
    static const char *const opts[] = {"krylov", NULL};
    lua_settop(L, 4);   /* fixed argument slots: scratch goes above them */
    int64_t n;
    double *W = check_matrix(L, 1, &n);
    double t = luaL_checknumber(L, 2);
    luaL_checktype(L, 3, LUA_TTABLE);
    if (luaL_len(L, 3) != n) return luaL_argerror(L, 3, "vector length must match the matrix");
    tg_lua_i_check_options(L, 4, opts);
    lua_Integer km = tg_lua_i_opt_integer(L, 4, "krylov", 0);
    luaL_argcheck(L, km >= 0 && km <= n, 4, "field 'krylov' must be in [0, n]");
    int m = (int)km;
    double *x = lua_newuserdatauv(L, sizeof(double) * (size_t)(2 * n), 0), *y = x + n;
    for (int64_t i = 0; i < n; i++) {
        if (lua_geti(L, 3, i + 1) != LUA_TNUMBER)
            luaL_error(L, "bad argument #3 (vector entry %d is not a number)", (int)(i + 1));
        x[i] = lua_tonumber(L, -1);
        lua_pop(L, 1);
    }
    char msg[TG_MSG_LEN] = "";
    if (tg_sim_heat_kernel(n, W, t, x, m, y, msg) != TG_OK) return fail(L, "sim.heat_kernel", msg);
    lua_createtable(L, (int)n, 0);
    for (int64_t i = 0; i < n; i++) {
        lua_pushnumber(L, y[i]);
        lua_seti(L, -2, i + 1);
    }
    return 1;
}

/* tg.sim.kuramoto(W, {K, omega_mean, omega_sd, dt, steps, seed}) -> {corr, r} */
static int l_kuramoto(lua_State *L)
{
    static const char *const opts[] = {"K", "omega_mean", "omega_sd", "dt", "steps", "seed", NULL};
    lua_settop(L, 2);
    int64_t n;
    double *W = check_matrix(L, 1, &n);
    tg_lua_i_check_options(L, 2, opts);
    double K = tg_lua_i_opt_number(L, 2, "K", 1.0), om = tg_lua_i_opt_number(L, 2, "omega_mean", 2 * M_PI * 10);
    double osd = tg_lua_i_opt_number(L, 2, "omega_sd", 2 * M_PI * 1), dt = tg_lua_i_opt_number(L, 2, "dt", 1e-3);
    long long steps = tg_lua_i_opt_integer(L, 2, "steps", 10000), seed = tg_lua_i_opt_integer(L, 2, "seed", 1);
    double *corr = lua_newuserdatauv(L, sizeof(double) * (size_t)(n * n), 0);
    double r = 0;
    char msg[TG_MSG_LEN] = "";
    if (tg_sim_kuramoto(n, W, K, om, osd, dt, steps, (uint64_t)seed, NULL, corr, &r, msg) != TG_OK)
        return fail(L, "sim.kuramoto", msg);
    lua_createtable(L, 0, 2);
    push_matrix(L, corr, n);
    lua_setfield(L, -2, "corr");
    set_num(L, "r", r);
    return 1;
}

/* tg.sim.linear_fc(W, g) -> predicted functional connectivity matrix */
static int l_linear_fc(lua_State *L)
{
    lua_settop(L, 2);
    int64_t n;
    double *W = check_matrix(L, 1, &n);
    double g = luaL_checknumber(L, 2);
    double *fc = lua_newuserdatauv(L, sizeof(double) * (size_t)(n * n), 0);
    char msg[TG_MSG_LEN] = "";
    if (tg_sim_linear_fc(n, W, g, fc, msg) != TG_OK) return fail(L, "sim.linear_fc", msg);
    push_matrix(L, fc, n);
    return 1;
}

/* ---- registration -------------------------------------------------------------- */

int tg_lua_i_open_sim(lua_State *L)
{
    static const luaL_Reg grid_m[] = {
        {"dcpf", m_dcpf}, {"n1", m_n1}, {"cascade", m_cascade}, {"buses", m_grid_buses},
        {"lines", m_grid_lines}, {"close", m_grid_gc}, {NULL, NULL},
    };
    static const luaL_Reg plant_m[] = {
        {"steady", m_steady}, {"set_opening", m_set_opening}, {"set_heat_load", m_set_heat_load},
        {"transient", m_transient}, {"nodes", m_plant_nodes}, {"close", m_plant_gc}, {NULL, NULL},
    };
    static const luaL_Reg series_m[] = {
        {"times", m_times}, {"T", m_T}, {"m", m_m}, {"crossing", m_crossing}, {"steps", m_steps},
        {"energy_error", m_energy_error}, {"close", m_series_gc}, {NULL, NULL},
    };
    static const struct { const char *mt; const luaL_Reg *methods; lua_CFunction gc; } types[] = {
        {GRID_MT, grid_m, m_grid_gc}, {PLANT_MT, plant_m, m_plant_gc}, {SERIES_MT, series_m, m_series_gc},
    };
    luaL_newmetatable(L, STATE_MT);
    lua_pushcfunction(L, m_state_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    for (size_t k = 0; k < sizeof types / sizeof types[0]; k++) {
        luaL_newmetatable(L, types[k].mt);
        lua_newtable(L);
        luaL_setfuncs(L, types[k].methods, 0);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, types[k].gc);
        lua_setfield(L, -2, "__gc");
        lua_pushcfunction(L, types[k].gc);
        lua_setfield(L, -2, "__close");
        lua_pop(L, 1);
    }
    static const luaL_Reg fns[] = {
        {"grid", l_grid}, {"read_matpower", l_read_matpower}, {"plant", l_plant},
        {"heat_kernel", l_heat_kernel}, {"kuramoto", l_kuramoto}, {"linear_fc", l_linear_fc}, {NULL, NULL},
    };
    luaL_newlib(L, fns);
    return 1;
}
