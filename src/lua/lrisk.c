/* lrisk.c: tg.risk, the Lua binding of src/risk.
 *
 *   local m = tg.risk.read{"tree.xml", "data.xml"}      -- or tg.risk.read("tree.xml")
 *   local m = tg.risk.model()                            -- build in code:
 *   m:basic("pump", 1e-3); m:basic_rate("valve", 2e-6)  --   constant p, or rate per hour
 *   m:gate("top", "or", {"pump", "valve"}); m:finish()
 *   m:tops() m:basic_events() m:mission_time([hours]) m:write(path)
 *   local a = m:analyze{top = "top", limit_order = 20, cut_off = 0}
 *   a:probability() a:products() a:distribution() a:rare_event() a:mcub()
 *   a:cut_sets{max = 1000, max_order = 2}   -- {{events = {...}, p = x}, ...} by order then p
 *   a:importance()                          -- {{name, p, mif, cif, dif, raw, rrw, occurrence}}
 *   a:uncertainty{n = 1000, seed = 1, quantiles = 10, bins = 20}   -- + bin_edges, bin_width
 *   a:reevaluate()                          -- after m:mission_time(h)
 *   tg.risk.network_reliability{n = 9, edges = {{1, 2, 0.9}, ...}, terminals = {1, 9}}
 *
 * An analysis keeps its model alive (user value).  Node numbers in
 * network_reliability are 1-based. */
#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../risk/tg_risk.h"
#include "tg_lua.h"

static int m_mocus(lua_State *L);

#define MODEL_MT "tg.RiskModel"
#define ANALYSIS_MT "tg.RiskAnalysis"

typedef struct lmodel { tg_risk_model *m; } lmodel;
typedef struct lanalysis { tg_risk_analysis *a; tg_risk_model *m; } lanalysis;

static tg_risk_model *check_model(lua_State *L, int idx)
{
    lmodel *u = luaL_checkudata(L, idx, MODEL_MT);
    if (!u->m) luaL_error(L, "risk: attempt to use a closed model");
    return u->m;
}

static lanalysis *check_analysis(lua_State *L, int idx)
{
    lanalysis *u = luaL_checkudata(L, idx, ANALYSIS_MT);
    if (!u->a) luaL_error(L, "risk: attempt to use a closed analysis");
    /* The analysis borrows its model: a model closed early (<close>) must
     * not be read through it. */
    lua_getiuservalue(L, idx, 1);
    const lmodel *m = lua_touserdata(L, -1);
    lua_pop(L, 1);
    if (!m || !m->m) luaL_error(L, "risk: the model of this analysis has been closed");
    return u;
}

static lmodel *new_model(lua_State *L)
{
    lmodel *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->m = NULL;
    luaL_setmetatable(L, MODEL_MT);
    return u;
}

/* tg.risk.read(path | {paths}) -> model */
static int l_read(lua_State *L)
{
    int n;
    const char **paths;
    if (lua_type(L, 1) == LUA_TTABLE) {
        n = (int)luaL_len(L, 1);
        luaL_argcheck(L, n >= 1, 1, "no files");
        paths = lua_newuserdatauv(L, sizeof *paths * (size_t)n, 0);   /* freed by Lua */
        for (int i = 0; i < n; i++) {
            /* Strings only: a number would be converted on the stack and
             * the converted string freed once popped. */
            if (lua_geti(L, 1, i + 1) != LUA_TSTRING) luaL_argerror(L, 1, "file names must be strings");
            paths[i] = lua_tostring(L, -1);
            lua_pop(L, 1);      /* the string stays referenced by the table */
        }
    } else {
        n = lua_gettop(L);
        luaL_checkstring(L, 1);
        paths = lua_newuserdatauv(L, sizeof *paths * (size_t)n, 0);
        for (int i = 0; i < n; i++) paths[i] = luaL_checkstring(L, i + 1);
    }
    lmodel *u = new_model(L);
    char msg[TG_MSG_LEN] = "";
    if (tg_risk_model_read(n, paths, &u->m, msg) != TG_OK) return luaL_error(L, "risk.read: %s", msg);
    return 1;
}

static int l_model(lua_State *L)
{
    lmodel *u = new_model(L);
    char msg[TG_MSG_LEN] = "";
    if (tg_risk_model_new(&u->m, msg) != TG_OK) return luaL_error(L, "risk.model: %s", msg);
    return 1;
}

static int m_gc(lua_State *L)
{
    lmodel *u = luaL_checkudata(L, 1, MODEL_MT);
    tg_risk_model_free(&u->m);
    return 0;
}

static int m_basic(lua_State *L)
{
    tg_risk_model *m = check_model(L, 1);
    const char *name = luaL_checkstring(L, 2);
    double p = luaL_checknumber(L, 3);
    char msg[TG_MSG_LEN] = "";
    if (tg_risk_model_add_basic(m, name, p, NULL, msg) != TG_OK) return luaL_error(L, "risk: %s", msg);
    return 0;
}

static int m_basic_rate(lua_State *L)
{
    tg_risk_model *m = check_model(L, 1);
    const char *name = luaL_checkstring(L, 2);
    double lambda = luaL_checknumber(L, 3);
    char msg[TG_MSG_LEN] = "";
    if (tg_risk_model_add_basic_exp(m, name, lambda, NULL, msg) != TG_OK)
        return luaL_error(L, "risk: %s", msg);
    return 0;
}

