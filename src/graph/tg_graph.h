/* tg_graph.h: the graph core of twingraph.
 *
 * A tg_graph is a topology held in igraph plus what igraph does not keep:
 * stable string ids for nodes (and optionally edges), a node type, and
 * typed attribute columns (double, int, string) on nodes and edges.
 * Derived matrices (weighted adjacency, Laplacian, normalised adjacency)
 * are GraphBLAS matrices cached in the graph and dropped on any change.
 *
 * Conventions (see STYLE.md): every fallible function returns tg_status and
 * takes a caller-owned `char *msg` (TG_MSG_LEN bytes, may be NULL) last;
 * output pointers are set on success only unless stated; `const tg_graph *`
 * parameters are borrowed.  Node and edge indices are 0-based int64 and
 * change when nodes or edges are removed; ids never change.
 */
#ifndef TG_GRAPH_H
#define TG_GRAPH_H

#include <GraphBLAS.h>
#include <igraph.h>

#include "../core/tg_core.h"

typedef struct tg_graph tg_graph;

typedef enum tg_elem { TG_NODES = 0, TG_EDGES = 1 } tg_elem;
typedef enum tg_attr_type { TG_DOUBLE = 0, TG_INT = 1, TG_STRING = 2 } tg_attr_type;

/* Missing values: NaN for doubles, TG_INT_MISSING for ints, NULL for strings. */
#define TG_INT_MISSING INT64_MIN

/* Direction of neighbourhoods for degree, paths and centralities. */
typedef enum tg_mode { TG_OUT = 1, TG_IN = 2, TG_ALL = 3 } tg_mode;

/* ======================================================================
 * Life cycle and structure
 * ====================================================================== */

tg_status tg_graph_new(tg_graph **g /* OUT */, bool directed, char *msg);
void tg_graph_free(tg_graph **g);      /* takes NULL; sets *g = NULL */
tg_status tg_graph_copy(const tg_graph *g, tg_graph **out /* OUT */, char *msg);

int64_t tg_graph_node_count(const tg_graph *g);
int64_t tg_graph_edge_count(const tg_graph *g);
bool tg_graph_is_directed(const tg_graph *g);
/* Incremented by every change; caches compare against it. */
uint64_t tg_graph_version(const tg_graph *g);
/* Incremented only when nodes or edges are added or removed: results
 * indexed by node or edge compare against it. */
uint64_t tg_graph_structure_version(const tg_graph *g);

/* The igraph topology, vertex i = node i, edge j = edge j.  Logically
 * const: pending additions are flushed into igraph first.  Borrowed; valid
 * until the next change to g. */
tg_status tg_graph_topology(const tg_graph *g, const igraph_t **ig /* OUT */, char *msg);

/* Nodes.  id must be non-empty and unique (TG_ERR_ID otherwise); type may
 * be NULL or "" for none.  *index (may be NULL) receives the new index. */
tg_status tg_graph_add_node(tg_graph *g, const char *id, const char *type,
                            int64_t *index /* OUT */, char *msg);
int64_t tg_graph_node_index(const tg_graph *g, const char *id);  /* -1 if absent */
const char *tg_graph_node_id(const tg_graph *g, int64_t v);      /* borrowed */
const char *tg_graph_node_type(const tg_graph *g, int64_t v);    /* "" if none */
tg_status tg_graph_set_node_type(tg_graph *g, int64_t v, const char *type, char *msg);

/* Edges.  id may be NULL (the edge then has no id; tg_graph_edge_id
 * returns NULL) or a unique non-empty string. */
tg_status tg_graph_add_edge(tg_graph *g, const char *id, int64_t from, int64_t to,
                            int64_t *index /* OUT */, char *msg);
/* Bulk add of n edges without ids: ends = {from0, to0, from1, to1, ...}. */
tg_status tg_graph_add_edges(tg_graph *g, int64_t n, const int64_t *ends, char *msg);
int64_t tg_graph_edge_index(const tg_graph *g, const char *id);  /* -1 if absent */
const char *tg_graph_edge_id(const tg_graph *g, int64_t e);      /* NULL if none */
void tg_graph_edge_ends(const tg_graph *g, int64_t e, int64_t *from, int64_t *to);
/* Neighbours of node v along mode (a node appears once per edge; a
 * self-loop twice with TG_ALL).  *out is tg_malloc'd (caller frees with
 * tg_free), *n its length. */
