/* bench_brain.c: time twingraph's brain-connectivity measures on whole
 * connectomes, for bench/peer_brain.py to compare with python-networkx and
 * python-igraph on the same matrices in the same run.
 *
 * Input: a CSV matrix (symmetric, weights >= 0; the diagonal is ignored).
 * Each measure is timed alone, best of REPS, on the dense matrix as BCT
 * takes it (the matrix read is not timed: the peers' graph construction
 * is not timed either), except assortativity and coreness, which walk the
 * edges: they run on the sparse view tg.Connectome keeps (tg_brain_adj),
 * whose construction from the matrix is timed apart as `build_ours`, the
 * counterpart of the peers' `build_nx` / `build_ig` (all three belong in
 * a whole-set total).  Weighted paths use lengths 1/w.  Output: `RESULT
 * brain_<tag>_<measure>_ours seconds` lines, and the values to out_file
 * (`measure v1 v2 ...`) so the peer script can check agreement.
 * Usage: bench_brain matrix.csv tag out_file [reps]
 */
#include "graph/tg_graph.h"

#include <stdlib.h>
#include <string.h>

static void put(FILE *f, const char *name, const double *v, int64_t n)
{
    fprintf(f, "%s", name);
    for (int64_t i = 0; i < n; i++) fprintf(f, " %.17g", v[i]);
    fputc('\n', f);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bench_brain matrix.csv tag out_file [reps]\n");
        return 2;
    }
    const char *tag = argv[2];
    int reps = argc > 4 ? atoi(argv[4]) : 5;
    if (reps < 1) reps = 1;
    char msg[TG_MSG_LEN];
    tg_graph *g = NULL;
    tg_read_opts ro = {"matrix", -1, NULL, 0};
    if (tg_graph_read(argv[1], &ro, &g, msg) != TG_OK) {
        fprintf(stderr, "bench_brain: %s\n", msg);
        return 1;
    }
    int64_t n = tg_graph_node_count(g);
    double *W = malloc(sizeof *W * (size_t)(n * n)), *A = malloc(sizeof *A * (size_t)(n * n));
    double *L = malloc(sizeof *L * (size_t)(n * n)), *v = malloc(sizeof *v * (size_t)n), x = 0;
    int64_t *m = malloc(sizeof *m * (size_t)n);
    if (!W || !A || !L || !v || !m || tg_graph_brain_matrix(g, "weight", W, msg) != TG_OK) {
        fprintf(stderr, "bench_brain: %s\n", msg);
        return 1;
    }
    tg_graph_free(&g);
    tg_graph_brain_zero_diagonal(W, n);
    memcpy(A, W, sizeof *A * (size_t)(n * n));
    tg_graph_brain_binarize(A, n);
    FILE *f = fopen(argv[3], "w");
    if (!f) return 1;
    printf("%s: %lld nodes\n", argv[1], (long long)n);
    double t0, best;
    tg_status s = TG_OK;
#define TIME(name, call, out, len)                                                  \
    do {                                                                            \
        best = 1e300;                                                               \
        for (int r = 0; r < reps; r++) {                                            \
            t0 = tg_now();                                                          \
            s = (call);                                                             \
            double t = tg_now() - t0;                                               \
            if (t < best) best = t;                                                 \
        }                                                                           \
        if (s != TG_OK) {                                                           \
            fprintf(stderr, "bench_brain: %s: %s\n", name, msg);                    \
            return 1;                                                               \
        }                                                                           \
        printf("RESULT brain_%s_%s_ours %.9f\n", tag, name, best);                  \
        put(f, name, out, len);                                                     \
    } while (0)
    TIME("strength", (tg_graph_brain_strength(W, n, false, v, NULL, NULL), TG_OK), v, n);
    TIME("clustering_bin", tg_graph_brain_clustering(A, n, false, false, v, msg), v, n);
    TIME("clustering_wei", tg_graph_brain_clustering(W, n, false, true, v, msg), v, n);
    TIME("transitivity_bin", tg_graph_brain_transitivity(A, n, false, false, &x, msg), &x, 1);
    TIME("betweenness_wei", (tg_graph_brain_lengths(W, n, 0, L, msg), tg_graph_brain_betweenness(L, n, true, v, msg)), v, n);
    TIME("betweenness_bin", tg_graph_brain_betweenness(A, n, false, v, msg), v, n);
    TIME("efficiency_wei", tg_graph_brain_efficiency(W, n, true, &x, msg), &x, 1);
    TIME("efficiency_bin", tg_graph_brain_efficiency(A, n, false, &x, msg), &x, 1);
    TIME("local_efficiency_bin", tg_graph_brain_local_efficiency(A, n, false, 1, v, msg), v, n);
    /* The sparse view of W (its nonzeros are A's): built once, as the Lua
     * connectome builds it on first use; each timed build is freed. */
    tg_brain_adj *adj = NULL;
    best = 1e300;
    for (int r = 0; r < reps; r++) {
        tg_graph_brain_adj_free(&adj);
        t0 = tg_now();
        s = tg_graph_brain_adj_new(W, n, false, &adj, msg);
        double t = tg_now() - t0;
        if (t < best) best = t;
        if (s != TG_OK) {
            fprintf(stderr, "bench_brain: sparse view: %s\n", msg);
            return 1;
        }
    }
    printf("RESULT brain_%s_build_ours %.9f\n", tag, best);
    TIME("assortativity_bin", tg_graph_brain_assortativity_adj(adj, false, &x, msg), &x, 1);
    double q = 0;
    TIME("louvain", tg_graph_brain_louvain(W, n, 1.0, TG_BRAIN_POSITIVE, 1, m, &q, msg), &q, 1);
    int64_t *core = m;
    TIME("coreness", tg_graph_brain_coreness_adj(adj, core, msg), v, 0);
    tg_graph_brain_adj_free(&adj);
    for (int64_t i = 0; i < n; i++) v[i] = (double)core[i];
    put(f, "coreness", v, n);
    fclose(f);
    free(W);
    free(A);
    free(L);
    free(v);
    free(m);
    return 0;
}
