/* structure.c: copies, removals, induced subgraphs and the simple
 * undirected view.  Every one rebuilds a graph from a node list and an
 * edge mask, so ids, types and attributes travel the same way in all. */
#include "graph_internal.h"

#include <stdlib.h>
#include <string.h>

#undef FREE_ALL
#define FREE_ALL                 \
    do {                         \
        tg_free(newidx);         \
        tg_graph_free(&h);       \
    } while (0)

#define TRY(expr)                \
    do {                         \
        tg_status s_ = (expr);   \
        if (s_ != TG_OK) {       \
            FREE_ALL;            \
            return s_;           \
        }                        \
    } while (0)

static tg_status copy_value(tg_graph *h, tg_elem elem, const tg_column *col, int64_t from,
                            int64_t to, char *msg)
{
    switch (col->type) {
    case TG_DOUBLE: return tg_graph_set_double(h, elem, col->name, to, col->v.d[from], msg);
    case TG_INT: return tg_graph_set_int(h, elem, col->name, to, col->v.i[from], msg);
    default:
        if (!col->v.s[from]) return TG_OK;
        return tg_graph_set_string(h, elem, col->name, to, col->v.s[from], msg);
    }
}

/* Add the listed nodes of g to h (ids, types, node attributes), recording
 * newidx[old] = new for each (newidx must hold g->nnodes, preset to -1). */
static tg_status copy_nodes(const tg_graph *g, tg_graph *h, int64_t nkeep, const int64_t *keep,
                            int64_t *newidx, char *msg)
{
    for (int c = 0; c < g->attrs[TG_NODES].count; c++) {
        tg_status s = tg_graph_attr_add(h, TG_NODES, g->attrs[TG_NODES].cols[c].name,
                                        g->attrs[TG_NODES].cols[c].type, msg);
        if (s != TG_OK) return s;
    }
    for (int64_t k = 0; k < nkeep; k++) {
        int64_t v = keep[k];
        if (v < 0 || v >= g->nnodes)
            return tg_msg(msg, TG_ERR_ARG, "graph: node index %lld out of range", (long long)v);
        if (newidx[v] >= 0)
            return tg_msg(msg, TG_ERR_ARG, "graph: node '%s' listed twice", g->node_ids[v]);
        tg_status s = tg_graph_add_node(h, g->node_ids[v], g->type_names[g->node_type[v]],
                                        &newidx[v], msg);
        for (int c = 0; s == TG_OK && c < g->attrs[TG_NODES].count; c++)
            s = copy_value(h, TG_NODES, &g->attrs[TG_NODES].cols[c], v, newidx[v], msg);
        if (s != TG_OK) return s;
    }
    return TG_OK;
}

static int64_t *new_index_map(const tg_graph *g)
{
    int64_t *m = tg_malloc(sizeof *m * (size_t)(g->nnodes ? g->nnodes : 1));
    for (int64_t v = 0; m && v < g->nnodes; v++) m[v] = -1;
    return m;
}

tg_status tg_graph_i_rebuild(const tg_graph *g, int64_t nkeep, const int64_t *keep,
                             const bool *keep_edge, tg_graph **out, char *msg)
{
    tg_graph *h = NULL;
    int64_t *newidx = new_index_map(g);
    *out = NULL;
    if (!newidx) return tg_msg(msg, TG_ERR_NOMEM, "graph: out of memory");
    TRY(tg_graph_new(&h, g->directed, msg));
    TRY(copy_nodes(g, h, nkeep, keep, newidx, msg));
    for (int c = 0; c < g->attrs[TG_EDGES].count; c++)
        TRY(tg_graph_attr_add(h, TG_EDGES, g->attrs[TG_EDGES].cols[c].name,
                              g->attrs[TG_EDGES].cols[c].type, msg));
    for (int64_t e = 0; e < g->nedges; e++) {
        int64_t a = g->ends[2 * e], b = g->ends[2 * e + 1];
        if (newidx[a] < 0 || newidx[b] < 0 || (keep_edge && !keep_edge[e])) continue;
        int64_t ne;
        TRY(tg_graph_add_edge(h, tg_graph_edge_id(g, e), newidx[a], newidx[b], &ne, msg));
        for (int c = 0; c < g->attrs[TG_EDGES].count; c++)
            TRY(copy_value(h, TG_EDGES, &g->attrs[TG_EDGES].cols[c], e, ne, msg));
    }
    tg_free(newidx);
    *out = h;
    return TG_OK;
}

