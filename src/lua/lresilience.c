/* lresilience.c: tg.resilience, the Lua binding of src/graph/resilience.c.
 *
 *   local g = tg.graph.load("models/lhc_sector.graphml")
 *   local src, mag = {type = "compressor"}, {type = "magnet_string"}
 *   local c = tg.resilience.attack(g, {strategy = "betweenness", sources = src, sinks = mag})
 *   local d = tg.resilience.criticality(g, {sources = src, sinks = mag})   -- tg.Vector by node
 *   local pairs = tg.resilience.nk(g, {k = 2, sources = src, sinks = mag, min_damage = 1})
 *   local ml = tg.resilience.motter_lai(g, {alpha = {0, 0.1, 0.5}})
 *   local dep = tg.resilience.dependency(g, {failed = {"CS_C1"}, supply = {attr = "kind", value = "supply"}})
 *
 * Node sets are arrays of node ids or 1-based indices, or {type = "T"}
 * (every node of that type).  Edge candidates (edges = true) are arrays of
 * edge ids or 1-based indices. */
#include <lauxlib.h>
#include <math.h>
#include <string.h>

#include "../graph/tg_graph.h"
#include "lgraph_internal.h"
#include "tg_lua.h"

static void *scratch(lua_State *L, size_t bytes) { return lua_newuserdatauv(L, bytes ? bytes : 1, 0); }

/* A box for C results (tg_malloc'd) between the C call and their copy
 * into Lua memory: it is pushed before the call, so a Lua memory error
 * while copying lets __gc free them instead of leaking them. */
#define BOX "tg.resilience.box"
typedef struct box { void *p[2]; } box;

static int box_gc(lua_State *L)
{
    box *b = luaL_checkudata(L, 1, BOX);
    for (int i = 0; i < 2; i++) {
        tg_free(b->p[i]);
        b->p[i] = NULL;
    }
    return 0;
}

static box *new_box(lua_State *L)
{
    box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->p[0] = b->p[1] = NULL;
    luaL_setmetatable(L, BOX);
    return b;
}

/* The node (or edge) set in field `key` of the options at opt; NULL and
 * *n = 0 when absent.  The array stays on the Lua stack. */
static int64_t *get_set(lua_State *L, int opt, const char *key, tg_graph *g, bool edges, int64_t *n)
{
    *n = 0;
    if (lua_isnoneornil(L, opt)) return NULL;
    int t = tg_lua_i_rawfield(L, opt, key);
    if (t == LUA_TNIL) {
        lua_pop(L, 1);
        return NULL;
    }
    int idx = lua_gettop(L);
    if (t != LUA_TTABLE) luaL_argerror(L, opt, lua_pushfstring(L, "field '%s' must be a table", key));
    int64_t N = edges ? tg_graph_edge_count(g) : tg_graph_node_count(g);
    /* {type = "T"} selects nodes; with array entries as well, or for an
     * edge set, one of the two would be ignored silently: refuse. */
    int tt0 = tg_lua_i_rawfield(L, idx, "type");
    if (tt0 != LUA_TNIL && edges)
        luaL_argerror(L, opt, lua_pushfstring(L, "field '%s': edge sets are ids or indices, not {type=}", key));
    if (tt0 != LUA_TNIL && tt0 != LUA_TSTRING)
        luaL_argerror(L, opt, lua_pushfstring(L, "field '%s': 'type' must be a string", key));
    if (tt0 != LUA_TNIL && lua_rawlen(L, idx) > 0)
        luaL_argerror(L, opt, lua_pushfstring(L, "field '%s': give {type = T} or a list, not both", key));
    if (tt0 == LUA_TSTRING) {
        const char *ty = lua_tostring(L, -1);
        int64_t *out = NULL, cnt = 0;
        char msg[TG_MSG_LEN] = "";
        box *b = new_box(L);
        if (tg_graph_select_nodes(g, "type", "==", 0, ty, &out, &cnt, msg) != TG_OK) luaL_error(L, "resilience: %s", msg);
        b->p[0] = out;
        int64_t *v = scratch(L, sizeof *v * (size_t)cnt);
        memcpy(v, out, sizeof *v * (size_t)cnt);
        tg_free(out);
        b->p[0] = NULL;
        if (cnt == 0) luaL_argerror(L, opt, lua_pushfstring(L, "field '%s': no node of type '%s'", key, ty));
        *n = cnt;
        return v;
    }
    lua_pop(L, 1);   /* the 'type' probe (nil here) */
    int64_t k = (int64_t)lua_rawlen(L, idx);
    int64_t *v = scratch(L, sizeof *v * (size_t)k);
    for (int64_t i = 0; i < k; i++) {
        int tt = lua_rawgeti(L, idx, i + 1);
        int64_t x = -1;
        if (tt == LUA_TSTRING) {
            const char *id = lua_tostring(L, -1);
            x = edges ? tg_graph_edge_index(g, id) : tg_graph_node_index(g, id);
            if (x < 0) luaL_argerror(L, opt, lua_pushfstring(L, "field '%s': unknown %s id '%s'", key, edges ? "edge" : "node", id));
        } else if (tt == LUA_TNUMBER) {
            /* Integral floats (3.0) are indices, as in every integer option
             * (tg_lua_i_opt_integer); 2.5 is not.  Range-check before
             * subtracting: math.mininteger - 1 overflows. */
            int isint = 0;
            lua_Integer xi = lua_tointegerx(L, -1, &isint);
            if (!isint)
                luaL_argerror(L, opt, lua_pushfstring(L, "field '%s': entry %d is not an integer index", key, (int)i + 1));
            if (xi < 1 || xi > N)
                luaL_argerror(L, opt, lua_pushfstring(L, "field '%s': index %I out of range 1..%I", key, xi, (lua_Integer)N));
            x = (int64_t)xi - 1;
        } else {
            luaL_argerror(L, opt, lua_pushfstring(L, "field '%s': entry %d is not an id or index", key, (int)i + 1));
        }
        lua_pop(L, 1);
        v[i] = x;
    }
    *n = k;
    return v;
}

