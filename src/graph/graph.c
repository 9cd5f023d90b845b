/* graph.c: the tg_graph structure: life cycle, ids, types, structural
 * changes, and the bridge to igraph's error handling. */
#include "graph_internal.h"

#include <math.h>
#include <string.h>

/* ---- igraph error handling ---------------------------------------------
 * igraph calls a global handler on error and, if it returns, the failing
 * function returns the code.  Ours frees igraph's finally-stack (as
 * igraph's own "ignore" handler does) and keeps the reason for the
 * caller's msg.  No longjmp (STYLE.md, section 8). */

static _Thread_local char igraph_reason[256];

static void on_igraph_error(const char *reason, const char *file, int line,
                            igraph_error_t err)
{
    (void)file;
    (void)line;
    (void)err;
    IGRAPH_FINALLY_FREE();
    snprintf(igraph_reason, sizeof igraph_reason, "%s", reason ? reason : "unknown");
}

static void on_igraph_warning(const char *reason, const char *file, int line)
{
    (void)file;
    (void)line;
    tg_log(TG_LOG_DEBUG, "igraph: %s", reason);
}

/* igraph reports progress of long computations (betweenness, closeness,
 * ...) in percent; show it as twingraph's progress bar, which draws only
 * when stderr is a terminal. */
static igraph_error_t on_igraph_progress(const char *message, igraph_real_t percent, void *data)
{
    static tg_progress bar;
    static bool running = false;
    (void)data;
    if (!running || percent <= 0) {
        if (running) tg_progress_finish(&bar);
        tg_progress_start(&bar, message ? message : "igraph", 100);
        running = true;
    }
    tg_progress_update(&bar, (int64_t)percent);
    if (percent >= 100) {
        tg_progress_finish(&bar);
        running = false;
    }
    return IGRAPH_SUCCESS;
}

void tg_graph_i_init_igraph(void)
{
    static bool done = false;
    if (done) return;
    igraph_set_error_handler(on_igraph_error);
    igraph_set_warning_handler(on_igraph_warning);
    igraph_set_progress_handler(on_igraph_progress);
    done = true;
}

tg_status tg_graph_i_igraph_error(igraph_error_t err, const char *where, char *msg)
{
    if (err == IGRAPH_ENOMEM) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", where);
    return tg_msg(msg, TG_ERR_LIB, "%s: igraph: %s (%s)", where,
                  igraph_reason[0] ? igraph_reason : "error", igraph_strerror(err));
}

tg_status tg_graph_i_init_graphblas(char *msg)
{
    static bool done = false;
    if (done) return TG_OK;
    GrB_Info info = GrB_init(GrB_NONBLOCKING);
    if (info != GrB_SUCCESS && info != GrB_INVALID_VALUE)  /* INVALID_VALUE: already */
        return tg_msg(msg, TG_ERR_LIB, "GraphBLAS: GrB_init failed (%d)", (int)info);
    done = true;
    return TG_OK;
}

/* ---- life cycle -------------------------------------------------------- */

static void matcache_drop(tg_matcache *c)
{
    if (c->M) GrB_Matrix_free(&c->M);
    tg_free(c->weight);
    c->M = NULL;
    c->weight = NULL;
}

void tg_graph_i_changed(tg_graph *g)
{
    g->version++;
    matcache_drop(&g->adj);
    matcache_drop(&g->lap);
    matcache_drop(&g->norm);
}

tg_status tg_graph_new(tg_graph **out, bool directed, char *msg)
{
    tg_msg_clear(msg);
    if (!out) return tg_msg(msg, TG_ERR_ARG, "graph.new: out is NULL");
    *out = NULL;
    tg_graph_i_init_igraph();
    tg_graph *g = tg_calloc(1, sizeof *g);
    if (!g) return tg_msg(msg, TG_ERR_NOMEM, "graph.new: out of memory");
    g->directed = directed;
    if (igraph_empty(&g->ig, 0, directed ? IGRAPH_DIRECTED : IGRAPH_UNDIRECTED) != IGRAPH_SUCCESS) {
        tg_free(g);
        return tg_msg(msg, TG_ERR_NOMEM, "graph.new: out of memory");
    }
    g->type_names = tg_malloc(sizeof *g->type_names * 8);
    if (tg_pool_new(&g->pool) != TG_OK || tg_strmap_new(&g->node_map, 16) != TG_OK ||
        !g->type_names) {
        tg_graph_free(&g);
        return tg_msg(msg, TG_ERR_NOMEM, "graph.new: out of memory");
    }
    g->type_names[0] = "";
    g->ntypes = 1;
    g->type_cap = 8;
    *out = g;
    return TG_OK;
}

