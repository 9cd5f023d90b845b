/* lvector.c: tg.Vector, a numeric vector userdata for per-node and
 * per-edge results.  Indexable by position (1-based) or, when it belongs
 * to a graph, by node id; `#`, :totable(), :top(k), :sum(), :min(),
 * :max(), :mean().  The graph is kept as the user value so ids stay
 * reachable, and the graph's structure version is recorded so that a
 * vector is not read against a graph whose nodes or edges have changed
 * since (attribute changes do not count). */
#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../graph/tg_graph.h"
#include "lgraph_internal.h"
#include "tg_lua.h"

#define VECTOR_MT "tg.Vector"

typedef struct lvector {
    lua_Integer n;
    uint64_t version;   /* graph structure version when computed */
    int labelled;       /* 1 if entries are the nodes of the user-value graph */
    double v[];
} lvector;

double *tg_lua_i_new_vector(lua_State *L, long long n, int graph_idx)
{
    if (graph_idx < 0) graph_idx = lua_gettop(L) + 1 + graph_idx;
    if (n < 0) n = 0;
    lvector *x = lua_newuserdatauv(L, sizeof *x + (size_t)n * sizeof(double), 1);
    x->n = n;
    x->labelled = 0;
    x->version = 0;
    memset(x->v, 0, (size_t)n * sizeof(double));
    luaL_setmetatable(L, VECTOR_MT);
    if (graph_idx > 0) {
        tg_graph *g = tg_lua_i_graph(L, graph_idx);
        x->labelled = 1;
        x->version = tg_graph_structure_version(g);
        lua_pushvalue(L, graph_idx);
        lua_setiuservalue(L, -2, 1);
    }
    return x->v;
}

static lvector *check_vector(lua_State *L, int idx) { return luaL_checkudata(L, idx, VECTOR_MT); }

const double *tg_lua_i_vector_data(lua_State *L, int idx, long long *n)
{
    lvector *x = luaL_testudata(L, idx, VECTOR_MT);
    if (!x) return NULL;
    *n = x->n;
    return x->v;
}

/* The vector's graph, checked to be unchanged; NULL if unlabelled. */
static tg_graph *vector_graph(lua_State *L, int idx, lvector *x)
{
    if (!x->labelled) return NULL;
    lua_getiuservalue(L, idx, 1);
    tg_graph *g = tg_lua_i_graph(L, -1);
    lua_pop(L, 1);
    if (tg_graph_structure_version(g) != x->version)
        luaL_error(L, "vector: nodes or edges of the graph have changed since this vector was computed");
    return g;
}

static int v_index(lua_State *L)
{
    lvector *x = check_vector(L, 1);
    if (lua_type(L, 2) == LUA_TNUMBER) {
        lua_Integer i = luaL_checkinteger(L, 2);
        if (i < 1 || i > x->n) {
            lua_pushnil(L);
            return 1;
        }
        lua_pushnumber(L, x->v[i - 1]);
        return 1;
    }
    if (lua_type(L, 2) == LUA_TSTRING) {
        const char *key = lua_tostring(L, 2);
        /* Methods first, then node ids. */
        luaL_getmetatable(L, VECTOR_MT);
        lua_getfield(L, -1, "__methods");
        lua_getfield(L, -1, key);
        if (!lua_isnil(L, -1)) return 1;
        lua_pop(L, 3);
        tg_graph *g = vector_graph(L, 1, x);
        int64_t v = g ? tg_graph_node_index(g, key) : -1;
        if (v < 0 || v >= x->n) {
            lua_pushnil(L);
            return 1;
        }
        lua_pushnumber(L, x->v[v]);
        return 1;
    }
    return luaL_argerror(L, 2, "index must be a position or a node id");
}

static int v_len(lua_State *L)
{
    lua_pushinteger(L, check_vector(L, 1)->n);
    return 1;
}

