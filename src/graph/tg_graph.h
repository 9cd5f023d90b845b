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

/* ======================================================================
 * Brain connectivity (brain.c, nullmodel.c, group.c): the measures of the
 * Brain Connectivity Toolbox (BCT, Rubinov & Sporns 2010) with its
 * conventions, on dense n x n row-major matrices of doubles: W[i*n + j]
 * is the connection from i to j (directed) or between i and j
 * (undirected: W must then be symmetric).  Weighted measures use the
 * weights as given; path measures take a length matrix L (lengths of
 * existing connections, 0 = none; tg_graph_brain_lengths makes 1/w or
 * -log w).  The diagonal is ignored.  Per-node results go to
 * caller-provided arrays of length n.  All functions are O(n^2) memory.
 * ====================================================================== */

/* Matrix workflow (in place). */
typedef enum tg_brain_sym { TG_SYM_MAX = 0, TG_SYM_MIN = 1, TG_SYM_MEAN = 2, TG_SYM_SUM = 3 } tg_brain_sym;
/* W(i,j) = W(j,i) = f(W(i,j), W(j,i)). */
tg_status tg_graph_brain_symmetrize(double *W, int64_t n, tg_brain_sym how, char *msg);
void tg_graph_brain_zero_diagonal(double *W, int64_t n);
/* BCT threshold_absolute: entries < thr become 0. */
tg_status tg_graph_brain_threshold_absolute(double *W, int64_t n, double thr, char *msg);
/* BCT threshold_proportional: keep the round(p * n(n-1) / (2 if W is
 * symmetric else 1)) largest off-diagonal entries (upper triangle when
 * symmetric), ties broken as MATLAB's stable sort of column-major
 * indices; the diagonal is cleared.  p in [0, 1]. */
tg_status tg_graph_brain_threshold_proportional(double *W, int64_t n, double p, char *msg);
/* Backbone: the maximum spanning forest of the symmetric W (Kruskal on
 * |w|, ties by index) plus the strongest remaining edges until
 * round(p * n(n-1)/2) edges are kept (the forest is kept whatever p). */
tg_status tg_graph_brain_threshold_backbone(double *W, int64_t n, double p, char *msg);
void tg_graph_brain_binarize(double *W, int64_t n);   /* W != 0 -> 1 */
/* W / max|W| (BCT weight_conversion 'normalize'); a zero matrix is kept. */
void tg_graph_brain_normalize(double *W, int64_t n);
/* Lengths from weights: kind 0 = 1/w, 1 = -log(w) (BCT 'lengths' and
 * the log variant); entries <= 0 (and, for -log, >= 1) give 0 = no
 * connection except that -log(1) = 0 is stored as DBL_MIN so the link
 * stays; L may alias W. */
tg_status tg_graph_brain_lengths(const double *W, int64_t n, int kind, double *L, char *msg);
/* Split signs: pos = max(W, 0), neg = max(-W, 0); either may be NULL. */
void tg_graph_brain_split_signs(const double *W, int64_t n, double *pos, double *neg);
/* True if W(i,j) == W(j,i) exactly for all i, j. */
bool tg_graph_brain_is_symmetric(const double *W, int64_t n);

/* Degree (number of nonzero entries; directed: in + out, BCT
 * degrees_dir) and strength (sum of entries; directed: in + out).
 * in/out may be NULL. */
void tg_graph_brain_degree(const double *W, int64_t n, bool directed, double *deg,
                           double *in, double *out);
void tg_graph_brain_strength(const double *W, int64_t n, bool directed, double *str,
                             double *in, double *out);
/* Clustering: binary (W != 0) or weighted (Onnela's geometric mean of
 * W^(1/3), BCT clustering_coef_wu; weights should be in [0, 1]);
 * directed: Fagiolo's generalisation (clustering_coef_bd / _wd).  Nodes
 * in no triangle get 0.  Weighted needs W >= 0.  Undirected needs a
 * symmetric W (else TG_ERR_ARG; transitivity too). */
tg_status tg_graph_brain_clustering(const double *W, int64_t n, bool directed, bool weighted,
                                    double *out, char *msg);
/* Transitivity (BCT transitivity_bu/_wu/_bd/_wd). */
tg_status tg_graph_brain_transitivity(const double *W, int64_t n, bool directed, bool weighted,
                                      double *out, char *msg);