/* Move the contents of *src into g, keeping g's address valid for callers. */
static void replace_contents(tg_graph *g, tg_graph **src)
{
    uint64_t version = g->version, structure_version = g->structure_version;
    tg_graph tmp = *g;
    *g = **src;
    **src = tmp;
    tg_graph_free(src);
    g->version = version + 1;
    g->structure_version = structure_version + 1;
}

tg_status tg_graph_copy(const tg_graph *g, tg_graph **out, char *msg)
{
    tg_msg_clear(msg);
    if (!g || !out) return tg_msg(msg, TG_ERR_ARG, "graph.copy: NULL argument");
    *out = NULL;
    int64_t *all = tg_malloc(sizeof *all * (size_t)(g->nnodes ? g->nnodes : 1));
    if (!all) return tg_msg(msg, TG_ERR_NOMEM, "graph.copy: out of memory");
    for (int64_t v = 0; v < g->nnodes; v++) all[v] = v;
    tg_status s = tg_graph_i_rebuild(g, g->nnodes, all, NULL, out, msg);
    tg_free(all);
    return s;
}

tg_status tg_graph_remove_nodes(tg_graph *g, int64_t n, const int64_t *nodes, char *msg)
{
    tg_msg_clear(msg);
    if (!g || n < 0 || (n > 0 && !nodes))
        return tg_msg(msg, TG_ERR_ARG, "graph.remove_nodes: bad arguments");
    for (int64_t k = 0; k < n; k++)
        if (nodes[k] < 0 || nodes[k] >= g->nnodes)
            return tg_msg(msg, TG_ERR_ARG, "graph.remove_nodes: node index %lld out of range",
                          (long long)nodes[k]);
    bool *gone = tg_calloc((size_t)(g->nnodes ? g->nnodes : 1), sizeof *gone);
    int64_t *keep = tg_malloc(sizeof *keep * (size_t)(g->nnodes ? g->nnodes : 1));
    tg_graph *h = NULL;
    tg_status s = TG_ERR_NOMEM;
    if (gone && keep) {
        for (int64_t k = 0; k < n; k++) gone[nodes[k]] = true;
        int64_t nk = 0;
        for (int64_t v = 0; v < g->nnodes; v++)
            if (!gone[v]) keep[nk++] = v;
        s = tg_graph_i_rebuild(g, nk, keep, NULL, &h, msg);
    } else {
        tg_msg(msg, s, "graph.remove_nodes: out of memory");
    }
    tg_free(gone);
    tg_free(keep);
    if (s == TG_OK) replace_contents(g, &h);
    return s;
}

tg_status tg_graph_remove_edges(tg_graph *g, int64_t n, const int64_t *edges, char *msg)
{
    tg_msg_clear(msg);
    if (!g || n < 0 || (n > 0 && !edges))
        return tg_msg(msg, TG_ERR_ARG, "graph.remove_edges: bad arguments");
    for (int64_t k = 0; k < n; k++)
        if (edges[k] < 0 || edges[k] >= g->nedges)
            return tg_msg(msg, TG_ERR_ARG, "graph.remove_edges: edge index %lld out of range",
                          (long long)edges[k]);
    bool *keep_edge = tg_malloc(sizeof *keep_edge * (size_t)(g->nedges ? g->nedges : 1));
    int64_t *all = tg_malloc(sizeof *all * (size_t)(g->nnodes ? g->nnodes : 1));
    tg_graph *h = NULL;
    tg_status s = TG_ERR_NOMEM;
    if (keep_edge && all) {
        for (int64_t e = 0; e < g->nedges; e++) keep_edge[e] = true;
        for (int64_t k = 0; k < n; k++) keep_edge[edges[k]] = false;
        for (int64_t v = 0; v < g->nnodes; v++) all[v] = v;
        s = tg_graph_i_rebuild(g, g->nnodes, all, keep_edge, &h, msg);
    } else {
        tg_msg(msg, s, "graph.remove_edges: out of memory");
    }
    tg_free(keep_edge);
    tg_free(all);
    if (s == TG_OK) replace_contents(g, &h);
    return s;
}

