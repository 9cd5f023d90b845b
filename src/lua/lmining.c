/* lmining.c: tg.mine, the Lua binding of src/mining.
 *
 *   local db = tg.mine.read_fimi("retail.dat.gz")        -- or tg.mine.transactions{{...}, ...}
 *   local r  = db:itemsets{min_support = 0.1, count = true}  -- {transactions, itemsets, by_size}
 *   local l  = db:itemsets{min_support = 5, max_len = 3}    -- {{items = {...}, support = n}, ...}
 *   db:write_itemsets("out.txt", {min_support = 0.1})
 *   local rs = db:rules{min_support = 1, min_confidence = 0.6}
 *   local rs = tg.mine.apriori(tg.mine.transactions("events.csv", {window = 600}),
 *                              {min_support = 1, min_confidence = 0.6})
 *
 * Every miner takes algorithm = "eclat" (default) | "apriori" | "fpgrowth":
 * the same itemsets and supports, found differently.
 *
 * Results of unknown size are gathered, in one run of the miner, into a
 * growable C buffer owned by a userdata ("tg.mine.buffer", freed by its
 * __gc): the miner's callback only appends to it and never calls Lua, so
 * no error can strike while the miner holds memory, and any error raised
 * afterwards leaves the buffer to the collector.
 *
 * min_support is a percentage of the transactions (as the FIMI tools and
 * the figures use); min_count gives an absolute count instead. */
#include <lauxlib.h>
#include <string.h>

#include "../graph/tg_graph.h"
#include "../mining/tg_mining.h"
#include "lgraph_internal.h"
#include "tg_lua.h"

#define TXDB_MT "tg.Transactions"

typedef struct ltxdb { tg_txdb *db; } ltxdb;

static tg_txdb *check_db(lua_State *L, int idx)
{
    ltxdb *u = luaL_checkudata(L, idx, TXDB_MT);
    if (!u->db) luaL_error(L, "mine: attempt to use a closed transaction database");
    return u->db;
}

/* Push an empty database handle; the C call that makes the database then
 * stores it straight into u->db, so that a Lua memory error can never
 * strike while a database is owned by no one. */
static ltxdb *push_db_slot(lua_State *L)
{
    ltxdb *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->db = NULL;
    luaL_setmetatable(L, TXDB_MT);
    return u;
}

/* ---- growable result buffers owned by a userdata ----------------------- */

#define BUF_MT "tg.mine.buffer"
enum { BUF_ARRAYS = 5 };

typedef struct gbuf {
    void *p[BUF_ARRAYS];
    size_t cap[BUF_ARRAYS];
    size_t size[BUF_ARRAYS];    /* element sizes */
    bool nomem;                 /* an append failed: the run was stopped */
} gbuf;

static int buf_gc(lua_State *L)
{
    gbuf *b = luaL_checkudata(L, 1, BUF_MT);
    for (int k = 0; k < BUF_ARRAYS; k++) {
        tg_free(b->p[k]);
        b->p[k] = NULL;
        b->cap[k] = 0;
    }
    return 0;
}

/* A new, empty buffer on the stack; sizes of its arrays' elements (0 ends). */
static gbuf *push_buf(lua_State *L, size_t s0, size_t s1, size_t s2, size_t s3, size_t s4)
{
    gbuf *b = lua_newuserdatauv(L, sizeof *b, 0);
    memset(b, 0, sizeof *b);
    luaL_setmetatable(L, BUF_MT);
    size_t sz[BUF_ARRAYS] = {s0, s1, s2, s3, s4};
    for (int k = 0; k < BUF_ARRAYS; k++) b->size[k] = sz[k];
    return b;
}

/* Room for `need` elements in array k; false (and nomem set) if none. */
static bool buf_reserve(gbuf *b, int k, size_t need)
{
    if (need <= b->cap[k]) return true;
    if (tg_grow(&b->p[k], &b->cap[k], need, b->size[k]) != TG_OK) {
        b->nomem = true;
        return false;
    }
    return true;
}

static int l_read_fimi(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    char msg[TG_MSG_LEN] = "";
    ltxdb *u = push_db_slot(L);
    if (tg_txdb_read_fimi(path, &u->db, msg) != TG_OK) return luaL_error(L, "%s", msg);
    return 1;
}

#define LOG_MT "tg.EventLog"

typedef struct llog { tg_eventlog *log; } llog;

static tg_eventlog *check_log(lua_State *L, int idx)
{
    llog *u = luaL_checkudata(L, idx, LOG_MT);
    if (!u->log) luaL_error(L, "mine: attempt to use a closed event log");
    return u->log;
}

/* tg.mine.read_events(path, {item = "component:event"|"component"|"event",
 *                      bad = "fail"|"skip", format = "events"|"alarms",
 *                      columns = {time =, component =, event =, state =},
 *                      drop_states = {"ACK", "RTN"}}) -> log, report
 * format "alarms" reads a generic alarm export (docs/formats.md): columns
 * Time, Tag, Description, State, rows in state ACK or RTN dropped; columns
 * and drop_states override the format's names.
 * report = {rows=, events=, skipped=, filtered=, first_bad_line=, first_bad=} */
