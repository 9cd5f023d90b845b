/* lbrain.c: tg.brain, the Lua binding of the brain-connectivity part of
 * src/graph (brain.c, brain_modules.c, nullmodel.c, group.c).
 *
 *   local c = tg.brain.load("sc.csv", {labels = "labels.txt"})   -- tg.Connectome
 *   c:threshold{proportional = 0.2}:normalize()
 *   local cl = c:clustering()            -- tg.Vector (Onnela, weighted if c is)
 *   local lv = c:louvain{gamma = 1, seed = 1, runs = 10}  -- {membership=, q=, count=}
 *   local pc = c:participation(lv.membership)
 *   local null = c:randmio{iter = 10, seed = 3}
 *
 * A connectome is a dense n x n matrix with node ids and a direction flag.
 * Workflow methods change it in place and return it (for chaining);
 * measures return tg.Vector (positional; c:ids() names the entries) or
 * numbers.  `weighted` defaults to "the matrix is not binary"; path
 * measures use lengths 1/w (BCT's convention) unless given lengths.
 * Partitions are Lua arrays or vectors of n module labels (any integers);
 * results give modules 1..k. */
#include <dirent.h>
#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../graph/tg_graph.h"
#include "lgraph_internal.h"
#include "tg_lua.h"

#define CONN_MT "tg.Connectome"

typedef struct lconn {
    int64_t n;
    bool directed;
    double *W;      /* tg_malloc'd, n*n; NULL once closed */
    /* Derived from W and directed, built on first use, dropped by
     * changed() whenever either changes (STYLE.md section 1). */
    tg_brain_adj *adj;   /* sparse view; NULL until a measure needs it */
    int binary;          /* is_binary(): -1 unknown, 0 or 1 */
} lconn;

/* Every method that writes W or the direction of an open connectome calls
 * this first. */
static void changed(lconn *c)
{
    tg_graph_brain_adj_free(&c->adj);
    c->binary = -1;
}

static lconn *check_conn(lua_State *L, int idx)
{
    lconn *c = luaL_checkudata(L, idx, CONN_MT);
    if (!c->W) luaL_error(L, "brain: attempt to use a closed connectome");
    return c;
}

/* Push a new connectome of n nodes (matrix zeroed) whose ids are the
 * table at ids_idx (0: "1".."n"); returns it. */
static lconn *push_conn(lua_State *L, int64_t n, bool directed, int ids_idx)
{
    if (ids_idx < 0) ids_idx = lua_gettop(L) + 1 + ids_idx;
    lconn *c = lua_newuserdatauv(L, sizeof *c, 1);
    c->W = NULL;
    c->adj = NULL;
    c->binary = -1;
    c->n = n;
    c->directed = directed;
    luaL_setmetatable(L, CONN_MT);
    c->W = tg_calloc((size_t)(n > 0 ? n * n : 1), sizeof *c->W);
    if (!c->W) luaL_error(L, "brain: out of memory for a %lld x %lld matrix", (long long)n, (long long)n);
    if (ids_idx > 0) {
        lua_pushvalue(L, ids_idx);
    } else {
        lua_createtable(L, (int)n, 0);
        for (int64_t i = 0; i < n; i++) {
            lua_pushfstring(L, "%d", (int)(i + 1));
            lua_rawseti(L, -2, i + 1);
        }
    }
    lua_setiuservalue(L, -2, 1);
    return c;
}

static int c_gc(lua_State *L)
{
    lconn *c = luaL_checkudata(L, 1, CONN_MT);
    tg_graph_brain_adj_free(&c->adj);
    tg_free(c->W);
    c->W = NULL;
    return 0;
}

static void fail(lua_State *L, tg_status s, const char *msg)
{
    if (s != TG_OK) luaL_error(L, "%s", msg);
}

static bool is_binary(lconn *c)
{
    if (c->binary < 0) {
        c->binary = 1;
        for (int64_t k = 0; k < c->n * c->n; k++)
            if (c->W[k] != 0 && c->W[k] != 1) {
                c->binary = 0;
                break;
            }
    }
    return c->binary == 1;
}

/* The cached sparse view of c, built now if needed. */
static const tg_brain_adj *adj_of(lua_State *L, lconn *c)
{
    if (!c->adj) {
        char msg[TG_MSG_LEN] = "";
        fail(L, tg_graph_brain_adj_new(c->W, c->n, c->directed, &c->adj, msg), msg);
    }
    return c->adj;
}

static bool opt_weighted(lua_State *L, int idx, lconn *c)
{
    return tg_lua_i_opt_bool(L, idx, "weighted", !is_binary(c));
}

/* Scratch memory owned by Lua (freed by the GC even if an error is raised). */
static void *scratch(lua_State *L, size_t bytes) { return lua_newuserdatauv(L, bytes ? bytes : 1, 0); }

/* ---- constructors ----------------------------------------------------- */