/* Shortest-path lengths on L (weighted; Dijkstra) or hop counts (binary,
 * L != 0 is an edge): D (n*n, INFINITY if unreachable, 0 diagonal);
 * hops (may be NULL): edges on the shortest path found (BCT distance_wei's B). */
tg_status tg_graph_brain_distance(const double *L, int64_t n, bool weighted, double *D,
                                  double *hops, char *msg);
/* BCT charpath on a distance matrix: lambda = mean of off-diagonal
 * entries (include_infinite: over all, giving INFINITY if disconnected;
 * else over finite ones), efficiency = mean of 1/D over off-diagonal
 * pairs, eccentricity (may be NULL; over finite distances), radius,
 * diameter. */
tg_status tg_graph_brain_charpath(const double *D, int64_t n, bool include_infinite,
                                  double *lambda, double *efficiency, double *ecc,
                                  double *radius, double *diameter, char *msg);
/* Global efficiency (BCT efficiency_bin / efficiency_wei: lengths 1/w
 * for W > 0). */
tg_status tg_graph_brain_efficiency(const double *W, int64_t n, bool weighted, double *out,
                                    char *msg);
/* Local efficiency, BCT efficiency_bin(A, 1) or efficiency_wei(W, variant):
 * variant 1 = the original (Rubinov & Sporns 2010), 2 = the modified
 * (Wang et al. 2016; BCT's recommendation).  variant ignored if binary.
 * O(sum of k_i^3). */
tg_status tg_graph_brain_local_efficiency(const double *W, int64_t n, bool weighted, int variant,
                                          double *out, char *msg);
/* Betweenness on lengths L (weighted) or hops (binary), BCT
 * betweenness_wei / _bin: every ordered pair (s, t) counts, so on an
 * undirected graph each value is twice igraph's and networkx's
 * unnormalised one.  Brandes with exact tie tests (as BCT). */
tg_status tg_graph_brain_betweenness(const double *L, int64_t n, bool weighted, double *out,
                                     char *msg);
/* Modularity of a partition (membership in 0..n-1) on the BCT
 * modularity matrix: sign 0 = classic (Newman; W >= 0), 1 = negative_sym
 * and 2 = negative_asym (Rubinov & Sporns 2011) for signed W.  gamma is
 * the resolution.  Directed W is symmetrised as (B + B')/2 as BCT. */
typedef enum tg_brain_signed { TG_BRAIN_POSITIVE = 0, TG_BRAIN_NEG_SYM = 1, TG_BRAIN_NEG_ASYM = 2 } tg_brain_signed;
tg_status tg_graph_brain_modularity(const double *W, int64_t n, const int64_t *membership,
                                    double gamma, tg_brain_signed sign, double *q, char *msg);
/* Louvain on the BCT modularity matrix (BCT community_louvain: random node
 * order from tg_rng(seed), moves while the gain > 1e-10, aggregation until
 * Q stops rising).  membership gets 0-based modules numbered by first node. */
tg_status tg_graph_brain_louvain(const double *W, int64_t n, double gamma, tg_brain_signed sign,
                                 uint64_t seed, int64_t *membership, double *q, char *msg);
/* Best of `runs` Louvain runs with seeds seed, seed+1, ... */
tg_status tg_graph_brain_louvain_best(const double *W, int64_t n, double gamma,
                                      tg_brain_signed sign, uint64_t seed, int runs,
                                      int64_t *membership, double *q, char *msg);
/* Consensus clustering (Lancichinetti & Fortunato 2012, BCT consensus_und):
 * `runs` Louvain partitions -> agreement matrix (fraction of runs that put
 * i and j together), entries < tau set to 0, repeat on it until all runs
 * agree (at most 50 rounds; TG_ERR_NUMERIC otherwise). */
tg_status tg_graph_brain_consensus(const double *W, int64_t n, double gamma, double tau,
                                   int runs, uint64_t seed, int64_t *membership, char *msg);
/* Participation coefficient (BCT participation_coef, flag 0: undirected /
 * mode TG_OUT: out-connections, TG_IN: in-connections): 1 - sum_m
 * (k_im / k_i)^2, 0 for isolated nodes; weights as given. */
tg_status tg_graph_brain_participation(const double *W, int64_t n, const int64_t *membership,
                                       tg_mode mode, double *out, char *msg);