static int l_read_events(lua_State *L)
{
    static const char *const opts[] = {"item", "bad", "format", "columns", "drop_states", NULL};
    static const char *const copts[] = {"time", "component", "event", "state", NULL};
    static const char *const items[] = {"component:event", "component", "event", NULL};
    static const char *const bads[] = {"fail", "skip", NULL};
    const char *path = luaL_checkstring(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    if (lua_isnoneornil(L, 2)) {
        lua_settop(L, 1);
        lua_newtable(L);
    }
    lua_settop(L, 2);
    const char *it = tg_lua_i_opt_string(L, 2, "item", "component:event"), *b = tg_lua_i_opt_string(L, 2, "bad", "fail");
    const char *fmt = tg_lua_i_opt_string(L, 2, "format", "events");
    int ii = -1, bi = -1;
    for (int k = 0; items[k]; k++) if (strcmp(it, items[k]) == 0) ii = k;
    for (int k = 0; bads[k]; k++) if (strcmp(b, bads[k]) == 0) bi = k;
    if (ii < 0) luaL_argerror(L, 2, "field 'item' must be 'component:event', 'component' or 'event'");
    if (bi < 0) luaL_argerror(L, 2, "field 'bad' must be 'fail' or 'skip'");
    bool alarms = strcmp(fmt, "alarms") == 0;
    if (!alarms && strcmp(fmt, "events") != 0) luaL_argerror(L, 2, "field 'format' must be 'events' or 'alarms'");
    tg_event_opts eo = {.item = (tg_item_kind)ii, .skip_bad = bi == 1};
    if (alarms) {
        eo.time_col = "Time", eo.component_col = "Tag", eo.event_col = "Description", eo.state_col = "State";
        eo.drop_states = "ACK,RTN";
    }
    /* Strings below stay referenced by the options table (index 2) or the stack. */
    if (tg_lua_i_rawfield(L, 2, "columns") != LUA_TNIL) {     /* [path, opts, columns] */
        luaL_argcheck(L, lua_istable(L, 3), 2, "field 'columns' must be a table");
        tg_lua_i_check_options(L, 3, copts);
        const char **dst[4] = {&eo.time_col, &eo.component_col, &eo.event_col, &eo.state_col};
        for (int k = 0; k < 4; k++) {
            const char *v = tg_lua_i_opt_string(L, 3, copts[k], NULL);
            if (v) *dst[k] = v;
        }
    }
    lua_settop(L, 3);
    int ty = tg_lua_i_rawfield(L, 2, "drop_states");          /* [path, opts, columns, drop] */
    if (ty == LUA_TSTRING) {
        eo.drop_states = lua_tostring(L, 4);
    } else if (ty == LUA_TTABLE) {
        luaL_Buffer lb;
        luaL_buffinit(L, &lb);
        for (lua_Integer k = 1; k <= (lua_Integer)lua_rawlen(L, 4); k++) {
            if (lua_rawgeti(L, 4, k) != LUA_TSTRING) luaL_argerror(L, 2, "field 'drop_states' must be a list of strings");
            if (k > 1) luaL_addchar(&lb, ',');
            luaL_addvalue(&lb);
        }
        luaL_pushresult(&lb);                                  /* [..., drop, joined] */
        eo.drop_states = lua_tostring(L, -1);
    } else if (ty != LUA_TNIL) {
        luaL_argerror(L, 2, "field 'drop_states' must be a list of strings");
    }
    if (eo.drop_states && !eo.state_col) luaL_argerror(L, 2, "field 'drop_states' needs columns.state");
    tg_event_report *rep = lua_newuserdatauv(L, sizeof *rep, 0);
    llog *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->log = NULL;
    luaL_setmetatable(L, LOG_MT);
    char msg[TG_MSG_LEN] = "";
    if (tg_eventlog_read_opts(path, &eo, &u->log, rep, msg) != TG_OK) return luaL_error(L, "%s", msg);
    lua_createtable(L, 0, 6);
    lua_pushinteger(L, rep->filtered);
    lua_setfield(L, -2, "filtered");
    lua_pushinteger(L, rep->rows);
    lua_setfield(L, -2, "rows");
    lua_pushinteger(L, rep->events);
    lua_setfield(L, -2, "events");
    lua_pushinteger(L, rep->skipped);
    lua_setfield(L, -2, "skipped");
    if (rep->first_bad_line) {
        lua_pushinteger(L, rep->first_bad_line);
        lua_setfield(L, -2, "first_bad_line");
        lua_pushstring(L, rep->first_bad);
        lua_setfield(L, -2, "first_bad");
    }
    return 2;
}

/* log:transactions{by = column, window = seconds, graph = g, attribute = name}:
 * grouped transactions (tg_eventlog_transactions_by); with graph, the
 * column's values are node ids and the group is the node's attribute.
 * -> db, number of events in no group */
static int transactions_by(lua_State *L, tg_eventlog *log)
{
    if (lua_type(L, -1) != LUA_TSTRING) luaL_argerror(L, 2, "field 'by' must be a column name (string)");
    const char *by = lua_tostring(L, -1);
    double w = tg_lua_i_opt_number(L, 2, "window", 0);
    if (!(w >= 0)) luaL_argerror(L, 2, "field 'window' (seconds) must be >= 0");
    if (tg_lua_i_opt_string(L, 2, "mode", NULL)) luaL_argerror(L, 2, "field 'mode' does not go with 'by' (fixed windows)");
    tg_group_map map = {0}, *mp = NULL;
    const char *attr = tg_lua_i_opt_string(L, 2, "attribute", NULL);
    if (tg_lua_i_rawfield(L, 2, "graph") != LUA_TNIL) {        /* [..., graph] */
        const tg_graph *g = tg_lua_i_graph(L, lua_gettop(L));
        if (!attr) luaL_argerror(L, 2, "field 'graph' needs 'attribute' (a node attribute naming the group)");
        int col = tg_graph_attr_find(g, TG_NODES, attr);
        if (col < 0) luaL_argerror(L, 2, lua_pushfstring(L, "the graph has no node attribute '%s'", attr));
        int64_t n = tg_graph_node_count(g);
        const char **keys = lua_newuserdatauv(L, sizeof *keys * (size_t)(n ? n : 1), 0);
        const char **groups = lua_newuserdatauv(L, sizeof *groups * (size_t)(n ? n : 1), 0);
        const char *const *sv = tg_graph_attr_strings(g, TG_NODES, col);
        const int64_t *iv = tg_graph_attr_ints(g, TG_NODES, col);
        if (!sv && !iv) luaL_argerror(L, 2, lua_pushfstring(L, "node attribute '%s' must hold strings or integers", attr));
        char (*text)[24] = iv ? lua_newuserdatauv(L, sizeof *text * (size_t)(n ? n : 1), 0) : NULL;
        for (int64_t v = 0; v < n; v++) {
            keys[v] = tg_graph_node_id(g, v);
            if (sv) {
                groups[v] = sv[v];
            } else {
                snprintf(text[v], sizeof text[v], "%lld", (long long)iv[v]);
                groups[v] = text[v];
            }
        }
        map = (tg_group_map){n, keys, groups};
        mp = &map;
    } else if (attr) {
        luaL_argerror(L, 2, "field 'attribute' goes with 'graph'");
    }
    char msg[TG_MSG_LEN] = "";
    int64_t ungrouped = 0;
    ltxdb *u = push_db_slot(L);
    if (tg_eventlog_transactions_by(log, by, mp, w, &u->db, &ungrouped, msg) != TG_OK) return luaL_error(L, "%s", msg);
    lua_pushinteger(L, ungrouped);
    return 2;
}

/* log:transactions{window = seconds, mode = "fixed"|"sliding"} -> db, 0
 * log:transactions{by = column[, window =][, graph =, attribute =]} -> db, ungrouped */
static int g_transactions(lua_State *L)
{
    static const char *const opts[] = {"window", "mode", "by", "graph", "attribute", NULL};
    tg_eventlog *log = check_log(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    if (tg_lua_i_rawfield(L, 2, "by") != LUA_TNIL) return transactions_by(L, log);
    lua_pop(L, 1);
    if (tg_lua_i_rawfield(L, 2, "graph") != LUA_TNIL) luaL_argerror(L, 2, "field 'graph' goes with 'by'");
    lua_pop(L, 1);
    double w = tg_lua_i_opt_number(L, 2, "window", 0);
    if (!(w > 0)) luaL_argerror(L, 2, "field 'window' (seconds) must be > 0");
    const char *m = tg_lua_i_opt_string(L, 2, "mode", "fixed");
    if (strcmp(m, "fixed") != 0 && strcmp(m, "sliding") != 0)
        luaL_argerror(L, 2, "field 'mode' must be 'fixed' or 'sliding'");
    char msg[TG_MSG_LEN] = "";
    ltxdb *u = push_db_slot(L);
    if (tg_eventlog_transactions(log, w, strcmp(m, "sliding") == 0 ? TG_WINDOW_SLIDING : TG_WINDOW_FIXED, &u->db,
                                 msg) != TG_OK)
        return luaL_error(L, "%s", msg);
    lua_pushinteger(L, 0);
    return 2;
}

/* log:columns() -> {"timestamp", "component", ...} (lower-cased header names) */
static int g_columns(lua_State *L)
{
    tg_eventlog *log = check_log(L, 1);
    lua_createtable(L, tg_eventlog_columns(log), 0);
    for (int c = 0; c < tg_eventlog_columns(log); c++) {
        lua_pushstring(L, tg_eventlog_column_name(log, c));
        lua_rawseti(L, -2, c + 1);
    }
    return 1;
}

typedef struct seq_gather { gbuf *b; int64_t n; } seq_gather;

static int seq_copy(void *ud, const tg_seq_rule *r)
{
    seq_gather *g = ud;
    if (!buf_reserve(g->b, 0, (size_t)g->n + 1)) return 1;
    ((tg_seq_rule *)g->b->p[0])[g->n++] = *r;
    return 0;
}

/* log:sequence_rules{dt = seconds, min_count = 1, min_confidence = 0,
 *                    min_lift = 0, target = "component:event"}
 * -> {{before=, after=, support=, count=, confidence=, lift=,
 *      delay = {mean=, median=, min=, max=}}, ...} by confidence */
static int g_sequence_rules(lua_State *L)
{
    static const char *const opts[] = {"dt", "min_count", "min_confidence", "min_lift", "target", NULL};
    tg_eventlog *log = check_log(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    luaL_checktype(L, 2, LUA_TTABLE);
    tg_seq_opts o = {0};
    o.dt = tg_lua_i_opt_number(L, 2, "dt", 0);
    if (!(o.dt > 0)) luaL_argerror(L, 2, "field 'dt' (seconds) must be > 0");
    o.min_count = tg_lua_i_opt_integer(L, 2, "min_count", 1);
    o.min_confidence = tg_lua_i_opt_number(L, 2, "min_confidence", 0);
    o.min_lift = tg_lua_i_opt_number(L, 2, "min_lift", 0);
    const char *target = tg_lua_i_opt_string(L, 2, "target", NULL);
    o.target = -1;
    if (target && (o.target = tg_eventlog_item_index(log, target)) < 0)
        luaL_argerror(L, 2, lua_pushfstring(L, "field 'target': no event '%s' in the log", target));
    char msg[TG_MSG_LEN] = "";
    seq_gather g = {push_buf(L, sizeof(tg_seq_rule), 0, 0, 0, 0), 0};
    if (tg_mining_sequence_rules(log, &o, seq_copy, &g, NULL, msg) != TG_OK) return luaL_error(L, "%s", msg);
    if (g.b->nomem) return luaL_error(L, "mine.sequence_rules: out of memory");
    lua_createtable(L, (int)g.n, 0);
    for (int64_t i = 0; i < g.n; i++) {
        const tg_seq_rule *r = (const tg_seq_rule *)g.b->p[0] + i;
        lua_createtable(L, 0, 7);
        lua_pushstring(L, tg_eventlog_item_name(log, r->a));
        lua_setfield(L, -2, "before");
        lua_pushstring(L, tg_eventlog_item_name(log, r->b));
        lua_setfield(L, -2, "after");
        lua_pushinteger(L, r->support);
        lua_setfield(L, -2, "support");
        lua_pushinteger(L, r->count_a);
        lua_setfield(L, -2, "count");
        lua_pushnumber(L, r->confidence);
        lua_setfield(L, -2, "confidence");
        lua_pushnumber(L, r->lift);
        lua_setfield(L, -2, "lift");
        lua_createtable(L, 0, 4);
        lua_pushnumber(L, r->delay_mean);
        lua_setfield(L, -2, "mean");
        lua_pushnumber(L, r->delay_median);
        lua_setfield(L, -2, "median");
        lua_pushnumber(L, r->delay_min);
        lua_setfield(L, -2, "min");
        lua_pushnumber(L, r->delay_max);
        lua_setfield(L, -2, "max");
        lua_setfield(L, -2, "delay");
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

/* log:failure_chains{target = "component:event", dt = seconds, max_len = 4,
 *                    min_count = 1, min_rule_confidence = 0, min_lift = 0,
 *                    min_confidence = 0}
 * -> {{events = {first, ..., target}, support=, count=, confidence=,
 *      markov=, delay = {median=, max=}}, ...} strongest first */
static int g_failure_chains(lua_State *L)
{
    static const char *const opts[] = {"target", "dt", "max_len", "min_count", "min_rule_confidence",
                                       "min_lift", "min_confidence", NULL};
    tg_eventlog *log = check_log(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    tg_lua_i_check_options(L, 2, opts);
    tg_chain_opts o = {0};
    const char *target = tg_lua_i_opt_string(L, 2, "target", NULL);
    if (!target) luaL_argerror(L, 2, "field 'target' (the critical event, \"component:event\") is required");
    if ((o.target = tg_eventlog_item_index(log, target)) < 0)
        luaL_argerror(L, 2, lua_pushfstring(L, "field 'target': no event '%s' in the log", target));
    o.dt = tg_lua_i_opt_number(L, 2, "dt", 0);
    if (!(o.dt > 0)) luaL_argerror(L, 2, "field 'dt' (seconds) must be > 0");
    lua_Integer len = tg_lua_i_opt_integer(L, 2, "max_len", 4);
    luaL_argcheck(L, len >= 2 && len <= TG_CHAIN_MAX, 2, "field 'max_len' must be between 2 and 8");
    o.max_len = (int)len;
    o.min_count = tg_lua_i_opt_integer(L, 2, "min_count", 1);
    luaL_argcheck(L, o.min_count >= 1, 2, "field 'min_count' must be >= 1");
    o.min_rule_confidence = tg_lua_i_opt_number(L, 2, "min_rule_confidence", 0);
    o.min_lift = tg_lua_i_opt_number(L, 2, "min_lift", 0);
    o.min_confidence = tg_lua_i_opt_number(L, 2, "min_confidence", 0);
    gbuf *box = push_buf(L, sizeof(tg_chain), 0, 0, 0, 0);   /* owns the chains from here */
    tg_chain *c = NULL;
    size_t n = 0;
    char msg[TG_MSG_LEN] = "";
    if (tg_mining_failure_chains(log, &o, &c, &n, msg) != TG_OK) return luaL_error(L, "%s", msg);
    box->p[0] = c;
    box->cap[0] = n;
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_createtable(L, 0, 7);
        lua_createtable(L, c[i].len, 0);
        for (int k = 0; k < c[i].len; k++) {
            lua_pushstring(L, tg_eventlog_item_name(log, c[i].items[k]));
            lua_rawseti(L, -2, k + 1);
        }
        lua_setfield(L, -2, "events");
        lua_pushinteger(L, c[i].support);
        lua_setfield(L, -2, "support");
        lua_pushinteger(L, c[i].count_first);
        lua_setfield(L, -2, "count");
        lua_pushnumber(L, c[i].confidence);
        lua_setfield(L, -2, "confidence");
        lua_pushnumber(L, c[i].markov);
        lua_setfield(L, -2, "markov");
        lua_createtable(L, 0, 2);
        lua_pushnumber(L, c[i].delay_median);
        lua_setfield(L, -2, "median");
        lua_pushnumber(L, c[i].delay_max);
        lua_setfield(L, -2, "max");
        lua_setfield(L, -2, "delay");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int g_count(lua_State *L)
{
    lua_pushinteger(L, tg_eventlog_count(check_log(L, 1)));
    return 1;
}

static int g_gc(lua_State *L)
{
    llog *u = luaL_checkudata(L, 1, LOG_MT);
    tg_eventlog_free(&u->log);
    return 0;
}

static void open_log_meta(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"transactions", g_transactions}, {"sequence_rules", g_sequence_rules},
        {"failure_chains", g_failure_chains}, {"count", g_count}, {"columns", g_columns},
        {"close", g_gc}, {NULL, NULL},
    };
    static const luaL_Reg meta[] = {{"__gc", g_gc}, {"__close", g_gc}, {"__len", g_count}, {NULL, NULL}};
    luaL_newmetatable(L, LOG_MT);
    luaL_setfuncs(L, meta, 0);
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
}

/* tg.mine.transactions{{"a", "b"}, {"b"}, ...}: items are strings (or
 * numbers, taken as their text).
 * tg.mine.transactions(path, {window =, mode =, item =, bad =}): the event
 * log at path (read_events' options item and bad) cut into windows
 * (log:transactions' window and mode); shorthand for the two calls. */
static int l_transactions(lua_State *L)
{
    if (lua_type(L, 1) == LUA_TSTRING) {
        static const char *const opts[] = {"window", "mode", "item", "bad", NULL};
        tg_lua_i_check_options(L, 2, opts);
        luaL_checktype(L, 2, LUA_TTABLE);
        lua_settop(L, 2);
        lua_createtable(L, 0, 2);   /* [path, opts, read_opts] */
        lua_getfield(L, 2, "item");
        lua_setfield(L, 3, "item");
        lua_getfield(L, 2, "bad");
        lua_setfield(L, 3, "bad");
        lua_createtable(L, 0, 2);   /* [path, opts, read_opts, window_opts] */
        lua_getfield(L, 2, "window");
        lua_setfield(L, 4, "window");
        lua_getfield(L, 2, "mode");
        lua_setfield(L, 4, "mode");
        lua_pushcfunction(L, l_read_events);
        lua_pushvalue(L, 1);
        lua_pushvalue(L, 3);
        lua_call(L, 2, 1);          /* [..., log] */
        lua_pushcfunction(L, g_transactions);
        lua_insert(L, -2);
        lua_pushvalue(L, 4);
        lua_call(L, 2, 1);          /* [..., db] */
        return 1;
    }
    luaL_checktype(L, 1, LUA_TTABLE);
    char msg[TG_MSG_LEN] = "";
    ltxdb *u = push_db_slot(L);      /* owned by Lua from here: errors leak nothing */
    if (tg_txdb_new(&u->db, msg) != TG_OK) return luaL_error(L, "%s", msg);
    tg_txdb *d = u->db;
    int base = lua_gettop(L);
    lua_Integer n = (lua_Integer)lua_rawlen(L, 1);
    for (lua_Integer t = 1; t <= n; t++) {
        if (lua_rawgeti(L, 1, t) != LUA_TTABLE)
            return luaL_error(L, "mine.transactions: transaction %d is not a table", (int)t);
        int k = (int)lua_rawlen(L, -1);
        luaL_checkstack(L, k + 4, "mine.transactions");
        const char **items = lua_newuserdatauv(L, sizeof *items * (size_t)(k ? k : 1), 0);
        for (int i = 0; i < k; i++) {
            /* Each item's text stays on the stack while items[] points at it. */
            int ty = lua_rawgeti(L, base + 1, i + 1);
            if (ty != LUA_TSTRING && ty != LUA_TNUMBER)
                return luaL_error(L, "mine.transactions: transaction %d, item %d is a %s, not a string",
                                  (int)t, i + 1, luaL_typename(L, -1));
            items[i] = lua_tostring(L, -1);
        }
        if (tg_txdb_add(d, k, items, msg) != TG_OK)
            return luaL_error(L, "mine.transactions: transaction %d: %s", (int)t, msg);
        lua_settop(L, base);
    }
    return 1;
}

/* The miner named by the field 'algorithm' (def when absent). */
static tg_mining_algorithm check_algorithm(lua_State *L, int idx, tg_mining_algorithm def)
{
    static const char *const names[] = {"eclat", "apriori", "fpgrowth", NULL};
    const char *a = tg_lua_i_opt_string(L, idx, "algorithm", NULL);
    if (!a) return def;
    for (int k = 0; names[k]; k++)
        if (strcmp(a, names[k]) == 0) return (tg_mining_algorithm)k;
    luaL_argerror(L, idx, "field 'algorithm' must be 'eclat', 'apriori' or 'fpgrowth'");
    return def;
}

/* The minimum support count from min_support (percent) or min_count,
 * max_len and algorithm, of the options table at idx. */
static tg_itemset_opts check_support(lua_State *L, int idx, const tg_txdb *db, tg_mining_algorithm def)
{
    double pct = tg_lua_i_opt_number(L, idx, "min_support", -1);
    long long cnt = tg_lua_i_opt_integer(L, idx, "min_count", -1);
    long long max_len = tg_lua_i_opt_integer(L, idx, "max_len", 0);
    if ((pct < 0) == (cnt < 0))
        luaL_argerror(L, idx, "give exactly one of min_support (percent) and min_count");
    if (pct >= 0 && !(pct > 0 && pct <= 100)) luaL_argerror(L, idx, "min_support must be in (0, 100]");
    if (cnt == 0) luaL_argerror(L, idx, "min_count must be >= 1");
    if (max_len < 0 || max_len > 64) luaL_argerror(L, idx, "max_len must be in 0..64 (0: no limit)");
    tg_itemset_opts o = {cnt > 0 ? cnt : tg_mining_min_count(pct, tg_txdb_count(db)), (int)max_len,
                         check_algorithm(L, idx, def)};
    return o;
}

static tg_itemset_opts check_itemset_opts(lua_State *L, int idx, const tg_txdb *db, bool *count_only)
{
    static const char *const opts[] = {"min_support", "min_count", "max_len", "count", "kind", "algorithm", NULL};
    tg_lua_i_check_options(L, idx, opts);
    luaL_checktype(L, idx, LUA_TTABLE);
    tg_itemset_opts o = check_support(L, idx, db, TG_ECLAT);
    if (count_only) *count_only = tg_lua_i_opt_bool(L, idx, "count", false);
    return o;
}

/* Itemsets gathered into a userdata-owned buffer: arrays 0 items (int32),
 * 1 supports (int64), 2 lengths (int32).  The miner's callback must not
 * raise (a longjmp would skip the miner's cleanup): it only copies, and
 * stops the run when memory runs out. */
typedef struct gather { gbuf *b; int64_t n, used; } gather;

static int gather_one(void *ud, const int32_t *items, int len, int64_t support)
{
    gather *g = ud;
    if (!buf_reserve(g->b, 0, (size_t)(g->used + len)) || !buf_reserve(g->b, 1, (size_t)g->n + 1) ||
        !buf_reserve(g->b, 2, (size_t)g->n + 1))
        return 1;
    memcpy((int32_t *)g->b->p[0] + g->used, items, sizeof *items * (size_t)len);
    g->used += len;
    ((int32_t *)g->b->p[2])[g->n] = len;
    ((int64_t *)g->b->p[1])[g->n++] = support;
    return 0;
}

/* Sizes of the itemsets a filtered run finds (by_size has 65 entries). */
static int count_size(void *ud, const int32_t *items, int len, int64_t support)
{
    (void)items;
    (void)support;
    ((int64_t *)ud)[len < 64 ? len : 64]++;
    return 0;
}

/* Run the miner for kind 0 (all), TG_CLOSED or TG_MAXIMAL. */
static tg_status run_kind(const tg_txdb *db, const tg_itemset_opts *o, int kind, tg_itemset_fn fn, void *ud,
                          int64_t *n, int64_t *by_size, char *msg)
{
    if (!kind) return tg_mining_itemsets(db, o, fn, ud, n, by_size, msg);
    if (by_size) {
        memset(by_size, 0, sizeof *by_size * 65);
        return tg_mining_itemsets_filtered(db, o, (tg_itemset_kind)kind, count_size, by_size, n, msg);
    }
    return tg_mining_itemsets_filtered(db, o, (tg_itemset_kind)kind, fn, ud, n, msg);
}

/* db:itemsets{min_support = pct | min_count = n, max_len = k, count = false,
 *             kind = "all"|"closed"|"maximal"} */
static int m_itemsets(lua_State *L)
{
    tg_txdb *db = check_db(L, 1);
    bool count_only;
    tg_itemset_opts o = check_itemset_opts(L, 2, db, &count_only);
    const char *ks = tg_lua_i_opt_string(L, 2, "kind", "all");
    int kind = strcmp(ks, "closed") == 0 ? TG_CLOSED : strcmp(ks, "maximal") == 0 ? TG_MAXIMAL : 0;
    if (!kind && strcmp(ks, "all") != 0) luaL_argerror(L, 2, "field 'kind' must be 'all', 'closed' or 'maximal'");
    char msg[TG_MSG_LEN] = "";
    int64_t n = 0, by_size[65];
    if (count_only) {
        if (run_kind(db, &o, kind, NULL, NULL, &n, by_size, msg) != TG_OK) return luaL_error(L, "%s", msg);
        int top = o.max_len ? o.max_len : 64;
        while (top > 1 && by_size[top] == 0) top--;
        lua_createtable(L, 0, 4);
        lua_pushinteger(L, tg_txdb_count(db));
        lua_setfield(L, -2, "transactions");
        lua_pushinteger(L, n);
        lua_setfield(L, -2, "itemsets");
        lua_pushinteger(L, o.min_count);
        lua_setfield(L, -2, "min_count");
        lua_createtable(L, top, 0);
        for (int k = 1; k <= top && n > 0; k++) {
            lua_pushinteger(L, by_size[k]);
            lua_rawseti(L, -2, k);
        }
        lua_setfield(L, -2, "by_size");
        return 1;
    }
    /* One run into a buffer the stack owns: [buf] */
    gather g = {push_buf(L, sizeof(int32_t), sizeof(int64_t), sizeof(int32_t), 0, 0), 0, 0};
    if (run_kind(db, &o, kind, gather_one, &g, &n, NULL, msg) != TG_OK) return luaL_error(L, "%s", msg);
    if (g.b->nomem) return luaL_error(L, "mine.itemsets: out of memory");
    const int32_t *items = g.b->p[0], *lens = g.b->p[2];
    const int64_t *supp = g.b->p[1];
    lua_createtable(L, (int)(g.n < INT32_MAX ? g.n : INT32_MAX), 0);   /* [buf, list] */
    for (int64_t i = 0, at = 0; i < g.n; at += lens[i], i++) {
        lua_createtable(L, 0, 2);
        lua_createtable(L, lens[i], 0);
        for (int k = 0; k < lens[i]; k++) {
            lua_pushstring(L, tg_txdb_item_name(db, items[at + k]));
            lua_rawseti(L, -2, k + 1);
        }
        lua_setfield(L, -2, "items");
        lua_pushinteger(L, supp[i]);
        lua_setfield(L, -2, "support");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_pushcfunction(L, buf_gc);   /* free the buffer now rather than at the next collection */
    lua_pushvalue(L, -3);
    lua_call(L, 1, 0);
    return 1;
}

/* db:write_itemsets(path, {min_support = | min_count =, max_len =}) -> count */
static int m_write_itemsets(lua_State *L)
{
    tg_txdb *db = check_db(L, 1);
    const char *path = luaL_checkstring(L, 2);
    tg_itemset_opts o = check_itemset_opts(L, 3, db, NULL);
    if (tg_lua_is_sandboxed(L)) return luaL_error(L, "mine.write_itemsets: writing files is not allowed in the sandbox");
    FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
    if (!f) return luaL_error(L, "mine.write_itemsets: cannot open %s for writing", path);
    char msg[TG_MSG_LEN] = "";
    int64_t n = 0;
    tg_status s = tg_mining_write_itemsets(db, &o, f, &n, msg);
    if (f != stdout && fclose(f) != 0 && s == TG_OK) s = tg_msg(msg, TG_ERR_IO, "mine.write_itemsets: %s: close failed", path);
    if (s != TG_OK) return luaL_error(L, "%s", msg);
    lua_pushinteger(L, n);
    return 1;
}

/* Item indices for a list of item names in the options table (Lua scratch),
 * or NULL when the field is absent. */
static int32_t *item_list(lua_State *L, int idx, const char *key, const tg_txdb *db, int *n)
{
    *n = 0;
    if (tg_lua_i_rawfield(L, idx, key) == LUA_TNIL) {
        lua_pop(L, 1);
        return NULL;
    }
    if (!lua_istable(L, -1)) luaL_argerror(L, idx, lua_pushfstring(L, "field '%s' must be a list of items", key));
    int k = (int)lua_rawlen(L, -1);
    int32_t *v = lua_newuserdatauv(L, sizeof *v * (size_t)(k ? k : 1), 0);
    lua_insert(L, -2);   /* keep the scratch below the list; both stay on the stack */
    for (int i = 0; i < k; i++) {
        lua_rawgeti(L, -1, i + 1);
        const char *name = lua_tostring(L, -1);
        v[i] = name ? tg_txdb_item_index(db, name) : -1;
        if (v[i] < 0)
            luaL_argerror(L, idx, lua_pushfstring(L, "field '%s': no item '%s' in the transactions", key,
                                                  name ? name : luaL_typename(L, -1)));
        lua_pop(L, 1);
    }
    *n = k;
    return v;
}

/* Rules gathered into a userdata-owned buffer: arrays 0 items (body then
 * head of each rule, int32), 1 body lengths, 2 head lengths (int32),
 * 3 supports (int64), 4 measures (confidence, lift, leverage, conviction). */
typedef struct rule_gather { gbuf *b; int64_t n, used; } rule_gather;

static int rule_copy(void *ud, const tg_rule *r)
{
    rule_gather *g = ud;
    gbuf *b = g->b;
    size_t n = (size_t)g->n;
    if (!buf_reserve(b, 0, (size_t)(g->used + r->nbody + r->nhead)) || !buf_reserve(b, 1, n + 1) ||
        !buf_reserve(b, 2, n + 1) || !buf_reserve(b, 3, n + 1) || !buf_reserve(b, 4, 4 * (n + 1)))
        return 1;
    int32_t *items = (int32_t *)b->p[0] + g->used;
    memcpy(items, r->body, sizeof *r->body * (size_t)r->nbody);
    memcpy(items + r->nbody, r->head, sizeof *r->head * (size_t)r->nhead);
    g->used += r->nbody + r->nhead;
    ((int32_t *)b->p[1])[n] = r->nbody;
    ((int32_t *)b->p[2])[n] = r->nhead;
    ((int64_t *)b->p[3])[n] = r->support;
    double *m = (double *)b->p[4] + 4 * n;
    m[0] = r->confidence, m[1] = r->lift, m[2] = r->leverage, m[3] = r->conviction;
    g->n++;
    return 0;
}

static void push_names(lua_State *L, const tg_txdb *db, const int32_t *it, int n)
{
    lua_createtable(L, n, 0);
    for (int k = 0; k < n; k++) {
        lua_pushstring(L, tg_txdb_item_name(db, it[k]));
        lua_rawseti(L, -2, k + 1);
    }
}

/* db:rules{min_support = | min_count =, min_confidence = 0, min_lift = 0,
 *          min_leverage = 0 (none), min_conviction = 0,
 *          max_len = 0, max_head = 1, heads = {...}, bodies = {...},
 *          algorithm = "eclat"}
 * -> {{body = {...}, head = {...}, support =, confidence =, lift =,
 *      leverage =, conviction =}, ...} grouped by itemset (sort as needed). */
static int rules_with(lua_State *L, tg_mining_algorithm def)
{
    static const char *const opts[] = {"min_support", "min_count", "min_confidence", "min_lift", "min_leverage",
                                       "min_conviction", "max_len", "max_head", "heads", "bodies", "algorithm", NULL};
    tg_txdb *db = check_db(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    luaL_checktype(L, 2, LUA_TTABLE);
    tg_itemset_opts io = check_support(L, 2, db, def);
    tg_rule_opts o = {0};
    o.min_count = io.min_count;
    o.max_len = io.max_len;
    o.algorithm = io.algorithm;
    o.min_confidence = tg_lua_i_opt_number(L, 2, "min_confidence", 0);
    o.min_lift = tg_lua_i_opt_number(L, 2, "min_lift", 0);
    o.min_leverage = tg_lua_i_opt_number(L, 2, "min_leverage", 0);
    o.min_conviction = tg_lua_i_opt_number(L, 2, "min_conviction", 0);
    long long mh = tg_lua_i_opt_integer(L, 2, "max_head", 1);
    if (mh < 1 || mh > 63) luaL_argerror(L, 2, "max_head must be in 1..63");
    o.max_head = (int)mh;
    o.heads = item_list(L, 2, "heads", db, &o.nheads);
    o.bodies = item_list(L, 2, "bodies", db, &o.nbodies);
    char msg[TG_MSG_LEN] = "";
    rule_gather g = {push_buf(L, sizeof(int32_t), sizeof(int32_t), sizeof(int32_t), sizeof(int64_t), sizeof(double)),
                     0, 0};
    if (tg_mining_rules(db, &o, rule_copy, &g, NULL, msg) != TG_OK) return luaL_error(L, "%s", msg);
    if (g.b->nomem) return luaL_error(L, "mine.rules: out of memory");
    const int32_t *items = g.b->p[0], *nb = g.b->p[1], *nh = g.b->p[2];
    const int64_t *supp = g.b->p[3];
    const double *meas = g.b->p[4];
    static const char *const names[] = {"confidence", "lift", "leverage", "conviction"};
    lua_createtable(L, (int)(g.n < INT32_MAX ? g.n : INT32_MAX), 0);   /* [..., buf, list] */
    for (int64_t i = 0, at = 0; i < g.n; at += nb[i] + nh[i], i++) {
        lua_createtable(L, 0, 7);
        push_names(L, db, items + at, nb[i]);
        lua_setfield(L, -2, "body");
        push_names(L, db, items + at + nb[i], nh[i]);
        lua_setfield(L, -2, "head");
        lua_pushinteger(L, supp[i]);
        lua_setfield(L, -2, "support");
        for (int k = 0; k < 4; k++) {
            lua_pushnumber(L, meas[4 * i + k]);
            lua_setfield(L, -2, names[k]);
        }
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_pushcfunction(L, buf_gc);
    lua_pushvalue(L, -3);
    lua_call(L, 1, 0);
    return 1;
}

static int m_rules(lua_State *L) { return rules_with(L, TG_ECLAT); }

/* tg.mine.apriori(transactions, {min_support =, min_confidence =, ...}):
 * the association rules of db:rules, found with Apriori unless the options
 * name another algorithm.  transactions: a database (tg.mine.read_fimi,
 * tg.mine.transactions, log:transactions) or a list of lists of items. */
static int l_transactions(lua_State *L);

static int l_apriori(lua_State *L)
{
    if (lua_type(L, 1) == LUA_TTABLE) {
        lua_pushcfunction(L, l_transactions);
        lua_pushvalue(L, 1);
        lua_call(L, 1, 1);
        lua_replace(L, 1);
    }
    check_db(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    return rules_with(L, TG_APRIORI);
}

/* ---- redundancy allocation ---- */

#define RAP_MT "tg.RAP"

typedef struct lrap { tg_rap *p; } lrap;

static tg_rap *check_rap(lua_State *L, int idx)
{
    lrap *u = luaL_checkudata(L, idx, RAP_MT);
    if (!u->p) luaL_error(L, "mine.rap: closed problem");
    return u->p;
}

/* tg.mine.rap(path) -> problem */
static int l_rap(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    lrap *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->p = NULL;
    luaL_setmetatable(L, RAP_MT);
    char msg[TG_MSG_LEN] = "";
    if (tg_rap_read(path, &u->p, msg) != TG_OK) return luaL_error(L, "%s", msg);
    return 1;
}

/* {reliability=, cost=, weight_used=, design = {{k1, k2, ...} per subsystem}} */
static int push_design(lua_State *L, const tg_rap *p, const int32_t *k, double R)
{
    double r, c, w;
    tg_rap_evaluate(p, k, &r, &c, &w);
    lua_createtable(L, 0, 4);
    lua_pushnumber(L, R);
    lua_setfield(L, -2, "reliability");
    lua_pushnumber(L, c);
    lua_setfield(L, -2, "cost");
    lua_pushnumber(L, w);
    lua_setfield(L, -2, "weight_used");
    lua_createtable(L, tg_rap_subsystems(p), 0);
    for (int i = 0; i < tg_rap_subsystems(p); i++) {
        lua_createtable(L, tg_rap_types(p, i), 0);
        for (int j = 0; j < tg_rap_types(p, i); j++) {
            lua_pushinteger(L, k[i * 8 + j]);
            lua_rawseti(L, -2, j + 1);
        }
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "design");
    return 1;
}

/* problem:exact(W) -> design (dynamic programming, the true optimum) */
static int r_exact(lua_State *L)
{
    tg_rap *p = check_rap(L, 1);
    lua_Integer W = luaL_checkinteger(L, 2);
    luaL_argcheck(L, W >= 0 && W <= 100000, 2, "weight limit must be in 0..100000");
    int32_t *k = lua_newuserdatauv(L, sizeof *k * 8 * (size_t)tg_rap_subsystems(p), 0);
    double R;
    char msg[TG_MSG_LEN] = "";
    if (tg_rap_exact(p, (int)W, &R, k, NULL, msg) != TG_OK) return luaL_error(L, "%s", msg);
    return push_design(L, p, k, R);
}

/* problem:ga(W, {seed = 1, evaluations = 100000}) -> design, evaluations at best */
static int r_ga(lua_State *L)
{
    static const char *const opts[] = {"seed", "evaluations", NULL};
    tg_rap *p = check_rap(L, 1);
    lua_Integer W = luaL_checkinteger(L, 2);
    luaL_argcheck(L, W >= 0 && W <= 100000, 2, "weight limit must be in 0..100000");
    tg_lua_i_check_options(L, 3, opts);
    long long seed = tg_lua_i_opt_integer(L, 3, "seed", 1), evals = tg_lua_i_opt_integer(L, 3, "evaluations", 100000);
    if (evals < 100) luaL_argerror(L, 3, "evaluations must be >= 100");
    int32_t *k = lua_newuserdatauv(L, sizeof *k * 8 * (size_t)tg_rap_subsystems(p), 0);
    double R;
    int64_t at = 0;
    char msg[TG_MSG_LEN] = "";
    if (tg_rap_ga(p, (int)W, evals, (uint64_t)seed, &R, k, &at, msg) != TG_OK) return luaL_error(L, "%s", msg);
    push_design(L, p, k, R);
    lua_pushinteger(L, at);
    return 2;
}

static int r_gc(lua_State *L)
{
    lrap *u = luaL_checkudata(L, 1, RAP_MT);
    tg_rap_free(&u->p);
    return 0;
}

static void open_rap_meta(lua_State *L)
{
    static const luaL_Reg methods[] = {{"exact", r_exact}, {"ga", r_ga}, {NULL, NULL}};
    luaL_newmetatable(L, RAP_MT);
    lua_pushcfunction(L, r_gc);
    lua_setfield(L, -2, "__gc");
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
}

static int m_count(lua_State *L)
{
    lua_pushinteger(L, tg_txdb_count(check_db(L, 1)));
    return 1;
}

static int m_item_count(lua_State *L)
{
    lua_pushinteger(L, tg_txdb_item_count(check_db(L, 1)));
    return 1;
}

static int m_gc(lua_State *L)
{
    ltxdb *u = luaL_checkudata(L, 1, TXDB_MT);
    tg_txdb_free(&u->db);
    return 0;
}

static int m_tostring(lua_State *L)
{
    ltxdb *u = luaL_checkudata(L, 1, TXDB_MT);
    if (!u->db) lua_pushliteral(L, "tg.mine transactions (closed)");
    else lua_pushfstring(L, "tg.mine transactions (%d transactions, %d items)", (int)tg_txdb_count(u->db),
                         (int)tg_txdb_item_count(u->db));
    return 1;
}

int tg_lua_i_open_mining(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"itemsets", m_itemsets}, {"write_itemsets", m_write_itemsets}, {"rules", m_rules},
        {"count", m_count},
        {"item_count", m_item_count}, {"close", m_gc}, {NULL, NULL},
    };
    static const luaL_Reg meta[] = {
        {"__gc", m_gc}, {"__close", m_gc}, {"__tostring", m_tostring}, {"__len", m_count}, {NULL, NULL},
    };
    open_log_meta(L);
    open_rap_meta(L);
    luaL_newmetatable(L, BUF_MT);
    lua_pushcfunction(L, buf_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    luaL_newmetatable(L, TXDB_MT);
    luaL_setfuncs(L, meta, 0);
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    static const luaL_Reg funcs[] = {
        {"read_fimi", l_read_fimi}, {"read_events", l_read_events}, {"transactions", l_transactions},
        {"apriori", l_apriori},
        {"rap", l_rap},
        {NULL, NULL},
    };
    luaL_newlib(L, funcs);
    return 1;
}