static void columns_free(tg_columns *cs, int64_t n)
{
    for (int c = 0; c < cs->count; c++) {
        tg_column *col = &cs->cols[c];
        if (col->type == TG_STRING)
            for (int64_t i = 0; i < n; i++) tg_free(col->v.s[i]);
        tg_free(col->v.d);
        tg_free(col->name);
    }
    tg_free(cs->cols);
    memset(cs, 0, sizeof *cs);
}

void tg_graph_free(tg_graph **gp)
{
    if (!gp || !*gp) return;
    tg_graph *g = *gp;
    igraph_destroy(&g->ig);
    tg_free(g->ends);
    tg_pool_free(&g->pool);
    tg_free(g->node_ids);
    tg_strmap_free(&g->node_map);
    tg_free(g->node_type);
    tg_free(g->type_names);
    tg_free(g->edge_ids);
    tg_strmap_free(&g->edge_map);
    columns_free(&g->attrs[TG_NODES], g->nnodes);
    columns_free(&g->attrs[TG_EDGES], g->nedges);
    matcache_drop(&g->adj);
    matcache_drop(&g->lap);
    matcache_drop(&g->norm);
    tg_free(g);
    *gp = NULL;
}

int64_t tg_graph_node_count(const tg_graph *g) { return g->nnodes; }
int64_t tg_graph_edge_count(const tg_graph *g) { return g->nedges; }
bool tg_graph_is_directed(const tg_graph *g) { return g->directed; }
uint64_t tg_graph_version(const tg_graph *g) { return g->version; }
uint64_t tg_graph_structure_version(const tg_graph *g) { return g->structure_version; }

tg_status tg_graph_i_flush(tg_graph *g, char *msg)
{
    igraph_error_t err;
    if (g->nnodes > g->ig_nodes) {
        err = igraph_add_vertices(&g->ig, g->nnodes - g->ig_nodes, NULL);
        if (err) return tg_graph_i_igraph_error(err, "graph", msg);
        g->ig_nodes = g->nnodes;
    }
    if (g->nedges > g->ig_edges) {
        int64_t np = g->nedges - g->ig_edges;
        igraph_vector_int_t v;
        igraph_vector_int_view(&v, g->ends + 2 * g->ig_edges, 2 * np);
        err = igraph_add_edges(&g->ig, &v, NULL);
        if (err) return tg_graph_i_igraph_error(err, "graph", msg);
        g->ig_edges = g->nedges;
    }
    return TG_OK;
}

tg_status tg_graph_topology(const tg_graph *g, const igraph_t **ig, char *msg)
{
    tg_status s = tg_graph_i_flush((tg_graph *)g, msg);
    if (s != TG_OK) return s;
    *ig = &g->ig;
    return TG_OK;
}

/* ---- attribute columns: growth ----------------------------------------- */

static tg_status column_reserve(tg_column *col, size_t need)
{
    if (need <= col->cap) return TG_OK;
    size_t sz = col->type == TG_DOUBLE ? sizeof(double)
              : col->type == TG_INT    ? sizeof(int64_t) : sizeof(char *);
    size_t old = col->cap;
    void *p = col->v.d;
    if (tg_grow(&p, &col->cap, need, sz) != TG_OK) return TG_ERR_NOMEM;
    col->v.d = p;
    (void)old;
    return TG_OK;
}

static void column_set_missing(tg_column *col, int64_t from, int64_t to)
{
    for (int64_t i = from; i < to; i++) {
        if (col->type == TG_DOUBLE) col->v.d[i] = NAN;
        else if (col->type == TG_INT) col->v.i[i] = TG_INT_MISSING;
        else col->v.s[i] = NULL;
    }
}

/* Make room in every column of elem for `need` elements. */
static tg_status columns_reserve(tg_columns *cs, size_t need)
{
    for (int c = 0; c < cs->count; c++)
        if (column_reserve(&cs->cols[c], need) != TG_OK) return TG_ERR_NOMEM;
    return TG_OK;
}

/* ---- nodes ------------------------------------------------------------- */