static void push_doubles(lua_State *L, const double *v, int64_t n)
{
    lua_createtable(L, (int)n, 0);
    for (int64_t i = 0; i < n; i++) {
        lua_pushnumber(L, v[i]);
        lua_rawseti(L, -2, i + 1);
    }
}

static const char *elem_id(tg_graph *g, bool edges, int64_t i, char *buf, size_t len)
{
    const char *id = edges ? tg_graph_edge_id(g, i) : tg_graph_node_id(g, i);
    if (id) return id;
    snprintf(buf, len, "#%lld", (long long)i + 1);
    return buf;
}

/* tg.resilience.attack(g, {strategy = "random"|"degree"|"degree_adaptive"|
 * "betweenness"|"betweenness_adaptive", edges=, runs=20, seed=1, points=20,
 * efficiency=true, sources=, sinks=, candidates=}) */
static int l_attack(lua_State *L)
{
    static const char *const opts[] = {"strategy", "edges", "runs", "seed", "points", "efficiency",
                                       "sources", "sinks", "candidates", NULL};
    static const char *const strat[] = {"random", "degree", "degree_adaptive", "betweenness", "betweenness_adaptive", NULL};
    tg_graph *g = tg_lua_i_graph(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    const char *sname = tg_lua_i_opt_string(L, 2, "strategy", "random");
    int si = -1;
    for (int k = 0; strat[k]; k++)
        if (strcmp(sname, strat[k]) == 0) si = k;
    if (si < 0) luaL_argerror(L, 2, "field 'strategy' must be random, degree, degree_adaptive, betweenness or betweenness_adaptive");
    tg_attack_opts o = {0};
    o.strategy = (tg_attack)si;
    o.edges = tg_lua_i_opt_bool(L, 2, "edges", false);
    long long runs = tg_lua_i_opt_integer(L, 2, "runs", 20), seed = tg_lua_i_opt_integer(L, 2, "seed", 1);
    long long points = tg_lua_i_opt_integer(L, 2, "points", 20);
    luaL_argcheck(L, runs >= 1 && runs <= 1000000, 2, "field 'runs' must be in 1..1000000");
    luaL_argcheck(L, points >= 1 && points <= 100000, 2, "field 'points' must be in 1..100000");
    o.runs = (int)runs;
    o.seed = (uint64_t)seed;
    o.points = (int)points;
    o.efficiency = tg_lua_i_opt_bool(L, 2, "efficiency", true);
    o.sources = get_set(L, 2, "sources", g, false, &o.nsources);
    o.sinks = get_set(L, 2, "sinks", g, false, &o.nsinks);
    o.candidates = get_set(L, 2, "candidates", g, o.edges, &o.ncandidates);
    if (o.sources && !o.sinks) luaL_argerror(L, 2, "sources given without sinks");
    if (o.sinks && !o.sources) luaL_argerror(L, 2, "sinks given without sources");
    /* Lua memory for the curve is taken before the C call (its size is
     * known): between the call and the copy nothing can raise, so a memory
     * error leaks nothing. */
    int64_t np = (int64_t)o.points + 1,
            no = o.candidates ? o.ncandidates : o.edges ? tg_graph_edge_count(g) : tg_graph_node_count(g);
    double *buf = lua_newuserdatauv(L, sizeof *buf * (size_t)(5 * np + 2), 0);
    int64_t *ordb = lua_newuserdatauv(L, sizeof *ordb * (size_t)(no + 1), 0);
    tg_attack_curve c;
    char msg[TG_MSG_LEN] = "";
    if (tg_graph_attack(g, &o, &c, msg) != TG_OK) return luaL_error(L, "%s", msg);
    if (c.npoints != np || c.norder != no) {
        tg_graph_attack_free(&c);
        return luaL_error(L, "resilience.attack: internal error: curve size");
    }
    const double *cols[5] = {c.removed, c.largest, c.efficiency, c.fed, c.small};
    for (int k = 0; k < 5; k++) memcpy(buf + k * np, cols[k], sizeof *buf * (size_t)np);
    memcpy(ordb, c.order, sizeof *ordb * (size_t)no);
    buf[5 * np] = c.percolation;
    buf[5 * np + 1] = c.molloy_reed;
    tg_graph_attack_free(&c);
    static const char *const names[5] = {"removed", "largest", "efficiency", "fed", "small"};
    lua_createtable(L, 0, 8);
    for (int k = 0; k < 5; k++) {
        push_doubles(L, buf + k * np, np);
        lua_setfield(L, -2, names[k]);
    }
    lua_createtable(L, (int)no, 0);
    for (int64_t i = 0; i < no; i++) {
        char b[32];
        lua_pushstring(L, elem_id(g, o.edges, ordb[i], b, sizeof b));
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "order");
    lua_pushnumber(L, buf[5 * np]);
    lua_setfield(L, -2, "percolation");
    lua_pushnumber(L, buf[5 * np + 1]);
    lua_setfield(L, -2, "molloy_reed");
    return 1;
}

/* tg.resilience.motter_lai(g, {alpha = {...}, trigger = {ids}}) -> {alpha=, G=, failed=} */
static int l_motter_lai(lua_State *L)
{
    static const char *const opts[] = {"alpha", "trigger", NULL};
    tg_graph *g = tg_lua_i_graph(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    luaL_checktype(L, 2, LUA_TTABLE);
    /* Numbers only, as tg_lua_i_opt_number: "0.5" used to be converted
     * silently here while every scalar option refuses strings. */
    if (tg_lua_i_rawfield(L, 2, "alpha") != LUA_TTABLE)
        luaL_argerror(L, 2, lua_pushfstring(L, "field 'alpha' must be an array of numbers, got %s", luaL_typename(L, -1)));
    int ai = lua_gettop(L);
    int64_t na = (int64_t)lua_rawlen(L, ai);
    luaL_argcheck(L, na >= 1, 2, "field 'alpha' is empty");
    double *alpha = scratch(L, sizeof *alpha * (size_t)na), *G = scratch(L, sizeof *G * (size_t)na);
    int64_t *failed = scratch(L, sizeof *failed * (size_t)na);
    for (int64_t i = 0; i < na; i++) {
        if (lua_rawgeti(L, ai, i + 1) != LUA_TNUMBER)
            luaL_argerror(L, 2, lua_pushfstring(L, "field 'alpha': entry %I must be a number, got %s", (lua_Integer)i + 1,
                                                luaL_typename(L, -1)));
        alpha[i] = lua_tonumber(L, -1);
        lua_pop(L, 1);
    }
    int64_t nt;
    int64_t *trig = get_set(L, 2, "trigger", g, false, &nt);
    char msg[TG_MSG_LEN] = "";
    if (tg_graph_motter_lai(g, na, alpha, nt, trig, G, failed, msg) != TG_OK) return luaL_error(L, "%s", msg);
    lua_createtable(L, 0, 3);
    push_doubles(L, alpha, na);
    lua_setfield(L, -2, "alpha");
    push_doubles(L, G, na);
    lua_setfield(L, -2, "G");
    lua_createtable(L, (int)na, 0);
    for (int64_t i = 0; i < na; i++) {
        lua_pushinteger(L, (lua_Integer)failed[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "failed");
    return 1;
}

/* tg.resilience.dependency(g, {failed = {ids}, supply = {attr=, value=},
 * required = {"compressor", ...}}) -> {count=, failed = {{id=, round=}, ...}} */
static int l_dependency(lua_State *L)
{
    static const char *const opts[] = {"failed", "supply", "required", NULL};
    tg_graph *g = tg_lua_i_graph(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    tg_lua_i_check_options(L, 2, opts);
    int64_t N = tg_graph_node_count(g), nf;
    int64_t *init = get_set(L, 2, "failed", g, false, &nf);
    luaL_argcheck(L, init != NULL, 2, "field 'failed' (the initial failures) is required");
    int64_t *failed = scratch(L, sizeof *failed * (size_t)N);
    memset(failed, 0, sizeof *failed * (size_t)N);
    for (int64_t i = 0; i < nf; i++) failed[init[i]] = 1;
    const char *sattr = NULL, *sval = NULL;
    int st = tg_lua_i_rawfield(L, 2, "supply");
    if (st != LUA_TNIL) {
        static const char *const sopts[] = {"attr", "value", NULL};
        if (st != LUA_TTABLE) luaL_argerror(L, 2, "field 'supply' must be a table {attr=, value=}");
        tg_lua_i_check_options(L, lua_gettop(L), sopts);
        sattr = tg_lua_i_opt_string(L, lua_gettop(L), "attr", NULL);
        sval = tg_lua_i_opt_string(L, lua_gettop(L), "value", NULL);
        if (!sattr || !sval) luaL_argerror(L, 2, "field 'supply' needs both 'attr' and 'value'");
    }
    int64_t nreq = 0;
    const char **req = NULL;
    int rt = tg_lua_i_rawfield(L, 2, "required");
    if (rt != LUA_TNIL) {
        if (rt != LUA_TTABLE) luaL_argerror(L, 2, "field 'required' must be an array of node types");
        int ri = lua_gettop(L);
        nreq = (int64_t)lua_rawlen(L, ri);
        req = scratch(L, sizeof *req * (size_t)nreq);
        for (int64_t i = 0; i < nreq; i++) {
            /* Strings only: lua_tostring would convert a number on the
             * stack into a string that nothing holds after the pop. */
            if (lua_rawgeti(L, ri, i + 1) != LUA_TSTRING)
                luaL_argerror(L, 2, "field 'required' must be an array of node types (strings)");
            req[i] = lua_tostring(L, -1);
            lua_pop(L, 1);   /* the string is still held by the table */
        }
    }
    char msg[TG_MSG_LEN] = "";
    int64_t count;
    if (tg_graph_dependency(g, sattr, sval, nreq, req, failed, &count, msg) != TG_OK) return luaL_error(L, "%s", msg);
    lua_createtable(L, 0, 2);
    lua_pushinteger(L, (lua_Integer)count);
    lua_setfield(L, -2, "count");
    lua_createtable(L, (int)count, 0);
    int64_t k = 0, maxr = 0;
    for (int64_t v = 0; v < N; v++) maxr = failed[v] > maxr ? failed[v] : maxr;
    for (int64_t r = 1; r <= maxr; r++)
        for (int64_t v = 0; v < N; v++)
            if (failed[v] == r) {
                lua_createtable(L, 0, 2);
                lua_pushstring(L, tg_graph_node_id(g, v));
                lua_setfield(L, -2, "id");
                lua_pushinteger(L, (lua_Integer)r);
                lua_setfield(L, -2, "round");
                lua_rawseti(L, -2, ++k);
            }
    lua_setfield(L, -2, "failed");
    return 1;
}

/* tg.resilience.criticality(g, {sources=, sinks=, candidates=}) -> tg.Vector by node */
static int l_criticality(lua_State *L)
{
    static const char *const opts[] = {"sources", "sinks", "candidates", NULL};
    tg_graph *g = tg_lua_i_graph(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    int64_t ns, nk, nc;
    int64_t *src = get_set(L, 2, "sources", g, false, &ns), *snk = get_set(L, 2, "sinks", g, false, &nk);
    int64_t *cand = get_set(L, 2, "candidates", g, false, &nc);
    double *d = tg_lua_i_new_vector(L, (long long)tg_graph_node_count(g), 1);
    char msg[TG_MSG_LEN] = "";
    if (tg_graph_criticality(g, src, ns, snk, nk, cand, nc, d, msg) != TG_OK) return luaL_error(L, "%s", msg);
    return 1;
}

/* tg.resilience.nk(g, {k=2, sources=, sinks=, candidates=, min_damage=1,
 * minimal=true}) -> {{ids = {...}, damage = d}, ...} */
static int l_nk(lua_State *L)
{
    static const char *const opts[] = {"k", "sources", "sinks", "candidates", "min_damage", "minimal", NULL};
    tg_graph *g = tg_lua_i_graph(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    long long k = tg_lua_i_opt_integer(L, 2, "k", 2);
    luaL_argcheck(L, k >= 1 && k <= 3, 2, "field 'k' must be 1, 2 or 3");
    double mind = tg_lua_i_opt_number(L, 2, "min_damage", 1);
    bool minimal = tg_lua_i_opt_bool(L, 2, "minimal", true);
    int64_t ns, nk, nc;
    int64_t *src = get_set(L, 2, "sources", g, false, &ns), *snk = get_set(L, 2, "sinks", g, false, &nk);
    int64_t *cand = get_set(L, 2, "candidates", g, false, &nc);
    int64_t *sets = NULL, count = 0;
    double *dmg = NULL;
    char msg[TG_MSG_LEN] = "";
    box *b = new_box(L);
    if (tg_graph_nk(g, (int)k, src, ns, snk, nk, cand, nc, mind, minimal, &sets, &dmg, &count, msg) != TG_OK)
        return luaL_error(L, "%s", msg);
    /* Move the results into Lua-owned memory first; until then the box
     * owns them, so a memory error while copying leaks nothing. */
    b->p[0] = sets;
    b->p[1] = dmg;
    int64_t *s2 = lua_newuserdatauv(L, sizeof *s2 * (size_t)(count * k + 1), 0);
    double *d2 = lua_newuserdatauv(L, sizeof *d2 * (size_t)(count + 1), 0);
    memcpy(s2, sets, sizeof *s2 * (size_t)(count * k));
    memcpy(d2, dmg, sizeof *d2 * (size_t)count);
    tg_free(sets);
    tg_free(dmg);
    b->p[0] = b->p[1] = NULL;
    lua_createtable(L, (int)count, 0);
    for (int64_t r = 0; r < count; r++) {
        lua_createtable(L, 0, 2);
        lua_createtable(L, (int)k, 0);
        for (int64_t i = 0; i < k; i++) {
            lua_pushstring(L, tg_graph_node_id(g, s2[r * k + i]));
            lua_rawseti(L, -2, i + 1);
        }
        lua_setfield(L, -2, "ids");
        lua_pushnumber(L, d2[r]);
        lua_setfield(L, -2, "damage");
        lua_rawseti(L, -2, r + 1);
    }
    return 1;
}

int tg_lua_i_open_resilience(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        {"attack", l_attack}, {"motter_lai", l_motter_lai}, {"dependency", l_dependency},
        {"criticality", l_criticality}, {"nk", l_nk}, {NULL, NULL},
    };
    if (luaL_newmetatable(L, BOX)) {
        lua_pushcfunction(L, box_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    luaL_newlib(L, funcs);
    return 1;
}
