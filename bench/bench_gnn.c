/* bench_gnn.c: per-epoch time and peak memory of a 2-layer GCN (dropout 0.5,
 * GCN(16), ReLU, dropout 0.5, GCN(classes); Adam; masked cross-entropy), the
 * engine's half of the comparison with PyTorch (bench/peer_gnn_torch.py).
 *
 *   bench_gnn cora DATA_DIR EPOCHS
 *   bench_gnn random N M F EDGEFILE EPOCHS   -- writes EDGEFILE (int32 src, then dst)
 *   bench_gnn spmm N M C REPS               -- the GCN sparse product alone vs memcpy bandwidth
 *   bench_gnn profile N M F EPOCHS          -- one training epoch of the same model broken into its
 *                                              operations (forward and backward ms of each tape node)
 *   With GNN_SEG=S set, spmm also times a cache-blocked variant (sources in segments of S nodes,
 *   one CSR per segment): the evaluation recorded in docs/benchmarks.md, not a library path.
 *
 * The random graph: M directed edges with uniform endpoints (seeded), used
 * as given plus a self loop per node, F standard-normal features, 8
 * classes; every node is a training node.  The same edges go to the peer
 * through EDGEFILE.  Prints "RESULT gnn_<case>_engine_ms <ms per epoch>" and
 * "RESULT gnn_<case>_engine_mib <peak RSS MiB>" after one warm-up epoch (the median of EPOCHS epochs).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <GraphBLAS.h>

#include "core/tg_core.h"
#include "gnn/gnn_internal.h"
#include "gnn/tg_gnn.h"

static double peak_mib(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_maxrss / 1024.0;
}

static tg_gnn_model *gcn_model(tg_gnn_data *d, int classes, char *msg)
{
    tg_gnn_layer_spec L[5] = {tg_gnn_layer_default(TG_GNN_DROPOUT), tg_gnn_layer_default(TG_GNN_GCN),
                              tg_gnn_layer_default(TG_GNN_RELU), tg_gnn_layer_default(TG_GNN_DROPOUT),
                              tg_gnn_layer_default(TG_GNN_GCN)};
    L[0].p = L[3].p = 0.5;
    L[1].out = 16;
    L[4].out = classes;
    tg_gnn_model *m = NULL;
    return tg_gnn_model_new(&m, 5, L, tg_gnn_data_features(d), 1, msg) == TG_OK ? m : NULL;
}

/* The training epoch of tg_gnn_fit (reset, forward, masked cross-entropy,
 * backward; the Adam step over 1.2k weights is left out) with the tape's
 * profile on: each node's forward and backward time, from the last of
 * EPOCHS epochs (the first sizes the arena). */