static tg_status intern_type(tg_graph *g, const char *type, int32_t *out)
{
    if (!type || !type[0]) {
        *out = 0;
        return TG_OK;
    }
    for (int32_t t = 1; t < g->ntypes; t++)
        if (strcmp(g->type_names[t], type) == 0) {
            *out = t;
            return TG_OK;
        }
    void *p = g->type_names;
    if (tg_grow(&p, &g->type_cap, (size_t)g->ntypes + 1, sizeof *g->type_names) != TG_OK)
        return TG_ERR_NOMEM;
    g->type_names = p;
    const char *s = tg_pool_add(g->pool, type, strlen(type));
    if (!s) return TG_ERR_NOMEM;
    g->type_names[g->ntypes] = s;
    *out = g->ntypes++;
    return TG_OK;
}

tg_status tg_graph_add_node(tg_graph *g, const char *id, const char *type, int64_t *index,
                            char *msg)
{
    tg_msg_clear(msg);
    if (!g || !id) return tg_msg(msg, TG_ERR_ARG, "graph.add_node: graph or id is NULL");
    if (!id[0]) return tg_msg(msg, TG_ERR_ID, "graph.add_node: empty node id");
    if (tg_strmap_get(g->node_map, id) >= 0)
        return tg_msg(msg, TG_ERR_ID, "graph.add_node: duplicate node id '%s'", id);
    size_t need = (size_t)g->nnodes + 1;
    int32_t t;
    void *p1 = g->node_ids, *p2 = g->node_type;
    size_t cap1 = g->node_cap, cap2 = g->node_cap;
    if (tg_grow(&p1, &cap1, need, sizeof *g->node_ids) != TG_OK) goto nomem;
    g->node_ids = p1;
    if (tg_grow(&p2, &cap2, need, sizeof *g->node_type) != TG_OK) goto nomem;
    g->node_type = p2;
    /* Both arrays now hold at least cap2 >= need; keep the smaller. */
    g->node_cap = cap1 < cap2 ? cap1 : cap2;
    if (columns_reserve(&g->attrs[TG_NODES], need) != TG_OK) goto nomem;
    if (intern_type(g, type, &t) != TG_OK) goto nomem;
    const char *s = tg_pool_add(g->pool, id, strlen(id));
    if (!s || tg_strmap_put(g->node_map, s, g->nnodes, NULL) != TG_OK) goto nomem;
    int64_t v = g->nnodes++;
    g->node_ids[v] = s;
    g->node_type[v] = t;
    for (int c = 0; c < g->attrs[TG_NODES].count; c++)
        column_set_missing(&g->attrs[TG_NODES].cols[c], v, v + 1);
    g->structure_version++;
    tg_graph_i_changed(g);
    if (index) *index = v;
    return TG_OK;
nomem:
    return tg_msg(msg, TG_ERR_NOMEM, "graph.add_node: out of memory");
}

int64_t tg_graph_node_index(const tg_graph *g, const char *id)
{
    return id ? tg_strmap_get(g->node_map, id) : -1;
}

const char *tg_graph_node_id(const tg_graph *g, int64_t v)
{
    return v >= 0 && v < g->nnodes ? g->node_ids[v] : NULL;
}

const char *tg_graph_node_type(const tg_graph *g, int64_t v)
{
    return v >= 0 && v < g->nnodes ? g->type_names[g->node_type[v]] : NULL;
}

tg_status tg_graph_set_node_type(tg_graph *g, int64_t v, const char *type, char *msg)
{
    tg_msg_clear(msg);
    if (v < 0 || v >= g->nnodes)
        return tg_msg(msg, TG_ERR_ARG, "graph.set_type: node index %lld out of range",
                      (long long)v);
    int32_t t;
    if (intern_type(g, type, &t) != TG_OK)
        return tg_msg(msg, TG_ERR_NOMEM, "graph.set_type: out of memory");
    g->node_type[v] = t;
    g->version++;
    return TG_OK;
}

/* ---- edges ------------------------------------------------------------- */

static tg_status reserve_edges(tg_graph *g, int64_t extra, char *msg, const char *fn)
{
    void *p = g->ends;
    if (tg_grow(&p, &g->ends_cap, 2 * (size_t)(g->nedges + extra), sizeof(int64_t)) != TG_OK)
        return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    g->ends = p;
    if (columns_reserve(&g->attrs[TG_EDGES], (size_t)(g->nedges + extra)) != TG_OK)
        return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    if (g->edge_ids) {
        void *q = g->edge_ids;
        if (tg_grow(&q, &g->edge_id_cap, (size_t)(g->nedges + extra), sizeof *g->edge_ids) != TG_OK)
            return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
        g->edge_ids = q;
    }
    return TG_OK;
}