/* Within-module degree z-score (BCT module_degree_zscore): z of the
 * within-module strength among the module's nodes with the sample
 * standard deviation (n - 1); 0 where it is undefined (BCT sets NaN to 0).
 * mode TG_ALL: undirected (row sums), TG_OUT: out, TG_IN: in. */
tg_status tg_graph_brain_module_zscore(const double *W, int64_t n, const int64_t *membership,
                                       tg_mode mode, double *out, char *msg);
/* Assortativity (BCT assortativity_bin / _wei): Newman's coefficient of
 * the degrees (strengths) at the two ends of each edge, in BCT's symmetric
 * form for every flag: undirected (flag 0) one term per edge; directed
 * (flag 1) the source's out-degree against the target's in-degree.  NaN
 * when undefined.  O(n^2) (O(n + m) on a prebuilt tg_brain_adj:
 * tg_graph_brain_assortativity_adj). */
tg_status tg_graph_brain_assortativity(const double *W, int64_t n, bool directed, bool weighted,
                                       double *out, char *msg);
/* Rich-club coefficients for k = 1..kmax (R[k-1]), with BCT's two
 * conventions: binary (rich_club_bu / _bd) keeps the nodes of degree > k,
 * R = edges among them over the possible ones, NaN when fewer than two;
 * weighted (rich_club_wu / _wd) keeps the nodes of degree >= k, R = their
 * total weight over that of the same number of strongest edges, NaN when
 * no node is removed.  Degree: undirected row counts; directed in + out. */
tg_status tg_graph_brain_rich_club(const double *W, int64_t n, bool directed, bool weighted,
                                   int64_t kmax, double *R, char *msg);
/* Core numbers (k-core; BCT kcore_bu / kcore_bd give the nodes with core
 * number >= k) of the binary view; directed: degree = in + out (a
 * reciprocal pair counts twice, as BCT and networkx), else W must be
 * symmetric.  Batagelj-Zaversnik, O(n^2 + m) (O(n + m) on a prebuilt
 * tg_brain_adj: tg_graph_brain_coreness_adj). */
tg_status tg_graph_brain_coreness(const double *W, int64_t n, bool directed, int64_t *core, char *msg);
/* s-core (BCT score_wu): in[i] = 1 for the nodes left after repeatedly
 * removing nodes of strength < s; *size their count. */
tg_status tg_graph_brain_score(const double *W, int64_t n, double s, int64_t *in,
                               int64_t *size, char *msg);

/* Sparse view of a connectome (brain_sparse.c): the nonzero off-diagonal
 * entries of W by rows (and, when directed, by columns), built once in
 * O(n^2) and kept by the caller next to W as derived data: free it and
 * build a new one whenever W or the direction changes (it copies what it
 * needs; W is not borrowed).  Measures that only need the edges run on it
 * in O(n + m) instead of re-reading the matrix, and give the same values
 * as their dense versions (which build one internally). */
typedef struct tg_brain_adj tg_brain_adj;
tg_status tg_graph_brain_adj_new(const double *W, int64_t n, bool directed,
                                 tg_brain_adj **out /* OUT */, char *msg);
void tg_graph_brain_adj_free(tg_brain_adj **a);   /* NULL-safe; sets *a = NULL */
int64_t tg_graph_brain_adj_nodes(const tg_brain_adj *a);
/* Nonzero off-diagonal entries (an undirected connection counts twice). */
int64_t tg_graph_brain_adj_entries(const tg_brain_adj *a);
bool tg_graph_brain_adj_is_directed(const tg_brain_adj *a);
/* tg_graph_brain_assortativity on the sparse view, O(n + m). */
tg_status tg_graph_brain_assortativity_adj(const tg_brain_adj *a, bool weighted, double *out,
                                           char *msg);
/* tg_graph_brain_coreness on the sparse view, O(n + m). */
tg_status tg_graph_brain_coreness_adj(const tg_brain_adj *a, int64_t *core, char *msg);

/* Null models (nullmodel.c), seeded with tg_rng: the same seed gives the
 * same null on every machine.  iter = rewiring attempts per edge (BCT's
 * ITER; 10 is usual).  *swaps (may be NULL) receives the number done. */
/* Degree-preserving rewiring (Maslov & Sneppen 2002; BCT randmio_und /
 * randmio_dir): double-edge swaps that keep every node's degree (in- and
 * out-degree when directed); weights travel with their edges.  R = n*n
 * output (may alias W). */
