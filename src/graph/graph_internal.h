/* graph_internal.h: the tg_graph structure, shared by the files of the
 * graph module only. */
#ifndef TG_GRAPH_INTERNAL_H
#define TG_GRAPH_INTERNAL_H

#include "tg_graph.h"

typedef struct tg_column {
    char *name;
    tg_attr_type type;
    union {
        double *d;
        int64_t *i;
        char **s;       /* each owned (tg_strdup) or NULL */
    } v;
    size_t cap;         /* allocated elements */
} tg_column;

typedef struct tg_columns {
    tg_column *cols;
    int count, cap;
} tg_columns;

/* One cached derived matrix. */
typedef struct tg_matcache {
    GrB_Matrix M;
    char *weight;       /* NULL = unweighted */
    uint64_t version;
} tg_matcache;

struct tg_graph {
    bool directed;
    uint64_t version;           /* any change */
    uint64_t structure_version; /* nodes or edges added or removed */

    /* Topology: igraph holds nodes [0, ig_nodes) and edges [0, ig_edges);
     * later additions wait until tg_graph_topology flushes them, because
     * igraph_add_edges costs O(V + E) per call.  ends keeps every edge's
     * (from, to) as given: igraph may swap the ends of undirected edges. */
    igraph_t ig;
    int64_t ig_nodes, ig_edges;
    int64_t nnodes, nedges;
    int64_t *ends;                  /* 2 per edge */
    size_t ends_cap;

    /* Node ids and types. */
    tg_pool *pool;                  /* owns every id and type-name string */
    const char **node_ids;
    size_t node_cap;
    tg_strmap *node_map;
    int32_t *node_type;             /* index into type_names; 0 = "" */
    const char **type_names;
    int32_t ntypes;
    size_t type_cap;

    /* Edge ids: NULL until some edge gets one. */
    const char **edge_ids;
    size_t edge_id_cap;
    tg_strmap *edge_map;

    tg_columns attrs[2];            /* TG_NODES, TG_EDGES */

    tg_matcache adj, lap, norm;
};

/* Flush pending nodes and edges into igraph (logically const). */
tg_status tg_graph_i_flush(tg_graph *g, char *msg);
/* Translate the last igraph error into msg; returns TG_ERR_LIB or NOMEM. */
tg_status tg_graph_i_igraph_error(igraph_error_t err, const char *where, char *msg);
/* Install twingraph's igraph error and warning handlers (once). */
void tg_graph_i_init_igraph(void);
/* Initialise GraphBLAS once. */
tg_status tg_graph_i_init_graphblas(char *msg);
/* Drop every cached matrix (called by each change). */
void tg_graph_i_changed(tg_graph *g);
/* Rebuild g keeping the listed nodes (new order = list order, no
 * duplicates) and, among edges between kept nodes, those with keep_edge
 * set (NULL = all). Used by removal and subgraphs. */
tg_status tg_graph_i_rebuild(const tg_graph *g, int64_t nkeep, const int64_t *keep,
                             const bool *keep_edge, tg_graph **out, char *msg);

#endif