/* tg.brain.load(path, {labels=, directed=}) */
static int l_load(lua_State *L)
{
    static const char *const opts[] = {"labels", "directed", NULL};
    const char *path = luaL_checkstring(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    const char *labels = tg_lua_i_opt_string(L, 2, "labels", NULL);
    int t = lua_isnoneornil(L, 2) ? LUA_TNIL : tg_lua_i_rawfield(L, 2, "directed");
    int directed = -1;
    if (t != LUA_TNIL) {
        directed = lua_toboolean(L, -1);
        lua_pop(L, 1);
    } else if (!lua_isnoneornil(L, 2)) {
        lua_pop(L, 1);
    }
    char msg[TG_MSG_LEN] = "";
    tg_graph *g = NULL;
    tg_read_opts o = {"matrix", directed, labels, 0};
    if (tg_graph_read(path, &o, &g, msg) != TG_OK) return luaL_error(L, "%s", msg);
    tg_lua_i_push_graph(L, &g);   /* owned by Lua from here */
    g = tg_lua_i_graph(L, -1);
    int64_t n = tg_graph_node_count(g);
    /* As tg.brain.load and tg.brain.matrix: a 0 x 0 connectome has no
     * measure (Louvain and the modularity used to fail with "bad argument"). */
    luaL_argcheck(L, n >= 1, 1, "the graph has no nodes: a connectome needs at least one region");
    lua_createtable(L, (int)n, 0);
    for (int64_t i = 0; i < n; i++) {
        lua_pushstring(L, tg_graph_node_id(g, i));
        lua_rawseti(L, -2, i + 1);
    }
    lconn *c = push_conn(L, n, tg_graph_is_directed(g), -1);
    fail(L, tg_graph_brain_matrix(g, "weight", c->W, msg), msg);
    return 1;
}

/* tg.brain.from_graph(g, {weights = "weight"}) */
static int l_from_graph(lua_State *L)
{
    static const char *const opts[] = {"weights", NULL};
    tg_graph *g = tg_lua_i_graph(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    const char *w = tg_lua_i_opt_string(L, 2, "weights", NULL);
    int64_t n = tg_graph_node_count(g);
    /* As tg.brain.load and tg.brain.matrix: a 0 x 0 connectome has no
     * measure (Louvain and the modularity used to fail with "bad argument"). */
    luaL_argcheck(L, n >= 1, 1, "the graph has no nodes: a connectome needs at least one region");
    lua_createtable(L, (int)n, 0);
    for (int64_t i = 0; i < n; i++) {
        lua_pushstring(L, tg_graph_node_id(g, i));
        lua_rawseti(L, -2, i + 1);
    }
    lconn *c = push_conn(L, n, tg_graph_is_directed(g), -1);
    char msg[TG_MSG_LEN] = "";
    fail(L, tg_graph_brain_matrix(g, w, c->W, msg), msg);
    return 1;
}

/* tg.brain.matrix(rows, {ids=, directed=}): rows = {{...}, ...} */
static int l_matrix(lua_State *L)
{
    static const char *const opts[] = {"ids", "directed", NULL};
    luaL_checktype(L, 1, LUA_TTABLE);
    tg_lua_i_check_options(L, 2, opts);
    lua_settop(L, 2);   /* slot 2 stays the options (or nil), not the new connectome */
    int64_t n = (int64_t)lua_rawlen(L, 1);
    luaL_argcheck(L, n >= 1, 1, "the matrix is empty (0 x 0): a connectome needs at least one region");
    int ids = 0;
    if (!lua_isnoneornil(L, 2) && tg_lua_i_rawfield(L, 2, "ids") == LUA_TTABLE) {
        if ((int64_t)lua_rawlen(L, -1) != n) return luaL_argerror(L, 2, "field 'ids' must have one id per row");
        ids = lua_gettop(L);
    } else if (!lua_isnoneornil(L, 2)) {
        lua_pop(L, 1);
    }
    lconn *c = push_conn(L, n, false, ids);
    for (int64_t i = 0; i < n; i++) {
        if (lua_rawgeti(L, 1, i + 1) != LUA_TTABLE || (int64_t)lua_rawlen(L, -1) != n)
            return luaL_argerror(L, 1, lua_pushfstring(L, "row %d is not a table of %d numbers", (int)i + 1, (int)n));
        for (int64_t j = 0; j < n; j++) {
            /* Numbers only (no "0.5" strings), finite as tg.brain.load wants. */
            int t = lua_rawgeti(L, -1, j + 1);
            double v = lua_tonumber(L, -1);
            if (t != LUA_TNUMBER || isnan(v))
                return luaL_argerror(L, 1, lua_pushfstring(L, "entry (%d,%d) is not a number (%s)", (int)i + 1, (int)j + 1,
                                                           luaL_typename(L, -1)));
            if (isinf(v))
                return luaL_argerror(L, 1, lua_pushfstring(L, "entry (%d,%d) is infinite (weights must be finite)",
                                                           (int)i + 1, (int)j + 1));
            c->W[i * n + j] = v;
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    c->directed = tg_lua_i_opt_bool(L, 2, "directed", !tg_graph_brain_is_symmetric(c->W, n));
    return 1;
}

/* tg.brain.files(dir, suffix) -> sorted array of paths ending in suffix. */
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int l_files(lua_State *L)
{
    const char *dir = luaL_checkstring(L, 1), *suf = luaL_optstring(L, 2, ".csv");
    DIR *d = opendir(dir);
    if (!d) return luaL_error(L, "brain.files: %s: cannot open the folder", dir);
    lua_newtable(L);
    int k = 0;
    size_t ls = strlen(suf);
    for (struct dirent *e; (e = readdir(d));) {
        size_t l = strlen(e->d_name);
        if (e->d_name[0] == '.' || l < ls || strcmp(e->d_name + l - ls, suf) != 0) continue;
        lua_pushstring(L, e->d_name);
        lua_rawseti(L, -2, ++k);
    }
    closedir(d);
    const char **names = scratch(L, sizeof *names * (size_t)k);
    for (int i = 0; i < k; i++) {
        lua_rawgeti(L, -2, i + 1);
        names[i] = lua_tostring(L, -1);
        lua_pop(L, 1);   /* still referenced by the table */
    }
    qsort(names, (size_t)k, sizeof *names, cmp_str);
    lua_createtable(L, k, 0);
    for (int i = 0; i < k; i++) {
        lua_pushfstring(L, "%s/%s", dir, names[i]);
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

/* ---- accessors --------------------------------------------------------- */

static int c_n(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)check_conn(L, 1)->n);
    return 1;
}

static int c_directed(lua_State *L)
{
    lua_pushboolean(L, check_conn(L, 1)->directed);
    return 1;
}

static int c_ids(lua_State *L)
{
    lconn *c = check_conn(L, 1);
    lua_getiuservalue(L, 1, 1);
    lua_createtable(L, (int)c->n, 0);
    for (int64_t i = 0; i < c->n; i++) {
        lua_rawgeti(L, -2, i + 1);
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

static int64_t check_index(lua_State *L, int arg, const lconn *c)
{
    lua_Integer i = luaL_checkinteger(L, arg);
    luaL_argcheck(L, i >= 1 && i <= c->n, arg, "node index out of range");
    return (int64_t)i - 1;
}

static int c_get(lua_State *L)
{
    lconn *c = check_conn(L, 1);
    int64_t i = check_index(L, 2, c), j = check_index(L, 3, c);
    lua_pushnumber(L, c->W[i * c->n + j]);
    return 1;
}

static int c_set(lua_State *L)
{
    lconn *c = check_conn(L, 1);
    int64_t i = check_index(L, 2, c), j = check_index(L, 3, c);
    double v = luaL_checknumber(L, 4);
    luaL_argcheck(L, !isnan(v), 4, "NaN is not a weight");
    luaL_argcheck(L, !isinf(v), 4, "weights must be finite (as tg.brain.load and tg.brain.matrix want)");
    changed(c);
    c->W[i * c->n + j] = v;
    if (!c->directed) c->W[j * c->n + i] = v;
    lua_settop(L, 1);
    return 1;
}

static int c_copy(lua_State *L)
{
    lconn *c = check_conn(L, 1);
    lua_getiuservalue(L, 1, 1);
    lconn *d = push_conn(L, c->n, c->directed, -1);
    memcpy(d->W, c->W, sizeof *c->W * (size_t)(c->n * c->n));
    return 1;
}

static int c_rows(lua_State *L)
{
    lconn *c = check_conn(L, 1);
    lua_createtable(L, (int)c->n, 0);
    for (int64_t i = 0; i < c->n; i++) {
        lua_createtable(L, (int)c->n, 0);
        for (int64_t j = 0; j < c->n; j++) {
            lua_pushnumber(L, c->W[i * c->n + j]);
            lua_rawseti(L, -2, j + 1);
        }
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

static int c_edge_count(lua_State *L)
{
    lconn *c = check_conn(L, 1);
    int64_t m = 0;
    for (int64_t i = 0; i < c->n; i++)
        for (int64_t j = c->directed ? 0 : i + 1; j < c->n; j++) m += i != j && c->W[i * c->n + j] != 0;
    lua_pushinteger(L, (lua_Integer)m);
    return 1;
}

static int c_is_binary(lua_State *L)
{
    lua_pushboolean(L, is_binary(check_conn(L, 1)));
    return 1;
}

/* c:to_graph() -> tg.Graph with edge attribute "weight" */
static int c_to_graph(lua_State *L)
{
    lconn *c = check_conn(L, 1);
    lua_getiuservalue(L, 1, 1);
    const char **ids = scratch(L, sizeof *ids * (size_t)c->n);
    for (int64_t i = 0; i < c->n; i++) {
        /* Strings only: a number would be converted on the stack and the
         * converted string freed once popped. */
        if (lua_rawgeti(L, -2, i + 1) != LUA_TSTRING)
            return luaL_error(L, "brain.to_graph: id %d is not a string", (int)i + 1);
        ids[i] = lua_tostring(L, -1);
        lua_pop(L, 1);
    }
    char msg[TG_MSG_LEN] = "";
    tg_graph *g = NULL;
    fail(L, tg_graph_brain_to_graph(c->W, c->n, c->directed, ids, &g, msg), msg);
    tg_lua_i_push_graph(L, &g);
    return 1;
}

/* ---- workflow (in place, returns self) ---------------------------------- */

static int c_symmetrize(lua_State *L)
{
    static const char *const how[] = {"max", "min", "mean", "sum", NULL};
    lconn *c = check_conn(L, 1);
    int h = luaL_checkoption(L, 2, "max", how);
    char msg[TG_MSG_LEN] = "";
    changed(c);
    fail(L, tg_graph_brain_symmetrize(c->W, c->n, (tg_brain_sym)h, msg), msg);
    c->directed = false;
    lua_settop(L, 1);
    return 1;
}

static int c_zero_diagonal(lua_State *L)
{
    lconn *c = check_conn(L, 1);
    changed(c);
    tg_graph_brain_zero_diagonal(c->W, c->n);
    lua_settop(L, 1);
    return 1;
}

/* c:threshold{absolute = T | proportional = P | backbone = P} */
static int c_threshold(lua_State *L)
{
    static const char *const opts[] = {"absolute", "proportional", "backbone", NULL};
    lconn *c = check_conn(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    tg_lua_i_check_options(L, 2, opts);
    double a = tg_lua_i_opt_number(L, 2, "absolute", NAN), p = tg_lua_i_opt_number(L, 2, "proportional", NAN);
    double b = tg_lua_i_opt_number(L, 2, "backbone", NAN);
    int given = !isnan(a) + !isnan(p) + !isnan(b);
    luaL_argcheck(L, given == 1, 2, "give exactly one of absolute, proportional, backbone");
    char msg[TG_MSG_LEN] = "";
    changed(c);
    tg_status s = !isnan(a) ? tg_graph_brain_threshold_absolute(c->W, c->n, a, msg)
                : !isnan(p) ? tg_graph_brain_threshold_proportional(c->W, c->n, p, msg)
                            : tg_graph_brain_threshold_backbone(c->W, c->n, b, msg);
    fail(L, s, msg);
    lua_settop(L, 1);
    return 1;
}

static int c_binarize(lua_State *L)
{
    lconn *c = check_conn(L, 1);
    changed(c);
    tg_graph_brain_binarize(c->W, c->n);
    lua_settop(L, 1);
    return 1;
}

static int c_normalize(lua_State *L)
{
    lconn *c = check_conn(L, 1);
    changed(c);
    tg_graph_brain_normalize(c->W, c->n);
    lua_settop(L, 1);
    return 1;
}

/* c:lengths("inverse" | "log") -> new connectome of lengths */
static int c_lengths(lua_State *L)
{
    static const char *const kinds[] = {"inverse", "log", NULL};
    lconn *c = check_conn(L, 1);
    int k = luaL_checkoption(L, 2, "inverse", kinds);
    lua_getiuservalue(L, 1, 1);
    lconn *d = push_conn(L, c->n, c->directed, -1);
    char msg[TG_MSG_LEN] = "";
    fail(L, tg_graph_brain_lengths(c->W, c->n, k, d->W, msg), msg);
    return 1;
}

/* c:split() -> positive, negative (both >= 0) */
static int c_split(lua_State *L)
{
    lconn *c = check_conn(L, 1);
    lua_getiuservalue(L, 1, 1);
    int ids = lua_gettop(L);
    lconn *p = push_conn(L, c->n, c->directed, ids);
    lconn *q = push_conn(L, c->n, c->directed, ids);
    tg_graph_brain_split_signs(c->W, c->n, p->W, q->W);
    return 2;
}

/* ---- measures ------------------------------------------------------------ */

static double *new_vec(lua_State *L, const lconn *c) { return tg_lua_i_new_vector(L, (long long)c->n, 0); }

static int c_degree(lua_State *L)
{
    static const char *const modes[] = {"all", "in", "out", NULL};
    lconn *c = check_conn(L, 1);
    int m = luaL_checkoption(L, 2, "all", modes);
    double *v = new_vec(L, c);
    tg_graph_brain_degree(c->W, c->n, c->directed, m == 0 ? v : NULL, m == 1 ? v : NULL, m == 2 ? v : NULL);
    return 1;
}

static int c_strength(lua_State *L)
{
    static const char *const modes[] = {"all", "in", "out", NULL};
    lconn *c = check_conn(L, 1);
    int m = luaL_checkoption(L, 2, "all", modes);
    double *v = new_vec(L, c);
    tg_graph_brain_strength(c->W, c->n, c->directed, m == 0 ? v : NULL, m == 1 ? v : NULL, m == 2 ? v : NULL);
    return 1;
}

static const char *const W_OPTS[] = {"weighted", NULL};

static int c_clustering(lua_State *L)
{
    lconn *c = check_conn(L, 1);
    tg_lua_i_check_options(L, 2, W_OPTS);
    bool w = opt_weighted(L, 2, c);
    double *v = new_vec(L, c);
    char msg[TG_MSG_LEN] = "";
    fail(L, tg_graph_brain_clustering(c->W, c->n, c->directed, w, v, msg), msg);
    return 1;
}

static int c_transitivity(lua_State *L)
{
    lconn *c = check_conn(L, 1);
    tg_lua_i_check_options(L, 2, W_OPTS);
    bool w = opt_weighted(L, 2, c);
    double t;
    char msg[TG_MSG_LEN] = "";
    fail(L, tg_graph_brain_transitivity(c->W, c->n, c->directed, w, &t, msg), msg);
    lua_pushnumber(L, t);
    return 1;
}

static int c_efficiency(lua_State *L)
{
    lconn *c = check_conn(L, 1);
    tg_lua_i_check_options(L, 2, W_OPTS);
    bool w = opt_weighted(L, 2, c);
    double e;
    char msg[TG_MSG_LEN] = "";
    fail(L, tg_graph_brain_efficiency(c->W, c->n, w, &e, msg), msg);
    lua_pushnumber(L, e);
    return 1;
}

/* c:local_efficiency{weighted=, variant = "original" | "modified"} */
static int c_local_efficiency(lua_State *L)
{
    static const char *const opts[] = {"weighted", "variant", NULL};
    lconn *c = check_conn(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    bool w = opt_weighted(L, 2, c);
    const char *var = tg_lua_i_opt_string(L, 2, "variant", "original");
    int vi = strcmp(var, "original") == 0 ? 1 : strcmp(var, "modified") == 0 ? 2 : 0;
    luaL_argcheck(L, vi, 2, "field 'variant' must be 'original' or 'modified'");
    double *v = new_vec(L, c);
    char msg[TG_MSG_LEN] = "";
    fail(L, tg_graph_brain_local_efficiency(c->W, c->n, w, vi, v, msg), msg);
    return 1;
}

/* Lengths for path measures: {weighted=, lengths = "inverse" | "log" | "given"} */
static const double *path_lengths(lua_State *L, int idx, lconn *c, bool *weighted)
{
    const char *lk = tg_lua_i_opt_string(L, idx, "lengths", "inverse");
    *weighted = opt_weighted(L, idx, c);
    if (!*weighted || strcmp(lk, "given") == 0) return c->W;
    int k = strcmp(lk, "inverse") == 0 ? 0 : strcmp(lk, "log") == 0 ? 1 : -1;
    luaL_argcheck(L, k >= 0, idx, "field 'lengths' must be 'inverse', 'log' or 'given'");
    double *Lm = scratch(L, sizeof *Lm * (size_t)(c->n * c->n));   /* stays on the stack */
    char msg[TG_MSG_LEN] = "";
    fail(L, tg_graph_brain_lengths(c->W, c->n, k, Lm, msg), msg);
    return Lm;
}

static int c_betweenness(lua_State *L)
{
    static const char *const opts[] = {"weighted", "lengths", NULL};
    lconn *c = check_conn(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    bool w;
    const double *Lm = path_lengths(L, 2, c, &w);
    double *v = new_vec(L, c);
    char msg[TG_MSG_LEN] = "";
    fail(L, tg_graph_brain_betweenness(Lm, c->n, w, v, msg), msg);
    return 1;
}

/* c:distance{...} -> connectome of shortest path lengths */
static int c_distance(lua_State *L)
{
    static const char *const opts[] = {"weighted", "lengths", NULL};
    lconn *c = check_conn(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    bool w;
    const double *Lm = path_lengths(L, 2, c, &w);
    lua_getiuservalue(L, 1, 1);
    lconn *d = push_conn(L, c->n, c->directed, -1);
    char msg[TG_MSG_LEN] = "";
    fail(L, tg_graph_brain_distance(Lm, c->n, w, d->W, NULL, msg), msg);
    return 1;
}

/* c:charpath{include_infinite=false, weighted=, lengths=} ->
 * {lambda, efficiency, radius, diameter, eccentricity = vector} */
static int c_charpath(lua_State *L)
{
    static const char *const opts[] = {"weighted", "lengths", "include_infinite", NULL};
    lconn *c = check_conn(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    bool inf = tg_lua_i_opt_bool(L, 2, "include_infinite", false), w;
    const double *Lm = path_lengths(L, 2, c, &w);
    double *D = scratch(L, sizeof *D * (size_t)(c->n * c->n));
    char msg[TG_MSG_LEN] = "";
    fail(L, tg_graph_brain_distance(Lm, c->n, w, D, NULL, msg), msg);
    lua_createtable(L, 0, 5);
    double *ecc = new_vec(L, c), lam, eff, rad, diam;
    fail(L, tg_graph_brain_charpath(D, c->n, inf, &lam, &eff, ecc, &rad, &diam, msg), msg);
    lua_setfield(L, -2, "eccentricity");
    lua_pushnumber(L, lam);
    lua_setfield(L, -2, "lambda");
    lua_pushnumber(L, eff);
    lua_setfield(L, -2, "efficiency");
    lua_pushnumber(L, rad);
    lua_setfield(L, -2, "radius");
    lua_pushnumber(L, diam);
    lua_setfield(L, -2, "diameter");
    return 1;
}

/* Partition at idx (array or vector of n labels) -> 0-based modules. */
static int64_t *check_partition(lua_State *L, int idx, const lconn *c)
{
    int64_t *m = scratch(L, sizeof *m * (size_t)c->n);
    int64_t *raw = scratch(L, sizeof *raw * (size_t)c->n);
    long long vn = 0;
    const double *vd = tg_lua_i_vector_data(L, idx, &vn);
    if (!vd) {
        luaL_checktype(L, idx, LUA_TTABLE);
        vn = (long long)lua_rawlen(L, idx);
    }
    if (vn != c->n) luaL_argerror(L, idx, lua_pushfstring(L, "partition has %d labels for %d nodes", (int)vn, (int)c->n));
    for (int64_t i = 0; i < c->n; i++) {
        double x;
        if (vd) x = vd[i];
        else {
            int t = lua_rawgeti(L, idx, i + 1);
            x = lua_tonumber(L, -1);
            lua_pop(L, 1);
            if (t != LUA_TNUMBER) luaL_argerror(L, idx, lua_pushfstring(L, "label %d is not a number", (int)i + 1));
        }
        if (x != floor(x) || fabs(x) > 1e15) luaL_argerror(L, idx, lua_pushfstring(L, "label %d is not an integer", (int)i + 1));
        raw[i] = (int64_t)x;
    }
    /* Renumber by first occurrence (O(n^2) worst case is fine for n regions). */
    int64_t k = 0;
    for (int64_t i = 0; i < c->n; i++) {
        int64_t j = 0;
        while (j < i && raw[j] != raw[i]) j++;
        m[i] = j < i ? m[j] : k++;
    }
    return m;   /* m and raw stay on the stack (alive) until the caller returns */
}

static int push_membership(lua_State *L, const lconn *c, const int64_t *m)
{
    double *v = new_vec(L, c);
    int64_t k = 0;
    for (int64_t i = 0; i < c->n; i++) {
        v[i] = (double)(m[i] + 1);
        if (m[i] + 1 > k) k = m[i] + 1;
    }
    return (int)k;
}

static tg_brain_signed opt_sign(lua_State *L, int idx)
{
    const char *s = tg_lua_i_opt_string(L, idx, "sign", "positive");
    if (strcmp(s, "positive") == 0) return TG_BRAIN_POSITIVE;
    if (strcmp(s, "negative_sym") == 0) return TG_BRAIN_NEG_SYM;
    if (strcmp(s, "negative_asym") == 0) return TG_BRAIN_NEG_ASYM;
    luaL_argerror(L, idx, "field 'sign' must be 'positive', 'negative_sym' or 'negative_asym'");
    return TG_BRAIN_POSITIVE;
}

/* c:modularity(partition, {gamma = 1, sign = "positive"}) */
static int c_modularity(lua_State *L)
{
    static const char *const opts[] = {"gamma", "sign", NULL};
    lconn *c = check_conn(L, 1);
    tg_lua_i_check_options(L, 3, opts);
    double gamma = tg_lua_i_opt_number(L, 3, "gamma", 1);
    tg_brain_signed sg = opt_sign(L, 3);
    int64_t *m = check_partition(L, 2, c);
    double q;
    char msg[TG_MSG_LEN] = "";
    fail(L, tg_graph_brain_modularity(c->W, c->n, m, gamma, sg, &q, msg), msg);
    lua_pushnumber(L, q);
    return 1;
}

/* c:louvain{gamma=1, sign=, seed=1, runs=1} -> {membership=vector, q=, count=} */
static int c_louvain(lua_State *L)
{
    static const char *const opts[] = {"gamma", "sign", "seed", "runs", NULL};
    lconn *c = check_conn(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    double gamma = tg_lua_i_opt_number(L, 2, "gamma", 1);
    tg_brain_signed sg = opt_sign(L, 2);
    long long seed = tg_lua_i_opt_integer(L, 2, "seed", 1), runs = tg_lua_i_opt_integer(L, 2, "runs", 1);
    luaL_argcheck(L, runs >= 1 && runs <= 100000, 2, "field 'runs' must be in 1..100000");
    int64_t *m = scratch(L, sizeof *m * (size_t)c->n);
    double q;
    char msg[TG_MSG_LEN] = "";
    fail(L, tg_graph_brain_louvain_best(c->W, c->n, gamma, sg, (uint64_t)seed, (int)runs, m, &q, msg), msg);
    lua_createtable(L, 0, 3);
    int k = push_membership(L, c, m);
    lua_setfield(L, -2, "membership");
    lua_pushnumber(L, q);
    lua_setfield(L, -2, "q");
    lua_pushinteger(L, k);
    lua_setfield(L, -2, "count");
    return 1;
}

/* c:consensus{gamma=1, tau=0.5, runs=50, seed=1} -> membership vector, count */
static int c_consensus(lua_State *L)
{
    static const char *const opts[] = {"gamma", "tau", "runs", "seed", NULL};
    lconn *c = check_conn(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    double gamma = tg_lua_i_opt_number(L, 2, "gamma", 1), tau = tg_lua_i_opt_number(L, 2, "tau", 0.5);
    long long runs = tg_lua_i_opt_integer(L, 2, "runs", 50), seed = tg_lua_i_opt_integer(L, 2, "seed", 1);
    luaL_argcheck(L, runs >= 1 && runs <= 100000, 2, "field 'runs' must be in 1..100000");
    int64_t *m = scratch(L, sizeof *m * (size_t)c->n);
    char msg[TG_MSG_LEN] = "";
    fail(L, tg_graph_brain_consensus(c->W, c->n, gamma, tau, (int)runs, (uint64_t)seed, m, msg), msg);
    int k = push_membership(L, c, m);
    lua_pushinteger(L, k);
    return 2;
}

static tg_mode opt_mode(lua_State *L, int idx)
{
    const char *s = tg_lua_i_opt_string(L, idx, "mode", "all");
    if (strcmp(s, "all") == 0) return TG_ALL;
    if (strcmp(s, "out") == 0) return TG_OUT;
    if (strcmp(s, "in") == 0) return TG_IN;
    luaL_argerror(L, idx, "field 'mode' must be 'all', 'out' or 'in'");
    return TG_ALL;
}

static int c_participation(lua_State *L)
{
    static const char *const opts[] = {"mode", NULL};
    lconn *c = check_conn(L, 1);
    tg_lua_i_check_options(L, 3, opts);
    tg_mode md = opt_mode(L, 3);
    int64_t *m = check_partition(L, 2, c);
    double *v = new_vec(L, c);
    char msg[TG_MSG_LEN] = "";
    fail(L, tg_graph_brain_participation(c->W, c->n, m, md, v, msg), msg);
    return 1;
}

static int c_module_zscore(lua_State *L)
{
    static const char *const opts[] = {"mode", NULL};
    lconn *c = check_conn(L, 1);
    tg_lua_i_check_options(L, 3, opts);
    tg_mode md = opt_mode(L, 3);
    int64_t *m = check_partition(L, 2, c);
    double *v = new_vec(L, c);
    char msg[TG_MSG_LEN] = "";
    fail(L, tg_graph_brain_module_zscore(c->W, c->n, m, md, v, msg), msg);
    return 1;
}

static int c_assortativity(lua_State *L)
{
    lconn *c = check_conn(L, 1);
    tg_lua_i_check_options(L, 2, W_OPTS);
    bool w = opt_weighted(L, 2, c);
    double r;
    char msg[TG_MSG_LEN] = "";
    fail(L, tg_graph_brain_assortativity_adj(adj_of(L, c), w, &r, msg), msg);
    lua_pushnumber(L, r);
    return 1;
}

/* c:rich_club{kmax=, weighted=, nulls=0, iter=10, seed=1} ->
 * {coefficient = vector, null = vector, normalized = vector} (nulls > 0) */
static int c_rich_club(lua_State *L)
{
    static const char *const opts[] = {"kmax", "weighted", "nulls", "iter", "seed", NULL};
    lconn *c = check_conn(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    double *deg = scratch(L, sizeof *deg * (size_t)c->n), dmax = 0;
    tg_graph_brain_degree(c->W, c->n, c->directed, deg, NULL, NULL);
    for (int64_t i = 0; i < c->n; i++) dmax = deg[i] > dmax ? deg[i] : dmax;
    long long kmax = tg_lua_i_opt_integer(L, 2, "kmax", (long long)(dmax > 1 ? dmax - 1 : 1));
    luaL_argcheck(L, kmax >= 1 && kmax <= 1000000, 2, "field 'kmax' must be >= 1");
    bool w = opt_weighted(L, 2, c);
    long long nulls = tg_lua_i_opt_integer(L, 2, "nulls", 0), iter = tg_lua_i_opt_integer(L, 2, "iter", 10);
    long long seed = tg_lua_i_opt_integer(L, 2, "seed", 1);
    luaL_argcheck(L, nulls >= 0 && nulls <= 100000 && iter >= 0 && iter <= 1000, 2, "nulls in 0..100000, iter in 0..1000");
    lua_createtable(L, 0, 3);
    double *R = tg_lua_i_new_vector(L, kmax, 0);
    lua_setfield(L, -2, "coefficient");
    char msg[TG_MSG_LEN] = "";
    if (nulls == 0) {
        fail(L, tg_graph_brain_rich_club(c->W, c->n, c->directed, w, kmax, R, msg), msg);
        return 1;
    }
    double *Rn = tg_lua_i_new_vector(L, kmax, 0);
    lua_setfield(L, -2, "null");
    double *Rz = tg_lua_i_new_vector(L, kmax, 0);
    lua_setfield(L, -2, "normalized");
    fail(L, tg_graph_brain_rich_club_norm(c->W, c->n, c->directed, w, kmax, (int)nulls, (int)iter, (uint64_t)seed, R,
                                          Rn, Rz, msg), msg);
    return 1;
}

static int c_coreness(lua_State *L)
{
    lconn *c = check_conn(L, 1);
    int64_t *k = scratch(L, sizeof *k * (size_t)c->n);
    char msg[TG_MSG_LEN] = "";
    fail(L, tg_graph_brain_coreness_adj(adj_of(L, c), k, msg), msg);
    double *v = new_vec(L, c);
    for (int64_t i = 0; i < c->n; i++) v[i] = (double)k[i];
    return 1;
}

/* c:score(s) -> membership vector (1 in the s-core), size */
static int c_score(lua_State *L)
{
    lconn *c = check_conn(L, 1);
    double s = luaL_checknumber(L, 2);
    int64_t *in = scratch(L, sizeof *in * (size_t)c->n), size;
    char msg[TG_MSG_LEN] = "";
    fail(L, tg_graph_brain_score(c->W, c->n, s, in, &size, msg), msg);
    double *v = new_vec(L, c);
    for (int64_t i = 0; i < c->n; i++) v[i] = (double)in[i];
    lua_pushinteger(L, (lua_Integer)size);
    return 2;
}

/* ---- null models ------------------------------------------------------------ */

static const char *const NULL_OPTS[] = {"iter", "seed", NULL};

static int null_common(lua_State *L, int kind)
{
    lconn *c = check_conn(L, 1);
    tg_lua_i_check_options(L, 2, NULL_OPTS);
    long long iter = tg_lua_i_opt_integer(L, 2, "iter", 10), seed = tg_lua_i_opt_integer(L, 2, "seed", 1);
    luaL_argcheck(L, iter >= 0 && iter <= 1000, 2, "field 'iter' must be in 0..1000");
    lua_getiuservalue(L, 1, 1);
    lconn *d = push_conn(L, c->n, c->directed, -1);
    char msg[TG_MSG_LEN] = "";
    int64_t swaps = 0;
    tg_status s = kind == 0 ? tg_graph_brain_randmio(c->W, c->n, c->directed, (int)iter, (uint64_t)seed, d->W, &swaps, msg)
                : kind == 1 ? tg_graph_brain_latmio(c->W, c->n, c->directed, (int)iter, (uint64_t)seed, d->W, &swaps, msg)
                            : tg_graph_brain_null_strength(c->W, c->n, (int)iter, (uint64_t)seed, d->W, msg);
    fail(L, s, msg);
    lua_pushinteger(L, (lua_Integer)swaps);
    return 2;
}

static int c_randmio(lua_State *L) { return null_common(L, 0); }
static int c_latmio(lua_State *L) { return null_common(L, 1); }
static int c_null_strength(lua_State *L) { return null_common(L, 2); }

/* c:small_world{nulls=20, iter=10, seed=1} -> {sigma, omega, C, L, Cr, Lr, Cl} */
static int c_small_world(lua_State *L)
{
    static const char *const opts[] = {"nulls", "iter", "seed", NULL};
    lconn *c = check_conn(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    long long nulls = tg_lua_i_opt_integer(L, 2, "nulls", 20), iter = tg_lua_i_opt_integer(L, 2, "iter", 10);
    long long seed = tg_lua_i_opt_integer(L, 2, "seed", 1);
    luaL_argcheck(L, nulls >= 1 && nulls <= 100000 && iter >= 0 && iter <= 1000, 2, "nulls in 1..100000, iter in 0..1000");
    tg_brain_smallworld r;
    char msg[TG_MSG_LEN] = "";
    fail(L, tg_graph_brain_small_world(c->W, c->n, (int)nulls, (int)iter, (uint64_t)seed, &r, msg), msg);
    lua_createtable(L, 0, 7);
    const struct { const char *k; double v; } f[] = {{"sigma", r.sigma}, {"omega", r.omega}, {"C", r.C}, {"L", r.L},
                                                      {"Cr", r.Cr},       {"Lr", r.Lr},       {"Cl", r.Cl}};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        lua_pushnumber(L, f[i].v);
        lua_setfield(L, -2, f[i].k);
    }
    return 1;
}


/* ---- group studies ----------------------------------------------------------- */

/* tg.brain.group{files = {...}, csv = PATH, labels=, proportional=,
 * local_efficiency=false, louvain_runs=10, seed=1} -> nodes */
static int l_group(lua_State *L)
{
    static const char *const opts[] = {"files", "csv", "labels", "proportional", "local_efficiency",
                                       "louvain_runs", "seed", NULL};
    luaL_checktype(L, 1, LUA_TTABLE);
    tg_lua_i_check_options(L, 1, opts);
    if (tg_lua_is_sandboxed(L)) return luaL_error(L, "brain.group: writing files is not allowed in the sandbox");
    tg_brain_group_opts o = {0};
    const char *csv = tg_lua_i_opt_string(L, 1, "csv", NULL);
    luaL_argcheck(L, csv != NULL, 1, "field 'csv' (the output file) is required");
    o.labels = tg_lua_i_opt_string(L, 1, "labels", NULL);
    o.proportional = tg_lua_i_opt_number(L, 1, "proportional", 0);
    o.local_efficiency = tg_lua_i_opt_bool(L, 1, "local_efficiency", false);
    long long runs = tg_lua_i_opt_integer(L, 1, "louvain_runs", 10), seed = tg_lua_i_opt_integer(L, 1, "seed", 1);
    luaL_argcheck(L, runs >= 1 && runs <= 100000, 1, "field 'louvain_runs' must be in 1..100000");
    o.louvain_runs = (int)runs;
    o.seed = (uint64_t)seed;
    if (tg_lua_i_rawfield(L, 1, "files") != LUA_TTABLE) return luaL_argerror(L, 1, "field 'files' must be an array of paths");
    int fi = lua_gettop(L);
    int64_t k = (int64_t)lua_rawlen(L, fi);
    luaL_argcheck(L, k >= 1, 1, "field 'files' is empty");
    const char **paths = scratch(L, sizeof *paths * (size_t)k);
    for (int64_t i = 0; i < k; i++) {
        if (lua_rawgeti(L, fi, i + 1) != LUA_TSTRING)   /* a number's converted string would not survive the pop */
            return luaL_argerror(L, 1, "field 'files' must be an array of paths (strings)");
        paths[i] = lua_tostring(L, -1);
        lua_pop(L, 1);   /* the string stays in the table */
    }
    int64_t nodes = 0;
    char msg[TG_MSG_LEN] = "";
    fail(L, tg_graph_brain_group(k, paths, &o, csv, &nodes, msg), msg);
    lua_pushinteger(L, (lua_Integer)nodes);
    return 1;
}

/* tg.brain.nbs(connectomes, groups, {threshold = 3, tail = 1, perms = 1000, seed = 1})
 * -> {components = {{size=, p=}, ...}, t = tg.Connectome, component = tg.Connectome} */
static int l_nbs(lua_State *L)
{
    static const char *const opts[] = {"threshold", "tail", "perms", "seed", NULL};
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checktype(L, 2, LUA_TTABLE);
    tg_lua_i_check_options(L, 3, opts);
    double thr = tg_lua_i_opt_number(L, 3, "threshold", 3);
    long long tail = tg_lua_i_opt_integer(L, 3, "tail", 1), perms = tg_lua_i_opt_integer(L, 3, "perms", 1000);
    long long seed = tg_lua_i_opt_integer(L, 3, "seed", 1);
    luaL_argcheck(L, tail >= -1 && tail <= 1, 3, "field 'tail' must be -1, 0 or 1");
    luaL_argcheck(L, perms >= 1 && perms <= 10000000, 3, "field 'perms' must be in 1..10000000");
    int64_t k = (int64_t)lua_rawlen(L, 1);
    luaL_argcheck(L, k >= 4, 1, "need at least 4 connectomes");
    luaL_argcheck(L, (int64_t)lua_rawlen(L, 2) == k, 2, "one group label (0 or 1) per connectome");
    lua_rawgeti(L, 1, 1);
    lconn *c0 = luaL_testudata(L, -1, CONN_MT);
    if (!c0 || !c0->W) return luaL_argerror(L, 1, "entry 1 is not an open tg.Connectome");
    int64_t n = c0->n;
    lua_pop(L, 1);
    double *X = scratch(L, sizeof *X * (size_t)k * (size_t)(n * n));
    int *grp = scratch(L, sizeof *grp * (size_t)k);
    for (int64_t i = 0; i < k; i++) {
        lua_rawgeti(L, 1, i + 1);
        lconn *c = luaL_testudata(L, -1, CONN_MT);
        if (!c || !c->W || c->n != n)
            return luaL_argerror(L, 1, lua_pushfstring(L, "entry %d is not an open tg.Connectome of %d nodes", (int)i + 1, (int)n));
        memcpy(X + i * n * n, c->W, sizeof *X * (size_t)(n * n));
        lua_pop(L, 1);
        int t = lua_rawgeti(L, 2, i + 1), isint = 0;
        lua_Integer gi = lua_tointegerx(L, -1, &isint);
        lua_pop(L, 1);
        if (t != LUA_TNUMBER || !isint || (gi != 0 && gi != 1))
            return luaL_argerror(L, 2, "group labels must be 0 or 1 (numbers)");
        grp[i] = (int)gi;
    }
    lconn *tc = push_conn(L, n, false, 0);
    int ti = lua_gettop(L);
    lconn *cc = push_conn(L, n, false, 0);
    int ci = lua_gettop(L);
    int64_t *comp = scratch(L, sizeof *comp * (size_t)(n * n));
    /* Room for the results before the call: between it and the copy no Lua
     * allocation may fail while size and p are held (a component has at
     * least two nodes, so there are at most n / 2). */
    int64_t *sz2 = scratch(L, sizeof *sz2 * (size_t)(n + 1));
    double *p2 = scratch(L, sizeof *p2 * (size_t)(n + 1));
    int64_t nc = 0, *size = NULL;
    double *p = NULL;
    char msg[TG_MSG_LEN] = "";
    fail(L, tg_graph_brain_nbs(X, k, n, grp, thr, (int)tail, (int)perms, (uint64_t)seed, tc->W, comp, &nc, &size, &p, msg), msg);
    if (nc > n) nc = n;   /* cannot happen: see above */
    memcpy(sz2, size, sizeof *sz2 * (size_t)nc);
    memcpy(p2, p, sizeof *p2 * (size_t)nc);
    tg_free(size);
    tg_free(p);
    for (int64_t q = 0; q < n * n; q++) cc->W[q] = (double)comp[q];
    lua_createtable(L, 0, 3);
    lua_createtable(L, (int)nc, 0);
    for (int64_t c = 0; c < nc; c++) {
        lua_createtable(L, 0, 2);
        lua_pushinteger(L, (lua_Integer)sz2[c]);
        lua_setfield(L, -2, "size");
        lua_pushnumber(L, p2[c]);
        lua_setfield(L, -2, "p");
        lua_rawseti(L, -2, c + 1);
    }
    lua_setfield(L, -2, "components");
    lua_pushvalue(L, ti);
    lua_setfield(L, -2, "t");
    lua_pushvalue(L, ci);
    lua_setfield(L, -2, "component");
    return 1;
}


/* tg.brain.synthetic{n=, modules=, structure_seed=1, seed=1, effect_nodes=0, effect=0} */
static int l_synthetic(lua_State *L)
{
    static const char *const opts[] = {"n", "modules", "structure_seed", "seed", "effect_nodes", "effect", NULL};
    luaL_checktype(L, 1, LUA_TTABLE);
    tg_lua_i_check_options(L, 1, opts);
    long long n = tg_lua_i_opt_integer(L, 1, "n", 100), mods = tg_lua_i_opt_integer(L, 1, "modules", 4);
    long long ss = tg_lua_i_opt_integer(L, 1, "structure_seed", 1), seed = tg_lua_i_opt_integer(L, 1, "seed", 1);
    long long en = tg_lua_i_opt_integer(L, 1, "effect_nodes", 0);
    double eff = tg_lua_i_opt_number(L, 1, "effect", 0);
    luaL_argcheck(L, n >= 2 && n <= 20000, 1, "field 'n' must be in 2..20000");
    lconn *c = push_conn(L, n, false, 0);
    char msg[TG_MSG_LEN] = "";
    fail(L, tg_graph_brain_synthetic(n, mods, (uint64_t)ss, (uint64_t)seed, en, eff, c->W, msg), msg);
    return 1;
}

/* c:save(path): CSV matrix */
static int c_save(lua_State *L)
{
    lconn *c = check_conn(L, 1);
    const char *path = luaL_checkstring(L, 2);
    if (tg_lua_is_sandboxed(L)) return luaL_error(L, "brain.save: writing files is not allowed in the sandbox");
    char msg[TG_MSG_LEN] = "";
    fail(L, tg_graph_brain_write_matrix(c->W, c->n, path, msg), msg);
    lua_settop(L, 1);
    return 1;
}

static int c_tostring(lua_State *L)
{
    lconn *c = luaL_checkudata(L, 1, CONN_MT);
    if (!c->W) lua_pushliteral(L, "tg.Connectome (closed)");
    else lua_pushfstring(L, "tg.Connectome (%d nodes, %s)", (int)c->n, c->directed ? "directed" : "undirected");
    return 1;
}

int tg_lua_i_open_brain(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"n", c_n}, {"is_directed", c_directed}, {"ids", c_ids}, {"get", c_get}, {"set", c_set},
        {"copy", c_copy}, {"rows", c_rows}, {"edge_count", c_edge_count}, {"is_binary", c_is_binary},
        {"to_graph", c_to_graph}, {"symmetrize", c_symmetrize}, {"zero_diagonal", c_zero_diagonal},
        {"threshold", c_threshold}, {"binarize", c_binarize}, {"normalize", c_normalize},
        {"lengths", c_lengths}, {"split", c_split}, {"degree", c_degree}, {"strength", c_strength},
        {"clustering", c_clustering}, {"transitivity", c_transitivity}, {"efficiency", c_efficiency},
        {"local_efficiency", c_local_efficiency}, {"betweenness", c_betweenness}, {"distance", c_distance},
        {"charpath", c_charpath}, {"modularity", c_modularity}, {"louvain", c_louvain},
        {"consensus", c_consensus}, {"participation", c_participation}, {"module_zscore", c_module_zscore},
        {"assortativity", c_assortativity}, {"rich_club", c_rich_club}, {"coreness", c_coreness},
        {"score", c_score}, {"randmio", c_randmio}, {"latmio", c_latmio}, {"null_strength", c_null_strength},
        {"small_world", c_small_world}, {"save", c_save}, {"close", c_gc}, {NULL, NULL},
    };
    static const luaL_Reg meta[] = {{"__gc", c_gc}, {"__close", c_gc}, {"__tostring", c_tostring}, {NULL, NULL}};
    static const luaL_Reg funcs[] = {
        {"load", l_load}, {"from_graph", l_from_graph}, {"matrix", l_matrix}, {"files", l_files},
        {"group", l_group}, {"nbs", l_nbs}, {"synthetic", l_synthetic}, {NULL, NULL},
    };
    luaL_newmetatable(L, CONN_MT);
    luaL_setfuncs(L, meta, 0);
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    luaL_newlib(L, funcs);
    return 1;
}
