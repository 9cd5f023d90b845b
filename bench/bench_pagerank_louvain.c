/* bench_pagerank_louvain.c: time tg_graph_pagerank (damping 0.85) and
 * tg_graph_louvain (resolution 1, seed 42) on one GraphML network, best of
 * REPS each, and write the PageRank vector (`id value` per node, %.17g) for
 * run.sh's comparison with python-igraph.  The bare igraph calls on the same
 * igraph_t are timed too, to separate wrapper overhead from library speed.  Louvain is randomised and the
 * two libraries use different random streams, so only the modularity
 * reached is compared, not the partition.
 * Usage: bench_pagerank_louvain file.graphml out_file [reps]
 */
#include "graph/tg_graph.h"

#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_pagerank_louvain file.graphml out_file [reps]\n");
        return 2;
    }
    int reps = argc > 3 ? atoi(argv[3]) : 5;
    if (reps < 1) reps = 1;
    char msg[TG_MSG_LEN];
    tg_graph *g = NULL;
    if (tg_graph_read(argv[1], NULL, &g, msg) != TG_OK) {
        fprintf(stderr, "bench_pagerank_louvain: %s\n", msg);
        return 1;
    }
    const igraph_t *ig = NULL;
    if (tg_graph_topology(g, &ig, msg) != TG_OK) {
        fprintf(stderr, "bench_pagerank_louvain: %s\n", msg);
        return 1;
    }
    int64_t n = tg_graph_node_count(g);
    double *pr = malloc(sizeof *pr * (size_t)(n ? n : 1));
    int64_t *memb = malloc(sizeof *memb * (size_t)(n ? n : 1));
    if (!pr || !memb) return 1;
    double t_pr = 1e300, t_lv = 1e300, q = 0;
    for (int r = 0; r < reps; r++) {
        double t0 = tg_now();
        if (tg_graph_pagerank(g, NULL, 0.85, pr, msg) != TG_OK) {
            fprintf(stderr, "bench_pagerank_louvain: %s\n", msg);
            return 1;
        }
        double t1 = tg_now();
        if (tg_graph_louvain(g, NULL, 1.0, 42, memb, &q, msg) != TG_OK) {
            fprintf(stderr, "bench_pagerank_louvain: %s\n", msg);
            return 1;
        }
        double t2 = tg_now();
        if (t1 - t0 < t_pr) t_pr = t1 - t0;
        if (t2 - t1 < t_lv) t_lv = t2 - t1;
    }
    /* The bare library on the same igraph_t, same arguments. */
    double t_pr_raw = 1e300, t_lv_raw = 1e300;
    igraph_vector_t res;
    igraph_vector_int_t cm;
    if (igraph_vector_init(&res, 0) || igraph_vector_int_init(&cm, 0)) return 1;
    for (int r = 0; r < reps; r++) {
        double t0 = tg_now();
        if (igraph_pagerank(ig, IGRAPH_PAGERANK_ALGO_PRPACK, &res, NULL, igraph_vss_all(), true,
                            0.85, NULL, NULL) != IGRAPH_SUCCESS)
            return 1;
        double t1 = tg_now();
        igraph_rng_seed(igraph_rng_default(), 42);
        if (igraph_community_multilevel(ig, NULL, 1.0, &cm, NULL, NULL) != IGRAPH_SUCCESS)
            return 1;
        double t2 = tg_now();
        if (t1 - t0 < t_pr_raw) t_pr_raw = t1 - t0;
        if (t2 - t1 < t_lv_raw) t_lv_raw = t2 - t1;
    }
    igraph_vector_destroy(&res);
    igraph_vector_int_destroy(&cm);

    int64_t ncomm = 0;
    for (int64_t v = 0; v < n; v++)
        if (memb[v] + 1 > ncomm) ncomm = memb[v] + 1;
    FILE *f = fopen(argv[2], "w");
    if (!f) {
        perror(argv[2]);
        return 1;
    }
    for (int64_t v = 0; v < n; v++) fprintf(f, "%s %.17g\n", tg_graph_node_id(g, v), pr[v]);
    fclose(f);
    printf("ours: pagerank %.5f s, louvain %.5f s (%lld communities, modularity %.6f)\n", t_pr,
           t_lv, (long long)ncomm, q);
    printf("bare igraph (Debian libigraph): pagerank %.5f s, multilevel %.5f s\n", t_pr_raw,
           t_lv_raw);
    printf("RESULT pagerank_ours %.6f\n", t_pr);
    printf("RESULT pagerank_raw %.6f\n", t_pr_raw);
    printf("RESULT louvain_raw %.6f\n", t_lv_raw);
    printf("RESULT louvain_ours %.6f\n", t_lv);
    printf("RESULT louvain_ours_q %.6f\n", q);
    free(pr);
    free(memb);
    tg_graph_free(&g);
    return 0;
}