tg_status tg_graph_neighbors(const tg_graph *g, int64_t v, tg_mode mode, int64_t **out /* OUT */,
                             int64_t *n /* OUT */, char *msg);
/* Lowest-index edge from -> to (either way when undirected), or -1. */
int64_t tg_graph_find_edge(const tg_graph *g, int64_t from, int64_t to);

/* Remove nodes (with their edges) or edges; duplicates in the list are
 * fine; out-of-range indices are an error and change nothing. O(V + E). */
tg_status tg_graph_remove_nodes(tg_graph *g, int64_t n, const int64_t *nodes, char *msg);
tg_status tg_graph_remove_edges(tg_graph *g, int64_t n, const int64_t *edges, char *msg);
/* Induced subgraph on the listed nodes (in list order), with all ids,
 * types and attributes. */
tg_status tg_graph_subgraph(const tg_graph *g, int64_t n, const int64_t *nodes,
                            tg_graph **out /* OUT */, char *msg);
/* The simple undirected view: mutual and parallel edges merged into one,
 * self-loops dropped (igraph's collapse + simplify).  Node data is kept;
 * edge attributes are dropped except `weight_attr` (may be NULL), which is
 * summed over merged edges. */
tg_status tg_graph_undirected_simple(const tg_graph *g, const char *weight_attr,
                                     tg_graph **out /* OUT */, char *msg);

/* ======================================================================
 * Attributes
 * ====================================================================== */

/* Add a column (all values missing).  Adding an existing name with the
 * same type is a no-op; with another type it is TG_ERR_TYPE.  Names
 * "id" and "type" are reserved for nodes. */
tg_status tg_graph_attr_add(tg_graph *g, tg_elem elem, const char *name,
                            tg_attr_type type, char *msg);
tg_status tg_graph_attr_remove(tg_graph *g, tg_elem elem, const char *name, char *msg);
int tg_graph_attr_count(const tg_graph *g, tg_elem elem);
const char *tg_graph_attr_name(const tg_graph *g, tg_elem elem, int col);
tg_attr_type tg_graph_attr_type(const tg_graph *g, tg_elem elem, int col);
int tg_graph_attr_find(const tg_graph *g, tg_elem elem, const char *name);  /* -1 */

/* Set one value; the column is created with the value's type if absent.
 * Setting a double into an int column (or the reverse) is TG_ERR_TYPE. */
tg_status tg_graph_set_double(tg_graph *g, tg_elem elem, const char *name, int64_t i,
                              double v, char *msg);
tg_status tg_graph_set_int(tg_graph *g, tg_elem elem, const char *name, int64_t i,
                           int64_t v, char *msg);
/* v is copied; NULL makes the value missing. */
tg_status tg_graph_set_string(tg_graph *g, tg_elem elem, const char *name, int64_t i,
                              const char *v, char *msg);

/* Column contents, borrowed, length = node or edge count; NULL if col is
 * not of that type.  Valid until the next change to g. */
const double *tg_graph_attr_doubles(const tg_graph *g, tg_elem elem, int col);
const int64_t *tg_graph_attr_ints(const tg_graph *g, tg_elem elem, int col);
const char *const *tg_graph_attr_strings(const tg_graph *g, tg_elem elem, int col);

/* A numeric column (double or int) as doubles in out[count]; missing -> NaN.
 * For weights: TG_ERR_ARG if the column is missing or not numeric, and
 * with require_finite_nonneg, TG_ERR_NUMERIC naming the first element
 * whose value is missing, NaN, infinite or negative. */
tg_status tg_graph_attr_numeric(const tg_graph *g, tg_elem elem, const char *name,
                                bool require_finite_nonneg, double *out, char *msg);