static int profile(tg_gnn_data *d, int classes, int epochs)
{
    char msg[TG_MSG_LEN];
    tg_gnn_model *m = gcn_model(d, classes, msg);
    if (!m) {
        fprintf(stderr, "%s\n", msg);
        return 1;
    }
    double prof[2 * 64];
    gnn_tape t;
    tg_gnn_i_tape_init(&t, 1);
    double wall = 0;
    int loss = -1;
    for (int ep = 0; ep < epochs; ep++) {
        memset(prof, 0, sizeof prof);
        t.prof = prof;
        t.prof_n = 64;
        double t0 = tg_now();
        if (tg_gnn_i_tape_reset(&t, msg) != TG_OK) break;
        t.training = true;
        for (int k = 0; k < m->np; k++) memset(m->params[k].grad, 0, sizeof(float) * (size_t)(m->params[k].rows * m->params[k].cols));
        int out = tg_gnn_i_forward(m, &t, d, d->x);
        loss = tg_gnn_i_ce(&t, out, d->y, d->split, TG_GNN_TRAIN);
        if (tg_gnn_i_backward(&t, loss, msg) != TG_OK) break;
        wall = tg_now() - t0;
    }
    if (loss < 0) {
        fprintf(stderr, "profile: %s\n", t.err != TG_OK ? t.msg : msg);
        tg_gnn_i_tape_free(&t);
        tg_gnn_model_free(&m);
        return 1;
    }
    double sum = 0;
    printf("profile of one training epoch (the last of %d), %zu tape nodes:\n", epochs, t.n);
    printf("  %-3s %-14s %9s %11s %11s\n", "id", "op", "shape", "fwd ms", "bwd ms");
    for (size_t k = 0; k < t.n && k < 64; k++) {
        const gnn_node *n = &t.nodes[k];
        if (n->op == OP_LEAF || n->op == OP_PARAM) continue;
        printf("  %-3zu %-14s %4lldx%-4lld %11.1f %11.1f\n", k, tg_gnn_i_op_name(n->op), (long long)n->rows,
               (long long)n->cols, 1000 * prof[2 * k], 1000 * prof[2 * k + 1]);
        sum += prof[2 * k] + prof[2 * k + 1];
    }
    printf("  kernels %.1f ms of the epoch's %.1f ms; arena %.0f MiB; peak RSS %.0f MiB\n", 1000 * sum, 1000 * wall,
           (double)t.arena_cap / 1048576.0, peak_mib());
    printf("RESULT gnn_profile_epoch_ms %.3f\n", 1000 * wall);
    tg_gnn_i_tape_free(&t);
    tg_gnn_model_free(&m);
    return 0;
}

static int run(tg_gnn_data *d, int classes, int epochs, const char *name)
{
    char msg[TG_MSG_LEN];
    tg_gnn_model *m = gcn_model(d, classes, msg);
    if (!m) {
        fprintf(stderr, "%s\n", msg);
        return 1;
    }
    tg_gnn_fit_opts o = tg_gnn_fit_defaults();
    o.epochs = epochs + 1;
    o.weight_decay = 5e-4;
    tg_gnn_fit_result r;
    if (tg_gnn_fit(m, d, &o, NULL, NULL, &r, msg) != TG_OK) {
        fprintf(stderr, "%s\n", msg);
        tg_gnn_model_free(&m);
        return 1;
    }
    printf("engine %s: %d epochs, median epoch %.2f ms (fit also evaluates the validation split each epoch: "
           "not timed), peak RSS %.0f MiB\n",
           name, r.epochs, r.epoch_ms_median, peak_mib());
    printf("RESULT gnn_%s_engine_ms %.3f\nRESULT gnn_%s_engine_mib %.1f\n", name, r.epoch_ms_median, name, peak_mib());
    tg_gnn_model_free(&m);
    return 0;
}

