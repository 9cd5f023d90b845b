/* algo.c: graph algorithms.  igraph does the work wherever it has the
 * algorithm; this file checks arguments, turns attribute columns into
 * igraph weight vectors, and copies results into the caller's arrays. */
#include "graph_internal.h"

#include <math.h>
#include <string.h>

/* Topology and optional weights, shared by every wrapper below. */
typedef struct prep {
    const igraph_t *ig;
    igraph_vector_t w;
    double *wbuf;
    bool weighted;
} prep;

#define W(p) ((p)->weighted ? &(p)->w : NULL)

/* For functions without a direction argument. */
#define NO_MODE ((tg_mode)-1)

static bool mode_ok(tg_mode m) { return m == TG_OUT || m == TG_IN || m == TG_ALL; }

/* Check g (and mode, unless NO_MODE), flush the topology, and read the weights. */
static tg_status prep_init(const tg_graph *g, const char *weight, tg_mode mode, prep *p,
                           const char *fn, char *msg)
{
    memset(p, 0, sizeof *p);
    tg_msg_clear(msg);
    if (!g) return tg_msg(msg, TG_ERR_ARG, "%s: graph is NULL", fn);
    if (mode != NO_MODE && !mode_ok(mode)) return tg_msg(msg, TG_ERR_ARG, "%s: bad mode %d", fn, (int)mode);
    tg_status s = tg_graph_topology(g, &p->ig, msg);
    if (s != TG_OK) return s;
    if (!weight) return TG_OK;
    int64_t m = tg_graph_edge_count(g);
    p->wbuf = tg_malloc(sizeof *p->wbuf * (size_t)(m ? m : 1));
    if (!p->wbuf) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    char sub[TG_MSG_LEN] = "";
    s = tg_graph_attr_numeric(g, TG_EDGES, weight, true, p->wbuf, sub);
    if (s != TG_OK) {
        tg_free(p->wbuf);
        p->wbuf = NULL;
        return tg_msg(msg, s, "%s: weight: %s", fn, sub);
    }
    igraph_vector_view(&p->w, p->wbuf, m);
    p->weighted = true;
    return TG_OK;
}

static void prep_free(prep *p) { tg_free(p->wbuf); }

static igraph_neimode_t mode_of(tg_mode m)
{
    return m == TG_OUT ? IGRAPH_OUT : m == TG_IN ? IGRAPH_IN : IGRAPH_ALL;
}

static tg_status check_node(const tg_graph *g, int64_t v, const char *fn, const char *what,
                            char *msg)
{
    if (v < 0 || v >= tg_graph_node_count(g))
        return tg_msg(msg, TG_ERR_ARG, "%s: %s%snode index %lld out of range", fn, what, *what ? " " : "",
                      (long long)v);
    return TG_OK;
}

/* Run an igraph call that fills igraph vector `res`, then copy it to out.
 * The call is an expression using `res`; `p` is freed on every path. */
#define RUN_VEC(fn, p, call, out)                                             \
    do {                                                                      \
        igraph_vector_t res;                                                  \
        if (igraph_vector_init(&res, 0) != IGRAPH_SUCCESS) {                  \
            prep_free(p);                                                     \
            return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);       \
        }                                                                     \
        igraph_error_t err_ = (call);                                         \
        if (err_ == IGRAPH_SUCCESS)                                           \
            memcpy((out), VECTOR(res), sizeof(double) * (size_t)igraph_vector_size(&res)); \
        igraph_vector_destroy(&res);                                          \
        prep_free(p);                                                         \
        if (err_ != IGRAPH_SUCCESS) return tg_graph_i_igraph_error(err_, fn, msg); \
        return TG_OK;                                                         \
    } while (0)

#define RUN_INTVEC(fn, p, call, out)                                          \
    do {                                                                      \
        igraph_vector_int_t res;                                              \
        if (igraph_vector_int_init(&res, 0) != IGRAPH_SUCCESS) {              \
            prep_free(p);                                                     \
            return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);       \
        }                                                                     \
        igraph_error_t err_ = (call);                                         \
        if (err_ == IGRAPH_SUCCESS)                                           \
            for (igraph_integer_t i_ = 0; i_ < igraph_vector_int_size(&res); i_++) \
                (out)[i_] = VECTOR(res)[i_];                                  \
        igraph_vector_int_destroy(&res);                                      \
        prep_free(p);                                                         \
        if (err_ != IGRAPH_SUCCESS) return tg_graph_i_igraph_error(err_, fn, msg); \
        return TG_OK;                                                         \
    } while (0)