tg_status tg_graph_brain_randmio(const double *W, int64_t n, bool directed, int iter, uint64_t seed,
                                 double *R, int64_t *swaps, char *msg);
/* Strength-preserving null (Rubinov & Sporns 2011, BCT null_model_und_sign
 * for W >= 0): rewire the topology as randmio, then give the original
 * weights back one at a time, a random rank r each step, to the edge of
 * rank r by the product of the remaining strengths at its ends, so node
 * strengths are approximately preserved.  Undirected only. */
tg_status tg_graph_brain_null_strength(const double *W, int64_t n, int iter, uint64_t seed,
                                       double *R, char *msg);
/* Lattice null (Sporns & Zwi 2004; BCT latmio_und / latmio_dir): swaps as
 * randmio but only those that bring edges closer to the main diagonal of
 * a random ring ordering of the nodes; returned in the original node
 * order. */
tg_status tg_graph_brain_latmio(const double *W, int64_t n, bool directed, int iter, uint64_t seed,
                                double *R, int64_t *swaps, char *msg);
/* Small-worldness of the binary undirected view against `nulls`
 * Maslov-Sneppen nulls and as many lattice nulls (seeds seed, seed+1, ...):
 * sigma = (C/Cr)/(L/Lr) (Humphries et al. 2008), omega = Lr/L - C/Cl
 * (Telesford et al. 2011), with C the mean clustering and L the mean
 * finite shortest path length.  out may be NULL for any field. */
typedef struct tg_brain_smallworld { double sigma, omega, C, L, Cr, Lr, Cl; } tg_brain_smallworld;
tg_status tg_graph_brain_small_world(const double *W, int64_t n, int nulls, int iter, uint64_t seed,
                                     tg_brain_smallworld *out, char *msg);
/* Rich club normalised by the mean over `nulls` randmio nulls:
 * R[k-1], Rnull[k-1] (mean null; may be NULL) and Rnorm[k-1] = R / Rnull. */
tg_status tg_graph_brain_rich_club_norm(const double *W, int64_t n, bool directed, bool weighted,
                                        int64_t kmax, int nulls, int iter, uint64_t seed,
                                        double *R, double *Rnull, double *Rnorm, char *msg);

/* Group studies (group.c). */
typedef struct tg_brain_group_opts {
    const char *labels;         /* labels file for every subject (NULL: "1".."n") */
    double proportional;        /* threshold_proportional per subject; <= 0 or >= 1: none */
    bool local_efficiency;      /* add the (slower) modified local efficiency column */
    int louvain_runs;           /* modules per subject: best of this many runs (>= 1) */
    uint64_t seed;
} tg_brain_group_opts;

/* Per-subject, per-node measures of the subjects' matrices (BCT
 * conventions as `twingraph brain`: strength, Onnela clustering,
 * betweenness on 1/w, participation and z-score on the subject's best
 * Louvain partition) written as one tidy CSV:
 * subject,node,degree,strength,clustering,betweenness,participation,
 * module_zscore[,local_efficiency] (subject = file name without folder
 * and extension).  All subjects must have the same size.  A progress bar
 * on a terminal.  The CSV is written to a temporary file and renamed. */
tg_status tg_graph_brain_group(int64_t nsub, const char *const *paths, const tg_brain_group_opts *o,
                               const char *out_csv, int64_t *nodes, char *msg);

/* Network-based statistic (Zalesky, Fornito & Bullmore 2010): a
 * two-sample t-test on every undirected connection (pooled variance),
 * supra-threshold connections (t > thresh for tail 1: group 0 > group 1;
 * -t > thresh for tail -1; |t| > thresh for tail 0) form components, whose
 * size is their number of connections; each component's p-value (FWE
 * corrected) is the fraction of `perms` label permutations (seeded) whose
 * largest component is at least as large (NBS toolbox's estimate).
 * X holds nsub matrices of n x n (subject s at X + s n n); group[s] is 0
 * or 1 (each group needs >= 2 subjects).  Results: t (n*n, may be NULL),
 * comp (n*n: component 1..ncomp of each supra-threshold connection, 0
 * otherwise, may be NULL); *size and *p tg_malloc'd arrays of *ncomp
 * entries sorted by size descending (caller frees).  Progress bar. */