int main(int argc, char **argv)
{
    char msg[TG_MSG_LEN];
    tg_gnn_data *d = NULL;
    if (argc == 4 && strcmp(argv[1], "cora") == 0) {
        if (tg_gnn_data_read_cora(argv[2], true, &d, msg) != TG_OK) {
            fprintf(stderr, "%s\n", msg);
            return 1;
        }
        int rc = run(d, 7, atoi(argv[3]), "cora");
        tg_gnn_data_free(&d);
        return rc;
    }
    if (argc == 6 && strcmp(argv[1], "spmm") == 0) {
        /* One forward GCN product A_hat X (X: N x C) on a uniform random graph,
         * best of REPS, against memcpy of a 256 MiB buffer: the product moves
         * at least M x (4 B source id + 4 B weight + 4C B gathered row) +
         * N x 4C B written, so bytes / time over the copy bandwidth (read +
         * write) says how close it runs to the machine's memory speed. */
        int64_t n = atoll(argv[2]), m = atoll(argv[3]), c = atoll(argv[4]);
        int reps = atoi(argv[5]);
        tg_rng r;
        tg_rng_seed(&r, 20261123);
        int64_t *s = malloc(sizeof *s * (size_t)m), *t = malloc(sizeof *t * (size_t)m);
        for (int64_t k = 0; k < m; k++) {
            s[k] = (int64_t)tg_rng_below(&r, (uint64_t)n);
            t[k] = (int64_t)tg_rng_below(&r, (uint64_t)n);
        }
        tg_gnn_graph *g = NULL;
        if (tg_gnn_graph_new(&g, n, m, s, t, true, msg) != TG_OK || tg_gnn_i_graph_gcn_weights(g, msg) != TG_OK) {
            fprintf(stderr, "%s\n", msg);
            return 1;
        }
        free(s);
        free(t);
        float *x = malloc(sizeof *x * (size_t)(n * c));
        for (int64_t i = 0; i < n * c; i++) x[i] = (float)tg_rng_uniform(&r);
        double best = 1e30;
        gnn_tape tp;
        tg_gnn_i_tape_init(&tp, 1);
        for (int k = 0; k <= reps; k++) {
            tg_gnn_i_tape_reset(&tp, msg);
            int leaf = tg_gnn_i_leaf(&tp, n, c, x);
            double t0 = tg_now();
            tg_gnn_i_spmm(&tp, g, 2, leaf);
            double dt = tg_now() - t0;
            if (k > 0 && dt < best) best = dt;   /* k = 0 sizes the arena */
        }
        /* Cache blocking evaluated (not in the library): the sources cut into
         * segments of SEG nodes whose rows (SEG x C floats) fit in the L3
         * cache, one CSR by destination per segment; the product runs
         * segment by segment, so every gathered row comes from cache, at the
         * price of streaming the output S times. */
        const char *segenv = getenv("GNN_SEG");
        if (segenv) {
            int64_t seg = atoll(segenv), ns = (n + seg - 1) / seg;
            int32_t *sptr = malloc(sizeof *sptr * (size_t)(ns * (n + 1)));
            int32_t *sidx = malloc(sizeof *sidx * (size_t)g->m);
            float *sw = malloc(sizeof *sw * (size_t)g->m);
            float *out = malloc(sizeof *out * (size_t)(n * c));
            memset(sptr, 0, sizeof *sptr * (size_t)(ns * (n + 1)));
            for (int64_t i = 0; i < n; i++)
                for (int64_t e = g->rowptr[i]; e < g->rowptr[i + 1]; e++) sptr[(g->src[e] / seg) * (n + 1) + i + 1]++;
            int32_t run = 0;
            for (int64_t b = 0; b < ns; b++)
                for (int64_t i = 0; i <= n; i++) {
                    run += sptr[b * (n + 1) + i];
                    sptr[b * (n + 1) + i] = run;
                }
            int32_t *pos = malloc(sizeof *pos * (size_t)(ns * (n + 1)));
            memcpy(pos, sptr, sizeof *pos * (size_t)(ns * (n + 1)));
            for (int64_t i = 0; i < n; i++)
                for (int64_t e = g->rowptr[i]; e < g->rowptr[i + 1]; e++) {
                    int64_t b = g->src[e] / seg;
                    int32_t q = pos[b * (n + 1) + i]++;
                    sidx[q] = g->src[e];
                    sw[q] = g->gcn_w[e];
                }
            free(pos);
            double bs = 1e30;
            for (int k = 0; k <= reps; k++) {
                double t0 = tg_now();
                memset(out, 0, sizeof *out * (size_t)(n * c));
                for (int64_t b = 0; b < ns; b++) {
                    const int32_t *p = sptr + b * (n + 1);
#pragma omp parallel for schedule(static)
                    for (int64_t i = 0; i < n; i++) {
                        float *restrict o = out + i * c;
                        for (int32_t q = p[i]; q < p[i + 1]; q++) {
                            const float *restrict xr = x + (int64_t)sidx[q] * c;
                            const float wq = sw[q];
#pragma omp simd
                            for (int64_t j = 0; j < c; j++) o[j] += wq * xr[j];
                        }
                    }
                }
                double dt = tg_now() - t0;
                if (k > 0 && dt < bs) bs = dt;
            }
            printf("segmented (%lld segments of %lld sources): best %.1f ms vs %.1f ms\n", (long long)ns, (long long)seg,
                   1000 * bs, 1000 * best);
            free(sptr);
            free(sidx);
            free(sw);
            free(out);
        }
        tg_gnn_i_tape_free(&tp);
        /* The same product with GraphBLAS (SuiteSparse:GraphBLAS of Debian):
         * A_hat as a GrB_Matrix (CSR by destination = row), X as a full
         * matrix, C = A X over the plus-times semiring. */
        double best_grb = -1;
        GrB_init(GrB_NONBLOCKING);   /* fails harmlessly if already initialised */
        {
            GrB_Matrix A = NULL, X = NULL, C = NULL;
            GrB_Index *ri = malloc(sizeof *ri * (size_t)g->m), *ci = malloc(sizeof *ci * (size_t)g->m);
            GrB_Index *xi = malloc(sizeof *xi * (size_t)(n * c)), *xj = malloc(sizeof *xj * (size_t)(n * c));
            for (int64_t e = 0; e < g->m; e++) {
                ri[e] = (GrB_Index)g->dst[e];
                ci[e] = (GrB_Index)g->src[e];
            }
            for (int64_t i = 0; i < n * c; i++) {
                xi[i] = (GrB_Index)(i / c);
                xj[i] = (GrB_Index)(i % c);
            }
            bool ok = GrB_Matrix_new(&A, GrB_FP32, (GrB_Index)n, (GrB_Index)n) == GrB_SUCCESS &&
                      GrB_Matrix_build_FP32(A, ri, ci, g->gcn_w, (GrB_Index)g->m, GrB_PLUS_FP32) == GrB_SUCCESS &&
                      GrB_Matrix_new(&X, GrB_FP32, (GrB_Index)n, (GrB_Index)c) == GrB_SUCCESS &&
                      GrB_Matrix_build_FP32(X, xi, xj, x, (GrB_Index)(n * c), GrB_PLUS_FP32) == GrB_SUCCESS &&
                      GrB_Matrix_wait(A, GrB_MATERIALIZE) == GrB_SUCCESS && GrB_Matrix_wait(X, GrB_MATERIALIZE) == GrB_SUCCESS;
            free(ri);
            free(ci);
            free(xi);
            free(xj);
            for (int k = 0; ok && k <= reps; k++) {
                GrB_Matrix_free(&C);
                double t0 = tg_now();
                ok = GrB_Matrix_new(&C, GrB_FP32, (GrB_Index)n, (GrB_Index)c) == GrB_SUCCESS &&
                     GrB_mxm(C, NULL, NULL, GrB_PLUS_TIMES_SEMIRING_FP32, A, X, NULL) == GrB_SUCCESS &&
                     GrB_Matrix_wait(C, GrB_MATERIALIZE) == GrB_SUCCESS;
                double dt = tg_now() - t0;
                if (ok && k > 0 && (best_grb < 0 || dt < best_grb)) best_grb = dt;
            }
            GrB_Matrix_free(&A);
            GrB_Matrix_free(&X);
            GrB_Matrix_free(&C);
        }
        if (best_grb > 0)
            printf("GraphBLAS GrB_mxm (plus-times FP32, full X) on the same product: best %.1f ms (%.2fx the CSR kernel's time)\n",
                   1000 * best_grb, best_grb / best);
        printf("RESULT gnn_spmm_graphblas_ms %.3f\n", 1000 * best_grb);
        size_t big = (size_t)256 << 20;
        char *a = malloc(big), *b = malloc(big);
        memset(a, 1, big);
        memset(b, 2, big);
        double bc = 1e30;
        for (int k = 0; k < 3; k++) {
            double t0 = tg_now();
            memcpy(b, a, big);
            double dt = tg_now() - t0;
            if (dt < bc) bc = dt;
        }
        double bw = 2.0 * (double)big / bc;   /* bytes read + written per second */
        double bytes = (double)g->m * (8.0 + 4.0 * (double)c) + (double)n * 4.0 * (double)c;
        printf("spmm %lld nodes, %lld edges (with self loops), %lld columns: best %.1f ms, %.2f GB/s moved; "
               "memcpy %.2f GB/s (read + write): %.0f %% of it\n",
               (long long)n, (long long)g->m, (long long)c, 1000 * best, bytes / best / 1e9, bw / 1e9,
               100 * bytes / best / bw);
        printf("RESULT gnn_spmm_ms %.3f\nRESULT gnn_spmm_gbs %.3f\nRESULT gnn_memcpy_gbs %.3f\n", 1000 * best,
               bytes / best / 1e9, bw / 1e9);
        free(a);
        free(b);
        free(x);
        tg_gnn_graph_free(&g);
        return 0;
    }
    bool prof = argc == 6 && strcmp(argv[1], "profile") == 0;
    if (!prof && (argc != 7 || strcmp(argv[1], "random") != 0)) {
        fprintf(stderr, "usage: bench_gnn cora DATA_DIR EPOCHS | bench_gnn random N M F EDGEFILE EPOCHS | "
                        "bench_gnn spmm N M C REPS | bench_gnn profile N M F EPOCHS\n");
        return 2;
    }
    int64_t n = atoll(argv[2]), m = atoll(argv[3]), f = atoll(argv[4]);
    const char *edgefile = prof ? NULL : argv[5];
    int epochs = atoi(argv[prof ? 5 : 6]);
    tg_rng r;
    tg_rng_seed(&r, 20261123);
    int64_t *s = malloc(sizeof *s * (size_t)m), *t = malloc(sizeof *t * (size_t)m);
    int32_t *buf = malloc(sizeof *buf * (size_t)m);
    for (int64_t k = 0; k < m; k++) {
        s[k] = (int64_t)tg_rng_below(&r, (uint64_t)n);
        t[k] = (int64_t)tg_rng_below(&r, (uint64_t)n);
    }
    FILE *fp = edgefile ? fopen(edgefile, "wb") : NULL;
    if (edgefile && !fp) {
        fprintf(stderr, "cannot write %s\n", edgefile);
        return 1;
    }
    if (fp) {
        for (int64_t k = 0; k < m; k++) buf[k] = (int32_t)s[k];
        fwrite(buf, sizeof *buf, (size_t)m, fp);
        for (int64_t k = 0; k < m; k++) buf[k] = (int32_t)t[k];
        fwrite(buf, sizeof *buf, (size_t)m, fp);
        fclose(fp);
    }
    free(buf);
    tg_gnn_graph *g = NULL;
    if (tg_gnn_graph_new(&g, n, m, s, t, true, msg) != TG_OK) {
        fprintf(stderr, "%s\n", msg);
        return 1;
    }
    free(s);
    free(t);
    float *x = malloc(sizeof *x * (size_t)(n * f));
    int32_t *y = malloc(sizeof *y * (size_t)n);
    uint8_t *split = calloc((size_t)n, 1);   /* all train */
    for (int64_t i = 0; i < n * f; i++) x[i] = (float)tg_rng_normal(&r);
    for (int64_t i = 0; i < n; i++) y[i] = (int32_t)tg_rng_below(&r, 8);
    if (tg_gnn_data_new(&d, &g, f, x, y, split, msg) != TG_OK) {
        fprintf(stderr, "%s\n", msg);
        return 1;
    }
    free(x);
    free(y);
    free(split);
    int rc = prof ? profile(d, 8, epochs) : run(d, 8, epochs, "random");
    tg_gnn_data_free(&d);
    return rc;
}