tg_status tg_graph_degree(const tg_graph *g, tg_mode mode, bool loops, double *out, char *msg)
{
    static const char fn[] = "graph.degree";
    prep p;
    tg_status s = prep_init(g, NULL, mode, &p, fn, msg);
    if (s != TG_OK) return s;
    /* igraph_degree fills an integer vector: strength without weights
     * gives the same counts as doubles. */
    RUN_VEC(fn, &p, igraph_strength(p.ig, &res, igraph_vss_all(), mode_of(mode), loops, NULL), out);
}

tg_status tg_graph_strength(const tg_graph *g, const char *weight, tg_mode mode, double *out,
                            char *msg)
{
    static const char fn[] = "graph.strength";
    prep p;
    tg_status s = prep_init(g, weight, mode, &p, fn, msg);
    if (s != TG_OK) return s;
    RUN_VEC(fn, &p, igraph_strength(p.ig, &res, igraph_vss_all(), mode_of(mode), true, W(&p)), out);
}

tg_status tg_graph_components(const tg_graph *g, bool strong, int64_t *membership,
                              int64_t *count, int64_t *largest, char *msg)
{
    static const char fn[] = "graph.components";
    prep p;
    tg_status s = prep_init(g, NULL, NO_MODE, &p, fn, msg);
    if (s != TG_OK) return s;
    igraph_vector_int_t memb, csize;
    igraph_integer_t no = 0;
    if (igraph_vector_int_init(&memb, 0) != IGRAPH_SUCCESS)
        return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    if (igraph_vector_int_init(&csize, 0) != IGRAPH_SUCCESS) {
        igraph_vector_int_destroy(&memb);
        return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    }
    igraph_error_t err = igraph_connected_components(p.ig, &memb, &csize, &no,
                                                     strong ? IGRAPH_STRONG : IGRAPH_WEAK);
    if (err == IGRAPH_SUCCESS) {
        int64_t best = 0;
        for (igraph_integer_t c = 0; c < no; c++)
            if (VECTOR(csize)[c] > best) best = VECTOR(csize)[c];
        if (membership)
            for (igraph_integer_t v = 0; v < igraph_vector_int_size(&memb); v++)
                membership[v] = VECTOR(memb)[v];
        if (count) *count = no;
        if (largest) *largest = best;
    }
    igraph_vector_int_destroy(&memb);
    igraph_vector_int_destroy(&csize);
    return err ? tg_graph_i_igraph_error(err, fn, msg) : TG_OK;
}

tg_status tg_graph_bfs(const tg_graph *g, int64_t source, tg_mode mode, int64_t *dist,
                       int64_t *parent, char *msg)
{
    static const char fn[] = "graph.bfs";
    prep p;
    tg_status s = prep_init(g, NULL, mode, &p, fn, msg);
    if (s != TG_OK) return s;
    if ((s = check_node(g, source, fn, "source", msg)) != TG_OK) return s;
    igraph_vector_int_t order, layers, parents;
    igraph_error_t err = IGRAPH_ENOMEM;
    int ok = 0;
    if (igraph_vector_int_init(&order, 0) == IGRAPH_SUCCESS) ok++;
    if (ok == 1 && igraph_vector_int_init(&layers, 0) == IGRAPH_SUCCESS) ok++;
    if (ok == 2 && igraph_vector_int_init(&parents, 0) == IGRAPH_SUCCESS) ok++;
    if (ok == 3) err = igraph_bfs_simple(p.ig, source, mode_of(mode), &order, &layers, &parents);
    if (err == IGRAPH_SUCCESS) {
        int64_t n = tg_graph_node_count(g);
        for (int64_t v = 0; v < n; v++) {
            if (dist) dist[v] = -1;
            if (parent) parent[v] = VECTOR(parents)[v] >= 0 ? VECTOR(parents)[v] : -1;
        }
        /* layers[k]..layers[k+1] are the positions in order at depth k. */
        for (igraph_integer_t k = 0; dist && k + 1 < igraph_vector_int_size(&layers); k++)
            for (igraph_integer_t i = VECTOR(layers)[k]; i < VECTOR(layers)[k + 1]; i++)
                dist[VECTOR(order)[i]] = k;
    }
    if (ok >= 3) igraph_vector_int_destroy(&parents);
    if (ok >= 2) igraph_vector_int_destroy(&layers);
    if (ok >= 1) igraph_vector_int_destroy(&order);
    return err ? tg_graph_i_igraph_error(err, fn, msg) : TG_OK;
}