/* m:gate(name, op, {args}, [k]) */
static int m_gate(lua_State *L)
{
    static const char *const ops[] = {"and", "or", "atleast", "not", "xor", "nand", "nor", "iff",
                                      "null", NULL};
    tg_risk_model *m = check_model(L, 1);
    const char *name = luaL_checkstring(L, 2);
    int op = luaL_checkoption(L, 3, NULL, ops);
    luaL_checktype(L, 4, LUA_TTABLE);
    int k = (int)luaL_optinteger(L, 5, 0);
    int n = (int)luaL_len(L, 4);
    luaL_argcheck(L, n >= 1, 4, "no arguments");
    const char **args = lua_newuserdatauv(L, sizeof *args * (size_t)n, 0);
    for (int i = 0; i < n; i++) {
        if (lua_geti(L, 4, i + 1) != LUA_TSTRING) luaL_argerror(L, 4, "argument names must be strings");
        args[i] = lua_tostring(L, -1);   /* referenced by the table */
        lua_pop(L, 1);
    }
    char msg[TG_MSG_LEN] = "";
    if (tg_risk_model_add_gate(m, name, (tg_risk_op)op, k, n, args, msg) != TG_OK)
        return luaL_error(L, "risk: %s", msg);
    return 0;
}

static int m_finish(lua_State *L)
{
    tg_risk_model *m = check_model(L, 1);
    char msg[TG_MSG_LEN] = "";
    if (tg_risk_model_finish(m, msg) != TG_OK) return luaL_error(L, "risk: %s", msg);
    lua_settop(L, 1);
    return 1;
}