static int v_totable(lua_State *L)
{
    lvector *x = check_vector(L, 1);
    bool by_id = false;
    if (!lua_isnoneornil(L, 2)) {
        static const char *const opts[] = {"by_id", NULL};
        tg_lua_i_check_options(L, 2, opts);
        by_id = tg_lua_i_opt_bool(L, 2, "by_id", false);
    }
    tg_graph *g = by_id ? vector_graph(L, 1, x) : NULL;
    if (by_id && !g) return luaL_error(L, "vector:totable: by_id needs a vector of node values");
    lua_createtable(L, by_id ? 0 : (int)x->n, by_id ? (int)x->n : 0);
    for (lua_Integer i = 0; i < x->n; i++) {
        lua_pushnumber(L, x->v[i]);
        if (by_id) lua_setfield(L, -2, tg_graph_node_id(g, i));
        else lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

typedef struct ranked { double v; lua_Integer i; } ranked;

static int cmp_desc(const void *a, const void *b)
{
    const ranked *p = a, *q = b;
    /* NaN last; ties by position so the order is stable everywhere. */
    if (isnan(p->v) != isnan(q->v)) return isnan(p->v) ? 1 : -1;
    if (p->v != q->v && !isnan(p->v)) return p->v > q->v ? -1 : 1;
    return p->i < q->i ? -1 : p->i > q->i;
}

static int v_top(lua_State *L)
{
    lvector *x = check_vector(L, 1);
    lua_Integer k = luaL_optinteger(L, 2, 10);
    luaL_argcheck(L, k >= 0, 2, "k must be >= 0");
    tg_graph *g = vector_graph(L, 1, x);
    if (k > x->n) k = x->n;
    ranked *r = lua_newuserdatauv(L, sizeof *r * (size_t)(x->n ? x->n : 1), 0);
    for (lua_Integer i = 0; i < x->n; i++) r[i] = (ranked){x->v[i], i};
    qsort(r, (size_t)x->n, sizeof *r, cmp_desc);
    lua_createtable(L, (int)k, 0);
    for (lua_Integer j = 0; j < k; j++) {
        lua_createtable(L, 0, 2);
        if (g) lua_pushstring(L, tg_graph_node_id(g, r[j].i));
        else lua_pushinteger(L, r[j].i + 1);
        lua_setfield(L, -2, "id");
        lua_pushnumber(L, r[j].v);
        lua_setfield(L, -2, "value");
        lua_rawseti(L, -2, j + 1);
    }
    return 1;
}

static int v_reduce(lua_State *L, int what)
{
    lvector *x = check_vector(L, 1);
    double acc = what == 1 ? INFINITY : what == 2 ? -INFINITY : 0.0;
    lua_Integer cnt = 0;
    for (lua_Integer i = 0; i < x->n; i++) {
        double v = x->v[i];
        if (isnan(v)) continue;
        cnt++;
        if (what == 1) acc = v < acc ? v : acc;
        else if (what == 2) acc = v > acc ? v : acc;
        else acc += v;
    }
    if (what == 3) acc = cnt ? acc / (double)cnt : NAN;
    if ((what == 1 || what == 2) && cnt == 0) acc = NAN;
    lua_pushnumber(L, acc);
    return 1;
}

static int v_sum(lua_State *L) { return v_reduce(L, 0); }
static int v_min(lua_State *L) { return v_reduce(L, 1); }
static int v_max(lua_State *L) { return v_reduce(L, 2); }
static int v_mean(lua_State *L) { return v_reduce(L, 3); }

static int v_tostring(lua_State *L)
{
    lvector *x = check_vector(L, 1);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    lua_pushfstring(L, "tg.vector(%d)[", (int)x->n);
    luaL_addvalue(&b);
    for (lua_Integer i = 0; i < x->n && i < 8; i++) {
        char num[32];
        snprintf(num, sizeof num, "%s%.6g", i ? ", " : "", x->v[i]);
        luaL_addstring(&b, num);
    }
    luaL_addstring(&b, x->n > 8 ? ", ...]" : "]");
    luaL_pushresult(&b);
    return 1;
}

/* tg.vector.new(table_of_numbers) */
static int v_new(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_Integer n = (lua_Integer)lua_rawlen(L, 1);
    double *d = tg_lua_i_new_vector(L, n, 0);
    for (lua_Integer i = 0; i < n; i++) {
        lua_rawgeti(L, 1, i + 1);
        int ok = 0;
        d[i] = lua_tonumberx(L, -1, &ok);
        if (!ok) return luaL_error(L, "vector.new: entry %d is not a number", (int)(i + 1));
        lua_pop(L, 1);
    }
    return 1;
}

int tg_lua_i_open_vector(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"totable", v_totable}, {"top", v_top}, {"sum", v_sum}, {"min", v_min},
        {"max", v_max},         {"mean", v_mean}, {NULL, NULL},
    };
    static const luaL_Reg meta[] = {
        {"__index", v_index}, {"__len", v_len}, {"__tostring", v_tostring}, {NULL, NULL},
    };
    luaL_newmetatable(L, VECTOR_MT);
    luaL_setfuncs(L, meta, 0);
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__methods");
    lua_pop(L, 1);
    static const luaL_Reg funcs[] = {{"new", v_new}, {NULL, NULL}};
    luaL_newlib(L, funcs);
    return 1;
}