tg_status tg_graph_dijkstra(const tg_graph *g, int64_t source, const char *weight, tg_mode mode,
                            double *dist, int64_t *parent, char *msg)
{
    static const char fn[] = "graph.dijkstra";
    prep p;
    tg_status s = prep_init(g, weight, mode, &p, fn, msg);
    if (s != TG_OK) return s;
    if ((s = check_node(g, source, fn, "source", msg)) != TG_OK) {
        prep_free(&p);
        return s;
    }
    igraph_matrix_t D;
    igraph_vector_int_t par;
    igraph_error_t err = igraph_matrix_init(&D, 0, 0);
    if (err == IGRAPH_SUCCESS) {
        err = igraph_vector_int_init(&par, 0);
        if (err) igraph_matrix_destroy(&D);
    }
    if (err) {
        prep_free(&p);
        return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    }
    err = igraph_distances_dijkstra(p.ig, &D, igraph_vss_1(source), igraph_vss_all(), W(&p),
                                    mode_of(mode));
    if (!err && parent)
        err = igraph_get_shortest_paths_dijkstra(p.ig, NULL, NULL, source, igraph_vss_all(), W(&p),
                                                 mode_of(mode), &par, NULL);
    if (!err) {
        int64_t n = tg_graph_node_count(g);
        for (int64_t v = 0; v < n; v++) {
            dist[v] = MATRIX(D, 0, v);
            if (parent) parent[v] = VECTOR(par)[v] >= 0 ? VECTOR(par)[v] : -1;
        }
    }
    igraph_matrix_destroy(&D);
    igraph_vector_int_destroy(&par);
    prep_free(&p);
    return err ? tg_graph_i_igraph_error(err, fn, msg) : TG_OK;
}

tg_status tg_graph_distances(const tg_graph *g, const char *weight, tg_mode mode, double *out,
                             char *msg)
{
    static const char fn[] = "graph.distances";
    prep p;
    tg_status s = prep_init(g, weight, mode, &p, fn, msg);
    if (s != TG_OK) return s;
    igraph_matrix_t D;
    if (igraph_matrix_init(&D, 0, 0) != IGRAPH_SUCCESS) {
        prep_free(&p);
        return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    }
    igraph_error_t err = igraph_distances_dijkstra(p.ig, &D, igraph_vss_all(), igraph_vss_all(),
                                                   W(&p), mode_of(mode));
    if (!err) {
        int64_t n = tg_graph_node_count(g);
        for (int64_t i = 0; i < n; i++)      /* igraph matrices are column-major */
            for (int64_t j = 0; j < n; j++) out[i * n + j] = MATRIX(D, i, j);
    }
    igraph_matrix_destroy(&D);
    prep_free(&p);
    return err ? tg_graph_i_igraph_error(err, fn, msg) : TG_OK;
}

tg_status tg_graph_betweenness(const tg_graph *g, const char *weight, bool normalized, double *out,
                               char *msg)
{
    static const char fn[] = "graph.betweenness";
    prep p;
    tg_status s = prep_init(g, weight, NO_MODE, &p, fn, msg);
    if (s != TG_OK) return s;
    int64_t n = tg_graph_node_count(g);
    igraph_vector_t res;
    if (igraph_vector_init(&res, 0) != IGRAPH_SUCCESS) {
        prep_free(&p);
        return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    }
    igraph_error_t err = igraph_betweenness(p.ig, &res, igraph_vss_all(), true, W(&p));
    if (!err) {
        /* Normalised: divide by the number of pairs not involving v,
         * ordered for directed graphs, unordered for undirected. */
        double scale = 1.0;
        if (normalized && n > 2)
            scale = tg_graph_is_directed(g) ? 1.0 / ((double)(n - 1) * (double)(n - 2))
                                            : 2.0 / ((double)(n - 1) * (double)(n - 2));
        for (int64_t v = 0; v < n; v++) out[v] = VECTOR(res)[v] * scale;
    }
    igraph_vector_destroy(&res);
    prep_free(&p);
    return err ? tg_graph_i_igraph_error(err, fn, msg) : TG_OK;
}

