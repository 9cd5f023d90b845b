/* lgraph.c: tg.graph, the Lua binding of src/graph.
 *
 * Nodes are named by their string ids in Lua, edges by their id or by a
 * {source, target} pair.  Per-node results come back as tg.Vector (see
 * lvector.c); small results as tables keyed by node id.  Every C failure
 * becomes a Lua error carrying the C message ("graph.betweenness: ..."),
 * raised only after C memory is freed: result buffers are Lua userdata so
 * a raised error leaks nothing. */
#include <lauxlib.h>
#include <math.h>
#include <string.h>

#include "lgraph_internal.h"
#include "tg_lua.h"

typedef struct lgraph { tg_graph *g; } lgraph;

tg_graph *tg_lua_i_graph(lua_State *L, int idx)
{
    lgraph *u = luaL_checkudata(L, idx, GRAPH_MT);
    if (!u->g) luaL_error(L, "graph: attempt to use a closed graph");
    return u->g;
}

void tg_lua_i_push_graph(lua_State *L, tg_graph **g)
{
    /* Create the userdata empty, then take ownership: a memory error in
     * lua_newuserdatauv leaves *g with the caller. */
    lgraph *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->g = NULL;
    luaL_setmetatable(L, GRAPH_MT);
    u->g = *g;
    *g = NULL;
}

static int fail(lua_State *L, const char *msg) { return luaL_error(L, "%s", msg); }

/* Scratch memory owned by Lua (freed by the GC even if we raise). */
static void *scratch(lua_State *L, size_t n) { return lua_newuserdatauv(L, n ? n : 1, 0); }

static int64_t check_node(lua_State *L, tg_graph *g, int arg)
{
    const char *id = luaL_checkstring(L, arg);
    int64_t v = tg_graph_node_index(g, id);
    if (v < 0) {
        lua_pushfstring(L, "no node '%s'", id);
        luaL_argerror(L, arg, lua_tostring(L, -1));
    }
    return v;
}

static tg_mode check_mode(lua_State *L, int idx, const char *def)
{
    static const char *const names[] = {"out", "in", "all", NULL};
    static const tg_mode modes[] = {TG_OUT, TG_IN, TG_ALL};
    const char *m = tg_lua_i_opt_string(L, idx, "mode", def);
    for (int i = 0; names[i]; i++)
        if (strcmp(m, names[i]) == 0) return modes[i];
    lua_pushfstring(L, "field 'mode' must be 'out', 'in' or 'all', got '%s'", m);
    luaL_argerror(L, idx, lua_tostring(L, -1));
    return TG_ALL;
}

/* ---- construction and files ------------------------------------------- */

static int l_new(lua_State *L)
{
    static const char *const opts[] = {"directed", NULL};
    tg_lua_i_check_options(L, 1, opts);
    bool directed = tg_lua_i_opt_bool(L, 1, "directed", false);
    char msg[TG_MSG_LEN] = "";
    tg_graph *g = NULL;
    if (tg_graph_new(&g, directed, msg) != TG_OK) return fail(L, msg);
    tg_lua_i_push_graph(L, &g);
    return 1;
}