tg_status tg_graph_brain_nbs(const double *X, int64_t nsub, int64_t n, const int *group, double thresh,
                             int tail, int perms, uint64_t seed, double *t, int64_t *comp,
                             int64_t *ncomp, int64_t **size, double **p, char *msg);

/* A synthetic weighted subject for group studies and benchmarks: n regions
 * in `modules` equal modules; connection (i,j) exists with probability
 * 0.3 within a module and 0.05 between (fixed by `structure_seed`, the
 * same for all subjects), weight 0.5 within and 0.2 between plus Gaussian
 * noise of sd 0.1 (from `seed`, per subject), clamped at 0.01.  effect > 0
 * adds `effect` to every existing connection among regions 0..effect_nodes-1
 * (a planted group difference).  Symmetric, zero diagonal. */
tg_status tg_graph_brain_synthetic(int64_t n, int64_t modules, uint64_t structure_seed, uint64_t seed,
                                   int64_t effect_nodes, double effect, double *W, char *msg);
/* Write W as a CSV matrix (%.17g, no header) through a temporary file
 * renamed over path. */
tg_status tg_graph_brain_write_matrix(const double *W, int64_t n, const char *path, char *msg);

/* Dense matrix of a graph's edge attribute (NULL: 1 per edge); parallel
 * edges add; undirected edges fill both (i,j) and (j,i).  W has n*n. */
tg_status tg_graph_brain_matrix(const tg_graph *g, const char *weight, double *W, char *msg);
/* A graph from a matrix: nodes named by ids (NULL: "1".."n"), one edge per
 * nonzero off-diagonal entry (upper triangle when !directed) with the
 * value in edge attribute "weight". */
tg_status tg_graph_brain_to_graph(const double *W, int64_t n, bool directed,
                                  const char *const *ids, tg_graph **out /* OUT */, char *msg);

/* ======================================================================
 * Network resilience (resilience.c): how a network breaks when its nodes
 * (or edges) fail at random or are attacked, how overloads cascade
 * (Motter & Lai 2002), how failures propagate along supply dependencies,
 * and which components and small sets of components matter most.
 * "Fed" sinks are the sinks reachable from a live source along edge
 * directions (both ways when undirected), through live nodes and edges.
 * Efficiency is unweighted, follows directions, and is divided by the
 * original N(N-1) so a curve shows the loss (Latora & Marchiori 2001).
 * Every function returns TG_OK, TG_ERR_ARG (message names the argument),
 * TG_ERR_NOMEM or (nk) TG_ERR_LIMIT.  On failure no output array is
 * written; the curve of attack and the pointers of nk are reset (zeroed,
 * NULL) on entry, so they are safe to free.
 * Cost (K candidates, P points, R runs): attack O(R P (N + M)) plus
 * O(N (N + M)) a point for efficiency, O(N M) for the initial betweenness
 * and O(K N M) when it is recomputed; Motter-Lai O(N M) a round, rounds
 * <= N, per alpha; criticality O(K (N + M)); nk O(C(K, k) (N + M));
 * dependency O(rounds (M + N + M x nrequired)).
 * Ties ("highest first" in attack orders, adaptive or not, and the
 * default Motter-Lai trigger): scores within 1e-9 (relative) of the
 * highest remaining score count as equal to it, and the lowest node (edge)
 * index among them goes first, whatever the order of the candidate list,
 * so that betweenness values equal up to rounding order the same way on
 * every platform and summation order (docs/brain.md).
 * ====================================================================== */

typedef enum tg_attack {
    TG_ATTACK_RANDOM = 0,           /* uniform random order, `runs` seeded runs averaged */
    TG_ATTACK_DEGREE = 1,           /* highest degree first (initial degrees) */
    TG_ATTACK_DEGREE_ADAPTIVE = 2,  /* highest degree among the survivors, recomputed */
    TG_ATTACK_BETWEENNESS = 3,      /* highest (unweighted) betweenness first, initial */
    TG_ATTACK_BETWEENNESS_ADAPTIVE = 4,  /* recomputed after every removal */
} tg_attack;