tg_status tg_graph_edge_betweenness(const tg_graph *g, const char *weight, double *out, char *msg)
{
    static const char fn[] = "graph.edge_betweenness";
    prep p;
    tg_status s = prep_init(g, weight, NO_MODE, &p, fn, msg);
    if (s != TG_OK) return s;
    RUN_VEC(fn, &p, igraph_edge_betweenness(p.ig, &res, true, W(&p)), out);
}

tg_status tg_graph_closeness(const tg_graph *g, const char *weight, tg_mode mode, bool normalized,
                             double *out, char *msg)
{
    static const char fn[] = "graph.closeness";
    prep p;
    tg_status s = prep_init(g, weight, mode, &p, fn, msg);
    if (s != TG_OK) return s;
    RUN_VEC(fn, &p, igraph_closeness(p.ig, &res, NULL, NULL, igraph_vss_all(), mode_of(mode),
                                     W(&p), normalized), out);
}

tg_status tg_graph_harmonic(const tg_graph *g, const char *weight, tg_mode mode, bool normalized,
                            double *out, char *msg)
{
    static const char fn[] = "graph.harmonic";
    prep p;
    tg_status s = prep_init(g, weight, mode, &p, fn, msg);
    if (s != TG_OK) return s;
    RUN_VEC(fn, &p, igraph_harmonic_centrality(p.ig, &res, igraph_vss_all(), mode_of(mode), W(&p),
                                               normalized), out);
}

tg_status tg_graph_pagerank(const tg_graph *g, const char *weight, double damping, double *out,
                            char *msg)
{
    static const char fn[] = "graph.pagerank";
    tg_msg_clear(msg);
    if (!(damping >= 0 && damping <= 1))
        return tg_msg(msg, TG_ERR_ARG, "%s: damping %g not in [0, 1]", fn, damping);
    prep p;
    tg_status s = prep_init(g, weight, NO_MODE, &p, fn, msg);
    if (s != TG_OK) return s;
    RUN_VEC(fn, &p, igraph_pagerank(p.ig, IGRAPH_PAGERANK_ALGO_PRPACK, &res, NULL, igraph_vss_all(),
                                    true, damping, W(&p), NULL), out);
}

tg_status tg_graph_eigenvector(const tg_graph *g, const char *weight, double *out,
                               double *eigenvalue, char *msg)
{
    static const char fn[] = "graph.eigenvector";
    prep p;
    tg_status s = prep_init(g, weight, NO_MODE, &p, fn, msg);
    if (s != TG_OK) return s;
    igraph_real_t value = 0;
    igraph_arpack_options_t opts;
    igraph_arpack_options_init(&opts);
    if (eigenvalue) *eigenvalue = NAN;
    igraph_vector_t res;
    if (igraph_vector_init(&res, 0) != IGRAPH_SUCCESS) {
        prep_free(&p);
        return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    }
    igraph_error_t err = igraph_eigenvector_centrality(p.ig, &res, &value, true, true, W(&p), &opts);
    if (!err) {
        memcpy(out, VECTOR(res), sizeof(double) * (size_t)igraph_vector_size(&res));
        if (eigenvalue) *eigenvalue = value;
    }
    igraph_vector_destroy(&res);
    prep_free(&p);
    return err ? tg_graph_i_igraph_error(err, fn, msg) : TG_OK;
}

tg_status tg_graph_coreness(const tg_graph *g, tg_mode mode, int64_t *out, char *msg)
{
    static const char fn[] = "graph.coreness";
    prep p;
    tg_status s = prep_init(g, NULL, mode, &p, fn, msg);
    if (s != TG_OK) return s;
    RUN_INTVEC(fn, &p, igraph_coreness(p.ig, &res, mode_of(mode)), out);
}

/* Sorted copy of an igraph int vector into a tg_malloc'd array. */
static tg_status int_list_out(igraph_vector_int_t *v, int64_t **out, int64_t *n, const char *fn,
                              char *msg)
{
    igraph_vector_int_sort(v);
    igraph_integer_t k = igraph_vector_int_size(v);
    *out = tg_malloc(sizeof **out * (size_t)(k ? k : 1));
    if (!*out) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    for (igraph_integer_t i = 0; i < k; i++) (*out)[i] = VECTOR(*v)[i];
    *n = k;
    return TG_OK;
}