/* Indices of the nodes whose attribute `name` compares with value by op
 * ("<", "<=", "==", "!=", ">=", ">"); name "type" compares the node type
 * as a string with svalue (op "==" or "!=").  *out is allocated with
 * tg_malloc (caller frees with tg_free), *n its length. */
tg_status tg_graph_select_nodes(const tg_graph *g, const char *name, const char *op,
                                double value, const char *svalue,
                                int64_t **out /* OUT */, int64_t *n /* OUT */, char *msg);

/* ======================================================================
 * Derived matrices (GraphBLAS).  Owned and cached by g: do not free; valid
 * until the next change to g.  weight may be NULL (all ones).  An
 * undirected edge appears in both A(i,j) and A(j,i); parallel edges add.
 * ====================================================================== */

tg_status tg_graph_adjacency(tg_graph *g, const char *weight, GrB_Matrix *A /* OUT */,
                             char *msg);
/* L = D - A with D the row sums of A (out-strength). */
tg_status tg_graph_laplacian(tg_graph *g, const char *weight, GrB_Matrix *L /* OUT */,
                             char *msg);
/* D^-1/2 (A + I) D^-1/2 with D the degrees of A + I (GCN, Kipf & Welling). */
tg_status tg_graph_normalized_adjacency(tg_graph *g, const char *weight,
                                        GrB_Matrix *N /* OUT */, char *msg);

/* ======================================================================
 * Reading and writing
 * ====================================================================== */

typedef struct tg_read_opts {
    const char *format;     /* "graphml", "csv", "matrix", "sqlite"; NULL: by extension */
    int directed;           /* -1: format default (GraphML: as the file says;
                               CSV: undirected; matrix: directed unless symmetric) */
    const char *labels;     /* matrix: optional labels file, one id a line */
    char delimiter;         /* CSV/matrix: 0 auto (',' or tab or ';') */
} tg_read_opts;

/* Read a graph from path.  On any failure *g is NULL and msg names the
 * file, the line (or element) and the reason. opts may be NULL. */
tg_status tg_graph_read(const char *path, const tg_read_opts *opts, tg_graph **g /* OUT */,
                        char *msg);
/* Write g to path in format ("graphml", "csv" (edges), "dot", "sqlite";
 * NULL: by extension).  Written to a temporary file and renamed, so a
 * failure leaves any existing file untouched. */
tg_status tg_graph_write(const tg_graph *g, const char *path, const char *format, char *msg);

/* Format name from a path's extension (".graphml", ".xml" -> graphml;
 * ".csv", ".tsv", ".txt", ".edges" -> csv; ".dot", ".gv" -> dot; ".db",
 * ".sqlite", ".twin" -> sqlite), or NULL. */
const char *tg_graph_format_from_path(const char *path);

/* ======================================================================
 * Algorithms.  Per-node results go to caller-provided arrays of length
 * tg_graph_node_count(g) (per-edge: edge count).  `weight` names an edge
 * attribute (NULL: unweighted); weights must be finite and >= 0.
 * ====================================================================== */

tg_status tg_graph_degree(const tg_graph *g, tg_mode mode, bool loops, double *out, char *msg);
tg_status tg_graph_strength(const tg_graph *g, const char *weight, tg_mode mode,
                            double *out, char *msg);
/* Weakly (strong = false) or strongly connected components: membership[v]
 * in 0..count-1, numbered by first node; *count and *largest may be NULL. */
tg_status tg_graph_components(const tg_graph *g, bool strong, int64_t *membership,
                              int64_t *count, int64_t *largest, char *msg);
/* Breadth-first search from source: dist[v] hops (-1 unreachable),
 * parent[v] (-1 for source and unreachable); either may be NULL. */
tg_status tg_graph_bfs(const tg_graph *g, int64_t source, tg_mode mode, int64_t *dist,
                       int64_t *parent, char *msg);
/* Single-source shortest paths (Dijkstra): dist[v] (INFINITY when
 * unreachable), parent[v] (-1 for none); parent may be NULL. */