static int m_tops(lua_State *L)
{
    tg_risk_model *m = check_model(L, 1);
    int n = tg_risk_model_tops(m, NULL, 0);
    int *t = lua_newuserdatauv(L, sizeof *t * (size_t)(n + 1), 0);
    tg_risk_model_tops(m, t, n);
    lua_createtable(L, n, 0);
    for (int i = 0; i < n; i++) {
        lua_pushstring(L, tg_risk_model_gate_name(m, t[i]));
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

static int m_gates(lua_State *L)
{
    tg_risk_model *m = check_model(L, 1);
    int n = tg_risk_model_ngates(m);
    lua_createtable(L, n, 0);
    for (int i = 0; i < n; i++) {
        lua_pushstring(L, tg_risk_model_gate_name(m, i));
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

/* {{name=, p=}, ...} in model order */
static int m_basic_events(lua_State *L)
{
    tg_risk_model *m = check_model(L, 1);
    int n = tg_risk_model_nbasic(m);
    lua_createtable(L, n, 0);
    for (int i = 0; i < n; i++) {
        lua_createtable(L, 0, 2);
        lua_pushstring(L, tg_risk_model_basic_name(m, i));
        lua_setfield(L, -2, "name");
        lua_pushnumber(L, tg_risk_model_basic_prob(m, i));
        lua_setfield(L, -2, "p");
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

static int m_mission_time(lua_State *L)
{
    tg_risk_model *m = check_model(L, 1);
    if (!lua_isnoneornil(L, 2)) {
        char msg[TG_MSG_LEN] = "";
        if (tg_risk_model_set_mission_time(m, luaL_checknumber(L, 2), msg) != TG_OK)
            return luaL_error(L, "risk: %s", msg);
    }
    lua_pushnumber(L, tg_risk_model_mission_time(m));
    return 1;
}

static int m_write(lua_State *L)
{
    tg_risk_model *m = check_model(L, 1);
    const char *path = luaL_checkstring(L, 2);
    if (tg_lua_is_sandboxed(L)) return luaL_error(L, "risk.write: writing files is not allowed here");
    char msg[TG_MSG_LEN] = "";
    if (tg_risk_model_write(m, path, msg) != TG_OK) return luaL_error(L, "risk.write: %s", msg);
    return 0;
}

/* m:analyze{top=, limit_order=, cut_off=, max_nodes=} */
static int m_analyze(lua_State *L)
{
    static const char *const opts[] = {"top", "limit_order", "cut_off", "max_nodes", NULL};
    tg_risk_model *m = check_model(L, 1);
    if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TTABLE);
    tg_lua_i_check_options(L, 2, opts);
    tg_risk_opts o;
    tg_risk_opts_default(&o);
    o.limit_order = (int)tg_lua_i_opt_integer(L, 2, "limit_order", o.limit_order);
    o.cut_off = tg_lua_i_opt_number(L, 2, "cut_off", 0);
    o.max_nodes = tg_lua_i_opt_integer(L, 2, "max_nodes", o.max_nodes);
    const char *top = tg_lua_i_opt_string(L, 2, "top", NULL);
    int g;
    if (top) {
        g = tg_risk_model_find_gate(m, top);
        if (g < 0) return luaL_error(L, "risk.analyze: no gate '%s'", top);
    } else {
        int n = tg_risk_model_tops(m, &g, 1);
        if (n != 1)
            return luaL_error(L, "risk.analyze: the model has %d top gates: name one with top=", n);
    }
    lanalysis *u = lua_newuserdatauv(L, sizeof *u, 1);
    u->a = NULL;
    u->m = m;
    luaL_setmetatable(L, ANALYSIS_MT);
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, -2, 1);        /* keep the model alive */
    char msg[TG_MSG_LEN] = "";
    if (tg_risk_analyze(m, g, &o, &u->a, msg) != TG_OK) return luaL_error(L, "risk.analyze: %s", msg);
    return 1;
}

static int a_gc(lua_State *L)
{
    lanalysis *u = luaL_checkudata(L, 1, ANALYSIS_MT);
    tg_risk_analysis_free(&u->a);
    return 0;
}

static int a_probability(lua_State *L)
{
    lua_pushnumber(L, tg_risk_probability(check_analysis(L, 1)->a));
    return 1;
}

static int a_reevaluate(lua_State *L)
{
    tg_risk_reevaluate(check_analysis(L, 1)->a);
    return 0;
}

static int a_products(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)tg_risk_products(check_analysis(L, 1)->a));
    return 1;
}

/* {count of order 1, count of order 2, ...} up to the largest order; [0] = order 0 */
static int a_distribution(lua_State *L)
{
    tg_risk_analysis *a = check_analysis(L, 1)->a;
    int L0 = tg_risk_limit_order(a);
    uint64_t *d = lua_newuserdatauv(L, sizeof *d * (size_t)(L0 + 1), 0);
    tg_risk_distribution(a, d);
    int top = L0;
    while (top > 0 && d[top] == 0) top--;
    lua_createtable(L, top, 1);
    for (int i = 0; i <= top; i++) {
        lua_pushinteger(L, (lua_Integer)d[i]);
        lua_rawseti(L, -2, i);
    }
    return 1;
}

static int a_rare_event(lua_State *L)
{
    lua_pushnumber(L, tg_risk_rare_event(check_analysis(L, 1)->a));
    return 1;
}

static int a_mcub(lua_State *L)
{
    tg_risk_analysis *a = check_analysis(L, 1)->a;
    lua_Integer max = luaL_optinteger(L, 2, 10000000);
    char msg[TG_MSG_LEN] = "";
    double v;
    if (tg_risk_mcub(a, max, &v, msg) != TG_OK) return luaL_error(L, "risk.mcub: %s", msg);
    lua_pushnumber(L, v);
    return 1;
}

/* Sort key of one listed set: the comparator needs no shared context, so
 * the sort is reentrant (no static pointer to the buffer). */
typedef struct cskey {
    int ord;
    double p;
    int i;
} cskey;

typedef struct csbuf {
    int *ev;        /* concatenated events */
    int *off;       /* start per set */
    int *ord;
    double *p;
    int64_t n, cap, evn, evcap;
    cskey *idx;     /* sort order */
    int max_order;
    bool nomem;
} csbuf;

/* Scratch owned by a userdata, so a Lua error while the results are copied
 * out (a memory error in lua_createtable) cannot leak the C buffers. */
#define CSBUF_MT "tg.risk.csbuf"
#define UNC_MT "tg.risk.uncertainty"

static int csbuf_gc(lua_State *L)
{
    csbuf *b = luaL_checkudata(L, 1, CSBUF_MT);
    tg_free(b->ev), tg_free(b->off), tg_free(b->ord), tg_free(b->p), tg_free(b->idx);
    b->ev = b->off = b->ord = NULL, b->idx = NULL, b->p = NULL;
    return 0;
}

static int unc_gc(lua_State *L)
{
    tg_risk_uncertainty_clear(luaL_checkudata(L, 1, UNC_MT));
    return 0;
}

static int keep_set(void *ud, int order, const int *events, double p)
{
    csbuf *b = ud;
    if (b->max_order >= 0 && order > b->max_order) return 0;
    if (b->n == b->cap) {
        int64_t nc = b->cap ? 2 * b->cap : 64;
        int *no = tg_realloc(b->off, sizeof *no * (size_t)nc), *nr;
        if (no) b->off = no;
        nr = tg_realloc(b->ord, sizeof *nr * (size_t)nc);
        if (nr) b->ord = nr;
        double *np = tg_realloc(b->p, sizeof *np * (size_t)nc);
        if (np) b->p = np;
        if (!no || !nr || !np) {
            b->nomem = true;
            return 1;
        }
        b->cap = nc;
    }
    if (b->evn + order > b->evcap) {
        int64_t nc = b->evcap ? 2 * b->evcap : 256;
        while (nc < b->evn + order) nc *= 2;
        int *ne = tg_realloc(b->ev, sizeof *ne * (size_t)nc);
        if (!ne) {
            b->nomem = true;
            return 1;
        }
        b->ev = ne, b->evcap = nc;
    }
    b->off[b->n] = (int)b->evn;
    b->ord[b->n] = order;
    b->p[b->n] = p;
    if (order > 0) memcpy(b->ev + b->evn, events, sizeof *events * (size_t)order);
    b->evn += order;
    b->n++;
    return 0;
}

static int cmp_sets(const void *x, const void *y)
{
    const cskey *a = x, *b = y;
    if (a->ord != b->ord) return a->ord - b->ord;
    if (a->p != b->p) return a->p > b->p ? -1 : 1;
    return a->i - b->i;     /* stable: ZBDD order among equals */
}

/* a:cut_sets{max = 100000, max_order = K} -> {{events = {names}, p = x, order = k}, ...}
 * sorted by order, then decreasing probability. */
static int a_cut_sets(lua_State *L)
{
    static const char *const opts[] = {"max", "max_order", NULL};
    lanalysis *u = check_analysis(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    long long max = tg_lua_i_opt_integer(L, 2, "max", 100000);
    int max_order = (int)tg_lua_i_opt_integer(L, 2, "max_order", -1);
    csbuf *bp = lua_newuserdatauv(L, sizeof *bp, 0);     /* stack: a, opts, buf */
    memset(bp, 0, sizeof *bp);
    luaL_setmetatable(L, CSBUF_MT);
    bp->max_order = max_order;
    char msg[TG_MSG_LEN] = "";
    int64_t count = 0;
    /* Listing at most max sets: take them from the lowest orders, whose
     * counts the distribution gives, rather than in ZBDD order. */
    int walk_order = max_order;
    long long walk_max = max;
    if (max_order < 0 && max >= 0 && (long long)tg_risk_products(u->a) > max) {
        int lim = tg_risk_limit_order(u->a);
        uint64_t *d = tg_malloc(sizeof *d * (size_t)(lim + 1));
        if (d) {
            tg_risk_distribution(u->a, d);
            uint64_t cum = 0;
            for (int k = 0; k <= lim; k++) {
                cum += d[k];
                if (cum >= (uint64_t)max) {
                    if (cum <= (uint64_t)max * 10 + 1000000) walk_order = k, walk_max = -1;
                    break;
                }
            }
            tg_free(d);
        }
    }
    tg_status s = tg_risk_cut_sets(u->a, walk_order, walk_max, keep_set, bp, &count, msg);
    if (s == TG_OK && bp->nomem) s = TG_ERR_NOMEM, snprintf(msg, sizeof msg, "out of memory");
    if (s == TG_OK && !(bp->idx = tg_malloc(sizeof *bp->idx * (size_t)(bp->n + 1))))
        s = TG_ERR_NOMEM, snprintf(msg, sizeof msg, "out of memory");
    if (s != TG_OK) return luaL_error(L, "risk.cut_sets: %s", msg);  /* buf's __gc frees */
    csbuf b = *bp;      /* a view: bp keeps ownership */
    cskey *idx = b.idx;
    for (int64_t i = 0; i < b.n; i++) idx[i] = (cskey){b.ord[i], b.p[i], (int)i};
    qsort(idx, (size_t)b.n, sizeof *idx, cmp_sets);
    if (max >= 0 && b.n > max) b.n = max;
    /* Copy into Lua; on a memory error the buffer's __gc frees it. */
    if (!lua_checkstack(L, 8)) return luaL_error(L, "risk.cut_sets: stack overflow");
    lua_createtable(L, (int)b.n, 0);
    for (int64_t k = 0; k < b.n; k++) {
        int i = idx[k].i;
        lua_createtable(L, 0, 3);
        lua_createtable(L, b.ord[i], 0);
        for (int j = 0; j < b.ord[i]; j++) {
            lua_pushstring(L, tg_risk_model_basic_name(u->m, b.ev[b.off[i] + j]));
            lua_rawseti(L, -2, j + 1);
        }
        lua_setfield(L, -2, "events");
        lua_pushnumber(L, b.p[i]);
        lua_setfield(L, -2, "p");
        lua_pushinteger(L, b.ord[i]);
        lua_setfield(L, -2, "order");
        lua_rawseti(L, -2, k + 1);
    }
    lua_pushcfunction(L, csbuf_gc);     /* free now rather than at collection */
    lua_pushvalue(L, -3);
    lua_call(L, 1, 0);
    return 1;
}

static void set_num(lua_State *L, const char *k, double v)
{
    lua_pushnumber(L, v);
    lua_setfield(L, -2, k);
}

/* {{name=, p=, mif=, cif=, dif=, raw=, rrw=, occurrence=}, ...} sorted by
 * decreasing Fussell-Vesely (dif), events of the top gate only */
static int a_importance(lua_State *L)
{
    lanalysis *u = check_analysis(L, 1);
    int n = tg_risk_model_nbasic(u->m);
    tg_risk_importance *r = lua_newuserdatauv(L, sizeof *r * (size_t)(n + 1), 0);
    char msg[TG_MSG_LEN] = "";
    if (tg_risk_importance_all(u->a, r, msg) != TG_OK) return luaL_error(L, "risk.importance: %s", msg);
    lua_newtable(L);
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (r[i].occurrence == 0 && r[i].mif == 0) continue;
        lua_createtable(L, 0, 8);
        lua_pushstring(L, tg_risk_model_basic_name(u->m, i));
        lua_setfield(L, -2, "name");
        set_num(L, "p", r[i].p);
        set_num(L, "mif", r[i].mif);
        set_num(L, "cif", r[i].cif);
        set_num(L, "dif", r[i].dif);
        set_num(L, "raw", r[i].raw);
        set_num(L, "rrw", r[i].rrw);
        lua_pushinteger(L, (lua_Integer)r[i].occurrence);
        lua_setfield(L, -2, "occurrence");
        lua_rawseti(L, -2, ++k);
    }
    /* Sort in Lua terms: simple insertion by dif (n is modest). */
    for (int i = 2; i <= k; i++) {
        for (int j = i; j > 1; j--) {
            lua_rawgeti(L, -1, j);
            lua_getfield(L, -1, "dif");
            lua_rawgeti(L, -3, j - 1);
            lua_getfield(L, -1, "dif");
            bool swap = lua_tonumber(L, -3) > lua_tonumber(L, -1);
            lua_pop(L, 1);  /* dif j-1 */
            if (!swap) {
                lua_pop(L, 3);
                break;
            }
            /* stack: t, e_j, dif_j, e_{j-1} */
            lua_rawseti(L, -4, j);
            lua_pop(L, 1);
            lua_rawseti(L, -2, j - 1);
        }
    }
    return 1;
}

/* a:prime_implicants{limit_order = 20, max = 1000} -> {count =, distribution =
 * {[0] = n0, n1, ...}, implicants = {{literals = {"a", "not b"}, p =, order =}, ...}}
 * (at most max listed, in ZBDD order). */
static int a_prime_implicants(lua_State *L)
{
    static const char *const opts[] = {"limit_order", "max", NULL};
    lanalysis *u = check_analysis(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    long long lim = tg_lua_i_opt_integer(L, 2, "limit_order", 20);
    long long max = tg_lua_i_opt_integer(L, 2, "max", 1000);
    if (lim < 0 || lim > 4000) return luaL_error(L, "risk.prime_implicants: limit_order not in [0, 4000]");
    uint64_t *dist = lua_newuserdatauv(L, sizeof *dist * (size_t)(lim + 1), 0);   /* stack: 3 */
    csbuf *bp = lua_newuserdatauv(L, sizeof *bp, 0);                             /* stack: 4 */
    memset(bp, 0, sizeof *bp);
    luaL_setmetatable(L, CSBUF_MT);
    bp->max_order = -1;
    char msg[TG_MSG_LEN] = "";
    uint64_t count = 0;
    tg_status s = tg_risk_prime_implicants(u->a, (int)lim, max, keep_set, bp, &count, dist, msg);
    if (s == TG_OK && bp->nomem) s = TG_ERR_NOMEM, snprintf(msg, sizeof msg, "out of memory");
    if (s != TG_OK) return luaL_error(L, "risk.prime_implicants: %s", msg);
    int L0 = (int)lim < tg_risk_nvars(u->a) ? (int)lim : tg_risk_nvars(u->a);
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, (lua_Integer)count);
    lua_setfield(L, -2, "count");
    int top = L0;
    while (top > 0 && dist[top] == 0) top--;
    lua_createtable(L, top, 1);
    for (int i = 0; i <= top; i++) {
        lua_pushinteger(L, (lua_Integer)dist[i]);
        lua_rawseti(L, -2, i);
    }
    lua_setfield(L, -2, "distribution");
    lua_createtable(L, (int)bp->n, 0);
    for (int64_t k = 0; k < bp->n; k++) {
        lua_createtable(L, 0, 3);
        lua_createtable(L, bp->ord[k], 0);
        for (int j = 0; j < bp->ord[k]; j++) {
            int e = bp->ev[bp->off[k] + j];
            if (e >= 0) lua_pushstring(L, tg_risk_model_basic_name(u->m, e));
            else lua_pushfstring(L, "not %s", tg_risk_model_basic_name(u->m, -e - 1));
            lua_rawseti(L, -2, j + 1);
        }
        lua_setfield(L, -2, "literals");
        lua_pushnumber(L, bp->p[k]);
        lua_setfield(L, -2, "p");
        lua_pushinteger(L, bp->ord[k]);
        lua_setfield(L, -2, "order");
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    lua_setfield(L, -2, "implicants");
    return 1;
}

/* a:occurrence() -> {name = count, ...}: the events occurring in some
 * minimal cut set and how many (no probabilities needed). */
static int a_occurrence(lua_State *L)
{
    lanalysis *u = check_analysis(L, 1);
    int n = tg_risk_model_nbasic(u->m);
    uint64_t *occ = lua_newuserdatauv(L, sizeof *occ * (size_t)(n + 1), 0);
    char msg[TG_MSG_LEN] = "";
    if (tg_risk_occurrence(u->a, occ, msg) != TG_OK) return luaL_error(L, "risk.occurrence: %s", msg);
    lua_newtable(L);
    for (int i = 0; i < n; i++) {
        if (!occ[i]) continue;
        lua_pushinteger(L, (lua_Integer)occ[i]);
        lua_setfield(L, -2, tg_risk_model_basic_name(u->m, i));
    }
    return 1;
}

/* a:uncertainty{n=1000, seed=1, quantiles=10, bins=20} */
static int a_uncertainty(lua_State *L)
{
    static const char *const opts[] = {"n", "seed", "quantiles", "bins", NULL};
    lanalysis *u = check_analysis(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    long long n = tg_lua_i_opt_integer(L, 2, "n", 1000);
    long long seed = tg_lua_i_opt_integer(L, 2, "seed", 1);
    int nq = (int)tg_lua_i_opt_integer(L, 2, "quantiles", 10);
    int nb = (int)tg_lua_i_opt_integer(L, 2, "bins", 20);
    /* The result lives in a userdata whose __gc frees it: a memory error
     * while building the tables below cannot leak it. */
    tg_risk_uncertainty *rp = lua_newuserdatauv(L, sizeof *rp, 0);
    memset(rp, 0, sizeof *rp);
    luaL_setmetatable(L, UNC_MT);
    char msg[TG_MSG_LEN] = "";
    if (tg_risk_uncertainty_run(u->a, n, (uint64_t)seed, nq, nb, rp, msg) != TG_OK)
        return luaL_error(L, "risk.uncertainty: %s", msg);
    if (!lua_checkstack(L, 6)) return luaL_error(L, "risk.uncertainty: stack overflow");
    const tg_risk_uncertainty r = *rp;
    lua_createtable(L, 0, 10);
    set_num(L, "mean", r.mean);
    set_num(L, "sd", r.sd);
    set_num(L, "min", r.min);
    set_num(L, "max", r.max);
    set_num(L, "err95", r.err95);
    lua_createtable(L, r.nq, 0);
    for (int i = 0; i < r.nq; i++) {
        lua_pushnumber(L, r.quantiles[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "quantiles");
    lua_createtable(L, r.nbins, 0);
    for (int i = 0; i < r.nbins; i++) {
        lua_pushinteger(L, r.bins[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "bins");
    /* bins[i] counts the trials in [bin_edges[i], bin_edges[i + 1]) (the
     * last bin also holds max): nbins equal bins over [min, max]. */
    double w = (r.max - r.min) / r.nbins;
    set_num(L, "bin_width", w);
    lua_createtable(L, r.nbins + 1, 0);
    for (int i = 0; i <= r.nbins; i++) {
        lua_pushnumber(L, i == r.nbins ? r.max : r.min + i * w);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "bin_edges");
    tg_risk_uncertainty_clear(rp);
    return 1;
}

/* tg.risk.network_reliability{n=, edges={{u, v, p}, ...}, terminals={...},
 *   nodes = {p per node} (optional: nodes failing), method = "exact" | "mc",
 *   estimator = "rvr" | "plain" (mc), samples = 100000, seed = 1,
 *   criticality = false (exact)}
 * -> exact: r [, {Birnbaum per edge}, {Birnbaum per node}]
 *    mc: r, standard error, {unreliability=, sample_var=, samples=, estimator=} */
static int l_network(lua_State *L)
{
    static const char *const opts[] = {"n", "edges", "terminals", "method", "samples", "seed",
                                       "criticality", "nodes", "estimator", NULL};
    luaL_checktype(L, 1, LUA_TTABLE);
    tg_lua_i_check_options(L, 1, opts);
    lua_Integer n0 = tg_lua_i_opt_integer(L, 1, "n", 0);
    luaL_argcheck(L, n0 >= 1 && n0 <= INT32_MAX, 1, "field 'n' must be a node count >= 1");
    int n = (int)n0;
    if (tg_lua_i_rawfield(L, 1, "edges") != LUA_TTABLE) luaL_argerror(L, 1, "field 'edges' must be a table");
    if (tg_lua_i_rawfield(L, 1, "terminals") != LUA_TTABLE)
        luaL_argerror(L, 1, "field 'terminals' must be a table");
    lua_Integer m0 = luaL_len(L, -2), k0 = luaL_len(L, -1);
    luaL_argcheck(L, m0 < INT32_MAX / 2, 1, "too many edges");
    luaL_argcheck(L, k0 >= 2 && k0 <= 250, 1, "field 'terminals' needs 2 to 250 nodes");
    int m = (int)m0, k = (int)k0;
    /* stack: opts, edges, terminals, buf, p, np */
    int *buf = lua_newuserdatauv(L, sizeof(int) * (size_t)(2 * m + k + 1), 0);
    double *p = lua_newuserdatauv(L, sizeof(double) * (size_t)(m + 1), 0);
    double *np = lua_newuserdatauv(L, sizeof(double) * (size_t)n, 0);
    int *u = buf, *v = buf + m, *t = buf + 2 * m;
    for (int i = 0; i < m; i++) {
        lua_geti(L, 2, i + 1);
        if (lua_type(L, -1) != LUA_TTABLE) luaL_argerror(L, 1, "each edge is {u, v, p}");
        lua_geti(L, -1, 1);
        lua_geti(L, -2, 2);
        lua_geti(L, -3, 3);
        lua_Integer a = lua_tointegerx(L, -3, NULL), b = lua_tointegerx(L, -2, NULL);
        if (!lua_isinteger(L, -3) || !lua_isinteger(L, -2) || a < 1 || a > n || b < 1 || b > n)
            return luaL_error(L, "risk.network_reliability: edge %d: endpoints must be node "
                              "numbers 1..%d", i + 1, n);
        if (lua_type(L, -1) != LUA_TNUMBER || !(lua_tonumber(L, -1) >= 0 && lua_tonumber(L, -1) <= 1))
            return luaL_error(L, "risk.network_reliability: edge %d: probability must be a number "
                              "in [0, 1]", i + 1);
        u[i] = (int)a - 1, v[i] = (int)b - 1, p[i] = lua_tonumber(L, -1);
        lua_pop(L, 4);
    }
    for (int i = 0; i < k; i++) {
        lua_geti(L, 3, i + 1);
        lua_Integer x = lua_tointegerx(L, -1, NULL);
        if (!lua_isinteger(L, -1) || x < 1 || x > n)
            return luaL_error(L, "risk.network_reliability: terminal %d must be a node number "
                              "1..%d", i + 1, n);
        t[i] = (int)x - 1;
        lua_pop(L, 1);
    }
    bool has_nodes = false;
    int nt = tg_lua_i_rawfield(L, 1, "nodes");
    if (nt == LUA_TTABLE) {
        luaL_argcheck(L, luaL_len(L, -1) == n, 1, "field 'nodes' needs one probability per node");
        for (int i = 0; i < n; i++) {
            lua_geti(L, -1, i + 1);
            if (lua_type(L, -1) != LUA_TNUMBER || !(lua_tonumber(L, -1) >= 0 && lua_tonumber(L, -1) <= 1))
                return luaL_error(L, "risk.network_reliability: node %d: probability must be a "
                                  "number in [0, 1]", i + 1);
            np[i] = lua_tonumber(L, -1);
            lua_pop(L, 1);
        }
        has_nodes = true;
    } else if (nt != LUA_TNIL) {
        luaL_argerror(L, 1, "field 'nodes' must be a table of node probabilities");
    }
    lua_pop(L, 1);
    char msg[TG_MSG_LEN] = "";
    const char *method = tg_lua_i_opt_string(L, 1, "method", "exact");
    if (strcmp(method, "mc") == 0) {
        luaL_argcheck(L, !tg_lua_i_opt_bool(L, 1, "criticality", false), 1,
                      "field 'criticality' is not supported with method 'mc' (use 'exact')");
        lua_Integer ns = tg_lua_i_opt_integer(L, 1, "samples", 100000);
        luaL_argcheck(L, ns >= 2, 1, "field 'samples' must be at least 2");
        lua_Integer seed = tg_lua_i_opt_integer(L, 1, "seed", 1);
        const char *est = tg_lua_i_opt_string(L, 1, "estimator", "rvr");
        tg_risk_mc_method mm = TG_RISK_MC_RVR;
        if (strcmp(est, "plain") == 0) mm = TG_RISK_MC_PLAIN;
        else if (strcmp(est, "rvr") != 0) luaL_argerror(L, 1, "field 'estimator' must be 'rvr' or 'plain'");
        tg_risk_mc_result r;
        if (tg_risk_network_mc(n, m, u, v, p, has_nodes ? np : NULL, k, t, ns, (uint64_t)seed, mm,
                               &r, msg) != TG_OK)
            return luaL_error(L, "risk.network_reliability: %s", msg);
        lua_pushnumber(L, r.reliability);
        lua_pushnumber(L, r.se);
        lua_createtable(L, 0, 4);
        set_num(L, "unreliability", r.unreliability);
        set_num(L, "sample_var", r.sample_var);
        lua_pushinteger(L, (lua_Integer)r.samples);
        lua_setfield(L, -2, "samples");
        lua_pushstring(L, est);
        lua_setfield(L, -2, "estimator");
        return 3;
    }
    if (strcmp(method, "exact") != 0) luaL_argerror(L, 1, "field 'method' must be 'exact' or 'mc'");
    luaL_argcheck(L, tg_lua_i_rawfield(L, 1, "estimator") == LUA_TNIL, 1,
                  "field 'estimator' is only for method 'mc'");
    lua_pop(L, 1);
    double out;
    if (tg_risk_network_reliability_nodes(n, m, u, v, p, has_nodes ? np : NULL, k, t, &out, msg) !=
        TG_OK)
        return luaL_error(L, "risk.network_reliability: %s", msg);
    lua_pushnumber(L, out);
    if (!tg_lua_i_opt_bool(L, 1, "criticality", false)) return 1;
    double *crit = lua_newuserdatauv(L, sizeof(double) * (size_t)(m + n + 1), 0);
    if (tg_risk_network_criticality_nodes(n, m, u, v, p, has_nodes ? np : NULL, k, t, crit,
                                          crit + m, msg) != TG_OK)
        return luaL_error(L, "risk.network_reliability: %s", msg);
    lua_createtable(L, m, 0);
    for (int i = 0; i < m; i++) {
        lua_pushnumber(L, crit[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_createtable(L, n, 0);
    for (int i = 0; i < n; i++) {
        lua_pushnumber(L, crit[m + i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_remove(L, -3);      /* the scratch userdata: r, edge table, node table remain */
    return 3;
}

/* m:mocus{top=, limit_order = 20, max_nodes = 2^26} -> {products=, distribution={...}} */
static int m_mocus(lua_State *L)
{
    static const char *const opts[] = {"top", "limit_order", "max_nodes", NULL};
    tg_risk_model *m = check_model(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    int lim = (int)tg_lua_i_opt_integer(L, 2, "limit_order", 20);
    long long max = tg_lua_i_opt_integer(L, 2, "max_nodes", 1 << 26);
    const char *top = tg_lua_i_opt_string(L, 2, "top", NULL);
    int g;
    if (top) {
        if ((g = tg_risk_model_find_gate(m, top)) < 0) return luaL_error(L, "risk.mocus: no gate '%s'", top);
    } else if (tg_risk_model_tops(m, &g, 1) != 1) {
        return luaL_error(L, "risk.mocus: name the top gate with top=");
    }
    luaL_argcheck(L, lim >= 0 && lim <= 4000, 2, "limit_order must be in 0..4000");
    luaL_argcheck(L, max >= 0, 2, "max_nodes must be >= 0");
    uint64_t *d = lua_newuserdatauv(L, sizeof *d * (size_t)(lim + 1), 0);
    uint64_t prods;
    char msg[TG_MSG_LEN] = "";
    if (tg_risk_mocus(m, g, lim, max, &prods, d, msg) != TG_OK) return luaL_error(L, "risk.mocus: %s", msg);
    int hi = lim;
    while (hi > 0 && d[hi] == 0) hi--;
    lua_createtable(L, 0, 2);
    lua_pushinteger(L, (lua_Integer)prods);
    lua_setfield(L, -2, "products");
    lua_createtable(L, hi, 1);
    for (int i = 0; i <= hi; i++) {
        lua_pushinteger(L, (lua_Integer)d[i]);
        lua_rawseti(L, -2, i);
    }
    lua_setfield(L, -2, "distribution");
    return 1;
}

/* Sets passed by tg_risk_mcs_zbdd_list, into a buffer Lua owns (a memory
 * error while the tables are built later leaks nothing). */
typedef struct zlist {
    int64_t n, max;
    int width;                  /* events per row: limit_order */
    int *order, *events;
    double *p;
} zlist;

static int zlist_add(void *ud, int order, const int *events, double p)
{
    zlist *z = ud;
    if (z->n >= z->max) return 1;
    z->order[z->n] = order, z->p[z->n] = p;
    memcpy(z->events + z->n * z->width, events, sizeof *events * (size_t)order);
    z->n++;
    return 0;
}

/* m:mcs_zbdd{top=, limit_order = 4, cut_off = 0, max_nodes = 2^26, importance = false, list = 0}
 *   -> {products=, distribution={...}, rare_event=, mcub= [, importance={...}] [, cut_sets={...}]} */
static int m_mcs_zbdd(lua_State *L)
{
    static const char *const opts[] = {"top", "limit_order", "cut_off", "max_nodes", "importance", "list", NULL};
    tg_risk_model *m = check_model(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    int lim = (int)tg_lua_i_opt_integer(L, 2, "limit_order", 4);
    long long maxn = tg_lua_i_opt_integer(L, 2, "max_nodes", 1LL << 26);
    double cut = tg_lua_i_opt_number(L, 2, "cut_off", 0);
    const char *top = tg_lua_i_opt_string(L, 2, "top", NULL);
    int g;
    if (top) {
        if ((g = tg_risk_model_find_gate(m, top)) < 0) return luaL_error(L, "risk.mcs_zbdd: no gate '%s'", top);
    } else if (tg_risk_model_tops(m, &g, 1) != 1) {
        return luaL_error(L, "risk.mcs_zbdd: name the top gate with top=");
    }
    luaL_argcheck(L, lim >= 0 && lim <= 4000, 2, "limit_order must be in 0..4000");
    bool want_imp = tg_lua_i_opt_bool(L, 2, "importance", false);
    long long nlist = tg_lua_i_opt_integer(L, 2, "list", 0);
    luaL_argcheck(L, nlist >= 0 && nlist <= 10000000, 2, "list must be in 0..10000000");
    uint64_t *d = lua_newuserdatauv(L, sizeof *d * (size_t)(lim + 1), 0);
    int nb = tg_risk_model_nbasic(m);
    double *contrib = want_imp ? lua_newuserdatauv(L, sizeof *contrib * ((size_t)nb + 1), 0) : NULL;
    uint64_t prods;
    double re, mcub;
    char msg[TG_MSG_LEN] = "";
    if ((want_imp ? tg_risk_mcs_zbdd_contrib(m, g, lim, cut, maxn, &prods, d, &re, &mcub, contrib, msg)
                  : tg_risk_mcs_zbdd_cut(m, g, lim, cut, maxn, &prods, d, &re, &mcub, msg)) != TG_OK)
        return luaL_error(L, "risk.mcs_zbdd: %s", msg);
    int hi = lim;
    while (hi > 0 && d[hi] == 0) hi--;
    lua_createtable(L, 0, 4);
    lua_pushinteger(L, (lua_Integer)prods);
    lua_setfield(L, -2, "products");
    lua_pushnumber(L, re);
    lua_setfield(L, -2, "rare_event");
    lua_pushnumber(L, mcub);
    lua_setfield(L, -2, "mcub");
    lua_createtable(L, hi, 1);
    for (int i = 0; i <= hi; i++) {
        lua_pushinteger(L, (lua_Integer)d[i]);
        lua_rawseti(L, -2, i);
    }
    lua_setfield(L, -2, "distribution");
    if (want_imp) {
        /* The events in some kept set, in model order. */
        int n = 0;
        for (int i = 0; i < nb; i++) n += contrib[i] > 0;
        lua_createtable(L, n, 0);
        int k = 0;
        for (int i = 0; i < nb; i++) {
            if (!(contrib[i] > 0)) continue;
            double p = tg_risk_model_basic_prob(m, i), c = contrib[i];
            lua_createtable(L, 0, 7);
            lua_pushstring(L, tg_risk_model_basic_name(m, i));
            lua_setfield(L, -2, "name");
            set_num(L, "p", p);
            set_num(L, "contribution", c);
            set_num(L, "fv", c / re);
            set_num(L, "mif", c / p);
            set_num(L, "raw", (re - c + c / p) / re);
            set_num(L, "rrw", re - c > 0 ? re / (re - c) : INFINITY);
            lua_rawseti(L, -2, ++k);
        }
        lua_setfield(L, -2, "importance");
    }
    if (nlist > 0) {
        /* The kept sets, lowest orders first, most probable first within
         * an order (a second pass over the same family). */
        int w = lim > 0 ? lim : 1;
        size_t bytes = (size_t)nlist * (sizeof(int) * ((size_t)w + 1) + sizeof(double));
        char *buf = lua_newuserdatauv(L, bytes, 0);
        zlist zl = {0, nlist, w, (int *)(void *)buf, (int *)(void *)(buf + sizeof(int) * (size_t)nlist),
                    (double *)(void *)(buf + sizeof(int) * (size_t)nlist * ((size_t)w + 1))};
        int64_t listed = 0;
        if (tg_risk_mcs_zbdd_list(m, g, lim, cut, maxn, nlist, zlist_add, &zl, &listed, msg) != TG_OK)
            return luaL_error(L, "risk.mcs_zbdd: %s", msg);
        lua_createtable(L, (int)zl.n, 0);    /* the buffer stays on the stack below */
        for (int64_t i = 0; i < zl.n; i++) {
            lua_createtable(L, 0, 3);
            lua_createtable(L, zl.order[i], 0);
            for (int j = 0; j < zl.order[i]; j++) {
                lua_pushstring(L, tg_risk_model_basic_name(m, zl.events[i * zl.width + j]));
                lua_rawseti(L, -2, j + 1);
            }
            lua_setfield(L, -2, "events");
            set_num(L, "p", zl.p[i]);
            lua_pushinteger(L, zl.order[i]);
            lua_setfield(L, -2, "order");
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        lua_setfield(L, -3, "cut_sets");
        lua_pop(L, 1);      /* the buffer */
    }
    return 1;
}

int tg_lua_i_open_risk(lua_State *L)
{
    static const luaL_Reg mmethods[] = {
        {"basic", m_basic}, {"basic_rate", m_basic_rate}, {"gate", m_gate}, {"finish", m_finish},
        {"tops", m_tops}, {"gates", m_gates}, {"basic_events", m_basic_events}, {"mission_time", m_mission_time},
        {"write", m_write}, {"analyze", m_analyze}, {"mocus", m_mocus}, {"mcs_zbdd", m_mcs_zbdd},
        {NULL, NULL},
    };
    static const luaL_Reg mmeta[] = {{"__gc", m_gc}, {"__close", m_gc}, {NULL, NULL}};
    static const luaL_Reg amethods[] = {
        {"probability", a_probability}, {"reevaluate", a_reevaluate}, {"products", a_products},
        {"distribution", a_distribution}, {"rare_event", a_rare_event}, {"mcub", a_mcub},
        {"cut_sets", a_cut_sets}, {"importance", a_importance}, {"uncertainty", a_uncertainty},
        {"occurrence", a_occurrence}, {"prime_implicants", a_prime_implicants},
        {"close", a_gc}, {NULL, NULL},
    };
    static const luaL_Reg ameta[] = {{"__gc", a_gc}, {"__close", a_gc}, {NULL, NULL}};
    static const luaL_Reg funcs[] = {
        {"read", l_read}, {"model", l_model}, {"network_reliability", l_network}, {NULL, NULL},
    };
    luaL_newmetatable(L, MODEL_MT);
    luaL_setfuncs(L, mmeta, 0);
    luaL_newlib(L, mmethods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    luaL_newmetatable(L, ANALYSIS_MT);
    luaL_setfuncs(L, ameta, 0);
    luaL_newlib(L, amethods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    luaL_newmetatable(L, CSBUF_MT);
    lua_pushcfunction(L, csbuf_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    luaL_newmetatable(L, UNC_MT);
    lua_pushcfunction(L, unc_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    luaL_newlib(L, funcs);
    return 1;
}