static tg_status list_call(const tg_graph *g, int64_t **out, int64_t *n, const char *fn,
                           igraph_error_t (*call)(const igraph_t *, igraph_vector_int_t *),
                           char *msg)
{
    prep p;
    *out = NULL;
    *n = 0;
    tg_status s = prep_init(g, NULL, NO_MODE, &p, fn, msg);
    if (s != TG_OK) return s;
    igraph_vector_int_t res;
    if (igraph_vector_int_init(&res, 0) != IGRAPH_SUCCESS)
        return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    igraph_error_t err = call(p.ig, &res);
    s = err ? tg_graph_i_igraph_error(err, fn, msg) : int_list_out(&res, out, n, fn, msg);
    igraph_vector_int_destroy(&res);
    return s;
}

tg_status tg_graph_articulation_points(const tg_graph *g, int64_t **out, int64_t *n, char *msg)
{
    return list_call(g, out, n, "graph.articulation_points", igraph_articulation_points, msg);
}

tg_status tg_graph_bridges(const tg_graph *g, int64_t **out, int64_t *n, char *msg)
{
    return list_call(g, out, n, "graph.bridges", igraph_bridges, msg);
}

tg_status tg_graph_maxflow(const tg_graph *g, int64_t src, int64_t dst, const char *capacity,
                           double *value, double *flow, int64_t **cut, int64_t *ncut,
                           int64_t *source_side, char *msg)
{
    static const char fn[] = "graph.maxflow";
    prep p;
    if (cut) *cut = NULL;
    if (ncut) *ncut = 0;
    tg_status s = prep_init(g, capacity, NO_MODE, &p, fn, msg);
    if (s != TG_OK) return s;
    if ((s = check_node(g, src, fn, "source", msg)) != TG_OK ||
        (s = check_node(g, dst, fn, "target", msg)) != TG_OK || src == dst) {
        prep_free(&p);
        return s ? s : tg_msg(msg, TG_ERR_ARG, "%s: source and target are the same node", fn);
    }
    igraph_vector_t fl;
    igraph_vector_int_t cutv, part;
    igraph_real_t val = 0;
    int ok = 0;
    igraph_error_t err = IGRAPH_ENOMEM;
    if (igraph_vector_init(&fl, 0) == IGRAPH_SUCCESS) ok++;
    if (ok == 1 && igraph_vector_int_init(&cutv, 0) == IGRAPH_SUCCESS) ok++;
    if (ok == 2 && igraph_vector_int_init(&part, 0) == IGRAPH_SUCCESS) ok++;
    if (ok == 3)
        err = igraph_maxflow(p.ig, &val, flow ? &fl : NULL, &cutv, &part, NULL, src, dst, W(&p), NULL);
    s = err ? tg_graph_i_igraph_error(err, fn, msg) : TG_OK;
    if (!err) {
        *value = val;
        if (flow) memcpy(flow, VECTOR(fl), sizeof(double) * (size_t)igraph_vector_size(&fl));
        if (source_side) {
            int64_t n = tg_graph_node_count(g);
            for (int64_t v = 0; v < n; v++) source_side[v] = 0;
            for (igraph_integer_t i = 0; i < igraph_vector_int_size(&part); i++)
                source_side[VECTOR(part)[i]] = 1;
        }
        if (cut) s = int_list_out(&cutv, cut, ncut, fn, msg);
    }
    if (ok >= 3) igraph_vector_int_destroy(&part);
    if (ok >= 2) igraph_vector_int_destroy(&cutv);
    if (ok >= 1) igraph_vector_destroy(&fl);
    prep_free(&p);
    return s;
}

tg_status tg_graph_transitivity(const tg_graph *g, double *out, char *msg)
{
    static const char fn[] = "graph.transitivity";
    prep p;
    tg_status s = prep_init(g, NULL, NO_MODE, &p, fn, msg);
    if (s != TG_OK) return s;
    igraph_error_t err = igraph_transitivity_undirected(p.ig, out, IGRAPH_TRANSITIVITY_NAN);
    return err ? tg_graph_i_igraph_error(err, fn, msg) : TG_OK;
}

tg_status tg_graph_local_clustering(const tg_graph *g, const char *weight, bool zero_low,
                                    double *out, char *msg)
{
    static const char fn[] = "graph.local_clustering";
    prep p;
    tg_status s = prep_init(g, weight, NO_MODE, &p, fn, msg);
    if (s != TG_OK) return s;
    igraph_transitivity_mode_t m = zero_low ? IGRAPH_TRANSITIVITY_ZERO : IGRAPH_TRANSITIVITY_NAN;
    if (p.weighted)
        RUN_VEC(fn, &p, igraph_transitivity_barrat(p.ig, &res, igraph_vss_all(), W(&p), m), out);
    RUN_VEC(fn, &p, igraph_transitivity_local_undirected(p.ig, &res, igraph_vss_all(), m), out);
}