tg_status tg_graph_subgraph(const tg_graph *g, int64_t n, const int64_t *nodes, tg_graph **out,
                            char *msg)
{
    tg_msg_clear(msg);
    if (!g || !out || n < 0 || (n > 0 && !nodes))
        return tg_msg(msg, TG_ERR_ARG, "graph.subgraph: bad arguments");
    return tg_graph_i_rebuild(g, n, nodes, NULL, out, msg);
}

/* ---- simple undirected view ------------------------------------------- */

typedef struct pair { int64_t a, b, e; } pair;

static int pair_cmp(const void *x, const void *y)
{
    const pair *p = x, *q = y;
    if (p->a != q->a) return p->a < q->a ? -1 : 1;
    if (p->b != q->b) return p->b < q->b ? -1 : 1;
    return p->e < q->e ? -1 : p->e > q->e;
}

tg_status tg_graph_undirected_simple(const tg_graph *g, const char *weight_attr, tg_graph **out,
                                     char *msg)
{
    tg_msg_clear(msg);
    if (!g || !out) return tg_msg(msg, TG_ERR_ARG, "graph.undirected: NULL argument");
    *out = NULL;
    double *w = NULL;
    pair *ps = NULL;
    int64_t *all = NULL, *newidx = NULL;
    tg_graph *h = NULL;
    tg_status s = TG_OK;
    size_t ne = (size_t)(g->nedges ? g->nedges : 1), nn = (size_t)(g->nnodes ? g->nnodes : 1);
    if (weight_attr) {
        if (!(w = tg_malloc(sizeof *w * ne))) goto nomem;
        if ((s = tg_graph_attr_numeric(g, TG_EDGES, weight_attr, false, w, msg)) != TG_OK) goto done;
    }
    if (!(ps = tg_malloc(sizeof *ps * ne)) || !(all = tg_malloc(sizeof *all * nn)) ||
        !(newidx = new_index_map(g)))
        goto nomem;
    int64_t np = 0;
    for (int64_t e = 0; e < g->nedges; e++) {
        int64_t a = g->ends[2 * e], b = g->ends[2 * e + 1];
        if (a == b) continue;
        ps[np++] = (pair){a < b ? a : b, a < b ? b : a, e};
    }
    qsort(ps, (size_t)np, sizeof *ps, pair_cmp);
    for (int64_t v = 0; v < g->nnodes; v++) all[v] = v;
    if ((s = tg_graph_new(&h, false, msg)) != TG_OK) goto done;
    if ((s = copy_nodes(g, h, g->nnodes, all, newidx, msg)) != TG_OK) goto done;
    for (int64_t k = 0; k < np;) {
        double sum = 0;
        int64_t j = k;
        for (; j < np && ps[j].a == ps[k].a && ps[j].b == ps[k].b; j++)
            if (w) sum += w[ps[j].e];
        int64_t e;
        if ((s = tg_graph_add_edge(h, NULL, ps[k].a, ps[k].b, &e, msg)) != TG_OK) goto done;
        if (w && (s = tg_graph_set_double(h, TG_EDGES, weight_attr, e, sum, msg)) != TG_OK) goto done;
        k = j;
    }
    *out = h;
    h = NULL;
    goto done;
nomem:
    s = tg_msg(msg, TG_ERR_NOMEM, "graph.undirected: out of memory");
done:
    tg_free(w);
    tg_free(ps);
    tg_free(all);
    tg_free(newidx);
    tg_graph_free(&h);
    return s;
}