static int l_load(lua_State *L)
{
    static const char *const opts[] = {"format", "directed", "labels", NULL};
    const char *path = luaL_checkstring(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    tg_read_opts ro = {.directed = -1};
    ro.format = tg_lua_i_opt_string(L, 2, "format", NULL);
    ro.labels = tg_lua_i_opt_string(L, 2, "labels", NULL);
    if (!lua_isnoneornil(L, 2)) {
        tg_lua_i_rawfield(L, 2, "directed");
        if (!lua_isnil(L, -1)) {
            luaL_argcheck(L, lua_isboolean(L, -1), 2, "field 'directed' must be a boolean");
            ro.directed = lua_toboolean(L, -1);
        }
        lua_pop(L, 1);
    }
    char msg[TG_MSG_LEN] = "";
    tg_graph *g = NULL;
    if (tg_graph_read(path, &ro, &g, msg) != TG_OK) return fail(L, msg);
    tg_lua_i_push_graph(L, &g);
    return 1;
}

static int m_save(lua_State *L)
{
    static const char *const opts[] = {"format", NULL};
    tg_graph *g = tg_lua_i_graph(L, 1);
    const char *path = luaL_checkstring(L, 2);
    tg_lua_i_check_options(L, 3, opts);
    const char *format = tg_lua_i_opt_string(L, 3, "format", NULL);
    if (tg_lua_is_sandboxed(L)) return luaL_error(L, "graph.save: writing files is not allowed in the sandbox");
    char msg[TG_MSG_LEN] = "";
    if (tg_graph_write(g, path, format, msg) != TG_OK) return fail(L, msg);
    lua_settop(L, 1);
    return 1;
}

static int m_close(lua_State *L)
{
    lgraph *u = luaL_checkudata(L, 1, GRAPH_MT);
    tg_graph_free(&u->g);
    return 0;
}

static int m_tostring(lua_State *L)
{
    lgraph *u = luaL_checkudata(L, 1, GRAPH_MT);
    if (!u->g) lua_pushliteral(L, "tg.graph (closed)");
    else
        lua_pushfstring(L, "tg.graph (%s, %d nodes, %d edges)",
                        tg_graph_is_directed(u->g) ? "directed" : "undirected",
                        (int)tg_graph_node_count(u->g), (int)tg_graph_edge_count(u->g));
    return 1;
}

/* ---- values ------------------------------------------------------------ */

static void push_value(lua_State *L, const tg_graph *g, tg_elem elem, int col, int64_t i)
{
    switch (tg_graph_attr_type(g, elem, col)) {
    case TG_DOUBLE: {
        double v = tg_graph_attr_doubles(g, elem, col)[i];
        if (isnan(v)) lua_pushnil(L);
        else lua_pushnumber(L, v);
        break;
    }
    case TG_INT: {
        int64_t v = tg_graph_attr_ints(g, elem, col)[i];
        if (v == TG_INT_MISSING) lua_pushnil(L);
        else lua_pushinteger(L, (lua_Integer)v);
        break;
    }
    default: {
        const char *s = tg_graph_attr_strings(g, elem, col)[i];
        if (s) lua_pushstring(L, s);
        else lua_pushnil(L);
    }
    }
}

/* Set attribute `name` of element i from the Lua value at vidx. */
static void set_value(lua_State *L, tg_graph *g, tg_elem elem, const char *name, int64_t i, int vidx)
{
    char msg[TG_MSG_LEN] = "";
    tg_status s;
    int col = tg_graph_attr_find(g, elem, name);
    int t = lua_type(L, vidx);
    if (t == LUA_TNIL) {
        if (col < 0) return;
        switch (tg_graph_attr_type(g, elem, col)) {
        case TG_DOUBLE: s = tg_graph_set_double(g, elem, name, i, NAN, msg); break;
        case TG_INT: s = tg_graph_set_int(g, elem, name, i, TG_INT_MISSING, msg); break;
        default: s = tg_graph_set_string(g, elem, name, i, NULL, msg);
        }
    } else if (t == LUA_TNUMBER) {
        bool as_int = col >= 0 ? tg_graph_attr_type(g, elem, col) == TG_INT : lua_isinteger(L, vidx);
        if (as_int) {
            int isint = 0;
            lua_Integer v = lua_tointegerx(L, vidx, &isint);
            if (!isint) luaL_error(L, "graph: attribute '%s' holds integers, got %s", name,
                                   lua_tostring(L, vidx));
            s = tg_graph_set_int(g, elem, name, i, v, msg);
        } else {
            s = tg_graph_set_double(g, elem, name, i, lua_tonumber(L, vidx), msg);
        }
    } else if (t == LUA_TSTRING) {
        s = tg_graph_set_string(g, elem, name, i, lua_tostring(L, vidx), msg);
    } else if (t == LUA_TBOOLEAN) {
        s = tg_graph_set_int(g, elem, name, i, lua_toboolean(L, vidx), msg);
    } else {
        luaL_error(L, "graph: attribute '%s' cannot hold a %s", name, luaL_typename(L, vidx));
        return;
    }
    if (s != TG_OK) luaL_error(L, "%s", msg);
}

/* Set every field of the table at tidx except those in skip[]. */
static void set_fields(lua_State *L, tg_graph *g, tg_elem elem, int64_t i, int tidx,
                       const char *const *skip)
{
    lua_pushnil(L);
    while (lua_next(L, tidx)) {
        if (lua_type(L, -2) != LUA_TSTRING)
            luaL_error(L, "graph: attribute names must be strings");
        const char *k = lua_tostring(L, -2);
        bool skipped = false;
        for (const char *const *s = skip; *s && !skipped; s++) skipped = strcmp(*s, k) == 0;
        if (!skipped) set_value(L, g, elem, k, i, lua_gettop(L));
        lua_pop(L, 1);
    }
}

/* ---- nodes and edges --------------------------------------------------- */

/* g:add_node(id [, {type = ..., attr = value, ...}]) -> g */
static int m_add_node(lua_State *L)
{
    tg_graph *g = tg_lua_i_graph(L, 1);
    const char *id = luaL_checkstring(L, 2);
    if (!lua_isnoneornil(L, 3)) luaL_checktype(L, 3, LUA_TTABLE);
    const char *type = NULL;
    if (!lua_isnoneornil(L, 3)) {
        tg_lua_i_rawfield(L, 3, "type");
        if (!lua_isnil(L, -1) && !lua_isstring(L, -1))
            luaL_argerror(L, 3, "field 'type' must be a string");
        type = lua_tostring(L, -1);
        lua_pop(L, 1);
    }
    char msg[TG_MSG_LEN] = "";
    int64_t v;
    if (tg_graph_add_node(g, id, type, &v, msg) != TG_OK) return fail(L, msg);
    if (!lua_isnoneornil(L, 3)) {
        static const char *const skip[] = {"type", "id", NULL};
        set_fields(L, g, TG_NODES, v, 3, skip);
    }
    lua_settop(L, 1);
    return 1;
}

/* g:add_edge(source, target [, {id = ..., attr = value, ...}]) -> g */
static int m_add_edge(lua_State *L)
{
    tg_graph *g = tg_lua_i_graph(L, 1);
    int64_t a = check_node(L, g, 2), b = check_node(L, g, 3);
    if (!lua_isnoneornil(L, 4)) luaL_checktype(L, 4, LUA_TTABLE);
    const char *id = NULL;
    if (!lua_isnoneornil(L, 4)) {
        tg_lua_i_rawfield(L, 4, "id");
        if (!lua_isnil(L, -1) && lua_type(L, -1) != LUA_TSTRING)
            luaL_argerror(L, 4, "field 'id' must be a string");
        id = lua_tostring(L, -1);
        lua_pop(L, 1);
    }
    char msg[TG_MSG_LEN] = "";
    int64_t e;
    if (tg_graph_add_edge(g, id, a, b, &e, msg) != TG_OK) return fail(L, msg);
    if (!lua_isnoneornil(L, 4)) {
        static const char *const skip[] = {"id", NULL};
        set_fields(L, g, TG_EDGES, e, 4, skip);
    }
    lua_settop(L, 1);
    return 1;
}

/* An edge named by its id, or by source and target (two arguments).  An
 * edge id wins when the first argument is one. */
static int64_t check_edge(lua_State *L, tg_graph *g, int arg, int *nargs)
{
    const char *first = luaL_checkstring(L, arg);
    int64_t e = tg_graph_edge_index(g, first);
    if (e >= 0) {
        *nargs = 1;
        return e;
    }
    if (lua_type(L, arg + 1) == LUA_TSTRING && tg_graph_node_index(g, first) >= 0 &&
        tg_graph_node_index(g, lua_tostring(L, arg + 1)) >= 0) {
        int64_t a = check_node(L, g, arg), b = check_node(L, g, arg + 1);
        e = tg_graph_find_edge(g, a, b);
        if (e < 0) luaL_error(L, "graph: no edge '%s' -> '%s'", first, lua_tostring(L, arg + 1));
        *nargs = 2;
        return e;
    }
    lua_pushfstring(L, "no edge with id '%s'", first);
    luaL_argerror(L, arg, lua_tostring(L, -1));
    return -1;
}

static int m_node_count(lua_State *L)
{
    lua_pushinteger(L, tg_graph_node_count(tg_lua_i_graph(L, 1)));
    return 1;
}

static int m_edge_count(lua_State *L)
{
    lua_pushinteger(L, tg_graph_edge_count(tg_lua_i_graph(L, 1)));
    return 1;
}

static int m_is_directed(lua_State *L)
{
    lua_pushboolean(L, tg_graph_is_directed(tg_lua_i_graph(L, 1)));
    return 1;
}

static int m_has_node(lua_State *L)
{
    tg_graph *g = tg_lua_i_graph(L, 1);
    lua_pushboolean(L, tg_graph_node_index(g, luaL_checkstring(L, 2)) >= 0);
    return 1;
}

/* g:nodes([type]) -> {id, ...} in index order, optionally of one type. */
static int m_nodes(lua_State *L)
{
    tg_graph *g = tg_lua_i_graph(L, 1);
    const char *type = luaL_optstring(L, 2, NULL);
    int64_t n = tg_graph_node_count(g);
    lua_createtable(L, (int)n, 0);
    lua_Integer k = 0;
    for (int64_t v = 0; v < n; v++) {
        if (type && strcmp(tg_graph_node_type(g, v), type) != 0) continue;
        lua_pushstring(L, tg_graph_node_id(g, v));
        lua_rawseti(L, -2, ++k);
    }
    return 1;
}

static void push_edge_row(lua_State *L, tg_graph *g, int64_t e)
{
    int64_t a, b;
    tg_graph_edge_ends(g, e, &a, &b);
    lua_createtable(L, 0, 3);
    lua_pushstring(L, tg_graph_node_id(g, a));
    lua_setfield(L, -2, "source");
    lua_pushstring(L, tg_graph_node_id(g, b));
    lua_setfield(L, -2, "target");
    const char *id = tg_graph_edge_id(g, e);
    if (id) {
        lua_pushstring(L, id);
        lua_setfield(L, -2, "id");
    }
}

/* C functions hand back index lists allocated with tg_malloc.  The caller
 * makes Lua-owned room for the answer before the C call; adopt() copies
 * the list there and frees it, so no Lua error can strike while C memory
 * is held.  Then the ids (or edge rows) are pushed as a list. */
static int64_t *adopt(int64_t *room, int64_t *list, int64_t n)
{
    memcpy(room, list, sizeof *room * (size_t)n);
    tg_free(list);
    return room;
}

static void push_ids(lua_State *L, tg_graph *g, const int64_t *v, int64_t n)
{
    lua_createtable(L, (int)n, 0);
    for (int64_t k = 0; k < n; k++) {
        lua_pushstring(L, tg_graph_node_id(g, v[k]));
        lua_rawseti(L, -2, k + 1);
    }
}

static void push_edge_rows(lua_State *L, tg_graph *g, const int64_t *e, int64_t n)
{
    lua_createtable(L, (int)n, 0);
    for (int64_t k = 0; k < n; k++) {
        push_edge_row(L, g, e[k]);
        lua_rawseti(L, -2, k + 1);
    }
}

/* g:edges() -> {{source=, target=, id=}, ...} in index order. */
static int m_edges(lua_State *L)
{
    tg_graph *g = tg_lua_i_graph(L, 1);
    int64_t m = tg_graph_edge_count(g);
    lua_createtable(L, (int)m, 0);
    for (int64_t e = 0; e < m; e++) {
        push_edge_row(L, g, e);
        lua_rawseti(L, -2, e + 1);
    }
    return 1;
}

static void push_attrs(lua_State *L, tg_graph *g, tg_elem elem, int64_t i)
{
    for (int c = 0; c < tg_graph_attr_count(g, elem); c++) {
        push_value(L, g, elem, c, i);
        lua_setfield(L, -2, tg_graph_attr_name(g, elem, c));
    }
}

/* g:node(id) -> {id=, type=, attr=value, ...} */
static int m_node(lua_State *L)
{
    tg_graph *g = tg_lua_i_graph(L, 1);
    int64_t v = check_node(L, g, 2);
    lua_createtable(L, 0, tg_graph_attr_count(g, TG_NODES) + 2);
    push_attrs(L, g, TG_NODES, v);
    lua_pushstring(L, tg_graph_node_id(g, v));
    lua_setfield(L, -2, "id");
    lua_pushstring(L, tg_graph_node_type(g, v));
    lua_setfield(L, -2, "type");
    return 1;
}

/* g:edge(id) or g:edge(source, target) -> {source=, target=, id=, attr=...} */
static int m_edge(lua_State *L)
{
    tg_graph *g = tg_lua_i_graph(L, 1);
    int nargs;
    int64_t e = check_edge(L, g, 2, &nargs);
    push_edge_row(L, g, e);
    push_attrs(L, g, TG_EDGES, e);
    return 1;
}

/* g:get(id, attr) -> value; "type" and "id" work too. */
static int m_get(lua_State *L)
{
    tg_graph *g = tg_lua_i_graph(L, 1);
    int64_t v = check_node(L, g, 2);
    const char *name = luaL_checkstring(L, 3);
    if (strcmp(name, "type") == 0) {
        lua_pushstring(L, tg_graph_node_type(g, v));
        return 1;
    }
    if (strcmp(name, "id") == 0) {
        lua_pushstring(L, tg_graph_node_id(g, v));
        return 1;
    }
    int col = tg_graph_attr_find(g, TG_NODES, name);
    if (col < 0) lua_pushnil(L);
    else push_value(L, g, TG_NODES, col, v);
    return 1;
}

/* g:set(id, attr, value) or g:set(id, {attr = value, ...}) -> g */
static int m_set(lua_State *L)
{
    tg_graph *g = tg_lua_i_graph(L, 1);
    int64_t v = check_node(L, g, 2);
    char msg[TG_MSG_LEN] = "";
    if (lua_istable(L, 3)) {
        tg_lua_i_rawfield(L, 3, "type");
        if (!lua_isnil(L, -1)) {
            if (lua_type(L, -1) != LUA_TSTRING) luaL_argerror(L, 3, "field 'type' must be a string");
            if (tg_graph_set_node_type(g, v, lua_tostring(L, -1), msg) != TG_OK) return fail(L, msg);
        }
        lua_pop(L, 1);
        static const char *const skip[] = {"type", "id", NULL};
        set_fields(L, g, TG_NODES, v, 3, skip);
    } else {
        const char *name = luaL_checkstring(L, 3);
        luaL_checkany(L, 4);
        if (strcmp(name, "id") == 0) return luaL_argerror(L, 3, "node ids cannot be changed");
        if (strcmp(name, "type") == 0) {
            if (tg_graph_set_node_type(g, v, luaL_checkstring(L, 4), msg) != TG_OK) return fail(L, msg);
        } else {
            set_value(L, g, TG_NODES, name, v, 4);
        }
    }
    lua_settop(L, 1);
    return 1;
}

/* g:set_edge(id, attr, value) | g:set_edge(source, target, attr, value) |
 * with a table of values in place of attr, value. */
static int m_set_edge(lua_State *L)
{
    tg_graph *g = tg_lua_i_graph(L, 1);
    int nargs;
    int64_t e = check_edge(L, g, 2, &nargs);
    int a = 2 + nargs;
    if (lua_istable(L, a)) {
        static const char *const skip[] = {"id", "source", "target", NULL};
        set_fields(L, g, TG_EDGES, e, a, skip);
    } else {
        const char *name = luaL_checkstring(L, a);
        luaL_checkany(L, a + 1);
        set_value(L, g, TG_EDGES, name, e, a + 1);
    }
    lua_settop(L, 1);
    return 1;
}

/* g:attributes("node"|"edge") -> {{name=, type=}, ...} */
static int m_attributes(lua_State *L)
{
    tg_graph *g = tg_lua_i_graph(L, 1);
    static const char *const elems[] = {"node", "edge", NULL};
    tg_elem elem = (tg_elem)luaL_checkoption(L, 2, "node", elems);
    static const char *const tnames[] = {"double", "int", "string"};
    int n = tg_graph_attr_count(g, elem);
    lua_createtable(L, n, 0);
    for (int c = 0; c < n; c++) {
        lua_createtable(L, 0, 2);
        lua_pushstring(L, tg_graph_attr_name(g, elem, c));
        lua_setfield(L, -2, "name");
        lua_pushstring(L, tnames[tg_graph_attr_type(g, elem, c)]);
        lua_setfield(L, -2, "type");
        lua_rawseti(L, -2, c + 1);
    }
    return 1;
}

/* Node indices from a string id or a list of ids at arg (Lua scratch). */
static int64_t *check_node_list(lua_State *L, tg_graph *g, int arg, int64_t *n)
{
    if (lua_type(L, arg) == LUA_TSTRING) {
        int64_t *v = scratch(L, sizeof *v);
        v[0] = check_node(L, g, arg);
        *n = 1;
        return v;
    }
    luaL_checktype(L, arg, LUA_TTABLE);
    int64_t k = (int64_t)lua_rawlen(L, arg);
    int64_t *v = scratch(L, sizeof *v * (size_t)k);
    for (int64_t i = 0; i < k; i++) {
        lua_rawgeti(L, arg, i + 1);
        const char *id = lua_tostring(L, -1);
        v[i] = id ? tg_graph_node_index(g, id) : -1;
        if (v[i] < 0) luaL_error(L, "graph: bad argument #%d: entry %d: no node '%s'", arg - 1,
                                 (int)(i + 1), id ? id : luaL_typename(L, -1));
        lua_pop(L, 1);
    }
    *n = k;
    return v;
}

/* g:remove_nodes(id | {ids}) -> g */
static int m_remove_nodes(lua_State *L)
{
    tg_graph *g = tg_lua_i_graph(L, 1);
    int64_t n;
    int64_t *v = check_node_list(L, g, 2, &n);
    char msg[TG_MSG_LEN] = "";
    if (tg_graph_remove_nodes(g, n, v, msg) != TG_OK) return fail(L, msg);
    lua_settop(L, 1);
    return 1;
}

/* g:remove_edge(id) or g:remove_edge(source, target) -> g */
static int m_remove_edge(lua_State *L)
{
    tg_graph *g = tg_lua_i_graph(L, 1);
    int nargs;
    int64_t e = check_edge(L, g, 2, &nargs);
    char msg[TG_MSG_LEN] = "";
    if (tg_graph_remove_edges(g, 1, &e, msg) != TG_OK) return fail(L, msg);
    lua_settop(L, 1);
    return 1;
}

/* g:subgraph({ids}) -> new graph */
static int m_subgraph(lua_State *L)
{
    tg_graph *g = tg_lua_i_graph(L, 1);
    int64_t n;
    int64_t *v = check_node_list(L, g, 2, &n);
    char msg[TG_MSG_LEN] = "";
    tg_graph *h = NULL;
    if (tg_graph_subgraph(g, n, v, &h, msg) != TG_OK) return fail(L, msg);
    tg_lua_i_push_graph(L, &h);
    return 1;
}

static int m_copy(lua_State *L)
{
    tg_graph *g = tg_lua_i_graph(L, 1);
    char msg[TG_MSG_LEN] = "";
    tg_graph *h = NULL;
    if (tg_graph_copy(g, &h, msg) != TG_OK) return fail(L, msg);
    tg_lua_i_push_graph(L, &h);
    return 1;
}

/* g:undirected{weights = attr} -> simple undirected view (new graph) */
static int m_undirected(lua_State *L)
{
    static const char *const opts[] = {"weights", NULL};
    tg_graph *g = tg_lua_i_graph(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    const char *w = tg_lua_i_opt_string(L, 2, "weights", NULL);
    char msg[TG_MSG_LEN] = "";
    tg_graph *h = NULL;
    if (tg_graph_undirected_simple(g, w, &h, msg) != TG_OK) return fail(L, msg);
    tg_lua_i_push_graph(L, &h);
    return 1;
}

/* g:select(attr, op, value) -> {ids}: g:select("type", "==", "valve"),
 * g:select("failure_rate", ">", 1e-5) */
static int m_select(lua_State *L)
{
    tg_graph *g = tg_lua_i_graph(L, 1);
    const char *name = luaL_checkstring(L, 2);
    const char *op = luaL_checkstring(L, 3);
    luaL_checkany(L, 4);
    double value = 0;
    const char *svalue = NULL;
    if (lua_type(L, 4) == LUA_TSTRING) svalue = lua_tostring(L, 4);
    else value = luaL_checknumber(L, 4);
    int64_t *copy = scratch(L, sizeof *copy * (size_t)tg_graph_node_count(g));
    char msg[TG_MSG_LEN] = "";
    int64_t *sel = NULL, n = 0;
    if (tg_graph_select_nodes(g, name, op, value, svalue, &sel, &n, msg) != TG_OK) return fail(L, msg);
    push_ids(L, g, adopt(copy, sel, n), n);
    return 1;
}

/* g:filter(function(node) -> bool) -> subgraph of the nodes kept.  node is
 * the table g:node(id) gives.  The callback may not add or remove nodes or
 * edges (or close g): that is detected and refused. */
static int m_filter(lua_State *L)
{
    tg_graph *g = tg_lua_i_graph(L, 1);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    uint64_t sv = tg_graph_structure_version(g);
    int64_t n = tg_graph_node_count(g), k = 0;
    int64_t *keep = scratch(L, sizeof *keep * (size_t)n);
    for (int64_t v = 0; v < n; v++) {
        lua_pushvalue(L, 2);
        lua_pushcfunction(L, m_node);
        lua_pushvalue(L, 1);
        lua_pushstring(L, tg_graph_node_id(g, v));
        lua_call(L, 2, 1);
        lua_call(L, 1, 1);
        g = tg_lua_i_graph(L, 1);    /* raises if the callback closed it */
        if (tg_graph_structure_version(g) != sv)
            return luaL_error(L, "graph.filter: the callback changed the graph's nodes or edges");
        if (lua_toboolean(L, -1)) keep[k++] = v;
        lua_pop(L, 1);
    }
    char msg[TG_MSG_LEN] = "";
    tg_graph *h = NULL;
    if (tg_graph_subgraph(g, k, keep, &h, msg) != TG_OK) return fail(L, msg);
    tg_lua_i_push_graph(L, &h);
    return 1;
}

/* g:neighbors(id, {mode = "out"|"in"|"all"}) -> {ids} */
static int m_neighbors(lua_State *L)
{
    static const char *const opts[] = {"mode", NULL};
    tg_graph *g = tg_lua_i_graph(L, 1);
    int64_t v = check_node(L, g, 2);
    tg_lua_i_check_options(L, 3, opts);
    tg_mode mode = check_mode(L, 3, "out");
    int64_t *copy = scratch(L, sizeof *copy * (size_t)(2 * tg_graph_edge_count(g)));
    int64_t *nb = NULL, k = 0;
    char msg[TG_MSG_LEN] = "";
    if (tg_graph_neighbors(g, v, mode, &nb, &k, msg) != TG_OK) return fail(L, msg);
    push_ids(L, g, adopt(copy, nb, k), k);
    return 1;
}

/* ---- algorithms -------------------------------------------------------- */

static const char *const W_OPTS[] = {"weights", NULL};

static int m_degree(lua_State *L)
{
    static const char *const opts[] = {"mode", "loops", NULL};
    tg_graph *g = tg_lua_i_graph(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    tg_mode mode = check_mode(L, 2, "all");
    bool loops = tg_lua_i_opt_bool(L, 2, "loops", true);
    double *out = tg_lua_i_new_vector(L, tg_graph_node_count(g), 1);
    char msg[TG_MSG_LEN] = "";
    if (tg_graph_degree(g, mode, loops, out, msg) != TG_OK) return fail(L, msg);
    return 1;
}

static int m_strength(lua_State *L)
{
    static const char *const opts[] = {"mode", "weights", NULL};
    tg_graph *g = tg_lua_i_graph(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    tg_mode mode = check_mode(L, 2, "all");
    const char *w = tg_lua_i_opt_string(L, 2, "weights", NULL);
    double *out = tg_lua_i_new_vector(L, tg_graph_node_count(g), 1);
    char msg[TG_MSG_LEN] = "";
    if (tg_graph_strength(g, w, mode, out, msg) != TG_OK) return fail(L, msg);
    return 1;
}

/* g:components{strong = false} -> {count=, largest=, membership = vector (1-based)} */
static int m_components(lua_State *L)
{
    static const char *const opts[] = {"strong", NULL};
    tg_graph *g = tg_lua_i_graph(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    bool strong = tg_lua_i_opt_bool(L, 2, "strong", false);
    int64_t n = tg_graph_node_count(g), count = 0, largest = 0;
    int64_t *memb = scratch(L, sizeof *memb * (size_t)n);
    char msg[TG_MSG_LEN] = "";
    if (tg_graph_components(g, strong, memb, &count, &largest, msg) != TG_OK) return fail(L, msg);
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, count);
    lua_setfield(L, -2, "count");
    lua_pushinteger(L, largest);
    lua_setfield(L, -2, "largest");
    double *out = tg_lua_i_new_vector(L, n, 1);
    for (int64_t v = 0; v < n; v++) out[v] = (double)(memb[v] + 1);
    lua_setfield(L, -2, "membership");
    return 1;
}

/* g:largest_component() -> subgraph on the largest weakly connected component */
static int m_largest_component(lua_State *L)
{
    tg_graph *g = tg_lua_i_graph(L, 1);
    int64_t n = tg_graph_node_count(g), count = 0;
    int64_t *memb = scratch(L, sizeof *memb * (size_t)n);
    int64_t *size = scratch(L, sizeof *size * (size_t)n);
    char msg[TG_MSG_LEN] = "";
    if (tg_graph_components(g, false, memb, &count, NULL, msg) != TG_OK) return fail(L, msg);
    memset(size, 0, sizeof *size * (size_t)n);
    int64_t best = 0;
    for (int64_t v = 0; v < n; v++) size[memb[v]]++;
    for (int64_t c = 1; c < count; c++)
        if (size[c] > size[best]) best = c;   /* ties: the lowest component number */
    int64_t k = 0;
    for (int64_t v = 0; v < n; v++)
        if (memb[v] == best) memb[k++] = v;
    tg_graph *h = NULL;
    if (tg_graph_subgraph(g, k, memb, &h, msg) != TG_OK) return fail(L, msg);
    tg_lua_i_push_graph(L, &h);
    return 1;
}

/* g:bfs(source, {mode=}) -> vector of hop counts (nil-like -1 unreachable) */
static int m_bfs(lua_State *L)
{
    static const char *const opts[] = {"mode", NULL};
    tg_graph *g = tg_lua_i_graph(L, 1);
    int64_t s = check_node(L, g, 2);
    tg_lua_i_check_options(L, 3, opts);
    tg_mode mode = check_mode(L, 3, "out");
    int64_t n = tg_graph_node_count(g);
    int64_t *dist = scratch(L, sizeof *dist * (size_t)n);
    char msg[TG_MSG_LEN] = "";
    if (tg_graph_bfs(g, s, mode, dist, NULL, msg) != TG_OK) return fail(L, msg);
    double *out = tg_lua_i_new_vector(L, n, 1);
    for (int64_t v = 0; v < n; v++) out[v] = dist[v] < 0 ? INFINITY : (double)dist[v];
    return 1;
}

/* g:distances(source, {weights=, mode=}) -> vector (inf when unreachable) */
static int m_distances(lua_State *L)
{
    static const char *const opts[] = {"weights", "mode", NULL};
    tg_graph *g = tg_lua_i_graph(L, 1);
    int64_t s = check_node(L, g, 2);
    tg_lua_i_check_options(L, 3, opts);
    const char *w = tg_lua_i_opt_string(L, 3, "weights", NULL);
    tg_mode mode = check_mode(L, 3, "out");
    double *out = tg_lua_i_new_vector(L, tg_graph_node_count(g), 1);
    char msg[TG_MSG_LEN] = "";
    if (tg_graph_dijkstra(g, s, w, mode, out, NULL, msg) != TG_OK) return fail(L, msg);
    return 1;
}

/* g:shortest_path(source, target, {weights=, mode=}) -> {ids}, length
 * (nil, math.huge when unreachable) */
static int m_shortest_path(lua_State *L)
{
    static const char *const opts[] = {"weights", "mode", NULL};
    tg_graph *g = tg_lua_i_graph(L, 1);
    int64_t s = check_node(L, g, 2), t = check_node(L, g, 3);
    tg_lua_i_check_options(L, 4, opts);
    const char *w = tg_lua_i_opt_string(L, 4, "weights", NULL);
    tg_mode mode = check_mode(L, 4, "out");
    int64_t n = tg_graph_node_count(g);
    double *dist = scratch(L, sizeof *dist * (size_t)n);
    int64_t *parent = scratch(L, sizeof *parent * (size_t)n);
    char msg[TG_MSG_LEN] = "";
    if (tg_graph_dijkstra(g, s, w, mode, dist, parent, msg) != TG_OK) return fail(L, msg);
    if (isinf(dist[t])) {
        lua_pushnil(L);
        lua_pushnumber(L, INFINITY);
        return 2;
    }
    int64_t len = 0;
    for (int64_t v = t; v >= 0 && v != s; v = parent[v]) len++;
    lua_createtable(L, (int)len + 1, 0);
    int64_t pos = len + 1;
    for (int64_t v = t; v >= 0; v = v == s ? -1 : parent[v]) {
        lua_pushstring(L, tg_graph_node_id(g, v));
        lua_rawseti(L, -2, pos--);
    }
    lua_pushnumber(L, dist[t]);
    return 2;
}

static int m_betweenness(lua_State *L)
{
    static const char *const opts[] = {"weights", "normalized", NULL};
    tg_graph *g = tg_lua_i_graph(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    const char *w = tg_lua_i_opt_string(L, 2, "weights", NULL);
    bool norm = tg_lua_i_opt_bool(L, 2, "normalized", false);
    double *out = tg_lua_i_new_vector(L, tg_graph_node_count(g), 1);
    char msg[TG_MSG_LEN] = "";
    if (tg_graph_betweenness(g, w, norm, out, msg) != TG_OK) return fail(L, msg);
    return 1;
}

/* g:edge_betweenness{weights=} -> vector over edges (edge order of g:edges()) */
static int m_edge_betweenness(lua_State *L)
{
    tg_graph *g = tg_lua_i_graph(L, 1);
    tg_lua_i_check_options(L, 2, W_OPTS);
    const char *w = tg_lua_i_opt_string(L, 2, "weights", NULL);
    double *out = tg_lua_i_new_vector(L, tg_graph_edge_count(g), 0);
    char msg[TG_MSG_LEN] = "";
    if (tg_graph_edge_betweenness(g, w, out, msg) != TG_OK) return fail(L, msg);
    return 1;
}

static int centrality_mode_norm(lua_State *L,
                                tg_status (*fn)(const tg_graph *, const char *, tg_mode, bool,
                                                double *, char *))
{
    static const char *const opts[] = {"weights", "mode", "normalized", NULL};
    tg_graph *g = tg_lua_i_graph(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    const char *w = tg_lua_i_opt_string(L, 2, "weights", NULL);
    tg_mode mode = check_mode(L, 2, "all");
    bool norm = tg_lua_i_opt_bool(L, 2, "normalized", false);
    double *out = tg_lua_i_new_vector(L, tg_graph_node_count(g), 1);
    char msg[TG_MSG_LEN] = "";
    if (fn(g, w, mode, norm, out, msg) != TG_OK) return fail(L, msg);
    return 1;
}

static int m_closeness(lua_State *L) { return centrality_mode_norm(L, tg_graph_closeness); }
static int m_harmonic(lua_State *L) { return centrality_mode_norm(L, tg_graph_harmonic); }

static int m_pagerank(lua_State *L)
{
    static const char *const opts[] = {"weights", "damping", NULL};
    tg_graph *g = tg_lua_i_graph(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    const char *w = tg_lua_i_opt_string(L, 2, "weights", NULL);
    double d = tg_lua_i_opt_number(L, 2, "damping", 0.85);
    double *out = tg_lua_i_new_vector(L, tg_graph_node_count(g), 1);
    char msg[TG_MSG_LEN] = "";
    if (tg_graph_pagerank(g, w, d, out, msg) != TG_OK) return fail(L, msg);
    return 1;
}

/* g:eigenvector{weights=} -> vector (max 1), eigenvalue */
static int m_eigenvector(lua_State *L)
{
    tg_graph *g = tg_lua_i_graph(L, 1);
    tg_lua_i_check_options(L, 2, W_OPTS);
    const char *w = tg_lua_i_opt_string(L, 2, "weights", NULL);
    double *out = tg_lua_i_new_vector(L, tg_graph_node_count(g), 1);
    double ev;
    char msg[TG_MSG_LEN] = "";
    if (tg_graph_eigenvector(g, w, out, &ev, msg) != TG_OK) return fail(L, msg);
    lua_pushnumber(L, ev);
    return 2;
}

static int m_coreness(lua_State *L)
{
    static const char *const opts[] = {"mode", NULL};
    tg_graph *g = tg_lua_i_graph(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    tg_mode mode = check_mode(L, 2, "all");
    int64_t n = tg_graph_node_count(g);
    int64_t *core = scratch(L, sizeof *core * (size_t)n);
    char msg[TG_MSG_LEN] = "";
    if (tg_graph_coreness(g, mode, core, msg) != TG_OK) return fail(L, msg);
    double *out = tg_lua_i_new_vector(L, n, 1);
    for (int64_t v = 0; v < n; v++) out[v] = (double)core[v];
    return 1;
}

/* g:articulation_points() -> {ids} */
static int m_articulation_points(lua_State *L)
{
    tg_graph *g = tg_lua_i_graph(L, 1);
    int64_t *copy = scratch(L, sizeof *copy * (size_t)tg_graph_node_count(g));
    int64_t *ap = NULL, n = 0;
    char msg[TG_MSG_LEN] = "";
    if (tg_graph_articulation_points(g, &ap, &n, msg) != TG_OK) return fail(L, msg);
    push_ids(L, g, adopt(copy, ap, n), n);
    return 1;
}

/* g:bridges() -> {{source=, target=, id=}, ...} */
static int m_bridges(lua_State *L)
{
    tg_graph *g = tg_lua_i_graph(L, 1);
    int64_t *copy = scratch(L, sizeof *copy * (size_t)tg_graph_edge_count(g));
    int64_t *br = NULL, n = 0;
    char msg[TG_MSG_LEN] = "";
    if (tg_graph_bridges(g, &br, &n, msg) != TG_OK) return fail(L, msg);
    push_edge_rows(L, g, adopt(copy, br, n), n);
    return 1;
}

/* g:maxflow(source, target, {capacity = attr}) -> {value=, flow = vector
 * over edges, cut = {edge rows}, source_side = {ids}} */
static int m_maxflow(lua_State *L)
{
    static const char *const opts[] = {"capacity", NULL};
    tg_graph *g = tg_lua_i_graph(L, 1);
    int64_t s = check_node(L, g, 2), t = check_node(L, g, 3);
    tg_lua_i_check_options(L, 4, opts);
    const char *cap = tg_lua_i_opt_string(L, 4, "capacity", NULL);
    int64_t n = tg_graph_node_count(g), m = tg_graph_edge_count(g);
    int64_t *side = scratch(L, sizeof *side * (size_t)n);
    int64_t *cut_copy = scratch(L, sizeof *cut_copy * (size_t)m);
    lua_createtable(L, 0, 4);
    double *flow = tg_lua_i_new_vector(L, m, 0);
    lua_setfield(L, -2, "flow");
    double value = 0;
    int64_t *cut = NULL, ncut = 0;
    char msg[TG_MSG_LEN] = "";
    if (tg_graph_maxflow(g, s, t, cap, &value, flow, &cut, &ncut, side, msg) != TG_OK)
        return fail(L, msg);
    adopt(cut_copy, cut, ncut);
    lua_pushnumber(L, value);
    lua_setfield(L, -2, "value");
    push_edge_rows(L, g, cut_copy, ncut);
    lua_setfield(L, -2, "cut");
    lua_createtable(L, 0, 0);
    for (int64_t v = 0, k = 0; v < n; v++)
        if (side[v]) {
            lua_pushstring(L, tg_graph_node_id(g, v));
            lua_rawseti(L, -2, ++k);
        }
    lua_setfield(L, -2, "source_side");
    return 1;
}

/* g:matrix(kind, {weights=}) -> {n=, i = vector, j = vector, x = vector}:
 * the derived sparse matrix in coordinate form (1-based, row-major order).
 * kind: "adjacency", "laplacian" or "normalized" (D^-1/2 (A+I) D^-1/2). */
static int m_matrix(lua_State *L)
{
    static const char *const kinds[] = {"adjacency", "laplacian", "normalized", NULL};
    tg_graph *g = tg_lua_i_graph(L, 1);
    int kind = luaL_checkoption(L, 2, NULL, kinds);
    tg_lua_i_check_options(L, 3, W_OPTS);
    const char *w = tg_lua_i_opt_string(L, 3, "weights", NULL);
    GrB_Matrix M = NULL;
    char msg[TG_MSG_LEN] = "";
    tg_status st = kind == 0 ? tg_graph_adjacency(g, w, &M, msg)
                 : kind == 1 ? tg_graph_laplacian(g, w, &M, msg)
                             : tg_graph_normalized_adjacency(g, w, &M, msg);
    if (st != TG_OK) return fail(L, msg);
    GrB_Index nv = 0;
    if (GrB_Matrix_nvals(&nv, M) != GrB_SUCCESS) return luaL_error(L, "graph.matrix: GraphBLAS error");
    /* Lua-owned buffers: the matrix is cached in g, nothing to free here. */
    GrB_Index *I = scratch(L, sizeof *I * (size_t)nv), *J = scratch(L, sizeof *J * (size_t)nv);
    double *X = scratch(L, sizeof *X * (size_t)nv);
    GrB_Index got = nv;
    if (GrB_Matrix_extractTuples_FP64(I, J, X, &got, M) != GrB_SUCCESS)
        return luaL_error(L, "graph.matrix: GraphBLAS error");
    lua_createtable(L, 0, 4);
    lua_pushinteger(L, tg_graph_node_count(g));
    lua_setfield(L, -2, "n");
    double *vi = tg_lua_i_new_vector(L, (long long)got, 0);
    lua_setfield(L, -2, "i");
    double *vj = tg_lua_i_new_vector(L, (long long)got, 0);
    lua_setfield(L, -2, "j");
    double *vx = tg_lua_i_new_vector(L, (long long)got, 0);
    lua_setfield(L, -2, "x");
    for (GrB_Index k = 0; k < got; k++) {
        vi[k] = (double)(I[k] + 1);
        vj[k] = (double)(J[k] + 1);
        vx[k] = X[k];
    }
    return 1;
}

/* Methods returning one number from a graph-only C function. */
static int scalar_call(lua_State *L, tg_status (*fn)(const tg_graph *, double *, char *))
{
    tg_graph *g = tg_lua_i_graph(L, 1);
    double x;
    char msg[TG_MSG_LEN] = "";
    if (fn(g, &x, msg) != TG_OK) return fail(L, msg);
    lua_pushnumber(L, x);
    return 1;
}

static int m_transitivity(lua_State *L) { return scalar_call(L, tg_graph_transitivity); }

/* g:clustering{weights=, zero = true} -> vector of local clustering */
static int m_clustering(lua_State *L)
{
    static const char *const opts[] = {"weights", "zero", NULL};
    tg_graph *g = tg_lua_i_graph(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    const char *w = tg_lua_i_opt_string(L, 2, "weights", NULL);
    bool zero = tg_lua_i_opt_bool(L, 2, "zero", true);
    double *out = tg_lua_i_new_vector(L, tg_graph_node_count(g), 1);
    char msg[TG_MSG_LEN] = "";
    if (tg_graph_local_clustering(g, w, zero, out, msg) != TG_OK) return fail(L, msg);
    return 1;
}

static int m_assortativity(lua_State *L) { return scalar_call(L, tg_graph_assortativity_degree); }

/* Communities as {membership = vector (1-based), modularity =, count =,
 * communities = {{ids}, ...}} */
static int push_communities(lua_State *L, tg_graph *g, const int64_t *memb, double q)
{
    int64_t n = tg_graph_node_count(g), count = 0;
    lua_createtable(L, 0, 4);
    double *out = tg_lua_i_new_vector(L, n, 1);
    for (int64_t v = 0; v < n; v++) {
        out[v] = (double)(memb[v] + 1);
        if (memb[v] + 1 > count) count = memb[v] + 1;
    }
    lua_setfield(L, -2, "membership");
    lua_pushnumber(L, q);
    lua_setfield(L, -2, "modularity");
    lua_pushinteger(L, count);
    lua_setfield(L, -2, "count");
    lua_createtable(L, (int)count, 0);
    for (int64_t c = 0; c < count; c++) {
        lua_newtable(L);
        lua_rawseti(L, -2, c + 1);
    }
    for (int64_t v = 0; v < n; v++) {
        lua_rawgeti(L, -1, memb[v] + 1);
        lua_pushstring(L, tg_graph_node_id(g, v));
        lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
        lua_pop(L, 1);
    }
    lua_setfield(L, -2, "communities");
    return 1;
}

static int community_call(lua_State *L,
                          tg_status (*fn)(const tg_graph *, const char *, double, uint64_t,
                                          int64_t *, double *, char *))
{
    static const char *const opts[] = {"weights", "resolution", "seed", NULL};
    tg_graph *g = tg_lua_i_graph(L, 1);
    tg_lua_i_check_options(L, 2, opts);
    const char *w = tg_lua_i_opt_string(L, 2, "weights", NULL);
    double res = tg_lua_i_opt_number(L, 2, "resolution", 1.0);
    long long seed = tg_lua_i_opt_integer(L, 2, "seed", 42);
    int64_t *memb = scratch(L, sizeof *memb * (size_t)tg_graph_node_count(g));
    double q;
    char msg[TG_MSG_LEN] = "";
    if (fn(g, w, res, (uint64_t)seed, memb, &q, msg) != TG_OK) return fail(L, msg);
    return push_communities(L, g, memb, q);
}

static int m_louvain(lua_State *L) { return community_call(L, tg_graph_louvain); }
static int m_leiden(lua_State *L) { return community_call(L, tg_graph_leiden); }

/* g:modularity(membership, {weights=, resolution=}): membership is a
 * vector or a table of community numbers (1-based) by position or by id. */
static int m_modularity(lua_State *L)
{
    static const char *const opts[] = {"weights", "resolution", NULL};
    tg_graph *g = tg_lua_i_graph(L, 1);
    luaL_checkany(L, 2);
    tg_lua_i_check_options(L, 3, opts);
    const char *w = tg_lua_i_opt_string(L, 3, "weights", NULL);
    double res = tg_lua_i_opt_number(L, 3, "resolution", 1.0);
    int64_t n = tg_graph_node_count(g);
    int64_t *memb = scratch(L, sizeof *memb * (size_t)n);
    long long vn = 0;
    const double *vec = tg_lua_i_vector_data(L, 2, &vn);
    if (!vec) luaL_checktype(L, 2, LUA_TTABLE);
    else if (vn != n) return luaL_error(L, "graph.modularity: membership has %d entries, the graph %d nodes",
                                        (int)vn, (int)n);
    for (int64_t v = 0; v < n; v++) {
        double c;
        if (vec) {
            c = vec[v];
        } else {
            /* Raw reads: no user code may run while g is in use. */
            if (lua_rawgeti(L, 2, v + 1) == LUA_TNIL) {
                lua_pop(L, 1);
                tg_lua_i_rawfield(L, 2, tg_graph_node_id(g, v));
            }
            int ok = 0;
            c = (double)lua_tointegerx(L, -1, &ok);
            if (!ok) c = -1;
            lua_pop(L, 1);
        }
        if (!(c >= 1 && c <= (double)n) || c != (double)(int64_t)c)
            return luaL_error(L, "graph.modularity: node '%s' needs a community number 1..%d",
                              tg_graph_node_id(g, v), (int)n);
        memb[v] = (int64_t)c - 1;
    }
    double q;
    char msg[TG_MSG_LEN] = "";
    if (tg_graph_modularity(g, w, memb, res, &q, msg) != TG_OK) return fail(L, msg);
    lua_pushnumber(L, q);
    return 1;
}

static int m_global_efficiency(lua_State *L)
{
    tg_graph *g = tg_lua_i_graph(L, 1);
    tg_lua_i_check_options(L, 2, W_OPTS);
    const char *w = tg_lua_i_opt_string(L, 2, "weights", NULL);
    double e;
    char msg[TG_MSG_LEN] = "";
    if (tg_graph_global_efficiency(g, w, &e, msg) != TG_OK) return fail(L, msg);
    lua_pushnumber(L, e);
    return 1;
}

static int m_average_path_length(lua_State *L) { return scalar_call(L, tg_graph_average_path_length); }

static int m_diameter(lua_State *L) { return scalar_call(L, tg_graph_diameter); }

int tg_lua_i_open_graph(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"save", m_save},
        {"close", m_close},
        {"add_node", m_add_node},
        {"add_edge", m_add_edge},
        {"node_count", m_node_count},
        {"edge_count", m_edge_count},
        {"is_directed", m_is_directed},
        {"has_node", m_has_node},
        {"nodes", m_nodes},
        {"edges", m_edges},
        {"node", m_node},
        {"edge", m_edge},
        {"get", m_get},
        {"set", m_set},
        {"set_edge", m_set_edge},
        {"attributes", m_attributes},
        {"remove_nodes", m_remove_nodes},
        {"remove_node", m_remove_nodes},
        {"remove_edge", m_remove_edge},
        {"subgraph", m_subgraph},
        {"copy", m_copy},
        {"undirected", m_undirected},
        {"select", m_select},
        {"filter", m_filter},
        {"neighbors", m_neighbors},
        {"degree", m_degree},
        {"strength", m_strength},
        {"components", m_components},
        {"largest_component", m_largest_component},
        {"bfs", m_bfs},
        {"distances", m_distances},
        {"shortest_path", m_shortest_path},
        {"betweenness", m_betweenness},
        {"edge_betweenness", m_edge_betweenness},
        {"closeness", m_closeness},
        {"harmonic", m_harmonic},
        {"pagerank", m_pagerank},
        {"eigenvector", m_eigenvector},
        {"coreness", m_coreness},
        {"articulation_points", m_articulation_points},
        {"bridges", m_bridges},
        {"maxflow", m_maxflow},
        {"transitivity", m_transitivity},
        {"clustering", m_clustering},
        {"assortativity", m_assortativity},
        {"louvain", m_louvain},
        {"leiden", m_leiden},
        {"modularity", m_modularity},
        {"global_efficiency", m_global_efficiency},
        {"average_path_length", m_average_path_length},
        {"diameter", m_diameter},
        {"matrix", m_matrix},
        {NULL, NULL},
    };
    static const luaL_Reg meta[] = {
        {"__gc", m_close}, {"__close", m_close}, {"__tostring", m_tostring}, {"__len", m_node_count},
        {NULL, NULL},
    };
    luaL_newmetatable(L, GRAPH_MT);
    luaL_setfuncs(L, meta, 0);
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    static const luaL_Reg funcs[] = {{"new", l_new}, {"load", l_load}, {NULL, NULL}};
    luaL_newlib(L, funcs);
    return 1;
}