tg_status tg_graph_assortativity_degree(const tg_graph *g, double *out, char *msg)
{
    static const char fn[] = "graph.assortativity";
    prep p;
    tg_status s = prep_init(g, NULL, NO_MODE, &p, fn, msg);
    if (s != TG_OK) return s;
    igraph_error_t err = igraph_assortativity_degree(p.ig, out, true);
    return err ? tg_graph_i_igraph_error(err, fn, msg) : TG_OK;
}

/* ---- communities ------------------------------------------------------- */

/* Simple undirected view when g is directed or has multi-edges or loops,
 * else g itself (borrowed: *owned stays NULL). */
static tg_status community_view(const tg_graph *g, const char *weight, const tg_graph **view,
                                tg_graph **owned, char *msg)
{
    *owned = NULL;
    *view = g;
    const igraph_t *ig;
    tg_status s = tg_graph_topology(g, &ig, msg);
    if (s != TG_OK) return s;
    igraph_bool_t simple = false;
    if (!tg_graph_is_directed(g) && igraph_is_simple(ig, &simple) == IGRAPH_SUCCESS && simple)
        return TG_OK;
    s = tg_graph_undirected_simple(g, weight, owned, msg);
    if (s == TG_OK) *view = *owned;
    return s;
}

typedef enum { LOUVAIN, LEIDEN } community_algo;

static tg_status communities(const tg_graph *g, const char *weight, double resolution,
                             uint64_t seed, community_algo algo, int64_t *membership,
                             double *modularity, const char *fn, char *msg)
{
    tg_msg_clear(msg);
    if (!g) return tg_msg(msg, TG_ERR_ARG, "%s: graph is NULL", fn);
    if (!(resolution > 0) || !isfinite(resolution))
        return tg_msg(msg, TG_ERR_ARG, "%s: resolution must be a positive number", fn);
    const tg_graph *view;
    tg_graph *owned;
    tg_status s = community_view(g, weight, &view, &owned, msg);
    if (s != TG_OK) return s;
    prep p;
    if ((s = prep_init(view, weight, NO_MODE, &p, fn, msg)) != TG_OK) {
        tg_graph_free(&owned);
        return s;
    }
    igraph_vector_int_t memb;
    igraph_vector_t strength;
    igraph_real_t q = NAN;
    igraph_error_t err = igraph_vector_int_init(&memb, 0);
    if (!err && (err = igraph_vector_init(&strength, 0)) != IGRAPH_SUCCESS)
        igraph_vector_int_destroy(&memb);
    if (err) {
        prep_free(&p);
        tg_graph_free(&owned);
        return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    }
    /* igraph's community code draws from its default generator: seed it
     * so a given seed gives the same partition. */
    igraph_rng_seed(igraph_rng_default(), seed);
    if (algo == LOUVAIN) {
        err = igraph_community_multilevel(p.ig, W(&p), resolution, &memb, NULL, NULL);
    } else {
        /* Leiden optimises CPM; node weights = strengths and resolution
         * gamma / 2m turn it into modularity (igraph's documentation). */
        err = igraph_strength(p.ig, &strength, igraph_vss_all(), IGRAPH_ALL, true, W(&p));
        double two_m = 0;
        for (igraph_integer_t i = 0; !err && i < igraph_vector_size(&strength); i++)
            two_m += VECTOR(strength)[i];
        if (!err)
            err = igraph_community_leiden(p.ig, W(&p), &strength,
                                          two_m > 0 ? resolution / two_m : resolution, 0.01, false,
                                          -1, &memb, NULL, NULL);
    }
    if (!err) err = igraph_modularity(p.ig, &memb, W(&p), resolution, false, &q);
    if (!err) {
        for (igraph_integer_t v = 0; v < igraph_vector_int_size(&memb); v++)
            membership[v] = VECTOR(memb)[v];
        if (modularity) *modularity = q;
    }
    igraph_vector_int_destroy(&memb);
    igraph_vector_destroy(&strength);
    prep_free(&p);
    tg_graph_free(&owned);
    return err ? tg_graph_i_igraph_error(err, fn, msg) : TG_OK;
}