static void append_edge(tg_graph *g, int64_t from, int64_t to)
{
    int64_t e = g->nedges++;
    g->ends[2 * e] = from;
    g->ends[2 * e + 1] = to;
    for (int c = 0; c < g->attrs[TG_EDGES].count; c++)
        column_set_missing(&g->attrs[TG_EDGES].cols[c], e, e + 1);
    if (g->edge_ids) g->edge_ids[e] = NULL;
}

/* Create the edge-id array and map on the first edge id. */
static tg_status enable_edge_ids(tg_graph *g)
{
    if (g->edge_ids) return TG_OK;
    size_t cap = (size_t)g->nedges + 16;
    g->edge_ids = tg_calloc(cap, sizeof *g->edge_ids);
    if (!g->edge_ids) return TG_ERR_NOMEM;
    if (tg_strmap_new(&g->edge_map, cap) != TG_OK) {
        tg_free(g->edge_ids);
        g->edge_ids = NULL;
        return TG_ERR_NOMEM;
    }
    g->edge_id_cap = cap;
    return TG_OK;
}

tg_status tg_graph_add_edge(tg_graph *g, const char *id, int64_t from, int64_t to,
                            int64_t *index, char *msg)
{
    tg_msg_clear(msg);
    if (!g) return tg_msg(msg, TG_ERR_ARG, "graph.add_edge: graph is NULL");
    if (from < 0 || from >= g->nnodes || to < 0 || to >= g->nnodes)
        return tg_msg(msg, TG_ERR_ARG, "graph.add_edge: node index out of range (%lld, %lld)",
                      (long long)from, (long long)to);
    const char *s = NULL;
    if (id) {
        if (!id[0]) return tg_msg(msg, TG_ERR_ID, "graph.add_edge: empty edge id");
        if (g->edge_map && tg_strmap_get(g->edge_map, id) >= 0)
            return tg_msg(msg, TG_ERR_ID, "graph.add_edge: duplicate edge id '%s'", id);
        if (enable_edge_ids(g) != TG_OK)
            return tg_msg(msg, TG_ERR_NOMEM, "graph.add_edge: out of memory");
    }
    tg_status st = reserve_edges(g, 1, msg, "graph.add_edge");
    if (st != TG_OK) return st;
    if (id) {
        s = tg_pool_add(g->pool, id, strlen(id));
        if (!s || tg_strmap_put(g->edge_map, s, g->nedges, NULL) != TG_OK)
            return tg_msg(msg, TG_ERR_NOMEM, "graph.add_edge: out of memory");
    }
    int64_t e = g->nedges;
    append_edge(g, from, to);
    if (g->edge_ids) g->edge_ids[e] = s;
    g->structure_version++;
    tg_graph_i_changed(g);
    if (index) *index = e;
    return TG_OK;
}

tg_status tg_graph_add_edges(tg_graph *g, int64_t n, const int64_t *ends, char *msg)
{
    tg_msg_clear(msg);
    if (!g || n < 0 || (n > 0 && !ends))
        return tg_msg(msg, TG_ERR_ARG, "graph.add_edges: bad arguments");
    for (int64_t k = 0; k < 2 * n; k++)
        if (ends[k] < 0 || ends[k] >= g->nnodes)
            return tg_msg(msg, TG_ERR_ARG, "graph.add_edges: node index %lld out of range",
                          (long long)ends[k]);
    tg_status st = reserve_edges(g, n, msg, "graph.add_edges");
    if (st != TG_OK) return st;
    for (int64_t k = 0; k < n; k++) append_edge(g, ends[2 * k], ends[2 * k + 1]);
    g->structure_version++;
    tg_graph_i_changed(g);
    return TG_OK;
}

int64_t tg_graph_edge_index(const tg_graph *g, const char *id)
{
    return g->edge_map && id ? tg_strmap_get(g->edge_map, id) : -1;
}

const char *tg_graph_edge_id(const tg_graph *g, int64_t e)
{
    return g->edge_ids && e >= 0 && e < g->nedges ? g->edge_ids[e] : NULL;
}

void tg_graph_edge_ends(const tg_graph *g, int64_t e, int64_t *from, int64_t *to)
{
    *from = g->ends[2 * e];
    *to = g->ends[2 * e + 1];
}

int64_t tg_graph_find_edge(const tg_graph *g, int64_t from, int64_t to)
{
    /* A linear scan: callers needing many lookups use the igraph topology. */
    for (int64_t e = 0; e < g->nedges; e++) {
        int64_t a, b;
        tg_graph_edge_ends(g, e, &a, &b);
        if ((a == from && b == to) || (!g->directed && a == to && b == from)) return e;
    }
    return -1;
}