tg_status tg_graph_dijkstra(const tg_graph *g, int64_t source, const char *weight, tg_mode mode,
                            double *dist, int64_t *parent, char *msg);
/* All-pairs distances into D (n*n, row-major, INFINITY when unreachable). */
tg_status tg_graph_distances(const tg_graph *g, const char *weight, tg_mode mode, double *D,
                             char *msg);
tg_status tg_graph_betweenness(const tg_graph *g, const char *weight, bool normalized,
                               double *out, char *msg);
tg_status tg_graph_edge_betweenness(const tg_graph *g, const char *weight, double *out,
                                    char *msg);
/* Closeness over the nodes each node reaches (igraph's convention):
 * 1 / sum of distances, or (reached - 1) / sum when normalized; NaN for a
 * node that reaches no other. */
tg_status tg_graph_closeness(const tg_graph *g, const char *weight, tg_mode mode,
                             bool normalized, double *out, char *msg);
/* Harmonic: sum over other nodes of 1/d; normalized divides by n - 1. */
tg_status tg_graph_harmonic(const tg_graph *g, const char *weight, tg_mode mode,
                            bool normalized, double *out, char *msg);
tg_status tg_graph_pagerank(const tg_graph *g, const char *weight, double damping,
                            double *out, char *msg);
/* Eigenvector centrality scaled to max 1 (undirected: of A; directed: in-edges). */
tg_status tg_graph_eigenvector(const tg_graph *g, const char *weight, double *out,
                               double *eigenvalue, char *msg);
tg_status tg_graph_coreness(const tg_graph *g, tg_mode mode, int64_t *out, char *msg);
/* Articulation points and bridges of the undirected view. *out allocated
 * with tg_malloc (caller frees), sorted ascending. */
tg_status tg_graph_articulation_points(const tg_graph *g, int64_t **out, int64_t *n, char *msg);
tg_status tg_graph_bridges(const tg_graph *g, int64_t **out, int64_t *n, char *msg);
/* Maximum s-t flow with edge capacities (NULL: all 1).  flow (may be NULL)
 * receives per-edge flows; cut (tg_malloc'd, may be NULL) the min-cut edges;
 * source_side (may be NULL) 1 for nodes on the source side. */
tg_status tg_graph_maxflow(const tg_graph *g, int64_t s, int64_t t, const char *capacity,
                           double *value, double *flow, int64_t **cut, int64_t *ncut,
                           int64_t *source_side, char *msg);
/* Global transitivity (ratio of closed triplets) of the undirected view. */
tg_status tg_graph_transitivity(const tg_graph *g, double *out, char *msg);
/* Local clustering of the undirected view; degree < 2 gives 0 (zero_low)
 * or NaN.  weight: Barrat's weighted clustering (igraph). */
tg_status tg_graph_local_clustering(const tg_graph *g, const char *weight, bool zero_low,
                                    double *out, char *msg);
tg_status tg_graph_assortativity_degree(const tg_graph *g, double *out, char *msg);
/* Louvain (multilevel) on the undirected view, seeded; resolution 1 is
 * classic modularity. */
tg_status tg_graph_louvain(const tg_graph *g, const char *weight, double resolution,
                           uint64_t seed, int64_t *membership, double *modularity, char *msg);
/* Leiden optimising modularity on the undirected view, seeded. */
tg_status tg_graph_leiden(const tg_graph *g, const char *weight, double resolution,
                          uint64_t seed, int64_t *membership, double *modularity, char *msg);
tg_status tg_graph_modularity(const tg_graph *g, const char *weight, const int64_t *membership,
                              double resolution, double *out, char *msg);
/* Mean over ordered pairs i != j of 1/d(i,j) (0 when unreachable). */
tg_status tg_graph_global_efficiency(const tg_graph *g, const char *weight, double *out,
                                     char *msg);
/* Unweighted mean distance over connected ordered pairs and the longest
 * such distance, following edge directions when g is directed. */
tg_status tg_graph_average_path_length(const tg_graph *g, double *out, char *msg);
tg_status tg_graph_diameter(const tg_graph *g, double *out, char *msg);

#endif
