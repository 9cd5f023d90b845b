/* bench_betweenness.c: time tg_graph_betweenness on one GraphML network
 * (the Western US power grid in run.sh) and write the result so run.sh can
 * check it against python-igraph's.
 *
 * Only the betweenness call is timed (best of REPS); the read is timed
 * separately for information.  To split the gap to python-igraph into
 * wrapper overhead and library differences, the same igraph_t (borrowed
 * from the graph) also goes straight to igraph_betweenness, once with the
 * handlers twingraph installs and once with igraph's progress handler
 * removed (restored afterwards).  Output: `id value` per node (%.17g) to
 * out_file, plus `RESULT key value` lines on stdout.
 * Usage: bench_betweenness file.graphml out_file [reps]
 */
#include "graph/tg_graph.h"

#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_betweenness file.graphml out_file [reps]\n");
        return 2;
    }
    int reps = argc > 3 ? atoi(argv[3]) : 5;
    if (reps < 1) reps = 1;
    char msg[TG_MSG_LEN];
    tg_graph *g = NULL;
    double t0 = tg_now();
    if (tg_graph_read(argv[1], NULL, &g, msg) != TG_OK) {
        fprintf(stderr, "bench_betweenness: %s\n", msg);
        return 1;
    }
    const igraph_t *ig = NULL;
    if (tg_graph_topology(g, &ig, msg) != TG_OK) {
        fprintf(stderr, "bench_betweenness: %s\n", msg);
        return 1;
    }
    double t_read = tg_now() - t0;
    int64_t n = tg_graph_node_count(g);
    double *out = malloc(sizeof *out * (size_t)(n ? n : 1));
    if (!out) return 1;
    double t_best = 1e300;
    for (int r = 0; r < reps; r++) {
        t0 = tg_now();
        if (tg_graph_betweenness(g, NULL, false, out, msg) != TG_OK) {
            fprintf(stderr, "bench_betweenness: %s\n", msg);
            return 1;
        }
        double t = tg_now() - t0;
        if (t < t_best) t_best = t;
    }
    /* The bare library on the same igraph_t. */
    double t_raw = 1e300, t_raw_noprog = 1e300;
    igraph_vector_t res;
    if (igraph_vector_init(&res, 0) != IGRAPH_SUCCESS) return 1;
    for (int pass = 0; pass < 2; pass++) {
        igraph_progress_handler_t *old = NULL;
        if (pass == 1) old = igraph_set_progress_handler(NULL);
        for (int r = 0; r < reps; r++) {
            t0 = tg_now();
            if (igraph_betweenness(ig, &res, igraph_vss_all(), true, NULL) != IGRAPH_SUCCESS)
                return 1;
            double t = tg_now() - t0;
            double *slot = pass == 0 ? &t_raw : &t_raw_noprog;
            if (t < *slot) *slot = t;
        }
        if (pass == 1) igraph_set_progress_handler(old);
    }
    igraph_vector_destroy(&res);

    FILE *f = fopen(argv[2], "w");
    if (!f) {
        perror(argv[2]);
        return 1;
    }
    for (int64_t v = 0; v < n; v++) fprintf(f, "%s %.17g\n", tg_graph_node_id(g, v), out[v]);
    fclose(f);
    printf("ours: %lld nodes, %lld edges, read %.4f s, betweenness best of %d %.4f s\n",
           (long long)n, (long long)tg_graph_edge_count(g), t_read, reps, t_best);
    printf("bare igraph_betweenness (Debian libigraph): %.4f s; without progress handler "
           "%.4f s\n", t_raw, t_raw_noprog);
    printf("RESULT betweenness_ours %.6f\n", t_best);
    printf("RESULT betweenness_raw %.6f\n", t_raw);
    printf("RESULT betweenness_raw_noprog %.6f\n", t_raw_noprog);
    printf("RESULT betweenness_read %.6f\n", t_read);
    free(out);
    tg_graph_free(&g);
    return 0;
}