tg_status tg_graph_louvain(const tg_graph *g, const char *weight, double resolution, uint64_t seed,
                           int64_t *membership, double *modularity, char *msg)
{
    return communities(g, weight, resolution, seed, LOUVAIN, membership, modularity,
                       "graph.louvain", msg);
}

tg_status tg_graph_leiden(const tg_graph *g, const char *weight, double resolution, uint64_t seed,
                          int64_t *membership, double *modularity, char *msg)
{
    return communities(g, weight, resolution, seed, LEIDEN, membership, modularity,
                       "graph.leiden", msg);
}

tg_status tg_graph_modularity(const tg_graph *g, const char *weight, const int64_t *membership,
                              double resolution, double *out, char *msg)
{
    static const char fn[] = "graph.modularity";
    prep p;
    tg_status s = prep_init(g, weight, NO_MODE, &p, fn, msg);
    if (s != TG_OK) return s;
    int64_t n = tg_graph_node_count(g);
    for (int64_t v = 0; v < n; v++)
        if (membership[v] < 0 || membership[v] >= n) {
            prep_free(&p);
            return tg_msg(msg, TG_ERR_ARG, "%s: node '%s': community %lld out of range 0..%lld",
                          fn, tg_graph_node_id(g, v), (long long)membership[v], (long long)n - 1);
        }
    igraph_vector_int_t memb;
    igraph_vector_int_view(&memb, membership, n);
    igraph_error_t err = igraph_modularity(p.ig, &memb, W(&p), resolution,
                                           tg_graph_is_directed(g), out);
    prep_free(&p);
    return err ? tg_graph_i_igraph_error(err, fn, msg) : TG_OK;
}

/* ---- path-length summaries --------------------------------------------- */

tg_status tg_graph_global_efficiency(const tg_graph *g, const char *weight, double *out, char *msg)
{
    static const char fn[] = "graph.global_efficiency";
    prep p;
    tg_status s = prep_init(g, weight, NO_MODE, &p, fn, msg);
    if (s != TG_OK) return s;
    igraph_error_t err = igraph_global_efficiency(p.ig, out, W(&p), true);
    prep_free(&p);
    return err ? tg_graph_i_igraph_error(err, fn, msg) : TG_OK;
}

tg_status tg_graph_average_path_length(const tg_graph *g, double *out, char *msg)
{
    static const char fn[] = "graph.average_path_length";
    prep p;
    tg_status s = prep_init(g, NULL, NO_MODE, &p, fn, msg);
    if (s != TG_OK) return s;
    igraph_error_t err = igraph_average_path_length(p.ig, out, NULL, true, true);
    return err ? tg_graph_i_igraph_error(err, fn, msg) : TG_OK;
}

tg_status tg_graph_diameter(const tg_graph *g, double *out, char *msg)
{
    static const char fn[] = "graph.diameter";
    prep p;
    tg_status s = prep_init(g, NULL, NO_MODE, &p, fn, msg);
    if (s != TG_OK) return s;
    igraph_error_t err = igraph_diameter(p.ig, out, NULL, NULL, NULL, NULL, true, true);
    return err ? tg_graph_i_igraph_error(err, fn, msg) : TG_OK;
}

tg_status tg_graph_neighbors(const tg_graph *g, int64_t v, tg_mode mode, int64_t **out, int64_t *n,
                             char *msg)
{
    static const char fn[] = "graph.neighbors";
    prep p;
    *out = NULL;
    *n = 0;
    tg_status s = prep_init(g, NULL, mode, &p, fn, msg);
    if (s != TG_OK) return s;
    if ((s = check_node(g, v, fn, "", msg)) != TG_OK) return s;
    igraph_vector_int_t nb;
    if (igraph_vector_int_init(&nb, 0) != IGRAPH_SUCCESS)
        return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    igraph_error_t err = igraph_neighbors(p.ig, &nb, v, mode_of(mode));
    if (err) {
        s = tg_graph_i_igraph_error(err, fn, msg);
    } else {
        igraph_integer_t k = igraph_vector_int_size(&nb);
        *out = tg_malloc(sizeof **out * (size_t)(k ? k : 1));
        if (!*out) {
            s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
        } else {
            for (igraph_integer_t i = 0; i < k; i++) (*out)[i] = VECTOR(nb)[i];
            *n = k;
        }
    }
    igraph_vector_int_destroy(&nb);
    return s;
}