typedef struct tg_attack_opts {
    tg_attack strategy;
    bool edges;                 /* remove edges (random or betweenness only) instead of nodes */
    int runs;                   /* random: runs averaged (>= 1), drawn in turn from one stream */
    uint64_t seed;              /* seeds that stream: the same seed, the same curve */
    int points;                 /* curve points after the start (>= 1); removals spread evenly */
    bool efficiency;            /* record global efficiency (costs O(N (N + M)) a point) */
    const int64_t *sources;     /* NULL with sinks NULL: no "fed" curve; else both, nsinks >= 1 */
    int64_t nsources;
    const int64_t *sinks;
    int64_t nsinks;
    const int64_t *candidates;  /* what may be removed (distinct node or edge indices); NULL = all */
    int64_t ncandidates;
} tg_attack_opts;

/* A curve of points + 1 rows (row 0 = intact).  Free with tg_graph_attack_free. */
typedef struct tg_attack_curve {
    int64_t npoints;            /* rows */
    double *removed;            /* fraction of the candidates removed */
    double *largest;            /* largest (weakly) connected component / N */
    double *efficiency;         /* NaN when not recorded */
    double *fed;                /* fed sinks / nsinks (NaN without sources) */
    double *small;              /* mean size of the other components (sum s^2 / sum s) */
    int64_t *order;             /* removal order (first run for random), ncandidates */
    int64_t norder;
    double percolation;         /* removed fraction where `small` peaks (node/edge percolation estimate) */
    double molloy_reed;         /* 1 - 1/(kappa - 1), kappa = <k^2>/<k> of the undirected view
                                   (random-failure threshold of a random graph with these degrees) */
} tg_attack_curve;

/* TG_ERR_ARG also for a graph without nodes and for nothing to remove (an
 * empty candidate list, an edge attack on a graph without edges). */
tg_status tg_graph_attack(const tg_graph *g, const tg_attack_opts *o, tg_attack_curve *out /* OUT */,
                          char *msg);
void tg_graph_attack_free(tg_attack_curve *c);

/* Motter-Lai cascades: load = betweenness (unweighted, ordered pairs,
 * directions followed), capacity = (1 + alpha) x initial load.  For each
 * alpha: remove the trigger nodes, recompute loads on the survivors, fail
 * every node above capacity, repeat until none.  G[a] = largest component
 * after / before (Motter & Lai's G); failed[a] = nodes failed including
 * the triggers (may be NULL).  trigger NULL: the node of highest load
 * (lowest index on ties); else ntrig >= 1 nodes.  On failure G and failed
 * are unchanged. */
tg_status tg_graph_motter_lai(const tg_graph *g, int64_t nalpha, const double *alpha, int64_t ntrig,
                              const int64_t *trig, double *G, int64_t *failed, char *msg);

/* Dependency propagation along directed supply edges: a node fails when it
 * has suppliers (in-neighbours over supply edges) and all have failed, or
 * when, for a node type listed in `required`, it has suppliers of that
 * type and all of those failed.  supply_attr/supply_value (may be NULL)
 * keep only edges whose string attribute equals the value.  failed[v]
 * (in/out): nonzero for the initial failures on entry; on return the
 * round in which v failed (1 = initial), 0 if it survives. */
tg_status tg_graph_dependency(const tg_graph *g, const char *supply_attr, const char *supply_value,
                              int64_t nrequired, const char *const *required, int64_t *failed,
                              int64_t *nfailed, char *msg);

/* Criticality: the damage of losing each candidate node alone.  Damage is
 * fed sinks lost when sources are given, else the drop of the largest
 * component (nodes); sinks without sources are an error.  Candidates
 * must be distinct.  damage has N entries (0 for non-candidates). */
tg_status tg_graph_criticality(const tg_graph *g, const int64_t *sources, int64_t nsources,
                               const int64_t *sinks, int64_t nsinks, const int64_t *candidates,
                               int64_t ncandidates, double *damage, char *msg);

/* N-k screening (k = 1..3): every set of k distinct candidates (damage
 * as in tg_graph_criticality); keeps the sets whose damage >= min_damage
 * and, when minimal, where no proper subset already reaches min_damage
 * (k-th order cut sets).  *sets (k per set) and
 * *damage are tg_malloc'd (caller frees), sorted by damage descending
 * then lexicographically; *count the number of sets.  TG_ERR_LIMIT if
 * more than 10^8 sets would be examined. */
tg_status tg_graph_nk(const tg_graph *g, int k, const int64_t *sources, int64_t nsources,
                      const int64_t *sinks, int64_t nsinks, const int64_t *candidates,
                      int64_t ncandidates, double min_damage, bool minimal, int64_t **sets,
                      double **damage, int64_t *count, char *msg);

#endif
